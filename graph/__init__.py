"""Custodiet: a sourced knowledge graph of the surveillance-technology landscape.

The package is layered so that a newcomer can read the folder tree as the architecture:
``schema/`` (vocabulary as data) -> ``ledger/`` (YAML in, validated records out) ->
``rdf/`` (records to RDF) -> ``store/`` (where the RDF lives) -> ``queries/`` (named SPARQL)
-> ``cli/``, ``server/``, ``ui/`` and ``analysis/`` (the ways users reach it).
"""

__version__ = "0.1.0"
