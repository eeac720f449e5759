"""Brokers: entities whose removal disconnects vendors from agencies or investors.

An entity is a broker when some vendor and some agency (or investor) are linked through the
claims graph only via it: it is a cut vertex (articulation point) separating them. Its score is
the number of (vendor, agency-or-investor) pairs that would lose every connection without it.

networkx finds cut vertices and biconnected components, but has no function that says *which*
pairs a cut vertex separates; doing it by removing each cut vertex and recomputing components
costs O(A · (N + P)) (A cut vertices), too slow on a 100k-claim graph. So the count is done
here on the block-cut tree (blocks and cut vertices; removing a cut vertex splits its component
into the subtrees around it), with subtree sums: O(N + P) overall after networkx's O(N + P)
biconnected components.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from graph.analysis.gcpause import paused_gc
from graph.analysis.memo import per_frozen_graph
from graph.analysis.simple import collapse
from graph.vocabulary import load_vocabulary

DEFAULT_SIDES: tuple[tuple[str, ...], tuple[str, ...]] = (("Vendor",), ("Agency", "Investor"))


@dataclass
class Broker:
    entity: str
    label: str
    types: list[str]
    separated_pairs: int  # (side-A, side-B) pairs connected only through this entity
    pieces: list[dict[str, int]] = field(default_factory=list)  # per piece: counts of each side

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _member_of(graph: nx.MultiDiGraph, classes: Iterable[str]) -> set[str]:
    vocab = load_vocabulary()
    wanted = set(classes)
    unknown = wanted - set(vocab.entity_classes)
    if unknown:
        raise ValueError(f"unknown entity type(s) {sorted(unknown)}")
    return {n for n, types in graph.nodes(data="types")
            if any(wanted & vocab.ancestors(t) for t in types or [])}


@per_frozen_graph
def brokers(graph: nx.MultiDiGraph, *, side_a: Iterable[str] = DEFAULT_SIDES[0],
            side_b: Iterable[str] = DEFAULT_SIDES[1], top: int | None = None) -> list[Broker]:
    """Entities separating ``side_a`` members (vendors) from ``side_b`` ones (agencies,
    investors), most separating first. Direction of claims is ignored. O(N + P).
    """
    with paused_gc():
        return _brokers(graph, side_a, side_b, top)


def _brokers(graph: nx.MultiDiGraph, side_a: Iterable[str], side_b: Iterable[str],
             top: int | None) -> list[Broker]:
    a_nodes, b_nodes = _member_of(graph, side_a), _member_of(graph, side_b)
    simple = collapse(graph)
    cuts = set(nx.articulation_points(simple))
    if not cuts:
        return []
    # Block-cut tree: ("b", i) per biconnected block, ("c", v) per cut vertex.
    tree = nx.Graph()
    weight: dict[tuple[str, object], tuple[int, int]] = {}
    for v in cuts:
        weight[("c", v)] = (int(v in a_nodes), int(v in b_nodes))
    for i, block in enumerate(nx.biconnected_components(simple)):
        inner = [n for n in block if n not in cuts]
        weight[("b", i)] = (sum(n in a_nodes for n in inner), sum(n in b_nodes for n in inner))
        tree.add_node(("b", i))
        tree.add_edges_from((("b", i), ("c", v)) for v in block if v in cuts)
    found: list[Broker] = []
    for component in nx.connected_components(tree):
        root = next(iter(component))
        order = list(nx.dfs_preorder_nodes(tree, root))
        parent = dict(nx.dfs_predecessors(tree, root))
        below: dict[tuple[str, object], tuple[int, int]] = {}
        for node in reversed(order):  # children before parents: subtree sums
            a, b = weight[node]
            for child in tree[node]:
                if parent.get(child) == node:
                    a, b = a + below[child][0], b + below[child][1]
            below[node] = (a, b)
        total_a, total_b = below[root]
        for node in order:
            if node[0] != "c":
                continue
            v = node[1]
            pieces = [below[c] for c in tree[node] if parent.get(c) == node]
            if node != root:  # everything outside v's subtree is one more piece
                pieces.append((total_a - below[node][0], total_b - below[node][1]))
            # Pairs across two different pieces; pairs inside one piece stay connected.
            piece_b = sum(b for _a, b in pieces)
            separated = sum(a * (piece_b - b) for a, b in pieces)
            if separated:
                attrs = graph.nodes[v]
                found.append(Broker(str(v), str(attrs.get("label") or v),
                                    list(attrs.get("types") or []), separated,
                                    [{"side_a": a, "side_b": b} for a, b in pieces]))
    found.sort(key=lambda b: (-b.separated_pairs, b.entity))
    return found[:top] if top is not None else found
