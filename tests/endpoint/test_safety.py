"""The endpoint is read-only and bounded: updates, SERVICE and LOAD refused; runaway queries cut."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.endpoint.conftest import TEST_TIMEOUT

ENT = "https://w3id.org/custodiet/entity/"
ONT = "https://w3id.org/custodiet/ontology#"
INSERT = f'INSERT DATA {{ <{ENT}fbi> <{ONT}country> "XX" }}'
PLANTED = f'ASK {{ <{ENT}fbi> <{ONT}country> "XX" }}'
# Four-way cross product of ~1,100 triples: never finishes within any limit.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def trap() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request: proof that nothing was fetched."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", hits
    server.shutdown()


def ask(endpoint: str, query: str) -> bool:
    response = httpx.get(f"{endpoint}/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


# -- updates ---------------------------------------------------------------------------------
def test_update_by_form_is_refused(endpoint: str) -> None:
    response = httpx.post(f"{endpoint}/sparql", data={"update": INSERT})
    assert response.status_code == 403
    assert "read-only" in response.text
    assert not ask(endpoint, PLANTED)


def test_update_by_direct_post_is_refused(endpoint: str) -> None:
    response = httpx.post(f"{endpoint}/sparql", content=INSERT.encode(),
                          headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 403
    drop = httpx.post(f"{endpoint}/sparql", content=b"DROP ALL",
                      headers={"Content-Type": "application/sparql-update"})
    assert drop.status_code == 403
    assert ask(endpoint, f"ASK {{ <{ENT}fbi> ?p ?o }}")


@pytest.mark.parametrize("send", ["get", "form", "direct"])
def test_update_on_the_query_operation_is_refused(endpoint: str, send: str) -> None:
    url = f"{endpoint}/sparql"
    if send == "get":
        response = httpx.get(url, params={"query": INSERT})
    elif send == "form":
        response = httpx.post(url, data={"query": INSERT})
    else:
        response = httpx.post(url, content=INSERT.encode(),
                              headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "SPARQL Update" in response.text
    assert not ask(endpoint, PLANTED)


def test_load_is_refused(endpoint: str, trap: tuple[str, list[str]]) -> None:
    url, hits = trap
    response = httpx.post(f"{endpoint}/sparql", data={"update": f"LOAD <{url}>"})
    assert response.status_code == 403
    assert "LOAD is disabled" in response.text
    on_query = httpx.post(f"{endpoint}/sparql", data={"query": f"LOAD <{url}>"})
    assert on_query.status_code == 400
    assert hits == []


def test_malformed_update_is_400(endpoint: str) -> None:
    response = httpx.post(f"{endpoint}/sparql", data={"update": "INSERT NONSENSE"})
    assert response.status_code == 400


# -- SERVICE ---------------------------------------------------------------------------------
@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?x ?y ?z . # a comment\n OPTIONAL {{ Service <{url}> {{ ?x ?p ?o }} }} }}",
    "PREFIX s: <http://example.org/>\nSELECT * WHERE {{ SERVICE <{url}> {{ ?s s:p ?o }} }}",
], ids=["plain", "lowercase-silent", "in-optional", "with-prefix"])
def test_service_is_refused(endpoint: str, trap: tuple[str, list[str]], template: str) -> None:
    url, hits = trap
    response = httpx.post(f"{endpoint}/sparql", data={"query": template.format(url=url)})
    assert response.status_code == 403
    assert "SERVICE" in response.text
    assert hits == []


def test_escaped_service_keyword_is_not_run(endpoint: str, trap: tuple[str, list[str]]) -> None:
    url, hits = trap
    query = "SELECT * WHERE { \\u0053ERVICE <" + url + "> { ?s ?p ?o } }"
    response = httpx.post(f"{endpoint}/sparql", data={"query": query})
    assert response.status_code in (400, 403)
    assert hits == []


@pytest.mark.parametrize("query", [
    'SELECT ?x WHERE { BIND("SERVICE LOAD INSERT" AS ?x) }',
    "SELECT ?x WHERE { BIND(<http://example.org/service> AS ?x) }  # SERVICE <x> { }",
    "SELECT ?service WHERE { VALUES ?service { 1 } }",
], ids=["in-a-string", "in-an-iri-and-comment", "as-a-variable"])
def test_the_word_service_elsewhere_is_fine(endpoint: str, query: str) -> None:
    response = httpx.post(f"{endpoint}/sparql", data={"query": query})
    assert response.status_code == 200, response.text


def test_service_works_when_enabled(endpoint: str, federating_endpoint: str) -> None:
    """The federating server (hostile ledger) asks the first server (fixture ledger)."""
    query = (f"SELECT ?label WHERE {{ SERVICE <{endpoint}/sparql> {{ "
             f"<{ENT}fbi> <http://www.w3.org/2000/01/rdf-schema#label> ?label "
             f'FILTER(LANG(?label) = "en") }} }}')
    response = httpx.post(f"{federating_endpoint}/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    labels = [b["label"]["value"] for b in response.json()["results"]["bindings"]]
    assert labels == ["Federal Bureau of Investigation"]
    description = httpx.get(f"{federating_endpoint}/sparql").text
    assert "BasicFederatedQuery" in description


# -- time limit ------------------------------------------------------------------------------
def test_runaway_query_is_cut_off_while_others_answer(endpoint: str) -> None:
    simple = f"SELECT ?label WHERE {{ <{ENT}clearview-ai> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    with ThreadPoolExecutor(max_workers=1) as runner:
        slow = runner.submit(httpx.post, f"{endpoint}/sparql", data={"query": SLOW},
                             timeout=TEST_TIMEOUT * 10)
        for _ in range(200):  # bounded wait until the slow query holds a worker
            if "busy=1" in httpx.get(f"{endpoint}/health").text or slow.done():
                break
            time.sleep(0.02)
        assert "busy=1" in httpx.get(f"{endpoint}/health").text
        # While the slow query holds one worker, the other keeps answering.
        answers = []
        for _ in range(5):
            answers.append(httpx.post(f"{endpoint}/sparql", data={"query": simple}, timeout=30))
        still_running = not slow.done()
        cut = slow.result()
    assert [a.status_code for a in answers] == [200] * 5
    assert all(len(a.json()["results"]["bindings"]) == 2 for a in answers)
    assert still_running, "the simple queries should have been answered during the slow one"
    assert cut.status_code == 503
    assert "limit" in cut.text
    # The killed worker was replaced: the endpoint still answers, twice in parallel.
    with ThreadPoolExecutor(max_workers=2) as pair:
        after = list(pair.map(lambda _: httpx.post(f"{endpoint}/sparql", data={"query": simple},
                                                   timeout=30), range(2)))
    assert [a.status_code for a in after] == [200, 200]
    assert "replaced=0" not in httpx.get(f"{endpoint}/health").text
