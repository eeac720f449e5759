"""The endpoint serves any backend of the storage layer: here rdflib in memory, same build."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from graph.settings import Settings
from tests.endpoint.conftest import TEST_MAX_ROWS, running_server

ENT = "https://w3id.org/custodiet/entity/"
ONT = "https://w3id.org/custodiet/ontology#"


@pytest.fixture(scope="module")
def memory_endpoint(built_store: Settings, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[str]:
    log = tmp_path_factory.mktemp("memory-log") / "server.log"
    with running_server(built_store, log, backend="memory") as url:
        yield url


def test_select_ask_construct_on_rdflib(memory_endpoint: str) -> None:
    url = f"{memory_endpoint}/sparql"
    select = httpx.get(url, params={"query": f"SELECT ?e WHERE {{ ?e a <{ONT}Vendor> }}"},
                       headers={"Accept": "text/csv"})
    assert select.status_code == 200, select.text
    assert select.text.splitlines() == ["e", f"{ENT}clearview-ai"]
    ask = httpx.get(url, params={"query": f"ASK {{ <{ENT}fbi> ?p ?o }}"})
    assert ask.json()["boolean"] is True
    graph = httpx.get(url, params={"query": f"CONSTRUCT WHERE {{ <{ENT}fbi> ?p ?o }}"},
                      headers={"Accept": "text/turtle"})
    triples = {q.triple for q in ox.parse(graph.content, format=ox.RdfFormat.TURTLE)}
    assert ox.Triple(ox.NamedNode(f"{ENT}fbi"), ox.NamedNode(f"{ONT}country"),
                     ox.Literal("US")) in triples
    capped = httpx.get(url, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(capped.json()["results"]["bindings"]) == TEST_MAX_ROWS
    assert capped.headers["x-custodiet-truncated"] == "true"


def test_pages_on_rdflib(memory_endpoint: str) -> None:
    page = httpx.get(f"{memory_endpoint}/entity/clearview-ai", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Peter Thiel" in page.text


def test_time_limit_on_rdflib(memory_endpoint: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = httpx.post(f"{memory_endpoint}/sparql", data={"query": slow}, timeout=60)
    assert response.status_code == 503
    again = httpx.get(f"{memory_endpoint}/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert again.json()["boolean"] is True
