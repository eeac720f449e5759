"""Cached access to the store for the dashboard, keyed on the live build.

Every cached function takes the store's identity and ``build_id`` as arguments, so publishing
a new build changes the cache key and the next rerun reads the new data, without restarting
Streamlit; old entries age out through ``max_entries``. Reading the build id itself is cheap
(a symlink and a small JSON file for the local backends).

Whole-graph pages (home, timeline, sources, map, a hub's profile, the network explorer's first
picture) read the build's derived tables (``graph.derived.views``) when it has them: a count or
a page of rows there costs milliseconds at any size, where the SPARQL they replace scans every
claim (seconds at 100k claims, tens of seconds at 1M). ``derived()`` is None for a remote store
read from another machine or a build without tables; the pages then keep their SPARQL path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from graph.derived.views import Derived, Page, open_derived
from graph.named_queries import get_query
from graph.namespaces import ONT
from graph.rdf.iris import Iris
from graph.search import Match
from graph.search import search as search_entities
from graph.settings import get_settings
from graph.store import BuildInfo, Store, StoreError, Table, open_store
from graph.ui.families import FAMILIES, REGULATORY
from graph.ui.model import (
    ClaimView,
    Profile,
    Reference,
    add_contradictions,
    claim_view,
    derived_references,
    load_hub,
    load_profile,
)
from graph.vocabulary import load_vocabulary

if TYPE_CHECKING:  # the graph libraries load with the network pages, not with every page
    import networkx as nx

    from graph.analysis.measures import Measure
    from graph.ui.network import NetworkView

StoreKey = tuple[str, str, str, str]


def store_key() -> StoreKey:
    """What identifies the configured store: backend, folder, remote URL and IRI base."""
    s = get_settings()
    return (s.backend, str(s.store_dir), s.remote_query_url or "", s.base_iri)


@st.cache_resource(show_spinner=False)
def _open(key: StoreKey) -> Store:
    return open_store(get_settings())


def store() -> Store:
    return _open(store_key())


def iris() -> Iris:
    return Iris(get_settings().base_iri)


def build_info() -> BuildInfo | None:
    """The live build, or None before the first ``custodiet build``."""
    try:
        return store().info()
    except StoreError:
        return None


def build_id() -> str:
    info = build_info()
    if info is None:
        raise StoreError("no build yet: run `custodiet build` first")
    return info.build_id


def derived() -> Derived | None:
    """The live build's derived tables, or None (no build, no tables: read SPARQL instead)."""
    try:
        return open_derived(get_settings(), store())
    except StoreError:
        return None


Filters = tuple[tuple[str, str | tuple[str, ...] | None], ...]


def _freeze(filters: dict[str, str | list[str] | tuple[str, ...] | None]) -> Filters:
    """Keyword filters as a sorted tuple, hashable for Streamlit's cache."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in filters.items()))


def _derived(key: StoreKey, build: str) -> Derived:
    found = open_derived(get_settings(), _open(key), build_id=build)
    if found is None:  # the build was replaced between the check and the read: rerun
        raise StoreError("the derived tables of this build are gone; reload the page")
    return found


@st.cache_data(show_spinner=False, max_entries=256)
def _listing(key: StoreKey, build: str, name: str, after: str | None, limit: int,
             columns: tuple[str, ...] | None, filters: Filters) -> Page:
    return _derived(key, build).page(name, after=after, limit=limit, columns=columns,
                                     **dict(filters))


def listing(name: str, *, after: str | None = None, limit: int = 100,
            columns: tuple[str, ...] | None = None,
            **filters: str | list[str] | tuple[str, ...] | None) -> Page:
    """A page of a derived listing (``graph.derived.views.LISTINGS``), cached per build."""
    return _listing(store_key(), build_id(), name, after, limit, columns, _freeze(filters))


@st.cache_data(show_spinner=False, max_entries=256)
def _count(key: StoreKey, build: str, name: str, filters: Filters) -> int:
    return _derived(key, build).count(name, **dict(filters))


def count(name: str, **filters: str | list[str] | tuple[str, ...] | None) -> int:
    """How many rows a derived listing holds under ``filters`` (cached per build)."""
    return _count(store_key(), build_id(), name, _freeze(filters))


@st.cache_data(show_spinner=False, max_entries=64)
def _facet(key: StoreKey, build: str, name: str) -> pd.DataFrame:
    return pd.DataFrame(_derived(key, build).facet(name), columns=["key", "n", "single"])


def facet(name: str) -> pd.DataFrame:
    """A derived facet's (key, n, single) rows, largest first."""
    return _facet(store_key(), build_id(), name)


