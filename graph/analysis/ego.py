"""Ego networks: an entity, the entities within ``radius`` claims of it, and their claims."""

from __future__ import annotations

import networkx as nx

from graph.analysis.gcpause import paused_gc


def ego(graph: nx.MultiDiGraph, entity: str, radius: int = 1, *,
        directed: bool = False) -> nx.MultiDiGraph:
    """The subgraph induced by the entities within ``radius`` hops of ``entity``.

    Hops ignore the direction of claims unless ``directed`` (then only claims leaving the
    entity are followed). Every claim between two kept entities is kept, with its sources.
    Breadth-first search on an undirected *view* (``nx.ego_graph(undirected=True)`` would copy
    the whole graph first): O(size of the neighbourhood). Returns an independent copy.
    """
    if entity not in graph:
        raise nx.NodeNotFound(f"{entity!r} has no claim in this graph")
    walk = graph if directed else graph.to_undirected(as_view=True)
    with paused_gc():
        nodes = nx.single_source_shortest_path_length(walk, entity, cutoff=radius)
        result: nx.MultiDiGraph = graph.subgraph(nodes).copy()
    result.graph["ego"] = entity
    result.graph["radius"] = radius
    return result
