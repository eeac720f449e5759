"""`custodiet analyze ...` as an analyst runs it, on the hand-made network's real store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner, Result

from graph.cli import app
from graph.settings import Settings

Run = Callable[..., Result]


@pytest.fixture
def run(network_store: Settings) -> Run:
    env = {"CUSTODIET_STORE_DIR": str(network_store.store_dir)}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(app, ["analyze", *args], env=env)

    return invoke


def test_centrality_json_and_table(run: Run) -> None:
    result = run("centrality", "--top", "3", "--by", "betweenness", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["entity"] for s in data["top"]] == ["v-beta", "fund-two", "v-gamma"]
    assert data["betweenness_samples"] is None
    assert "Investor" in data["top_by_type"]
    table = run("centrality", "--top", "2", "--group", "Agency")
    assert table.exit_code == 0, table.output
    assert "Agency" in table.stdout and "agency-x" in table.stdout
    assert "Example Police" in table.stdout


def test_path_by_label_and_alias_shows_every_hop_with_its_sources(run: Run) -> None:
    result = run("path", "First Fund", "Example Ministry")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "First Fund → Beta Sensing → Second Fund → Gamma Face → Example Ministry" in out
    for claim in ("f1-beta", "f2-beta", "f2-gamma", "y-gamma"):
        assert claim in out
    assert "b-2022" in out and "weakest" in out
    as_json = run("path", "F2", "agency-x", "--format", "json", "--all", "--max-hops", "3")
    assert as_json.exit_code == 0, as_json.output
    paths = json.loads(as_json.stdout)
    assert paths and all(p["nodes"][0] == "fund-two" and p["nodes"][-1] == "agency-x"
                         for p in paths)
    assert all(h["sources"] for p in paths for h in p["hops"])
    assert [p["length"] for p in paths] == sorted(p["length"] for p in paths)


def test_path_options_and_errors(run: Run) -> None:
    none = run("path", "fund-one", "agency-y", "--max-hops", "3")
    assert none.exit_code == 1 and "no path" in none.stdout
    # Before Second Fund's stake in Gamma was reported (2022), the two clusters were apart.
    early = run("path", "fund-one", "agency-y", "--as-of", "2021-06-30")
    assert early.exit_code == 1
    unknown = run("path", "Nobody Known", "agency-y")
    assert unknown.exit_code == 1 and "no entity matches" in unknown.output
    ambiguous = run("path", "Example", "agency-y")
    assert ambiguous.exit_code == 1 and "did you mean" in ambiguous.output
    filtered = run("path", "fund-one", "agency-y", "--predicate", "contract_with")
    assert filtered.exit_code == 1 and "no claim in this graph" in filtered.output
    bad_date = run("centrality", "--as-of", "yesterday")
    assert bad_date.exit_code == 1 and "--as-of" in bad_date.output


def test_ego_communities_and_brokers(run: Run) -> None:
    ego = run("ego", "Second Fund", "--format", "json")
    assert ego.exit_code == 0, ego.output
    data = json.loads(ego.stdout)
    assert {n["entity"] for n in data["nodes"]} == {"fund-two", "v-beta", "v-gamma"}
    assert {c["claim"] for c in data["claims"]} == {"f2-beta", "f2-gamma"}
    ego_table = run("ego", "fund-two", "--radius", "2")
    assert ego_table.exit_code == 0 and "9 entities" in ego_table.stdout
    found = run("communities", "--format", "json")
    assert found.exit_code == 0, found.output
    assert sum(c["size"] for c in json.loads(found.stdout)) == 10
    assert "Gamma Face" in run("communities").stdout
    brokers = run("brokers", "--format", "json")
    assert [b["entity"] for b in json.loads(brokers.stdout)] == ["fund-two", "v-beta", "v-gamma"]
    none = run("brokers", "--side-a", "MediaOrganization")
    assert none.exit_code == 0 and "no brokers" in none.stdout


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape", "csv"])
def test_export(run: Run, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"graph.{fmt}"
    result = run("export", "--format", fmt, "-o", str(target), "--min-sources", "2")
    assert result.exit_code == 0, result.output
    if fmt == "graphml":
        back = nx.read_graphml(target, force_multigraph=True)
        assert "x-beta" not in {k for *_e, k in back.edges(keys=True)}  # one publisher only
        assert back.nodes["v-gamma"]["label_fr"] == "Gamma Visage"
    elif fmt == "csv":
        assert (target / "nodes.csv").is_file() and (target / "edges.csv").is_file()
    else:
        assert target.stat().st_size > 0
