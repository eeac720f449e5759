"""One behaviour test, run against every storage backend (Oxigraph, rdflib, remote server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.pipeline import publish, run, validate_ledger
from graph.settings import Settings
from graph.store import BuildInfo, StoreError, open_store
from tests.conftest import FIXTURE_LEDGER
from tests.oxigraph_server import oxigraph_server

ONT = "https://w3id.org/custodiet/ontology#"
ENT = "https://w3id.org/custodiet/entity/"


@pytest.fixture(params=["oxigraph", "memory", "remote"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    if request.param == "remote":
        with oxigraph_server(tmp_path / "server") as url:
            yield Settings(
                backend="remote",
                store_dir=tmp_path / "store",
                remote_query_url=f"{url}/query",
                remote_update_url=f"{url}/update",
                remote_store_url=f"{url}/store",
            )
    else:
        yield Settings(backend=request.param, store_dir=tmp_path / "store")  # type: ignore[arg-type]


def test_store_behaviour(settings: Settings) -> None:
    store = open_store(settings)
    assert store.info() is None
    result = validate_ledger(FIXTURE_LEDGER, settings, shacl=False)
    assert result.output is not None
    info = publish(result.output, settings)

    assert store.info() is not None and store.info().build_id == info.build_id  # type: ignore[union-attr]
    count = store.select(f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{ONT}Claim> }}")
    assert count.columns == ["n"] and count.rows == [{"n": "7"}]
    assert store.ask(f"ASK {{ <{ENT}fbi> <{ONT}contract_with> <{ENT}clearview-ai> }}")
    assert not store.ask(f"ASK {{ <{ENT}fbi> <{ONT}fined> <{ENT}clearview-ai> }}")

    fine = store.select(
        f"SELECT ?amount ?currency WHERE {{ ?c <{ONT}amount> ?amount ; <{ONT}currency> ?currency ;"
        f" <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{ENT}imy> }}"
    )
    assert fine.rows == [{"amount": "250000", "currency": "EUR"}]

    described = store.graph(f"CONSTRUCT {{ <{ENT}fbi> ?p ?o }} WHERE {{ <{ENT}fbi> ?p ?o }}")
    assert "Federal Bureau of Investigation" in described
    as_json = store.serialize(
        f"SELECT ?s WHERE {{ ?s <{ONT}contract_with> ?o }}", "application/sparql-results+json"
    )
    assert b"/entity/fbi" in as_json
    assert "clearview-ai" in store.dump()

    # a second build replaces the data instead of adding to it
    publish(result.output, settings)
    again = store.select(f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{ONT}Claim> }}")
    assert again.rows == [{"n": "7"}]


def test_bad_query_is_a_store_error(settings: Settings) -> None:
    result = validate_ledger(FIXTURE_LEDGER, settings, shacl=False)
    assert result.output is not None
    publish(result.output, settings)
    with pytest.raises(StoreError):
        open_store(settings).select("SELECT ?x WHERE { ?x")


def test_empty_store_says_build_first(tmp_path: Path) -> None:
    store = open_store(Settings(store_dir=tmp_path))
    with pytest.raises(StoreError, match="custodiet build"):
        store.select("SELECT * WHERE { ?s ?p ?o }")


def test_replace_file_and_both_builds_give_one_dataset(settings: Settings, tmp_path: Path) -> None:
    """``replace_file`` (what `build` and `build-bulk` use) and ``replace`` (text) agree; the
    caller's file is left where it was; a file the engine cannot parse never goes live."""
    store = open_store(settings)
    yaml_built = run([(FIXTURE_LEDGER, "yaml")], settings, shacl=False)
    assert yaml_built.info is not None and store.info() == yaml_built.info
    first = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{ONT}contract_with> ?o }}").rows

    text = validate_ledger(FIXTURE_LEDGER, settings, shacl=False).output
    assert text is not None and text.build_id == yaml_built.info.build_id  # same bytes, same id
    path = tmp_path / "data.nq"
    path.write_text(text.nquads, encoding="utf-8")
    info = BuildInfo("file-build", "2026-01-01T00:00:00+00:00", {"claims": 7})
    store.replace_file(path, info)
    assert path.read_text(encoding="utf-8") == text.nquads
    assert store.info() is not None and store.info().build_id == "file-build"  # type: ignore[union-attr]
    assert store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{ONT}contract_with> ?o }}").rows == first

    broken = tmp_path / "broken.nq"
    broken.write_text("<not a quad\n", encoding="utf-8")
    with pytest.raises(StoreError):
        store.replace_file(broken, BuildInfo("broken", "2026-01-01T00:00:00+00:00"))
    assert store.info() is not None and store.info().build_id == "file-build"  # type: ignore[union-attr]
    assert store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{ONT}contract_with> ?o }}").rows == first
