"""The remote backend against a real scale-out server: Virtuoso Open Source, started on 127.0.0.1.

The bundled data is built once into the embedded Oxigraph store and once into Virtuoso (Graph
Store Protocol PUT into a named graph, with Digest authentication), and every named query must
return the same rows from both in the query's own order: the same sequence of ORDER BY keys,
and the same multiset of rows within each run of equal keys (SPARQL leaves the order of ties to
the engine; tests/ordered_answers.py, shared with ``bench.run --virtuoso``). The server's
limits are raised by
tests/virtuoso_server.py (by default Virtuoso cuts results at 10,000 rows without an error);
a test below proves they are. Dialect differences and how the queries avoid them:
docs/scaling.md, section *Virtuoso*.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.generate import Generator, write_jsonl
from graph.named_queries import NamedQuery, named_queries
from graph.pipeline import publish, validate_ledger
from graph.settings import Settings
from graph.store import Store, StoreError, open_store
from tests import virtuoso_server as virtuoso_server_module
from tests.conftest import DATA, ROOT
from tests.ordered_answers import difference, order_keys, ordered_answer
from tests.scale.conftest import build_bulk, settings_for
from tests.test_named_query_grain import answer
from tests.virtuoso_server import (
    GRAPH,
    REQUIRE_VIRTUOSO_ENV,
    Virtuoso,
    require_virtuoso,
    virtuoso_server,
)

pytestmark = pytest.mark.slow
QUERIES = sorted(named_queries())
ONT = "https://w3id.org/custodiet/ontology#"


@dataclass
class Pair:
    server: Virtuoso
    virtuoso: Store
    oxigraph: Store


def _settings(store_dir: Path, server: Virtuoso, *, graph_store: bool = True,
              graph: str = GRAPH) -> Settings:
    return Settings(  # type: ignore[call-arg]
        backend="remote", store_dir=store_dir, query_timeout=60,  # the slowest here: ui-subgraph, a few s
        remote_query_url=f"{server.http}/sparql?default-graph-uri={graph}",
        remote_update_url=server.update_url,
        remote_store_url=server.store_url if graph_store else None)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    require_virtuoso()
    root = tmp_path_factory.mktemp("virtuoso")
    validation = validate_ledger(DATA, Settings(store_dir=root / "scratch"), shacl=False)  # type: ignore[call-arg]
    assert validation.output is not None, "data/ does not validate"
    local = Settings(backend="oxigraph", store_dir=root / "oxigraph")  # type: ignore[call-arg]
    publish(validation.output, local)
    with virtuoso_server(root / "db") as server:
        remote = _settings(root / "remote", server)
        info = publish(validation.output, remote)
        virtuoso = open_store(remote)
        assert virtuoso.info() == info
        yield Pair(server, virtuoso, open_store(local))


@pytest.mark.parametrize("name", QUERIES)
def test_named_query_same_rows_on_virtuoso_and_oxigraph(name: str, pair: Pair) -> None:
    query = named_queries()[name]
    if _is_graph_query(query):
        columns, reference = answer(pair.oxigraph, query)
        assert answer(pair.virtuoso, query) == (columns, reference), f"{name}: triples differ"
        return
    differs = difference(query, ordered_answer(pair.oxigraph, query),
                         ordered_answer(pair.virtuoso, query))
    assert differs is None, f"{name}: {differs}"


def _is_graph_query(query: NamedQuery) -> bool:
    text = re.sub(r"(?im)^\s*(#.*|PREFIX\s.*)$", "", query.text)
    return text.split(None, 1)[0].upper() in ("CONSTRUCT", "DESCRIBE")


def test_order_keys_are_read_from_the_outermost_order_by() -> None:
    query = NamedQuery("x", "x", "", "SELECT ?a ?b ?c WHERE { { SELECT ?a WHERE { ?a ?p ?o } "
                                     "ORDER BY ?o LIMIT 3 } ?a ?q ?b } "
                                     "ORDER BY DESC(?b) ?a STR(?c) ?c LIMIT 10")
    assert order_keys(query, ["a", "b", "c"]) == ["b", "a"]
    assert order_keys(query, ["a", "c"]) == []  # ?b not projected: nothing checkable
    assert order_keys(NamedQuery("y", "y", "", "SELECT ?a WHERE { ?a ?p ?o }"), ["a"]) == []
    guarded = NamedQuery("z", "z", "", "SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY BOUND(?a) ?a "
                                       "DESC(BOUND(?b)) DESC( ?b ) (!BOUND(?c)) ?c LIMIT 5")
    assert order_keys(guarded, ["a", "b"]) == ["a", "b"]


def test_the_whole_graph_arrives_and_no_limit_cuts_it(pair: Pair) -> None:
    """More than Virtuoso's default 10,000 rows (and sorted past its default top-sort cap)."""
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    local = int(pair.oxigraph.select(everything).rows[0]["n"] or 0)
    total = local + 3  # the remote backend keeps the build's id, time and counts as 3 triples
    assert total > 10_000
    assert pair.virtuoso.select(everything).rows == [{"n": str(total)}]
    rows = pair.virtuoso.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows
    assert len(rows) == total
    sorted_rows = pair.virtuoso.select(
        f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o LIMIT {total} OFFSET 1").rows
    assert len(sorted_rows) == total - 1
    assert len(pair.virtuoso.dump().splitlines()) == total  # CONSTRUCT, not cut either


@pytest.mark.parametrize("graph_store", [True, False], ids=["graph-store-put", "sparql-update"])
def test_bulk_build_into_virtuoso(tmp_path: Path, pair: Pair, graph_store: bool) -> None:
    """`build-bulk` through either route, into another graph of the same server, twice."""
    graph = f"{GRAPH}/bulk-{'put' if graph_store else 'update'}"
    settings = _settings(tmp_path / "remote", pair.server, graph_store=graph_store, graph=graph)
    claims = f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{ONT}Claim> }}"
    ledger = tmp_path / "ledger.jsonl"
    write_jsonl(Generator(400, seed=9).records(), ledger)
    result, info = build_bulk(ledger, settings_for(tmp_path / "local", **_fields(settings)))
    assert info is not None, [d.format() for d in result.report.items]
    store = open_store(settings)
    assert store.info() == info
    assert store.select(claims).rows == [{"n": "400"}]
    smaller = tmp_path / "smaller.jsonl"
    write_jsonl(Generator(100, seed=10).records(), smaller)
    _result, second = build_bulk(smaller, settings_for(tmp_path / "local", **_fields(settings)))
    assert second is not None and second.build_id != info.build_id
    assert store.select(claims).rows == [{"n": "100"}]  # replaced, not added to
    assert store.info() == second
    # the bundled data in the main graph was not touched
    assert pair.virtuoso.select(claims).rows == pair.oxigraph.select(claims).rows


