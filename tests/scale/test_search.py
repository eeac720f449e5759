"""Search-as-you-type over names and aliases, both languages, tolerant of typos and accents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.search import Match, get_index, normalize, search
from graph.settings import Settings
from tests.scale.conftest import build_bulk, settings_for


def _ids(results: list[Match]) -> list[str]:
    return [m.id for m in results]


@pytest.mark.parametrize(("query", "expected"), [
    ("clearview", "clearview-ai"),          # a name
    ("Clear", "clearview-ai"),              # an unfinished word
    ("clearveiw", "clearview-ai"),          # a typo
    ("FBI", "fbi"),                         # an alias
    ("bureau federal", "fbi"),              # French name without its accents
    ("Bureau fédéral d'enq", "fbi"),        # ... and with them, unfinished
    ("police suedoise", "swedish-police"),
    ("commision nationale", "cnil"),        # a typo inside a French name
    ("informaton commissioner", "ico"),
    ("peter", "peter-thiel"),
])
def test_finds_entities_by_names_and_aliases(built_store: Settings, query: str,
                                             expected: str) -> None:
    assert _ids(search(query, settings=built_store))[:1] == [expected]


def test_label_in_the_asked_language_and_what_matched(built_store: Settings) -> None:
    [fr] = search("FBI", lang="fr", limit=1, settings=built_store)
    assert (fr.label, fr.matched, fr.types) == ("Bureau fédéral d'enquête", "FBI",
                                                ("LawEnforcementAgency",))
    [en] = search("bureau federal", lang="en", limit=1, settings=built_store)
    assert (en.label, en.matched) == ("Federal Bureau of Investigation", "Bureau fédéral d'enquête")
    assert 0 < en.score <= 100


def test_ranking_limit_and_nonsense(built_store: Settings) -> None:
    swedish = search("swedish", settings=built_store)
    assert set(_ids(swedish)) == {"imy", "swedish-police"}
    assert len(search("a", limit=2, settings=built_store)) <= 2
    assert search("zzzzqqq", settings=built_store) == []
    assert search("   ", settings=built_store) == []
    exact = search("ICO", settings=built_store)
    assert exact[0].id == "ico" and exact[0].score == 100


def test_normalize_folds_accents_case_and_punctuation() -> None:
    assert normalize("  Autorité  SUÉDOISE, (IMY)! ") == "autorite suedoise imy"
    assert normalize("Łukasz Straße") == "łukasz strasse"


def test_no_build_no_results(tmp_path: Path) -> None:
    assert search("anything", settings=settings_for(tmp_path / "empty")) == []


def _entity_line(ident: str, name: str) -> str:
    return json.dumps({"entity": {"id": ident, "types": ["Vendor"], "name": {"en": name,
                                                                              "fr": name}}})


def test_index_follows_the_live_build(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "store")
    first = tmp_path / "first.jsonl"
    first.write_text(_entity_line("acme", "Acme Vision") + "\n")
    assert build_bulk(first, settings)[1] is not None
    assert _ids(search("acme", settings=settings)) == ["acme"]
    built = get_index(settings)
    assert built is not None and (tmp_path / "store" / "cache").is_dir()
    second = tmp_path / "second.jsonl"
    second.write_text(_entity_line("zenith", "Zenith Optics") + "\n")
    assert build_bulk(second, settings)[1] is not None
    assert _ids(search("acme", settings=settings)) == []
    assert _ids(search("zenit optcs", settings=settings)) == ["zenith"]
