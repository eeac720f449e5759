"""The analysis on the stores built from the test ledger and from the bundled data/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import pytest

from graph.analysis.export import write
from graph.analysis.paths import all_simple_paths, shortest_paths
from graph.analysis.projection import cached_project, project
from graph.settings import Settings
from graph.store import open_store


def _assert_sourced_path(graph: nx.MultiDiGraph, source: str, target: str) -> None:
    found = shortest_paths(graph, source, target)
    assert found, f"no path from {source} to {target}"
    for path in found:
        assert path.nodes[0] == source and path.nodes[-1] == target
        for hop in path:
            assert hop.sources and hop.source_count == len(hop.sources) >= 1
            edge = graph.edges[hop.subject, hop.object, hop.claim]  # the hop is a real claim
            assert edge["predicate"] == hop.predicate and edge["sources"] == hop.sources
        assert path.weakest is not None and path.weakest.weakest


def test_fixture_ledger_investor_to_agency(built_store: Settings) -> None:
    graph = cached_project(open_store(built_store))
    assert graph.has_edge("peter-thiel", "clearview-ai")
    _assert_sourced_path(graph, "peter-thiel", "fbi")
    fine = graph.edges["imy", "swedish-police", "imy-fine-police"]
    assert (fine["status"], fine["amount"], fine["currency"]) == ("final", 250000.0, "EUR")
    assert (fine["date"], fine["date_precision"]) == ("2021-02-01", "month")
    # The only source is a 2022 article: in mid-2021 nothing of this was published yet.
    assert project(open_store(built_store), as_of=dt.date(2021, 6, 30)).number_of_edges() == 0


@pytest.fixture(scope="module")
def bundled(bundled_store: Settings) -> nx.MultiDiGraph:
    return project(open_store(bundled_store))


def test_bundled_investor_of_clearview_reaches_a_us_federal_agency(
        bundled: nx.MultiDiGraph) -> None:
    assert "peter-thiel" in {u for u, _v, d in bundled.in_edges("clearview-ai", data=True)
                             if d["predicate"] == "invested_in"}
    assert "Investor" in bundled.nodes["peter-thiel"]["types"]
    assert bundled.nodes["fbi"]["country"] == "US"
    _assert_sourced_path(bundled, "peter-thiel", "fbi")
    longer = all_simple_paths(bundled, "peter-thiel", "fbi", max_hops=3, limit=5)
    assert longer and all(h.sources for p in longer for h in p)


def test_bundled_as_of_removes_later_claims(bundled_store: Settings,
                                            bundled: nx.MultiDiGraph) -> None:
    dates = sorted(d["date"] for *_e, d in bundled.edges(data=True) if d["date"])
    day = dates[len(dates) // 2]  # the median claim date
    earlier = project(open_store(bundled_store), as_of=dt.date.fromisoformat(day))
    later = {k for *_e, k, d in bundled.edges(keys=True, data=True)
             if (d["date"] or "") > day or (d["start"] or "") > day}
    assert later, "the bundled data should have claims after its median date"
    kept = {k for *_e, k in earlier.edges(keys=True)}
    assert not later & kept
    assert 0 < len(kept) < bundled.number_of_edges()
    for *_e, d in earlier.edges(data=True):
        assert (d["date"] or "") <= day and (d["start"] or "") <= day
        assert not d["end"] or d["end"] >= day


def test_bundled_graphml_round_trip(bundled: nx.MultiDiGraph, tmp_path: Path) -> None:
    write(bundled, "graphml", tmp_path / "bundled.graphml")
    back = nx.read_graphml(tmp_path / "bundled.graphml", force_multigraph=True)
    assert back.number_of_nodes() == bundled.number_of_nodes()
    assert back.number_of_edges() == bundled.number_of_edges()
    assert back.nodes["fbi"]["label_fr"] == bundled.nodes["fbi"]["label_fr"]
    for u, v, k, d in bundled.edges(keys=True, data=True):
        assert back.edges[u, v, k]["source_count"] == d["source_count"]
