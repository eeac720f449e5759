"""The endpoint exposed: crashes, memory, fairness, HTTP-layer limits and correctness fixes.

Every case runs against a real `custodiet serve` on loopback; distinct clients are distinct
loopback addresses (127.0.0.N), as the per-client limits see them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from graph.settings import Settings
from tests.endpoint.conftest import free_port, running_server

DEEP = "SELECT * WHERE " + "{" * 5_000 + "}" * 5_000  # the engine segfaults at 3,000
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
HUGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g ?c ?f ?i"


def client(number: int, timeout: float = 30) -> httpx.Client:
    """An HTTP client connecting from 127.0.0.<number>: a distinct client to the server."""
    return httpx.Client(timeout=timeout,
                        transport=httpx.HTTPTransport(local_address=f"127.0.0.{number}"))


@pytest.fixture(scope="module")
def guarded(built_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server with small limits: 2 query workers, a 200 MB cap, 3 queries per client."""
    log = tmp_path_factory.mktemp("guarded") / "server.log"
    with running_server(built_store, log, query_memory_mb=200, client_concurrency=3,
                        client_errors_per_minute=20, header_timeout=1.5,
                        slow_query_seconds=0.5, endpoint_url="https://example.org/public",
                        query_timeout=3.0) as url:
        yield url


def test_deep_nesting_is_refused_before_the_engine(guarded: str) -> None:
    with client(11) as http:
        for text in (DEEP, "SELECT * WHERE { FILTER(" + "!" * 5000 + "true) }",
                     "ASK { FILTER(" + " && ".join(["true"] * 2000) + ") }"):
            answer = http.post(f"{guarded}/sparql", content=text.encode(),
                               headers={"Content-Type": "application/sparql-query"})
            assert answer.status_code == 400, answer.text
            assert "CUSTODIET_MAX_QUERY" in answer.text
    health = httpx.get(f"{guarded}/health").text
    assert "crashed=0" in health, health


