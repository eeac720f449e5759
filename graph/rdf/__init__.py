"""From validated ledger records to RDF (N-Quads), and checks on the RDF itself."""
