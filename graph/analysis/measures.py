"""Who sits at the centre: degree, PageRank and betweenness per entity, top-N per entity type.

Costs (N entities, E claims, P entity pairs linked by at least one claim):

- degree: O(N + E);
- PageRank (networkx's SciPy power iteration on the directed multigraph, a claim from A to B
  passing rank to B): O(E) per iteration, a few dozen iterations;
- betweenness (Brandes, on the undirected graph of linked pairs): O(N · P) exact, used up to
  ``BETWEENNESS_EXACT_MAX_NODES`` entities. Above, it is estimated from k seeded pivots,
  O(k · P), with k = ``BETWEENNESS_BUDGET`` // (N + P) clamped to ``BETWEENNESS_SAMPLES``
  (min, max): about 100 pivots on a 10k-claim graph and 25 on a 100k-claim one, so the cost
  stays bounded (a few seconds, see docs/benchmarks.md) whatever the size; the result says how
  many pivots were used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import networkx as nx

from graph.analysis.gcpause import paused_gc
from graph.analysis.memo import per_frozen_graph
from graph.analysis.simple import collapse
from graph.vocabulary import load_vocabulary

BETWEENNESS_EXACT_MAX_NODES = 500
BETWEENNESS_BUDGET = 2_500_000  # pivots x (entities + pairs): a few seconds of pure Python
BETWEENNESS_SAMPLES = (16, 100)  # fewest and most pivots when sampling
Measure = Literal["pagerank", "betweenness", "degree", "claims"]


@dataclass
class EntityScore:
    entity: str
    label: str
    types: list[str]
    degree: int  # distinct entities linked to it by at least one claim
    claims: int  # claims it takes part in (as subject or object)
    pagerank: float
    betweenness: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Centrality:
    scores: dict[str, EntityScore]
    by: Measure
    top: list[EntityScore] = field(default_factory=list)
    top_by_type: dict[str, list[EntityScore]] = field(default_factory=dict)
    betweenness_samples: int | None = None  # None: exact

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "betweenness_samples": self.betweenness_samples,
            "top": [s.to_dict() for s in self.top],
            "top_by_type": {t: [s.to_dict() for s in ss] for t, ss in self.top_by_type.items()},
        }


def pagerank(graph: nx.MultiDiGraph) -> dict[str, float]:
    """PageRank on the directed multigraph (parallel claims add up). O(E) per iteration."""
    if graph.number_of_edges() == 0:
        return {n: 1 / max(len(graph), 1) for n in graph}
    with paused_gc():
        return dict(nx.pagerank(graph))


def betweenness(graph: nx.MultiDiGraph, *, samples: int | None = None,
                seed: int = 42) -> tuple[dict[str, float], int | None]:
    """Normalised betweenness on the undirected pair graph, and the sample size used (or None).

    Exact (O(N · P)) up to ``BETWEENNESS_EXACT_MAX_NODES`` entities unless ``samples`` is given;
    beyond, k seeded pivots (O(k · P)), k chosen by ``sample_size``.
    """
    simple = collapse(graph)
    n = simple.number_of_nodes()
    k = samples if samples is not None else (
        sample_size(n, simple.number_of_edges()) if n > BETWEENNESS_EXACT_MAX_NODES else None)
    if k is not None and k >= n:
        k = None
    with paused_gc():
        scores = nx.betweenness_centrality(simple, k=k, seed=seed if k else None,
                                           normalized=True)
    return dict(scores), k


def sample_size(nodes: int, pairs: int) -> int:
    """Pivots for estimated betweenness: as many as ``BETWEENNESS_BUDGET`` affords."""
    low, high = BETWEENNESS_SAMPLES
    return max(low, min(high, BETWEENNESS_BUDGET // max(nodes + pairs, 1)))


def _classes(types: list[str], wanted: list[str] | None) -> list[str]:
    """The groups an entity is ranked in: its own types, or the asked classes it belongs to."""
    if wanted is None:
        return types
    vocab = load_vocabulary()
    return [w for w in wanted if any(w in vocab.ancestors(t) for t in types)]


@per_frozen_graph
def centrality(graph: nx.MultiDiGraph, top: int = 10, *, by: Measure = "pagerank",
               types: list[str] | None = None, betweenness_samples: int | None = None,
               seed: int = 42, with_betweenness: bool = True) -> Centrality:
    """Degree, PageRank and betweenness of every entity, with the top ``top`` overall and per type.

    ``types`` groups the top lists by those classes, subclasses included (``Agency`` ranks
    law-enforcement agencies and regulators too); by default by each entity's own types.
    Cost: dominated by betweenness (see the module docstring); a caller that only shows
    PageRank or degree can pass ``with_betweenness=False`` (betweenness is then 0 everywhere,
    unless ``by="betweenness"``).
    """
    simple = collapse(graph)
    ranks = pagerank(graph)
    between: dict[str, float] = {}
    k: int | None = None
    if with_betweenness or by == "betweenness":
        between, k = betweenness(graph, samples=betweenness_samples, seed=seed)
    scores: dict[str, EntityScore] = {}
    for node, attrs in graph.nodes(data=True):
        scores[node] = EntityScore(
            entity=node, label=str(attrs.get("label") or node), types=list(attrs.get("types") or []),
            degree=simple.degree(node), claims=graph.degree(node),
            pagerank=ranks.get(node, 0.0), betweenness=between.get(node, 0.0),
        )
    ordered = sorted(scores.values(), key=lambda s: (-getattr(s, by), s.entity))
    grouped: dict[str, list[EntityScore]] = {}
    for score in ordered:
        for group in _classes(score.types, types):
            members = grouped.setdefault(group, [])
            if len(members) < top:
                members.append(score)
    return Centrality(scores, by, ordered[:top], dict(sorted(grouped.items())), k)
