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
from dataclasses import dataclass

import networkx as nx
import pandas as pd
import streamlit as st

from graph.analysis.measures import Measure
from graph.analysis.projection import cached_project
from graph.derived.views import Derived, Page, open_derived
from graph.named_queries import get_query
from graph.namespaces import ONT
from graph.rdf.iris import Iris
from graph.search import Match
from graph.search import search as search_entities
from graph.settings import get_settings
from graph.store import BuildInfo, Store, StoreError, Table, open_store
from graph.ui.model import Profile, load_profile
from graph.ui.network import NetworkView, ego_graph, explorer_view, filter_graph

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


def _derived(key: StoreKey, build: str) -> Derived:
    found = open_derived(get_settings(), _open(key), build_id=build)
    if found is None:  # the build was replaced between the check and the read: rerun
        raise StoreError("the derived tables of this build are gone; reload the page")
    return found


@st.cache_data(show_spinner=False, max_entries=256)
def _listing(key: StoreKey, build: str, name: str, after: str | None, limit: int,
             filters: Filters) -> Page:
    return _derived(key, build).page(name, after=after, limit=limit, **dict(filters))


def listing(name: str, *, after: str | None = None, limit: int = 100,
            **filters: str | list[str] | tuple[str, ...] | None) -> Page:
    """A page of a derived listing (``graph.derived.views.LISTINGS``), cached per build."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                          for k, v in filters.items()))
    return _listing(store_key(), build_id(), name, after, limit, frozen)


@st.cache_data(show_spinner=False, max_entries=256)
def _count(key: StoreKey, build: str, name: str, filters: Filters) -> int:
    return _derived(key, build).count(name, **dict(filters))


def count(name: str, **filters: str | list[str] | tuple[str, ...] | None) -> int:
    """How many rows a derived listing holds under ``filters`` (cached per build)."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                          for k, v in filters.items()))
    return _count(store_key(), build_id(), name, frozen)


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
    return _profile(store_key(), build_id(), entity_id, lang)


def search(query: str, lang: str, limit: int = 10) -> list[Match]:
    """Entities by name, alias or acronym in either language (``graph.search``, cached per build)."""
    return search_entities(query, lang, limit, settings=get_settings())


def projection(lang: str, *, predicates: tuple[str, ...] | None = None,
               entity_types: tuple[str, ...] | None = None,
               min_sources: int = 1) -> nx.MultiDiGraph:
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


def entity_labels(entity_ids: list[str], lang: str) -> dict[str, str]:
    """Labels of the given entities (asked language, else English, else French)."""
    if not entity_ids:
        return {}
    frame = _with_values("ui-entity-labels", "e", [iris().entity(e) for e in entity_ids],
                         lang=lang)
    return {str(e): str(lb) for e, lb in zip(frame["entity"], frame["label"], strict=True) if lb}
