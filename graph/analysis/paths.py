"""Paths between two entities as chains of claims, each hop with its sources.

An analyst must be able to defend every step of "how is this fund linked to that agency", so a
path is returned as hops that each name the claim (and its sources) behind the step, and the
hop resting on the fewest sources is flagged as the weakest link.

Two entities may be linked by several claims; a path goes through entities, and each hop uses
the best-sourced claim between its two entities (the others are listed in ``alternatives``).
The search runs on the simple graph of ``graph.analysis.simple`` for that reason: networkx's
path generators do not accept multigraphs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from graph.analysis.gcpause import paused_gc
from graph.analysis.simple import collapse


@dataclass
class Hop:
    """One step of a path: the claim ``subject predicate object`` and its evidence.

    ``forward`` is False when an undirected search walked the claim against its direction.
    """

    subject: str
    predicate: str
    object: str
    claim: str
    sources: list[str]
    source_count: int
    date: str | None = None
    status: str | None = None
    date_precision: str | None = None
    forward: bool = True
    alternatives: list[str] = field(default_factory=list)
    weakest: bool = False

    @property
    def date_text(self) -> str:
        """The date as precise as it is known: ``2017``, ``2021-02`` or ``2021-12-30``."""
        return partial_date(self.date, self.date_precision)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def partial_date(date: str | None, precision: str | None) -> str:
    """Dates are stored at the first day of their period; show only what is known."""
    if not date:
        return ""
    return date[:4] if precision == "year" else date[:7] if precision == "month" else date


class Path(list[Hop]):
    """A list of hops from the source entity to the target entity."""

    @property
    def nodes(self) -> list[str]:
        """The entities visited, source first."""
        if not self:
            return []
        first = self[0]
        nodes = [first.subject if first.forward else first.object]
        nodes += [hop.object if hop.forward else hop.subject for hop in self]
        return nodes

    @property
    def weakest(self) -> Hop | None:
        """The hop with the fewest sources (the first of them on a tie)."""
        return min(self, key=lambda hop: hop.source_count) if self else None

    @property
    def min_sources(self) -> int:
        weakest = self.weakest
        return weakest.source_count if weakest else 0

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "length": len(self), "min_sources": self.min_sources,
                "hops": [hop.to_dict() for hop in self]}


def _hops(simple: nx.Graph, nodes: list[str]) -> Path:
    path = Path()
    for a, b in itertools.pairwise(nodes):
        claims = simple[a][b]["claims"]
        u, v, key, data = claims[0]
        path.append(Hop(
            subject=u, predicate=str(data.get("predicate", "")), object=v,
            claim=str(data.get("claim", key)), sources=list(data.get("sources") or []),
            source_count=int(data.get("source_count") or 0), date=data.get("date"),
            status=data.get("status"), date_precision=data.get("date_precision"),
            forward=(u == a),
            alternatives=[str(c[3].get("claim", c[2])) for c in claims[1:]],
        ))
    weakest = path.weakest
    if weakest is not None:
        weakest.weakest = True
    return path


def _check(graph: nx.MultiDiGraph, *entities: str) -> None:
    for entity in entities:
        if entity not in graph:
            raise nx.NodeNotFound(f"{entity!r} has no claim in this graph")


def _collect(simple: nx.Graph, routes: Iterator[list[str]], max_hops: int, limit: int) -> list[Path]:
    paths: list[Path] = []
    try:
        with paused_gc():
            for nodes in routes:
                if len(nodes) - 1 > max_hops:
                    break
                paths.append(_hops(simple, nodes))
                if len(paths) >= limit:
                    break
    except nx.NetworkXNoPath:
        return []
    return paths


def shortest_paths(graph: nx.MultiDiGraph, source: str, target: str, *, max_hops: int = 4,
                   directed: bool = False, limit: int = 10) -> list[Path]:
    """All the shortest paths (fewest hops) from ``source`` to ``target``, at most ``limit``.

    Empty when the entities are not linked within ``max_hops``. Breadth-first search: O(N + E)
    to find the length, then each path enumerated costs O(length). Paths of equal length are
    ordered by their weakest link (best-sourced first).
    """
    _check(graph, source, target)
    if source == target:
        return []
    simple = collapse(graph, directed=directed)
    routes = nx.all_shortest_paths(simple, source, target)
    # Enumerate a little more than asked so that the best-sourced paths come first.
    found = _collect(simple, routes, max_hops, limit * 5)
    found.sort(key=lambda p: -p.min_sources)
    return found[:limit]


def all_simple_paths(graph: nx.MultiDiGraph, source: str, target: str, *, max_hops: int = 4,
                     directed: bool = False, limit: int = 10) -> list[Path]:
    """Simple paths (no entity twice) of at most ``max_hops`` hops, shortest first.

    Uses networkx's ``shortest_simple_paths`` (Yen's algorithm), a generator that yields paths
    in order of length, so the search stops after ``limit`` paths instead of enumerating every
    path of a hub-rich graph (which grows exponentially with ``max_hops``). Cost about
    O(limit · N · (E + N log N)) in the worst case.
    """
    _check(graph, source, target)
    if source == target:
        return []
    simple = collapse(graph, directed=directed)
    if not nx.has_path(simple, source, target):
        return []
    return _collect(simple, nx.shortest_simple_paths(simple, source, target), max_hops, limit)
