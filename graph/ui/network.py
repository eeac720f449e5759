"""What the network views draw: filtered claims graphs turned into sized, coloured nodes.

Pure functions over the ``networkx`` projection of ``graph.analysis``: the explorer filters
it by country and date range (the projection already filters types, relations and sources),
sizes nodes by a centrality measure and caps what it draws, so a 100k-claim graph stays usable;
the profile draws an entity's one-hop neighbourhood.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import networkx as nx
from plotly.colors import qualitative

from graph.analysis.measures import Centrality, Measure, centrality
from graph.ui.labels import predicate_label, primary_type
from graph.ui.model import ClaimView, Profile
from graph.vocabulary import load_vocabulary

# Plotly's 26-colour qualitative palette: one colour per entity class of the ontology, stable
# across pages because it follows the ontology's (sorted) class list.
PALETTE = qualitative.Alphabet
MIN_SIZE, MAX_SIZE = 10, 42


def type_color(type_name: str) -> str:
    classes = load_vocabulary().entity_classes
    index = classes.index(type_name) if type_name in classes else len(classes)
    return PALETTE[index % len(PALETTE)]


@dataclass(frozen=True)
class NodeView:
    id: str
    label: str
    type: str
    color: str
    size: float
    score: float
    country: str = ""


@dataclass(frozen=True)
class EdgeView:
    source: str
    target: str
    claim: str
    predicate: str
    label: str
    source_count: int
    date: str = ""
    status: str = ""


@dataclass
class NetworkView:
    nodes: list[NodeView] = field(default_factory=list)
    edges: list[EdgeView] = field(default_factory=list)
    total_nodes: int = 0
    total_edges: int = 0
    measure: str = "pagerank"
    betweenness_samples: int | None = None

    @property
    def capped(self) -> bool:
        return len(self.nodes) < self.total_nodes

    def types(self) -> list[str]:
        return sorted({n.type for n in self.nodes})


def filter_graph(
    graph: nx.MultiDiGraph,
    *,
    countries: Collection[str] = (),
    date_from: str | None = None,
    date_to: str | None = None,
    include_undated: bool = True,
) -> nx.MultiDiGraph:
    """Claims touching an entity of ``countries`` (either end) within the date range.

    A claim's date is its point date, else its start date; ISO strings compare as dates. The
    country filter keeps both ends of a kept claim, so a French regulator's fine on an American
    vendor shows when filtering on France.
    """
    wanted = set(countries)
    out = nx.MultiDiGraph(**graph.graph)
    for u, v, key, data in graph.edges(keys=True, data=True):
        when = data.get("date") or data.get("start")
        if when:
            if (date_from and when < date_from) or (date_to and when > date_to):
                continue
        elif not include_undated:
            continue
        if wanted and not ({graph.nodes[u].get("country"), graph.nodes[v].get("country")} & wanted):
            continue
        for node in (u, v):
            if node not in out:
                out.add_node(node, **graph.nodes[node])
        out.add_edge(u, v, key=key, **data)
    return out


def _sizes(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    span = (high - low) or 1.0
    return {n: MIN_SIZE + (MAX_SIZE - MIN_SIZE) * (s - low) / span for n, s in scores.items()}


def scores_of(measured: Centrality) -> dict[str, float]:
    """The chosen measure of every entity, from ``graph.analysis.measures.centrality``."""
    return {n: float(getattr(s, measured.by)) for n, s in measured.scores.items()}


EGO_MAX = 400  # entities an ego network keeps (nearest first): a hub has thousands


def ego_graph(graph: nx.MultiDiGraph, focus: str, radius: int = 1,
              limit: int = EGO_MAX) -> nx.MultiDiGraph:
    """The entities within ``radius`` claims of ``focus`` (either direction) and their claims.

    At most ``limit`` entities, nearest first, so that centrality on a hub's neighbourhood
    stays quick; the drawing keeps the most central of them anyway.
    """
    if focus not in graph:
        return nx.MultiDiGraph(**graph.graph)
    near = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), focus,
                                                 cutoff=radius)
    kept = sorted(near, key=lambda n: (near[n], -graph.degree(n)))[:limit]
    return graph.subgraph(kept).copy()


def explorer_view(graph: nx.MultiDiGraph, *, measure: Measure = "pagerank",
                  max_nodes: int = 150, lang: str = "en", focus: str | None = None) -> NetworkView:
    """The explorer's picture: nodes sized by ``measure``, the most central ``max_nodes`` kept."""
    # Betweenness only when it is the measure shown: it cost 0.6 s of the explorer's first
    # picture at 1M claims (150 entities, 13k claims) for a number nobody saw.
    measured = centrality(graph, top=10, by=measure, with_betweenness=measure == "betweenness")
    view = view_of(graph, scores_of(measured), max_nodes=max_nodes, lang=lang, focus=focus)
    view.measure = measure
    view.betweenness_samples = measured.betweenness_samples
    return view