@st.cache_data(show_spinner=False, max_entries=8)
def _totals(key: StoreKey, build: str) -> dict[str, object]:
    return _derived(key, build).totals()


def totals() -> dict[str, object]:
    """The derived totals: entities, claims, sources, single-line claims, dated claims …"""
    return _totals(store_key(), build_id())


@st.cache_data(show_spinner=False, max_entries=64)
def _map_counts(key: StoreKey, build: str, types: tuple[str, ...] | None,
                predicates: tuple[str, ...] | None) -> pd.DataFrame:
    rows = _derived(key, build).map_counts(list(types) if types is not None else None,
                                           list(predicates) if predicates is not None else None)
    return pd.DataFrame(rows, columns=["country", "claims", "actors"])


def map_counts(types: set[str] | None, predicates: list[str] | None) -> pd.DataFrame:
    """Claims and actors per country from the derived map table (cached per build)."""
    return _map_counts(store_key(), build_id(), tuple(sorted(types)) if types is not None
                       else None, tuple(predicates) if predicates is not None else None)


@st.cache_data(show_spinner=False, max_entries=16)
def _map_relations(key: StoreKey, build: str, types: tuple[str, ...] | None) -> list[str]:
    return _derived(key, build).map_relations(list(types) if types is not None else None)


def map_relations(types: set[str] | None) -> list[str]:
    return _map_relations(store_key(), build_id(),
                          tuple(sorted(types)) if types is not None else None)


CLAIM_ROW = ["claim", "date", "precision", "predicate", "subject", "subject_label", "object",
             "object_label", "value", "amount", "currency", "status", "kind", "source_count"]
# what ``claim_rows`` reads of a timeline-shaped listing (``newest``, ``country-claims``)
CLAIM_COLUMNS = ("claim", "date", "precision", "predicate", "subject", "subject_label_en",
                 "subject_label_fr", "object", "object_label_en", "object_label_fr", "value",
                 "amount", "currency", "status", "kind", "source_count")
TIMELINE_COLUMNS = tuple(c if c != "amount" else "amount_text" for c in CLAIM_COLUMNS)


def claim_rows(rows: list[dict[str, object]], lang: str) -> pd.DataFrame:
    """Derived listing rows in the shape of ``ui-timeline`` (labels in ``lang``, amounts as
    written in the ledger, empty cells as ''), for ``tables.claims_display``."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=CLAIM_ROW)
    for end in ("subject", "object"):
        frame[f"{end}_label"] = frame.get(f"{end}_label_{lang}", frame.get(f"{end}_label_en"))
    if "amount_text" in frame:
        frame["amount"] = frame["amount_text"]
    frame = frame.reindex(columns=CLAIM_ROW).astype(object)
    return frame.where(frame.notna(), "")


@st.cache_data(show_spinner=False, max_entries=256)
def _table(key: StoreKey, build: str, sparql: str) -> Table:
    return _open(key).select(sparql)


def select(sparql: str) -> Table:
    """A SELECT query's table, cached per build."""
    return _table(store_key(), build_id(), sparql)


def named(name: str, **params: str) -> pd.DataFrame:
    """A named query's results as a DataFrame (columns in query order, even when empty)."""
    table = select(get_query(name).render(iris(), **params))
    return pd.DataFrame(table.rows, columns=table.columns)


