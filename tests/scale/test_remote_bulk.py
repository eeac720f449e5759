"""The remote backend against a real standalone server: the `oxigraph` package's own, on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.generate import Generator, write_jsonl
from graph.cli import app
from graph.named_queries import get_query
from graph.search import search
from graph.settings import Settings
from graph.store import open_store
from graph.store import remote_store as remote_module
from tests.oxigraph_server import free_port, oxigraph_server
from tests.scale.conftest import build_bulk, settings_for

CLAIMS = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/custodiet/ontology#Claim> }"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with oxigraph_server(tmp_path / "server") as url:
        yield url


def _remote(tmp: Path, url: str, *, graph_store: bool = True) -> Settings:
    return settings_for(tmp / "local", "remote", remote_query_url=f"{url}/query",
                        remote_update_url=f"{url}/update",
                        remote_store_url=f"{url}/store" if graph_store else None)


@pytest.mark.parametrize("graph_store", [True, False], ids=["graph-store-put", "sparql-update"])
def test_bulk_build_into_a_remote_server(tmp_path: Path, server: str, graph_store: bool,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote_module, "UPDATE_CHUNK_LINES", 2000)  # several INSERT batches
    ledger = tmp_path / "ledger.jsonl"
    write_jsonl(Generator(400, seed=9).records(), ledger)
    settings = _remote(tmp_path, server, graph_store=graph_store)
    result, info = build_bulk(ledger, settings)
    assert info is not None, [d.format() for d in result.report.items]
    store = open_store(settings)
    assert store.backend == "remote"
    assert store.info() == info
    assert store.select(CLAIMS).rows == [{"n": "400"}]
    totals = store.select(get_query("stats-totals").render()).rows[0]
    assert (totals["entities"], totals["sources"]) == ("60", "80")
    # search reads names through the server too (index cached by the remote build id)
    some = Generator(400, seed=9).records()
    _kind, first = next(some)
    assert search(first["name"]["en"], settings=settings)[0].id == first["id"]

    # a second build replaces the first one, it does not add to it
    smaller = tmp_path / "smaller.jsonl"
    write_jsonl(Generator(100, seed=10).records(), smaller)
    result, second = build_bulk(smaller, settings)
    assert second is not None and second.build_id != info.build_id
    assert store.select(CLAIMS).rows == [{"n": "100"}]
    assert store.info() == second


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.jsonl"
    write_jsonl(Generator(50, seed=1).records(), ledger)
    url = f"http://127.0.0.1:{free_port()}"
    env = {"CUSTODIET_BACKEND": "remote", "CUSTODIET_REMOTE_QUERY_URL": f"{url}/query",
           "CUSTODIET_REMOTE_STORE_URL": f"{url}/store",
           "CUSTODIET_STORE_DIR": str(tmp_path / "local")}
    result = CliRunner().invoke(app, ["build-bulk", str(ledger), "--no-progress"], env=env)
    assert result.exit_code == 1
    assert "remote endpoint unreachable" in result.output
