"""Exports re-imported with networkx keep entities, claims and their attributes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from graph.analysis.export import LIST_SEPARATOR, write


def _check_nodes(nodes: dict[str, dict], *, lists: bool) -> None:
    fund = nodes["fund-two"]
    assert fund["label_en"] == "Second Fund" and fund["label_fr"] == "Deuxième Fonds"
    assert fund["types"] == (["Investor"] if lists else "Investor")
    assert nodes["v-beta"]["country"] == "US"


def test_graphml_round_trip(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    write(network, "graphml", tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert back.is_directed() and back.is_multigraph()
    assert set(back) == set(network)
    assert {k for *_e, k in back.edges(keys=True)} == {k for *_e, k in network.edges(keys=True)}
    _check_nodes(dict(back.nodes(data=True)), lists=False)
    edge = back.edges["agency-x", "v-alpha", "x-alpha-2019"]
    assert edge["source_count"] == 2 and isinstance(edge["source_count"], int)
    assert edge["sources"].split(LIST_SEPARATOR) == ["a-2019", "b-2019"]
    assert edge["amount"] == 100000.0 and edge["predicate"] == "contract_with"
    assert "start" not in edge  # missing values are left out, not written as "None"


def test_gexf_round_trip(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    write(network, "gexf", tmp_path / "g.gexf")
    back = nx.read_gexf(tmp_path / "g.gexf")
    assert set(back) == set(network)
    _check_nodes(dict(back.nodes(data=True)), lists=False)
    assert back.nodes["fund-two"]["label"] == "Second Fund"
    ids = {d["id"] for *_e, d in back.edges(data=True)}
    assert ids == {k for *_e, k in network.edges(keys=True)}  # parallel claims kept apart
    by_claim = {d["claim"]: d for *_e, d in back.edges(data=True)}
    assert by_claim["f2-gamma"]["source_count"] == 1
    assert by_claim["x-alpha-2023"]["sources"] == "a-2023"


def test_cytoscape_round_trip(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    write(network, "cytoscape", tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    edge_ids = [e["data"]["id"] for e in data["elements"]["edges"]]
    assert len(edge_ids) == len(set(edge_ids)) == network.number_of_edges()
    back = nx.cytoscape_graph(data, name="label")
    assert back.is_multigraph() and set(back) == set(network)
    _check_nodes(dict(back.nodes(data=True)), lists=True)
    assert back.edges["agency-x", "v-alpha", "x-alpha-2019"]["sources"] == ["a-2019", "b-2019"]


def test_csv_node_and_edge_lists(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    written = write(network, "csv", tmp_path / "csv")
    assert [p.name for p in written] == ["nodes.csv", "edges.csv"]
    with (tmp_path / "csv" / "nodes.csv").open(encoding="utf-8") as handle:
        nodes = {row["id"]: row for row in csv.DictReader(handle)}
    with (tmp_path / "csv" / "edges.csv").open(encoding="utf-8") as handle:
        edges = list(csv.DictReader(handle))
    assert list(nodes["fund-two"])[:5] == ["id", "label", "label_en", "label_fr", "types"]
    _check_nodes(nodes, lists=False)
    back = nx.from_edgelist([(e["source"], e["target"]) for e in edges], nx.MultiDiGraph)
    assert back.number_of_edges() == network.number_of_edges()
    row = next(e for e in edges if e["claim"] == "x-alpha-2019")
    assert (row["source"], row["target"], row["source_count"]) == ("agency-x", "v-alpha", "2")
    assert row["sources"] == "a-2019|b-2019"


def test_unknown_format(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        write(network, "pdf", tmp_path / "g.pdf")