def _with_values(name: str, variable: str, iri_list: list[str], **params: str) -> pd.DataFrame:
    """A named query whose ``VALUES ?variable { … }`` block is replaced by ``iri_list``.

    Named-query parameters bind one literal or entity each; claims and sources are bound here
    instead, as IRIs minted by ``Iris`` (percent-encoded), never as text typed by a user. A
    VALUES block keeps the lookup on the index.
    """
    query = get_query(name).render(iris(), **params)
    values = " ".join(f"<{iri}>" for iri in iri_list) or "<urn:custodiet:none>"
    block = re.compile(rf"VALUES \?{variable} \{{[^}}]*\}}")
    table = select(block.sub(lambda _m: f"VALUES ?{variable} {{ {values} }}", query, count=1))
    return pd.DataFrame(table.rows, columns=table.columns)


def claim_details(claim_ids: list[str], lang: str) -> pd.DataFrame:
    """``ui-claim-details`` for the given claims."""
    return _with_values("ui-claim-details", "c", [iris().claim(c) for c in claim_ids], lang=lang)


def source_claims(source_id: str, lang: str) -> pd.DataFrame:
    """``ui-source-claims``: the claims one source supports, with the locators."""
    return _with_values("ui-source-claims", "s", [iris().source(source_id)], lang=lang)


@st.cache_data(show_spinner=False, max_entries=128)
def _profile(key: StoreKey, build: str, entity_id: str, lang: str) -> Profile | None:
    return load_profile(_open(key), entity_id, lang, Iris(key[3]))


def profile(entity_id: str, lang: str) -> Profile | None:
    """Every claim of the entity (SPARQL): the claim page, the dossier of a small entity."""
    return _profile(store_key(), build_id(), entity_id, lang)


HUB_CLAIMS = 1_000  # above this many claims, a profile page reads the derived tables
PER_RELATION = 25  # a hub's newest claims shown per relation (the rest paged in)


@st.cache_data(show_spinner=False, max_entries=128)
def _profile_page(key: StoreKey, build: str, entity_id: str, lang: str, hub: int,
                  per_relation: int) -> Profile | None:
    tables = open_derived(get_settings(), _open(key), build_id=build)
    if tables is not None and tables.entity_totals(entity_id)["claims"] > hub:
        return load_hub(_open(key), tables, entity_id, lang, per_relation, Iris(key[3]))
    return load_profile(_open(key), entity_id, lang, Iris(key[3]))


def profile_page(entity_id: str, lang: str) -> Profile | None:
    """What the profile page shows: every claim (SPARQL, as fast as an index lookup for most
    entities), or for a hub of more than HUB_CLAIMS claims, when the build has derived tables,
    its counts and newest claims per relation (``Profile.partial``)."""
    return _profile_page(store_key(), build_id(), entity_id, lang, HUB_CLAIMS, PER_RELATION)


@st.cache_data(show_spinner=False, max_entries=256)
def _references(key: StoreKey, build: str, claim_ids: tuple[str, ...], lang: str
                ) -> dict[str, list[Reference]]:
    return derived_references(_derived(key, build), list(claim_ids), lang)


def references(claim_ids: list[str], lang: str) -> dict[str, list[Reference]]:
    """References of the given claims from the derived tables (a hub's cards and dossier)."""
    return _references(store_key(), build_id(), tuple(claim_ids), lang)


@st.cache_data(show_spinner=False, max_entries=128)
def _relation_page(key: StoreKey, build: str, entity_id: str, direction: str, predicate: str,
                   after: str | None, limit: int, lang: str) -> tuple[list[ClaimView], str | None]:
    tables = _derived(key, build)
    page = tables.page("entity-claims", after=after, limit=limit, entity=entity_id,
                       direction=direction, predicate=predicate)
    claims = [claim_view(r, lang) for r in page.rows]
    add_contradictions(claims, tables)
    return claims, page.next