def test_error_flood_gets_429_and_others_are_unaffected(guarded: str) -> None:
    with client(12) as flooder, client(13) as other:
        statuses = [flooder.post(f"{guarded}/sparql", content=DEEP.encode(), headers={
            "Content-Type": "application/sparql-query"}).status_code for _ in range(25)]
        assert statuses[0] == 400 and statuses[-1] == 429
        refused = flooder.post(f"{guarded}/sparql", data={"query": "ASK {}"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert other.get(f"{guarded}/sparql", params={"query": "ASK {}"}).status_code == 200


def test_memory_cap_fails_the_query_alone(guarded: str) -> None:
    with client(14) as http:
        answer = http.post(f"{guarded}/sparql", data={"query": HUGE})
        assert answer.status_code in (507, 503), answer.text  # 503 if the time limit came first
        if answer.status_code == 507:
            assert "CUSTODIET_QUERY_MEMORY_MB" in answer.text
        assert http.get(f"{guarded}/sparql", params={"query": "ASK {}"}).status_code == 200


def test_slow_queries_do_not_starve_pages_or_quick_queries(guarded: str) -> None:
    results: list[int] = []

    def slow(number: int) -> None:
        with client(number) as http:
            results.append(http.post(f"{guarded}/sparql", data={"query": SLOW}).status_code)

    threads = [threading.Thread(target=slow, args=(n,)) for n in (21, 22)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # both slow queries hold the two query workers by now
    with client(23) as http:
        started = time.monotonic()
        page = http.get(f"{guarded}/entity/clearview-ai", headers={"Accept": "text/turtle"})
        named = http.get(f"{guarded}/queries/cookbook-who-funds", params={"entity": "clearview-ai"})
        quick = http.get(f"{guarded}/sparql", params={"query": "ASK { ?s ?p ?o }"})
        elapsed = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert page.status_code == 200 and named.status_code == 200 and quick.status_code == 200
    assert elapsed < 2.5, f"cheap requests waited {elapsed:.1f} s behind slow queries"
    assert results == [503, 503]


def test_per_client_concurrency_answers_429(guarded: str) -> None:
    statuses: list[int] = []

    def one() -> None:
        with client(31) as http:
            statuses.append(http.post(f"{guarded}/sparql", data={"query": SLOW}).status_code)

    threads = [threading.Thread(target=one) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(429) == 2, statuses


def test_headers_must_arrive_in_time(guarded: str) -> None:
    port = int(guarded.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        time.sleep(2.5)
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer


def raw_request(url: str, request: bytes) -> bytes:
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_over_long_get_is_414_with_a_message(endpoint: str) -> None:
    # Past what the HTTP parser takes (uvicorn used to answer a bare 400 here) ...
    answer = raw_request(endpoint, b"GET /sparql?query=ASK%7B%7D%23" + b"x" * 70_000
                         + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 414") and b"POST" in answer, answer[:200]
    # ... and past the configured limit, within it.
    answer2 = httpx.get(f"{endpoint}/sparql", params={"query": "ASK {} #" + "x" * 25_000})
    assert answer2.status_code == 414 and "POST" in answer2.text


def test_invalid_utf8_and_unsupported_functions_are_400(endpoint: str) -> None:
    assert httpx.get(f"{endpoint}/sparql?query=ASK%20%7B%7D%20%23%FF").status_code == 400
    answer = httpx.get(f"{endpoint}/sparql", params={"query": "SELECT (<urn:f>(1) AS ?x) {}"})
    assert answer.status_code == 400 and "not supported" in answer.text


def test_relative_iris_resolve_against_the_base(endpoint: str) -> None:
    answer = httpx.get(f"{endpoint}/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                       headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200
    assert "<https://w3id.org/custodiet/s> <https://w3id.org/custodiet/p>" in answer.text


def test_service_check_never_refuses_a_valid_query(endpoint: str) -> None:
    text = "SELECT ?x WHERE { BIND(" + "(" * 25 + '"service"' + ")" * 25 + " AS ?x) }"
    assert httpx.get(f"{endpoint}/sparql", params={"query": text}).status_code == 200
    refused = httpx.get(f"{endpoint}/sparql",
                        params={"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"})
    assert refused.status_code == 403


@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
def test_triple_terms_serialise_in_every_results_format(endpoint: str, accept: str) -> None:
    text = "SELECT ?t WHERE { BIND(<<( <urn:a> <urn:b> <urn:c> )>> AS ?t) }"
    answer = httpx.get(f"{endpoint}/sparql", params={"query": text}, headers={"Accept": accept})
    assert answer.status_code == 200, answer.text
    assert "urn:b" in answer.text


def test_triple_terms_in_json_ld_are_refused_clearly(endpoint: str) -> None:
    text = "CONSTRUCT { <urn:x> <urn:p> <<( <urn:a> <urn:b> <urn:c> )>> } WHERE {}"
    turtle = httpx.get(f"{endpoint}/sparql", params={"query": text},
                       headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "<<(" in turtle.text
    jsonld = httpx.get(f"{endpoint}/sparql", params={"query": text},
                       headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 406 and "triple terms" in jsonld.text


def test_description_uses_the_configured_public_url(guarded: str) -> None:
    answer = httpx.get(f"{guarded}/sparql", headers={"Accept": "application/n-triples",
                                                     "Host": "evil.example"})
    triples = {q.triple for q in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)}
    endpoints = {str(t.object) for t in triples if t.predicate.value.endswith("#endpoint")
                 or t.predicate.value.endswith("sparqlEndpoint")}
    assert endpoints == {"<https://example.org/public/sparql>"}


def test_health_without_a_build_is_not_ready(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTODIET_")}
    env |= {"CUSTODIET_STORE_DIR": str(tmp_path / "empty"), "CUSTODIET_QUERY_WORKERS": "1"}
    process = subprocess.Popen([sys.executable, "-c", "from graph.cli import main; main()",
                                "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.2)
        assert health.status_code == 503 and "no build" in health.text
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_repeated_agreeing_formats_and_n3(endpoint: str) -> None:
    url = f"{endpoint}/sparql?query=ASK%20%7B%7D"
    assert httpx.get(url + "&format=json&output=json").status_code == 200
    assert httpx.get(url + "&format=tsv&format=text/tab-separated-values").status_code == 200
    assert httpx.get(url + "&format=json&format=xml").status_code == 400
    graph = httpx.get(f"{endpoint}/sparql", params={
        "query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 1", "format": "n3"})
    assert graph.status_code == 200 and graph.headers["content-type"].startswith("text/turtle")


def test_graph_query_in_a_results_format_falls_back(endpoint: str) -> None:
    for accept, expected in (("application/sparql-results+json", "application/ld+json"),
                             ("application/sparql-results+xml", "application/rdf+xml")):
        answer = httpx.get(f"{endpoint}/sparql", headers={"Accept": accept},
                           params={"query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 2"})
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(expected)


def test_cors_preflight_accepts_common_client_headers(endpoint: str) -> None:
    answer = httpx.options(f"{endpoint}/sparql", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-requested-with, content-type, authorization"})
    assert answer.status_code == 200
    assert "x-requested-with" in answer.headers["access-control-allow-headers"].lower()
