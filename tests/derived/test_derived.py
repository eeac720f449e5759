"""Derived tables (graph/derived): the same answers as SPARQL on the RDF of the same build,
keyset paging that returns every row once, and the file's life cycle beside the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.generate import Generator, write_jsonl
from graph.analysis import projection
from graph.derived import tables
from graph.derived.views import LISTINGS, Derived, clear_cache, open_derived
from graph.named_queries import get_query
from graph.pipeline import run
from graph.settings import Settings
from graph.store import open_store

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "fixtures" / "broken" / "bad-date.yaml"


def _build(ledger: Path, reader: str, store_dir: Path) -> Settings:
    settings = Settings(store_dir=store_dir, data_dir=ledger)  # type: ignore[call-arg]
    result = run([(ledger, reader)], settings, shacl=False)
    assert result.info is not None, [d.format() for d in result.report.errors[:5]]
    return settings


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return _build(ROOT / "data", "yaml", tmp_path_factory.mktemp("derived-bundled"))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("derived-synthetic")
    ledger = folder / "ledger.jsonl"
    write_jsonl(Generator(3000, seed=7).records(), ledger)
    return _build(ledger, "bulk", folder / "store")


@pytest.fixture(params=["bundled", "synthetic"])
def built(request: pytest.FixtureRequest) -> Settings:
    settings: Settings = request.getfixturevalue(request.param)
    return settings


def _derived(settings: Settings) -> Derived:
    derived = open_derived(settings)
    assert derived is not None
    return derived


def _select(settings: Settings, name: str, **params: str) -> list[dict[str, str | None]]:
    return open_store(settings).select(get_query(name).render(**params)).rows


def _all(derived: Derived, name: str, **filters: str) -> list[dict[str, Any]]:
    return derived.page(name, limit=10_000, **filters).rows


def test_totals_and_facets_agree_with_sparql(built: Settings) -> None:
    derived = _derived(built)
    totals = derived.totals()
    sparql = _select(built, "stats-totals")[0]
    assert totals["entities"] == int(sparql["entities"] or 0)
    assert totals["claims"] == int(sparql["claims"] or 0)
    assert totals["sources"] == int(sparql["sources"] or 0)
    assert totals["single_line_claims"] == int(sparql["single_source_claims"] or 0)
    by_predicate = {r["predicate"]: (int(r["claims"] or 0), int(r["single_source"] or 0))
                    for r in _select(built, "stats-claims-by-predicate")}
    assert {r["key"]: (r["n"], r["single"]) for r in derived.facet("predicate")} == by_predicate
    by_type = {r["type"]: int(r["count"] or 0) for r in _select(built, "stats-entities-by-type")}
    assert {r["key"]: r["n"] for r in derived.facet("type")} == by_type
    by_country = {r["country"]: int(r["entities"] or 0)
                  for r in _select(built, "ui-counts-by-country")}
    assert {r["key"]: r["n"] for r in derived.facet("country")} == by_country
    kinds = {r["kind"]: int(r["sources"] or 0) for r in _select(built, "ui-source-kinds")}
    assert {r["key"]: r["n"] for r in derived.facet("source_kind")} == kinds


def test_timeline_rows_agree_with_sparql(built: Settings) -> None:
    sparql = _select(built, "ui-timeline", start="0001-01-01", end="9999-12-31", lang="en")
    rows = _all(_derived(built), "timeline")
    assert [(r["claim"], r["date"]) for r in rows] == [(r["claim"], r["date"]) for r in sparql]
    for mine, theirs in zip(rows, sparql, strict=True):
        assert mine["subject"] == theirs["subject"]
        assert mine["predicate"] == theirs["predicate"]
        assert mine["object"] == theirs["object"]
        assert mine["status"] == theirs["status"]
        assert mine["source_count"] == int(theirs["source_count"] or 0)
        if theirs["precision"] is not None:
            assert mine["precision"] == theirs["precision"]
        if theirs["subject_label"] is not None:
            assert mine["subject_label_en"] == theirs["subject_label"]


def test_sources_agree_with_sparql(built: Settings) -> None:
    rows = _all(_derived(built), "sources")
    listed = {r["source"]: r for r in _select(built, "ui-sources", lang="en")}
    counts = {r["source"]: int(r["claims"]) for r in _select(built, "ui-source-counts")
              if r["claims"] is not None}
    assert {r["source"] for r in rows} == set(listed)
    for row in rows:
        theirs = listed[row["source"]]
        assert (row["host"], row["copy_of"], row["publisher"], row["issued"]) == (
            theirs["host"], theirs["copy_of"], theirs["publisher"], theirs["issued"])
        assert row["claims"] == counts.get(row["source"], 0)
    issued = [r["issued"] or "" for r in rows]
    assert issued == sorted(issued, reverse=True)


def test_single_line_and_disputed_agree_with_sparql(built: Settings) -> None:
    derived = _derived(built)
    single = {r["claim"] for r in _all(derived, "single-line")}
    query = ("PREFIX ont: <https://w3id.org/custodiet/ontology#> SELECT ?c WHERE "
             "{ ?c ont:independentSourceCount 1 }")
    sparql = {(r["c"] or "").rpartition("/claim/")[2]
              for r in open_store(built).select(query).rows}
    assert single == sparql
    disputed = [(r["claim"], r["disputed_claim"], r["says"]) for r in _all(derived, "disputed")]
    theirs = [(r["claim"], r["disputed_claim"], r["says"])
              for r in _select(built, "cookbook-disputed-claims")]
    assert [(c.rpartition("/claim/")[2] if c else c, d.rpartition("/claim/")[2] if d else d, s)
            for c, d, s in theirs] == disputed


def test_keyset_paging_returns_every_row_once(built: Settings) -> None:
    derived = _derived(built)
    entity = derived.query("SELECT entity FROM entity_summary GROUP BY entity "
                           "ORDER BY SUM(claims) DESC, entity LIMIT 1")[0]["entity"]
    cases: list[tuple[str, dict[str, str]]] = [
        (name, {}) for name in LISTINGS if name != "entity-claims"]
    cases.append(("entity-claims", {"entity": entity}))
    for name, filters in cases:
        whole = _all(derived, name, **filters)
        seen: list[dict[str, Any]] = []
        after = None
        for _ in range(10_000):
            page = derived.page(name, after=after, limit=7, **filters)
            seen += page.rows
            if page.next is None:
                break
            assert len(page.rows) == 7
            after = page.next
        assert seen == whole, name
        key = [c for c, _, _ in LISTINGS[name].key if c != "sort_date"]
        assert len({json.dumps([r.get(c) for c in key]) for r in seen}) == len(seen), name


def test_entity_summary_counts_its_claims(bundled: Settings) -> None:
    derived = _derived(bundled)
    summary = derived.entity_summary("clearview-ai")
    claims = _all(derived, "entity-claims", entity="clearview-ai")
    assert sum(r["claims"] for r in summary) == len(claims) > 0
    sparql = {r["claim"] for r in _select(bundled, "ui-entity-claims", entity="clearview-ai",
                                          lang="en")}
    assert {r["claim"] for r in claims} == sparql


def test_projection_from_derived_equals_projection_from_sparql(built: Settings) -> None:
    store = open_store(built)
    from_sparql = projection._load_claims_data(store)
    from_derived = projection.load_claims_data(store)
    derived = _derived(built)
    assert from_derived == projection._from_derived(derived)  # the derived route was taken
    assert from_derived.entities == from_sparql.entities
    assert from_derived.sources == from_sparql.sources
    assert from_derived.claims == from_sparql.claims
    assert from_derived.build_id == from_sparql.build_id


def test_rebuilds_and_failures(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    first = _build(ROOT / "tests" / "fixtures" / "ledger", "yaml", store_dir)
    first_id = open_store(first).info().build_id  # type: ignore[union-attr]
    assert _derived(first).build_id == first_id
    # A failed build leaves the live build and its derived file in place.
    failed = run([(BROKEN, "yaml")], first, shacl=False)
    assert not failed.ok
    assert tables.database(store_dir, first_id).is_file()
    clear_cache()
    assert _derived(first).build_id == first_id
    # A rebuild's tables are found as soon as its build is live; the previous one is kept.
    second = _build(ROOT / "tests" / "fixtures" / "evidence", "yaml", store_dir)
    second_id = open_store(second).info().build_id  # type: ignore[union-attr]
    assert second_id != first_id
    assert _derived(second).build_id == second_id
    assert tables.database(store_dir, first_id).is_file()
    # The next build keeps its own tables and the live build's, and prunes any other.
    stale = tables.database(store_dir, "0123456789abcdef")
    stale.write_bytes(b"")
    _build(ROOT / "tests" / "fixtures" / "ledger", "yaml", store_dir)
    assert not stale.exists()
    assert _derived(second).build_id == first_id
    assert tables.database(store_dir, second_id).is_file()
    assert sorted(p.name for p in (store_dir / "derived").iterdir()) == sorted(
        f"{b}.duckdb" for b in (first_id, second_id))


def test_without_derived_tables_the_projection_reads_sparql(tmp_path: Path) -> None:
    settings = _build(ROOT / "tests" / "fixtures" / "ledger", "yaml", tmp_path / "store")
    build_id = open_store(settings).info().build_id  # type: ignore[union-attr]
    clear_cache()
    tables.database(settings.store_dir, build_id).unlink()
    assert open_derived(settings) is None
    data = projection.load_claims_data(open_store(settings))
    assert data.claims == projection._load_claims_data(open_store(settings)).claims
