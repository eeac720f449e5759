"""Paths as chains of sourced claims on the hand-made network (known answers)."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis.ego import ego
from graph.analysis.paths import all_simple_paths, shortest_paths


def test_the_only_shortest_path_and_its_weakest_link(network: nx.MultiDiGraph) -> None:
    found = shortest_paths(network, "fund-one", "agency-y")
    assert len(found) == 1
    path = found[0]
    assert path.nodes == ["fund-one", "v-beta", "fund-two", "v-gamma", "agency-y"]
    assert [h.claim for h in path] == ["f1-beta", "f2-beta", "f2-gamma", "y-gamma"]
    # Hops keep the claim's own direction and say when they were walked backwards.
    assert (path[1].subject, path[1].predicate, path[1].object) == (
        "fund-two", "invested_in", "v-beta")
    assert [h.forward for h in path] == [True, False, True, False]
    assert all(h.sources and h.source_count == len(h.sources) for h in path)
    assert path.weakest is path[2] and path[2].weakest
    assert [h.weakest for h in path] == [False, False, True, False]
    assert path.min_sources == 1
    assert path.to_dict()["hops"][2]["sources"] == ["b-2022"]


def test_max_hops_and_direction_limit_the_search(network: nx.MultiDiGraph) -> None:
    assert shortest_paths(network, "fund-one", "agency-y", max_hops=3) == []
    assert shortest_paths(network, "fund-one", "agency-y", directed=True) == []
    directed = shortest_paths(network, "fund-one", "v-beta", directed=True)
    assert [p.nodes for p in directed] == [["fund-one", "v-beta"]]
    assert all_simple_paths(network, "fund-one", "agency-y", directed=True) == []


def test_parallel_claims_use_the_best_sourced_and_list_the_others(
        network: nx.MultiDiGraph) -> None:
    (path,) = shortest_paths(network, "agency-x", "v-alpha")
    assert path[0].claim == "x-alpha-2019"  # two sources beat one
    assert path[0].alternatives == ["x-alpha-2023"]


def test_all_simple_paths_shortest_first_within_limits(network: nx.MultiDiGraph) -> None:
    found = all_simple_paths(network, "fund-one", "agency-y", max_hops=6, limit=50)
    lengths = [len(p) for p in found]
    assert lengths == sorted(lengths) and lengths[0] == 4 and max(lengths) <= 6
    assert len(found) == 6
    for path in found:
        assert len(set(path.nodes)) == len(path.nodes)  # simple
        assert path.nodes[0] == "fund-one" and path.nodes[-1] == "agency-y"
        assert all(h.source_count >= 1 for h in path)
    assert len(all_simple_paths(network, "fund-one", "agency-y", max_hops=6, limit=2)) == 2
    assert len(all_simple_paths(network, "fund-one", "agency-y", max_hops=5, limit=50)) == 3


def test_unknown_or_identical_endpoints(network: nx.MultiDiGraph) -> None:
    with pytest.raises(nx.NodeNotFound):
        shortest_paths(network, "fund-one", "nobody")
    assert shortest_paths(network, "fund-one", "fund-one") == []


def test_disconnected_entities_have_no_path() -> None:
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", key="c1", claim="c1", sources=["s"], source_count=1)
    graph.add_edge("x", "y", key="c2", claim="c2", sources=["s"], source_count=1)
    assert shortest_paths(graph, "a", "y") == []
    assert all_simple_paths(graph, "a", "y") == []


def test_ego_network(network: nx.MultiDiGraph) -> None:
    one = ego(network, "fund-two")
    assert set(one) == {"fund-two", "v-beta", "v-gamma"}
    assert {k for *_e, k in one.edges(keys=True)} == {"f2-beta", "f2-gamma"}
    two = ego(network, "fund-two", radius=2)
    assert set(two) == {"fund-two", "v-beta", "v-gamma", "fund-one", "agency-x", "v-alpha",
                        "agency-y", "fund-three", "v-delta"}
    # Induced: the partnership between two neighbours-of-neighbours is kept.
    assert two.has_edge("v-gamma", "v-delta", "gamma-delta")
    assert set(ego(network, "fund-two", directed=True)) == {"fund-two", "v-beta", "v-gamma"}
    assert set(ego(network, "v-beta", directed=True)) == {"v-beta"}
    assert two.nodes["fund-two"]["label"] == "Second Fund"
    with pytest.raises(nx.NodeNotFound):
        ego(network, "nobody")
