"""Importers: tables (with a declarative mapping), FollowTheMoney streams and Wikidata items
become ledger records, resolved against the graph, validated by the one pipeline before a file
is written (docs/import.md)."""
