"""SPARQL page: preloaded examples, results as a table with downloads, and the endpoint's
guards (read-only, no SERVICE, time limit) applied to what the analyst types."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from graph.settings import Settings, get_settings
from graph.ui.sparql import GuardedRunner
from tests.ui.conftest import open_page

COUNT_LABELS = "SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://w3id.org/custodiet/ontology#Entity> }"


def run(app: AppTest, sparql: str) -> AppTest:
    app.text_area(key="sparql_text").input(sparql)
    return app.button(key="sparql_run").click().run()


def test_editor_is_preloaded_and_runs_a_query(ui: Settings) -> None:
    app = open_page("sparql")
    assert app.selectbox(key="sparql_example").value is not None
    assert "SELECT" in app.text_area(key="sparql_text").value.upper()
    run(app, COUNT_LABELS)
    table = app.dataframe[0].value
    assert list(table["n"]) == ["8"]
    downloads = {b.label: b for b in app.get("download_button")}
    assert set(downloads) == {"CSV", "JSON"}


def test_choosing_an_example_loads_its_text(ui: Settings) -> None:
    app = open_page("sparql")
    box = app.selectbox(key="sparql_example")
    other = next(o for o in box.options if o != box.format_func(box.value))
    name = next(n for n in ("stats-totals", "ui-counts-by-country") if n in str(app.session_state))\
        if False else None
    box.select(next(v for v in _values(app) if box.format_func(v) == other)).run()
    assert app.text_area(key="sparql_text").value.strip()
    assert name is None


def _values(app: AppTest) -> list[str]:
    from graph.ui.views.sparql import examples

    return list(examples())


def test_updates_and_federation_are_refused(ui: Settings) -> None:
    app = open_page("sparql")
    run(app, "INSERT DATA { <http://a> <http://b> <http://c> }")
    assert app.error[0].value == "The query could not run:"
    assert "read-only" in app.code[-1].value
    run(app, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert "SERVICE" in app.code[-1].value
    run(app, "SELECT nonsense")
    # The engine's message (with grammar such as ['A' ..= 'Z' | ...]) is shown as code, never
    # as Markdown that would turn its brackets and bars into links and tables.
    assert "syntax" in app.code[-1].value.lower() or "error" in app.code[-1].value.lower()
    assert not app.markdown or all("..=" not in m.value for m in app.markdown)


@pytest.fixture
def slow_runner(built_store: Settings) -> Iterator[GuardedRunner]:
    runner = GuardedRunner(built_store.model_copy(update={"query_timeout": 1.0, "max_rows": 5}))
    yield runner
    runner.close()


def test_time_limit_and_row_cap(slow_runner: GuardedRunner) -> None:
    answer = slow_runner.run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert answer.kind == "error" and "limit of 1 s" in answer.message
    answer = slow_runner.run("SELECT ?s WHERE { ?s ?p ?o }")  # a fresh worker took over
    assert answer.kind == "solutions" and len(answer.table) == 5 and answer.truncated
    body = json.loads(answer.downloads["json"][0])
    assert len(body["results"]["bindings"]) == 5
    assert answer.downloads["csv"][0].decode().splitlines()[0] == "s"
    ask = slow_runner.run("ASK { ?s ?p ?o }")
    assert ask.kind == "boolean" and ask.boolean is True
    graph = slow_runner.run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
    assert graph.kind == "graph" and len(graph.table) == 3
    assert get_settings().query_timeout != 1.0  # the fixture did not leak into the app settings