def view_of(graph: nx.MultiDiGraph, scores: dict[str, float], *, max_nodes: int = 150,
            lang: str = "en", focus: str | None = None) -> NetworkView:
    """The ``max_nodes`` best-scored entities of ``graph`` and the claims between them.

    ``focus`` (an entity id) is always kept, e.g. the profiled entity.
    """
    ranked = sorted(graph.nodes, key=lambda n: (-scores.get(n, 0.0), str(n)))
    keep = ranked[:max_nodes]
    if focus is not None and focus in graph and focus not in keep:
        keep = [focus, *keep[: max_nodes - 1]]
    kept = set(keep)
    sizes = _sizes({n: scores.get(n, 0.0) for n in keep})
    nodes = []
    for node in keep:
        attrs = graph.nodes[node]
        kind = primary_type(attrs.get("types") or [])
        nodes.append(NodeView(
            id=node, label=str(attrs.get("label") or node), type=kind, color=type_color(kind),
            size=round(sizes.get(node, MIN_SIZE), 1), score=scores.get(node, 0.0),
            country=str(attrs.get("country") or ""),
        ))
    edges = [
        EdgeView(
            source=u, target=v, claim=str(data.get("claim", key)),
            predicate=str(data.get("predicate", "")),
            label=predicate_label(str(data.get("predicate", "")), lang),
            source_count=int(data.get("source_count") or 0),
            date=str(data.get("date") or data.get("start") or ""),
            status=str(data.get("status") or ""),
        )
        for u, v, key, data in graph.edges(keys=True, data=True)
        if u in kept and v in kept
    ]
    return NetworkView(nodes, edges, graph.number_of_nodes(), graph.number_of_edges())


def neighbourhood_view(profile: Profile, *, max_nodes: int = 40) -> NetworkView:
    """The entity and the entities its claims name, sized by how many claims link them.

    Built from the profile's own claims (no whole-graph projection), so a profile stays fast on
    a large graph; the most linked ``max_nodes - 1`` neighbours are kept.
    """
    lang = profile.lang
    linked: dict[str, list[ClaimView]] = {}
    for claim in profile.claims:
        if claim.other and claim.other != profile.id:
            linked.setdefault(claim.other, []).append(claim)
    ranked = sorted(linked, key=lambda n: (-len(linked[n]), linked[n][0].other_label))
    kept = ranked[: max_nodes - 1]
    scores = {n: float(len(linked[n])) for n in kept}
    sizes = _sizes(scores | {profile.id: max(scores.values(), default=1.0) + 1})
    focus_type = primary_type(profile.types)
    nodes = [NodeView(profile.id, profile.label, focus_type, type_color(focus_type), MAX_SIZE,
                      float(len(profile.claims)), profile.country)]
    edges = []
    for node in kept:
        claims = linked[node]
        kind = primary_type(claims[0].other_types)
        nodes.append(NodeView(node, claims[0].other_label, kind, type_color(kind),
                              round(sizes.get(node, MIN_SIZE), 1), scores[node]))
        for claim in claims:
            ends = (profile.id, node) if claim.direction == "out" else (node, profile.id)
            edges.append(EdgeView(ends[0], ends[1], claim.claim, claim.predicate,
                                  predicate_label(claim.predicate, lang), claim.source_count,
                                  claim.sort_date, claim.status_notation))
    return NetworkView(nodes, edges, len(linked) + 1, sum(len(c) for c in linked.values()))