def relation_page(entity_id: str, direction: str, predicate: str, after: str | None,
                  limit: int, lang: str) -> tuple[list[ClaimView], str | None]:
    """One keyset page of a hub's claims of one relation, newest first, and the next cursor."""
    return _relation_page(store_key(), build_id(), entity_id, direction, predicate, after,
                          limit, lang)


@st.cache_data(show_spinner=False, max_entries=128)
def _hub_claim(key: StoreKey, build: str, entity_id: str, claim_id: str, lang: str
               ) -> ClaimView | None:
    tables = _derived(key, build)
    row = tables.entity_claim(entity_id, claim_id)
    if row is None:
        return None
    claims = [claim_view(row, lang)]
    add_contradictions(claims, tables)
    return replace(claims[0], references=derived_references(tables, [claim_id], lang).get(
        claim_id, []))


def hub_claim(entity_id: str, claim_id: str, lang: str) -> ClaimView | None:
    """A hub's claim (as its subject) with its references, from the derived tables."""
    return _hub_claim(store_key(), build_id(), entity_id, claim_id, lang)


@dataclass(frozen=True)
class HubFigures:
    claims: int
    sources: int
    actions: int
    fines: dict[str, float]
    raised: dict[str, float]
    customers: int


@st.cache_data(show_spinner=False, max_entries=64)
def _hub_figures(key: StoreKey, build: str, entity_id: str) -> HubFigures:
    tables = _derived(key, build)
    totals_ = tables.entity_totals(entity_id)
    actions = sum(int(r["claims"]) for r in tables.entity_summary(entity_id)
                  if r["direction"] == "in" and r["predicate"] in REGULATORY)
    return HubFigures(
        claims=totals_["claims"], sources=totals_["sources"], actions=actions,
        fines=tables.entity_amounts(entity_id, "in", ["fined"]),
        raised=tables.entity_amounts(entity_id, "out", ["raised_funding"]),
        customers=tables.entity_others(entity_id, list(FAMILIES["customers"])))


def hub_figures(entity_id: str) -> HubFigures:
    """A hub's key figures over all its claims (the profile page holds only some)."""
    return _hub_figures(store_key(), build_id(), entity_id)


def search(query: str, lang: str, limit: int = 10) -> list[Match]:
    """Entities by name, alias or acronym in either language (``graph.search``, cached per build)."""
    return search_entities(query, lang, limit, settings=get_settings())


def projection(lang: str, *, predicates: tuple[str, ...] | None = None,
               entity_types: tuple[str, ...] | None = None,
               min_sources: int = 1) -> nx.MultiDiGraph:
    from graph.analysis.projection import cached_project

    """The frozen claims graph of the live build (``graph.analysis``'s per-build cache)."""
    return cached_project(store(), predicates=predicates, entity_types=entity_types,
                          min_sources=min_sources, lang=lang)


@dataclass(frozen=True)
class GraphOptions:
    """What the explorer's filters can offer: values present in the live build."""

    types: tuple[str, ...]
    relations: tuple[str, ...]
    countries: tuple[str, ...]
    first_year: int | None
    last_year: int | None


@st.cache_data(show_spinner=False, max_entries=8)
def _graph_options(key: StoreKey, build: str) -> GraphOptions:
    from graph.analysis.projection import cached_project

    graph = cached_project(_open(key))
    types = {t for _, d in graph.nodes(data=True) for t in d.get("types") or []}
    years = sorted(int(str(d.get("date") or d.get("start"))[:4])
                   for _, _, d in graph.edges(data=True) if d.get("date") or d.get("start"))
    return GraphOptions(
        types=tuple(sorted(types)),
        relations=tuple(sorted({str(d["predicate"]) for _, _, d in graph.edges(data=True)})),
        countries=tuple(sorted({str(d["country"]) for _, d in graph.nodes(data=True)
                                if d.get("country")})),
        first_year=years[0] if years else None,
        last_year=years[-1] if years else None,
    )


