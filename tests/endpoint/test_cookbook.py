"""The cookbook: every query runs on the bundled data and gives the known answers on the fixture."""

from __future__ import annotations

import pytest

from graph.docs.cookbook import COOKBOOK, cookbook_queries, render_markdown, run_samples
from graph.named_queries import NamedQuery
from graph.rdf.iris import Iris
from graph.settings import Settings
from graph.store import Table, open_store

QUERIES = cookbook_queries()
ENT = "https://w3id.org/custodiet/entity/"


def run(settings: Settings, name: str, **params: str) -> Table:
    query = next(q for q in QUERIES if q.name == name)
    return open_store(settings).select(query.render(Iris(settings.base_iri), **params))


def test_there_are_at_least_fifteen() -> None:
    assert len(QUERIES) >= 15
    for query in QUERIES:
        assert query.title != query.name and query.description, query.name


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_runs_on_the_bundled_data(bundled_store: Settings, query: NamedQuery) -> None:
    table = open_store(bundled_store).select(query.render(Iris(bundled_store.base_iri)))
    assert table.rows, f"{query.name} finds nothing in data/"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_runs_on_the_fixture(built_store: Settings, query: NamedQuery) -> None:
    table = open_store(built_store).select(query.render(Iris(built_store.base_iri)))
    assert table.columns


def test_known_answers_on_the_fixture(built_store: Settings) -> None:
    funders = run(built_store, "cookbook-who-funds")
    assert funders.column("investor_label") == ["Peter Thiel"]
    fines = run(built_store, "cookbook-fines-by-country")
    assert [(r["country"], r["amount"], r["currency"], r["status"]) for r in fines.rows] == [
        ("GB", "17000000", "GBP", "proposed"), ("SE", "250000", "EUR", "final")]
    assert len(run(built_store, "cookbook-single-source-claims").rows) == 7
    assert run(built_store, "cookbook-disputed-claims").rows == []
    actions = run(built_store, "cookbook-regulator-actions")
    assert sorted(str(label) for label in actions.column("target_label")) == [
        "Clearview AI", "Clearview AI", "Swedish Police Authority"]
    # The only source was published in 2022: nothing was known at the end of 2021.
    assert run(built_store, "cookbook-known-on-date", date="2021-12-31").rows == []
    assert len(run(built_store, "cookbook-known-on-date", date="2022-12-31").rows) == 7
    customers = run(built_store, "cookbook-vendor-customers")
    assert [(r["customer_label"], r["amount"]) for r in customers.rows] == [
        ("Federal Bureau of Investigation", "18000")]
    profile = run(built_store, "cookbook-entity-profile")
    assert len(profile.rows) == 6
    assert run(built_store, "cookbook-entity-profile", entity="swedish-police").column(
        "relation") == ["fined"]
    leaders = run(built_store, "cookbook-leadership")
    assert [(r["person_label"], r["role"]) for r in leaders.rows] == [
        ("Hoan Ton-That", "chief executive officer")]


def test_markdown_shows_every_query_with_samples(built_store: Settings) -> None:
    samples = run_samples(open_store(built_store), Iris(built_store.base_iri))
    text = render_markdown(samples, built_store.base_iri, "test-build")
    for query in QUERIES:
        assert f"### {query.title}" in text
        assert f"graph/queries/{query.name}.rq" in text
    assert "| ent:peter-thiel | Peter Thiel |" in text


def test_docs_sparql_md_lists_every_query() -> None:
    text = COOKBOOK.read_text(encoding="utf-8")
    for query in QUERIES:
        assert f"### {query.title}" in text, "run `python -m graph.docs.cookbook`"
