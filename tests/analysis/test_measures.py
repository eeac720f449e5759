"""Centrality, communities and brokers: known answers on the hand-made network, and the broker
search checked against brute force (remove each entity, recount) on random graphs."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from graph.analysis import measures
from graph.analysis.brokers import brokers
from graph.analysis.communities import communities
from graph.analysis.measures import centrality
from graph.analysis.projection import cached_project
from graph.settings import Settings
from graph.store import open_store


def test_centrality_scores_and_top_lists(network: nx.MultiDiGraph) -> None:
    result = centrality(network, top=3, by="betweenness")
    assert result.betweenness_samples is None  # small graph: exact
    assert [s.entity for s in result.top] == ["v-beta", "fund-two", "v-gamma"]
    alpha = result.scores["v-alpha"]
    assert (alpha.degree, alpha.claims) == (4, 5)  # two contracts with agency-x: one neighbour
    assert result.scores["p-ceo"].betweenness == 0.0
    assert sum(s.pagerank for s in result.scores.values()) == pytest.approx(1.0)
    assert set(result.top_by_type) == {"Vendor", "Investor", "LawEnforcementAgency", "Agency",
                                       "Person"}
    assert [s.entity for s in result.top_by_type["Investor"]] == ["fund-two", "fund-one",
                                                                  "fund-three"]
    by_class = centrality(network, top=5, types=["Agency"])
    assert {s.entity for s in by_class.top_by_type["Agency"]} == {"agency-x", "agency-y"}
    assert set(by_class.top_by_type) == {"Agency"}
    assert centrality(network, top=2, by="degree").top[0].entity == "v-alpha"
    quick = centrality(network, with_betweenness=False)
    assert all(s.betweenness == 0.0 for s in quick.scores.values())
    assert quick.scores["v-beta"].pagerank == result.scores["v-beta"].pagerank
    assert centrality(network, by="betweenness", with_betweenness=False).top[0].entity == "v-beta"


def test_betweenness_is_sampled_above_the_documented_size(
        network: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(measures, "BETWEENNESS_EXACT_MAX_NODES", 5)
    monkeypatch.setattr(measures, "BETWEENNESS_SAMPLES", (2, 4))
    result = centrality(network)
    assert result.betweenness_samples == 4
    assert centrality(network, betweenness_samples=3).betweenness_samples == 3
    again = centrality(network)
    assert {k: s.betweenness for k, s in again.scores.items()} == {
        k: s.betweenness for k, s in result.scores.items()}  # seeded: reproducible


def test_sample_size_stays_within_the_budget() -> None:
    low, high = measures.BETWEENNESS_SAMPLES
    assert measures.sample_size(1_000, 8_000) == high
    assert measures.sample_size(10_000, 90_000) == measures.BETWEENNESS_BUDGET // 100_000
    assert measures.sample_size(10**7, 10**8) == low


def test_communities_separate_the_two_clusters(network: nx.MultiDiGraph) -> None:
    found = communities(network)
    assert sum(c.size for c in found) == network.number_of_nodes()
    where = {n: c.index for c in found for n in c.members}
    cluster_a = {"fund-one", "v-alpha", "v-beta", "agency-x", "p-ceo"}
    cluster_b = {"agency-y", "v-gamma", "v-delta", "fund-three"}
    assert len({where[n] for n in cluster_a}) == 1
    assert len({where[n] for n in cluster_b}) == 1
    assert where["v-alpha"] != where["v-gamma"]
    first = found[0]
    assert first.size >= found[-1].size
    assert first.central[0].entity in cluster_a | cluster_b
    assert first.central[0].degree >= first.central[-1].degree
    assert first.claims > 0 and sum(first.types.values()) >= first.size


def test_brokers_known_answer(network: nx.MultiDiGraph) -> None:
    found = brokers(network)
    assert [(b.entity, b.separated_pairs) for b in found] == [
        ("fund-two", 8), ("v-beta", 7), ("v-gamma", 7)]
    assert sorted(map(tuple, (sorted(p.values()) for p in found[0].pieces))) == [(2, 2), (2, 2)]
    # v-alpha is a cut vertex too, but it only cuts off a person: not a broker.
    assert "v-alpha" in set(nx.articulation_points(network.to_undirected()))
    assert brokers(network, side_a=["Person"], side_b=["Agency"])[0].entity == "v-alpha"
    with pytest.raises(ValueError, match="unknown entity type"):
        brokers(network, side_a=["Dragon"])


def _brute_force(graph: nx.MultiDiGraph, a: set[str], b: set[str]) -> dict[str, int]:
    simple = nx.Graph(graph.to_undirected())
    found = {}
    for v in simple:
        rest = simple.subgraph(set(simple) - {v})
        component = {n: i for i, c in enumerate(nx.connected_components(simple)) for n in c}
        after = {n: i for i, c in enumerate(nx.connected_components(rest)) for n in c}
        pairs = sum(1 for x, y in itertools.product(a - {v}, b - {v})
                    if x != y and component[x] == component[y] and after[x] != after[y])
        if pairs:
            found[v] = pairs
    return found


@pytest.mark.parametrize("seed", range(12))
def test_brokers_match_brute_force_on_random_graphs(seed: int) -> None:
    rng = random.Random(seed)
    base = nx.gnm_random_graph(rng.randint(8, 30), rng.randint(8, 40), seed=seed)
    graph = nx.MultiDiGraph()
    kinds = [["Vendor"], ["Investor"], ["LawEnforcementAgency"], ["Person"], ["Vendor", "Investor"]]
    for n in base:
        graph.add_node(str(n), label=str(n), types=rng.choice(kinds))
    for i, (u, v) in enumerate(base.edges):
        graph.add_edge(str(u), str(v), key=f"c{i}", claim=f"c{i}", sources=["s"], source_count=1)
    a = {n for n, t in graph.nodes(data="types") if "Vendor" in t}
    b = {n for n, t in graph.nodes(data="types") if {"Investor", "LawEnforcementAgency"} & set(t)}
    expected = _brute_force(graph, a, b)
    assert {x.entity: x.separated_pairs for x in brokers(graph)} == expected


def test_measures_of_a_cached_projection_are_computed_once(network_store: Settings) -> None:
    graph = cached_project(open_store(network_store))
    first = centrality(graph, top=3)
    assert centrality(graph, top=3) is first
    assert centrality(graph, top=4) is not first
    assert communities(graph) is communities(graph)
    assert brokers(graph, side_b=["Investor"]) is brokers(graph, side_b=["Investor"])
    mutable = graph.copy()
    assert centrality(mutable, top=3) is not centrality(mutable, top=3)
