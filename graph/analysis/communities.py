"""Communities of entities (Louvain, from networkx), each described by its most central members.

Louvain runs on the undirected graph of linked entity pairs, a pair weighing as many claims as
link it. It is seeded, so the same build gives the same communities. Cost: each pass is O(P)
(P linked pairs) and the number of passes is small in practice (near-linear overall).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from graph.analysis.gcpause import paused_gc
from graph.analysis.memo import per_frozen_graph
from graph.analysis.simple import collapse


@dataclass
class Member:
    entity: str
    label: str
    types: list[str]
    degree: int  # linked entities inside the community


@dataclass
class Community:
    index: int
    size: int
    members: list[str]
    central: list[Member] = field(default_factory=list)
    types: dict[str, int] = field(default_factory=dict)
    claims: int = 0  # claims inside the community

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@per_frozen_graph
def communities(graph: nx.MultiDiGraph, *, seed: int = 42, resolution: float = 1.0,
                top: int = 5, min_size: int = 1) -> list[Community]:
    """Louvain communities, largest first, each with its ``top`` best-linked members.

    ``resolution`` above 1 gives more, smaller communities. Members are ranked by their degree
    inside the community (then by id), a cheap O(P) description that needs no second measure.
    """
    simple = collapse(graph)
    if simple.number_of_nodes() == 0:
        return []
    with paused_gc():
        parts = nx.community.louvain_communities(simple, weight="weight",
                                                 resolution=resolution, seed=seed)
    ordered = sorted((sorted(p) for p in parts if len(p) >= min_size),
                     key=lambda members: (-len(members), members[0]))
    result = []
    for index, members in enumerate(ordered):
        inside = simple.subgraph(members)
        ranked = sorted(members, key=lambda n: (-inside.degree(n), n))[:top]
        central = [Member(n, str(graph.nodes[n].get("label") or n),
                          list(graph.nodes[n].get("types") or []), inside.degree(n))
                   for n in ranked]
        types = Counter(t for n in members for t in graph.nodes[n].get("types") or [])
        claims = sum(len(d["claims"]) for _u, _v, d in inside.edges(data=True))
        result.append(Community(index, len(members), members, central,
                                dict(types.most_common()), claims))
    return result