def _fields(settings: Settings) -> dict[str, Any]:
    return {"backend": "remote", "remote_query_url": settings.remote_query_url,
            "remote_update_url": settings.remote_update_url,
            "remote_store_url": settings.remote_store_url}


def test_without_the_binary_it_skips_and_ci_makes_that_an_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(virtuoso_server_module.shutil, "which", lambda _name: None)
    monkeypatch.delenv(REQUIRE_VIRTUOSO_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="virtuoso-opensource"):
        require_virtuoso()
    monkeypatch.setenv(REQUIRE_VIRTUOSO_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=REQUIRE_VIRTUOSO_ENV):
        require_virtuoso()
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"export {REQUIRE_VIRTUOSO_ENV}=1" in script.splitlines()
    assert "virtuoso-opensource" in script


def test_a_partial_answer_is_an_error_not_a_short_result(tmp_path: Path, pair: Pair) -> None:
    """Virtuoso's "anytime" answer at a time limit is HTTP 200 with a wrong COUNT (here asked
    for with the endpoint's own ``timeout`` parameter, in ms); the backend refuses it."""
    hurried = Settings(backend="remote", store_dir=tmp_path,  # type: ignore[call-arg]
                       remote_query_url=f"{pair.server.query_url}&timeout=100")
    with pytest.raises(StoreError, match="partial result"):
        open_store(hurried).select(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }")
