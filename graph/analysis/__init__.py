"""Network analysis of the claims graph: the one layer of Custodiet that uses networkx.

``projection`` turns the store into a ``networkx.MultiDiGraph`` whose edges are claims (with
their sources); ``measures``, ``communities``, ``brokers``, ``paths`` and ``ego`` answer the
structural questions on it; ``export`` writes it for Gephi, Cytoscape and spreadsheets;
``resolve`` turns what an analyst types (an id, a label, an alias) into an entity id.
See ``docs/analysis.md`` for the definitions and the cost of each measure.
"""
