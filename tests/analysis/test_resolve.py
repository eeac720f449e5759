"""Entities named the way analysts type them: id, label in either language, alias, typo."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis.resolve import AmbiguousEntity, EntityIndex, UnknownEntity, resolve_entity
from graph.settings import Settings
from graph.store import open_store


@pytest.fixture
def index(network: nx.MultiDiGraph) -> EntityIndex:
    return EntityIndex.from_graph(network)


@pytest.mark.parametrize(("text", "entity"), [
    ("fund-two", "fund-two"),
    ("Second Fund", "fund-two"),
    ("second fund", "fund-two"),
    ("Deuxième Fonds", "fund-two"),
    ("deuxieme fonds", "fund-two"),  # accents and case do not matter
    ("F2", "fund-two"),  # alias
    ("AlphaVis", "v-alpha"),
    ("Gama Face", "v-gamma"),  # typo
    ("Beta Sensng", "v-beta"),
])
def test_resolves(index: EntityIndex, text: str, entity: str) -> None:
    assert index.resolve(text) == entity


def test_ambiguous_names_list_the_candidates(index: EntityIndex) -> None:
    with pytest.raises(AmbiguousEntity) as caught:
        index.resolve("Example")
    assert {c.id for c in caught.value.candidates} >= {"agency-x", "agency-y"}
    assert "agency-x" in str(caught.value)


def test_unknown_names(index: EntityIndex) -> None:
    with pytest.raises(UnknownEntity):
        index.resolve("Zyxwvut Holdings")
    assert index.search("zzzz") == []


def test_search_ranks_one_row_per_entity(index: EntityIndex) -> None:
    hits = index.search("fund", limit=3)
    assert len(hits) == len({h.id for h in hits}) == 3
    assert all(h.id.startswith("fund-") for h in hits)


def test_index_of_the_whole_build(network_store: Settings) -> None:
    store = open_store(network_store)
    # Media organisations have no claim but are still entities of the build.
    assert resolve_entity(store, "Daily A") == "media-a"
    assert "media-b" in EntityIndex.from_store(store, lang="fr")