def graph_options() -> GraphOptions:
    """Entity classes, relations, countries and years present in the claims graph (per build)."""
    return _graph_options(store_key(), build_id())


@st.cache_data(show_spinner=False, max_entries=64)
def _explorer(key: StoreKey, build: str, lang: str, predicates: tuple[str, ...] | None,
              entity_types: tuple[str, ...] | None, min_sources: int,
              countries: tuple[str, ...], date_from: str | None, date_to: str | None,
              include_undated: bool, measure: Measure, max_nodes: int, focus: str | None,
              radius: int) -> NetworkView:
    from graph.analysis.projection import cached_project
    from graph.ui.network import ego_graph, explorer_view, filter_graph

    graph = cached_project(_open(key), predicates=predicates, entity_types=entity_types,
                           min_sources=min_sources, lang=lang)
    filtered = filter_graph(graph, countries=countries, date_from=date_from, date_to=date_to,
                            include_undated=include_undated)
    if focus is not None:
        filtered = ego_graph(filtered, focus, radius)
    return explorer_view(filtered, measure=measure, max_nodes=max_nodes, lang=lang, focus=focus)


def explorer(lang: str, *, predicates: tuple[str, ...] | None, entity_types: tuple[str, ...] | None,
             min_sources: int, countries: tuple[str, ...], date_from: str | None,
             date_to: str | None, include_undated: bool, measure: Measure,
             max_nodes: int, focus: str | None = None, radius: int = 1) -> NetworkView:
    """The network explorer's filtered, measured and capped picture (cached per build).

    With ``focus``, only the entities within ``radius`` claims of it (its ego network).
    """
    return _explorer(store_key(), build_id(), lang, predicates, entity_types, min_sources,
                     countries, date_from, date_to, include_undated, measure, max_nodes,
                     focus, radius)


NETWORK_FULL_CLAIMS = 20_000  # above this, the explorer draws a bounded picture (derived)


def network_is_large() -> bool:
    """Whether the explorer draws a bounded picture from the derived tables instead of
    projecting the whole graph (9.5 s cold at 100k claims, 249 s at 1M)."""
    return derived() is not None and int(totals()["claims"] or 0) > NETWORK_FULL_CLAIMS  # type: ignore[call-overload]


@st.cache_data(show_spinner=False, max_entries=8)
def _large_graph_options(key: StoreKey, build: str) -> GraphOptions:
    tables = _derived(key, build)
    found = tables.totals()
    first, last = found.get("first_date"), found.get("last_date")
    return GraphOptions(
        types=tuple(sorted(str(r["key"]) for r in tables.facet("type"))),
        relations=tuple(tables.edge_predicates()),
        countries=tuple(sorted(str(r["key"]) for r in tables.facet("country"))),
        first_year=int(str(first)[:4]) if first else None,
        last_year=int(str(last)[:4]) if last else None,
    )


def large_graph_options() -> GraphOptions:
    """The explorer's filter options from the derived facets (no projection)."""
    return _large_graph_options(store_key(), build_id())


@st.cache_data(show_spinner=False, max_entries=64)
def _explorer_overview(key: StoreKey, build: str, lang: str, predicates: tuple[str, ...] | None,
                       entity_types: tuple[str, ...] | None, min_sources: int,
                       countries: tuple[str, ...], date_from: str | None, date_to: str | None,
                       include_undated: bool, measure: Measure, max_nodes: int,
                       focus: str | None, radius: int) -> NetworkView:
    types = None
    if entity_types:
        vocab = load_vocabulary()
        wanted = set(entity_types)
        types = sorted(c for c in vocab.entity_classes if vocab.ancestors(c) & wanted)
    nodes, edges = _derived(key, build).network(
        max_nodes, focus=focus, radius=radius,
        predicates=list(predicates) if predicates is not None else None, min_lines=min_sources,
        date_from=date_from, date_to=date_to, include_undated=include_undated, types=types,
        countries=list(countries) or None)
    import networkx as nx

    from graph.ui.network import explorer_view

    graph = nx.MultiDiGraph(lang=lang, build_id=build)
    for n in nodes:
        label_en, label_fr = n["label_en"] or n["label_fr"] or n["id"], n["label_fr"] or n["label_en"] or n["id"]
        graph.add_node(n["id"], label=label_fr if lang == "fr" else label_en, label_en=label_en,
                       label_fr=label_fr, types=str(n["types"] or "").split(),
                       country=n["country"])
    for e in edges:
        graph.add_edge(e["subject"], e["object"], key=e["claim"], claim=e["claim"],
                       predicate=e["predicate"], source_count=e["source_count"] or 0,
                       independent_source_count=e["lines"], date=e["date"], start=e["start"],
                       end=e["end"], status=e["status"], date_precision=e["precision"])
    return explorer_view(graph, measure=measure, max_nodes=max_nodes, lang=lang, focus=focus)


