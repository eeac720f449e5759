"""What the evidence behind a claim is worth: lines, grades, lifecycles, contradictions, time.

Computed from what the validator knows of each record (``graph.ledger.model.Known``), at build
time, and written into the RDF by the N-Quads sink, so SPARQL users, the dashboard and the
dossier read one answer. The rules are explained, with examples from the bundled data, in
docs/evidence.md.
"""
