"""The endpoint's result cache: repeated queries are answered from memory, never across builds."""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from graph.settings import Settings
from graph.sparql.cache import ResultCache
from graph.sparql.execute import JobResult, QueryJob
from tests.conftest import FIXTURE_LEDGER
from tests.endpoint.conftest import HOSTILE_LEDGER, build_store, running_server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


def health(url: str) -> dict[str, int]:
    text = httpx.get(f"{url}/health", timeout=10).text
    return {k: int(v) for k, v in re.findall(r"(cached|hits|misses)=(\d+)", text)}


def count(url: str) -> int:
    response = httpx.get(f"{url}/sparql", params={"query": COUNT}, headers=JSON, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_repeated_query_is_answered_from_the_cache_until_a_new_build(tmp_path: Path) -> None:
    store = tmp_path / "store"
    settings = build_store(FIXTURE_LEDGER, store)
    with running_server(settings, tmp_path / "server.log") as url:
        first = count(url)
        before = health(url)
        assert count(url) == first
        after = health(url)
        assert after["hits"] == before["hits"] + 1
        # the same query text with another format is another answer
        csv = httpx.get(f"{url}/sparql", params={"query": COUNT},
                        headers={"Accept": "text/csv"}, timeout=30)
        assert csv.text.splitlines() == ["n", str(first)]

        # A new build goes live under the running server: its answers, not the cached ones.
        other = tmp_path / "other-ledger"
        other.mkdir()
        (other / "ledger.yaml").write_text(textwrap.dedent(HOSTILE_LEDGER), encoding="utf-8")
        build_store(other, store)
        deadline = time.monotonic() + 15
        while (now := count(url)) == first and time.monotonic() < deadline:
            time.sleep(0.2)
        assert now != first
        time.sleep(1.0)  # past the workers' re-check of the live build
        assert count(url) == now == count(url)


def test_cache_can_be_turned_off(built_store: Settings, tmp_path: Path) -> None:
    with running_server(built_store, tmp_path / "server.log", result_cache_mb=0) as url:
        assert count(url) == count(url)
        assert health(url)["hits"] == 0


def test_named_queries_and_pages_use_the_cache(built_store: Settings, tmp_path: Path) -> None:
    with running_server(built_store, tmp_path / "server.log") as url:
        pages = [f"{url}/entity/clearview-ai?format=ttl",
                 f"{url}/queries/cookbook-entity-profile?entity=clearview-ai&format=json"]
        bodies = [httpx.get(page, timeout=30).content for page in pages]
        before = health(url)["hits"]
        assert [httpx.get(page, timeout=30).content for page in pages] == bodies
        # the entity page asks two queries (merged id, description), the named query one
        assert health(url)["hits"] == before + 3


def answer(status: int = 200, body: bytes = b"x" * 100, build: str | None = "b1") -> JobResult:
    return JobResult(status, "text/plain", body, build=build)


def test_cache_keeps_only_answers_of_the_live_build_within_its_budget() -> None:
    live = {"id": "b1"}
    cache = ResultCache(8_000, lambda: live["id"])
    jobs = [QueryJob(f"ASK {{ <urn:x:{i}> ?p ?o }}") for i in range(40)]
    cache.put(jobs[0], answer())
    assert cache.get(jobs[0]) == answer()
    # never kept: answers of unknown build, errors, time-outs, crashes, rate limits
    for refused in (answer(build=None), answer(400), answer(503), answer(500), answer(429),
                    answer(507)):
        cache.put(jobs[1], refused)
        assert cache.get(jobs[1]) is None
    # one answer above an eighth of the budget is not kept
    cache.put(jobs[2], answer(body=b"x" * 1_001))
    assert cache.get(jobs[2]) is None
    # bounded in bytes: the least recently used go first
    for job in jobs:
        cache.put(job, answer())
        cache.get(jobs[0])
    assert cache.size <= 8_000
    assert cache.get(jobs[0]) is not None and cache.get(jobs[1]) is None
    # an answer from a replaced build is never served once another is live
    live["id"] = "b2"
    assert cache.get(jobs[0]) is None
    assert len(cache) == 0
    cache.put(jobs[0], answer(build="b1"))  # a worker still on the old build answered late
    assert cache.get(jobs[0]) is None


@pytest.mark.parametrize("job", [
    QueryJob("SELECT (STRUUID() AS ?u) WHERE {}"), QueryJob("SELECT (now () AS ?t) {}"),
    QueryJob("SELECT ?x WHERE { BIND(RAND() AS ?x) }"), QueryJob("CONSTRUCT { ?s ?p ?o } "
             "WHERE { BIND(BNODE() AS ?s) BIND(UUID() AS ?p) BIND(1 AS ?o) }"),
    QueryJob("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
             refuse_service=False)])
def test_answers_that_change_from_run_to_run_are_not_kept(job: QueryJob) -> None:
    cache = ResultCache(8_000, lambda: "b1")
    assert cache.get(job) is None
    cache.put(job, answer())
    assert cache.get(job) is None


def test_volatile_functions_answer_afresh(endpoint: str) -> None:
    query = {"query": "SELECT (STRUUID() AS ?u) WHERE {}"}
    first, second = (httpx.get(f"{endpoint}/sparql", params=query, headers=JSON, timeout=30)
                     for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert first.json() != second.json()


@pytest.mark.parametrize("budget", [0, -1])
def test_cache_off(budget: int) -> None:
    cache = ResultCache(budget, lambda: "b1")
    cache.put(QueryJob("ASK {}"), answer())
    assert cache.get(QueryJob("ASK {}")) is None
