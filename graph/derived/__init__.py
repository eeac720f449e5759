"""Per-build derived tables: what the whole-graph views need, computed once per build.

A validator sink (``graph.derived.sink``) streams every valid record's row to files in the
staging folder; at publish time ``graph.derived.tables`` turns them into one DuckDB database
per build id, beside the store, written before the store switches; ``graph.derived.views``
reads them with keyset paging. SPARQL users read the same facts in the RDF: both sides take
the evidence from ``graph.evidence.summary``.
"""