def explorer_overview(lang: str, *, predicates: tuple[str, ...] | None,
                      entity_types: tuple[str, ...] | None, min_sources: int,
                      countries: tuple[str, ...], date_from: str | None, date_to: str | None,
                      include_undated: bool, measure: Measure, max_nodes: int,
                      focus: str | None = None, radius: int = 1) -> NetworkView:
    """The explorer's bounded picture of a large graph (``Derived.network``), measured within
    the picture; same arguments as ``explorer``."""
    return _explorer_overview(store_key(), build_id(), lang, predicates, entity_types,
                              min_sources, countries, date_from, date_to, include_undated,
                              measure, max_nodes, focus, radius)


def _predicate_values(name: str, predicates: tuple[str, ...], **params: str) -> pd.DataFrame:
    """A named query whose ``VALUES ?p { … }`` block lists ontology predicates."""
    query = get_query(name).render(iris(), **params)
    values = " ".join(f"<{ONT}{p}>" for p in predicates) or "<urn:custodiet:none>"
    block = re.compile(r"VALUES \?p \{[^}]*\}")
    table = select(block.sub(lambda _m: f"VALUES ?p {{ {values} }}", query, count=1))
    return pd.DataFrame(table.rows, columns=table.columns)


def task_claims(predicates: tuple[str, ...], lang: str) -> pd.DataFrame:
    """``ui-task-claims``: one row per claim of the given relations (task views)."""
    return _predicate_values("ui-task-claims", predicates, lang=lang)


def task_sources(predicates: tuple[str, ...]) -> pd.DataFrame:
    """``ui-task-sources``: (claim, source) pairs of the given relations."""
    return _predicate_values("ui-task-sources", predicates)


def sources(lang: str) -> pd.DataFrame:
    """``ui-sources``, empty cells as ''."""
    return named("ui-sources", lang=lang).fillna("")


def source_facts(source_ids: list[str], lang: str) -> dict[str, dict[str, str]]:
    """Facts of the given sources (publisher label, url, archive, sha256 …) for a dossier."""
    if not source_ids:
        return {}
    if derived() is not None:
        rows = listing("sources", source=sorted(set(source_ids)), limit=len(set(source_ids))).rows
        facts = {str(r["source"]): {str(k): "" if v is None else str(v) for k, v in r.items()}
                 for r in rows}
        for fact in facts.values():
            fact["publisher_label"] = fact.get(f"publisher_label_{lang}", "")
        return facts
    wanted = set(source_ids)
    return {str(r["source"]): {str(k): str(v) for k, v in r.items()}
            for r in sources(lang).to_dict("records") if r["source"] in wanted}


def entity_labels(entity_ids: list[str], lang: str) -> dict[str, str]:
    """Labels of the given entities (asked language, else English, else French)."""
    if not entity_ids:
        return {}
    frame = _with_values("ui-entity-labels", "e", [iris().entity(e) for e in entity_ids],
                         lang=lang)
    return {str(e): str(lb) for e, lb in zip(frame["entity"], frame["label"], strict=True) if lb}
