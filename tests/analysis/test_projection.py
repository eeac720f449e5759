"""The projection read from a real Oxigraph store: attributes, filters, the date cut, caching."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import pytest

from graph.analysis.projection import cached_project, project
from graph.derived.tables import database
from graph.settings import Settings
from graph.store import StoreError, Table, open_store
from tests.analysis.conftest import NETWORK_LEDGER, build_store


def claims(graph: nx.MultiDiGraph) -> set[str]:
    return {key for _u, _v, key in graph.edges(keys=True)}


def test_nodes_and_edges_carry_labels_types_and_evidence(network: nx.MultiDiGraph) -> None:
    assert network.number_of_edges() == 14
    beta = network.nodes["v-beta"]
    assert beta["label"] == "Beta Sensing"
    assert (beta["label_en"], beta["label_fr"]) == ("Beta Sensing", "Beta Détection")
    assert beta["types"] == ["Vendor"] and beta["country"] == "US"
    assert network.nodes["fund-two"]["aliases"] == ["F2"]
    edge = network.edges["agency-x", "v-alpha", "x-alpha-2019"]
    assert edge["predicate"] == "contract_with" and edge["claim"] == "x-alpha-2019"
    assert edge["sources"] == ["a-2019", "b-2019"] and edge["source_count"] == 2
    assert edge["date"] == "2019-05-01" and edge["start"] is None and edge["end"] is None
    assert (edge["amount"], edge["currency"]) == (100000.0, "USD")
    assert network.edges["agency-y", "v-delta", "y-delta"]["start"] == "2018-01-01"
    assert network.edges["agency-y", "v-delta", "y-delta"]["end"] == "2020-12-01"
    # Two contracts between the same pair stay two edges.
    assert set(network["agency-x"]["v-alpha"]) == {"x-alpha-2019", "x-alpha-2023"}
    # Media organisations only publish sources: no claim, so no node unless asked for.
    assert "media-a" not in network


def test_labels_follow_the_language(network_store: Settings) -> None:
    graph = project(open_store(network_store), lang="fr")
    assert graph.nodes["fund-two"]["label"] == "Deuxième Fonds"
    assert graph.nodes["fund-two"]["label_en"] == "Second Fund"


def test_isolates_keep_entities_without_claims(network_store: Settings) -> None:
    graph = project(open_store(network_store), isolates=True)
    assert {"media-a", "media-b"} <= set(graph)
    assert graph.degree("media-a") == 0


def test_predicate_and_entity_type_filters(network_store: Settings) -> None:
    store = open_store(network_store)
    invested = project(store, predicates=["invested_in"])
    assert {d["predicate"] for *_e, d in invested.edges(data=True)} == {"invested_in"}
    assert claims(invested) == {"f1-alpha", "f1-beta", "f2-beta", "f2-gamma", "f3-gamma",
                                "f3-delta"}
    # "Agency" keeps its subclasses: the law-enforcement agency stays.
    agencies_and_vendors = project(store, entity_types=["Agency", "Vendor"])
    assert set(agencies_and_vendors) == {"agency-x", "agency-y", "v-alpha", "v-beta", "v-gamma",
                                         "v-delta"}
    with pytest.raises(ValueError, match="unknown relation predicate"):
        project(store, predicates=["invented_predicate"])
    with pytest.raises(ValueError, match="unknown entity type"):
        project(store, entity_types=["Dragon"])


def test_min_sources_counts_independent_publishers(network_store: Settings) -> None:
    graph = project(open_store(network_store), min_sources=2)
    # x-beta has two sources from the same publisher: one independent source only.
    assert "x-beta" not in claims(graph)
    assert "x-alpha-2019" in claims(graph)
    assert all(d["independent_source_count"] >= 2 for *_e, d in graph.edges(data=True))


@pytest.mark.parametrize(("day", "absent", "present"), [
    # dated after the cut: the 2023 contract is not there yet in 2020
    ("2020-01-01", {"x-alpha-2023"}, {"x-alpha-2019", "y-delta"}),
    # ended before the cut: the contract running 2018-2020 is gone in mid-2021
    ("2021-06-01", {"y-delta", "x-alpha-2023"}, {"x-alpha-2019"}),
    # the claim is dated 2019 but its only source was published in 2022
    ("2021-06-01", {"f2-gamma"}, {"f2-beta"}),
    ("2022-02-01", {"x-alpha-2023"}, {"f2-gamma"}),
    # nothing was published yet except the 2018 report
    ("2019-01-01", {"x-alpha-2019", "f1-alpha"}, {"y-gamma", "f3-gamma"}),
])
def test_as_of_keeps_the_graph_as_it_stood(network_store: Settings, day: str, absent: set[str],
                                           present: set[str]) -> None:
    graph = project(open_store(network_store), as_of=dt.date.fromisoformat(day))
    kept = claims(graph)
    assert not absent & kept
    assert present <= kept
    assert graph.graph["as_of"] == day


def test_as_of_drops_sources_published_later(network_store: Settings) -> None:
    graph = project(open_store(network_store), as_of=dt.date(2019, 1, 1))
    edge = graph.edges["agency-y", "v-gamma", "y-gamma"]
    assert edge["sources"] == ["report-2018"] and edge["source_count"] == 1
    everything = project(open_store(network_store), as_of=dt.date(2030, 1, 1))
    assert claims(everything) == claims(project(open_store(network_store))) - {"y-delta"}


def test_projection_reads_the_store_with_a_few_queries(network_store: Settings) -> None:
    store = open_store(network_store)
    seen: list[str] = []
    select = store.select

    def counting(sparql: str) -> Table:
        seen.append(sparql)
        return select(sparql)

    store.select = counting  # type: ignore[method-assign]
    project(store)
    assert seen == []  # the build's derived tables answer (graph/derived)
    info = store.info()
    assert info is not None
    derived = database(network_store.store_dir, info.build_id)
    parked = derived.with_name(derived.name + ".parked")
    derived.rename(parked)  # as on a backend without local derived tables: three queries
    try:
        project(store)
        assert len(seen) == 3
    finally:
        parked.rename(derived)


def test_cached_projection_is_shared_and_frozen(network_store: Settings) -> None:
    store = open_store(network_store)
    first = cached_project(store)
    assert cached_project(store) is first
    assert cached_project(store, min_sources=2) is not first
    assert nx.is_frozen(first)
    with pytest.raises(nx.NetworkXError):
        first.add_node("intruder")


def test_cache_follows_a_new_build_of_the_same_store(tmp_path: Path) -> None:
    settings = build_store(NETWORK_LEDGER, tmp_path / "store")
    store = open_store(settings)
    before = cached_project(store)
    other = tmp_path / "ledger"
    other.mkdir()
    text = (NETWORK_LEDGER / "network.yaml").read_text(encoding="utf-8")
    (other / "network.yaml").write_text(
        text.replace("  - {id: gamma-delta,", "  - {id: gamma-delta-renamed,"), encoding="utf-8")
    build_store(other, tmp_path / "store")  # the same folder: `current` now points elsewhere
    after = cached_project(store)
    assert after is not before
    assert "gamma-delta-renamed" in claims(after) and "gamma-delta" not in claims(after)
    assert "gamma-delta" in claims(before)


def test_no_build_is_an_error(tmp_path: Path) -> None:
    store = open_store(Settings(store_dir=tmp_path / "empty"))  # type: ignore[call-arg]
    with pytest.raises(StoreError):
        cached_project(store)


def test_same_projection_on_the_rdflib_backend(network_store: Settings,
                                               network: nx.MultiDiGraph) -> None:
    memory = open_store(Settings(store_dir=network_store.store_dir, backend="memory"))  # type: ignore[call-arg]
    other = project(memory)
    assert dict(other.nodes(data=True)) == dict(network.nodes(data=True))
    assert sorted(other.edges(keys=True, data=True)) == sorted(network.edges(keys=True, data=True))
