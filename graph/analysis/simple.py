"""The multigraph of claims collapsed to a simple graph: one edge per pair of entities.

Path searches, betweenness, Louvain and the broker search work on entity pairs, and several of
networkx's algorithms refuse multigraphs; each collapsed edge keeps the claims it stands for,
best-sourced first, so results can still be traced back to their evidence.
"""

from __future__ import annotations

import weakref
from typing import Any

import networkx as nx

from graph.analysis.gcpause import paused_gc


def _strength(data: dict[str, Any]) -> tuple[int, int, str]:
    """Order claims by evidence: more independent sources, more sources, then claim id."""
    return (-int(data.get("independent_source_count") or data.get("source_count") or 0),
            -int(data.get("source_count") or 0), str(data.get("claim", "")))


def collapse(graph: nx.MultiDiGraph, *, directed: bool = False) -> nx.Graph:
    """A simple (Di)Graph with, per entity pair, the claims between them, best-sourced first.

    Each collapsed edge carries ``claims``: a list of (subject, object, key, data). O(E log E)
    for the sort, in practice O(E). Cached per frozen graph (``cached_project`` results).
    """
    cache = _collapsed if nx.is_frozen(graph) else None
    if cache is not None:
        hit = cache.get(graph, {}).get(directed)
        if hit is not None:
            return hit
    with paused_gc():
        simple = _collapse(graph, directed)
    if cache is not None:
        cache.setdefault(graph, {})[directed] = simple
    return simple


def _collapse(graph: nx.MultiDiGraph, directed: bool) -> nx.Graph:
    simple: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for u, v, key, data in graph.edges(keys=True, data=True):
        if u == v:
            continue
        if simple.has_edge(u, v):
            simple[u][v]["claims"].append((u, v, key, data))
        else:
            simple.add_edge(u, v, claims=[(u, v, key, data)])
    for _u, _v, data in simple.edges(data=True):
        data["claims"].sort(key=lambda c: _strength(c[3]))
        data["weight"] = len(data["claims"])
    return simple


_collapsed: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[bool, nx.Graph]] = (
    weakref.WeakKeyDictionary()
)
