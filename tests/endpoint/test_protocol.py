"""SPARQL 1.1 Protocol over real HTTP: operations, negotiation, errors, limits, description."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pyoxigraph as ox
import pytest

from tests.endpoint.conftest import TEST_MAX_BYTES, TEST_MAX_ROWS

ONT = "https://w3id.org/custodiet/ontology#"
ENT = "https://w3id.org/custodiet/entity/"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SELECT_VENDORS = f"SELECT ?e WHERE {{ ?e a <{ONT}Vendor> }}"
SELECT_LABELS = (f"SELECT ?e ?label WHERE {{ ?e a <{ONT}Entity> ; "
                 f"<http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?e ?label")
CONSTRUCT_FBI = f"CONSTRUCT {{ <{ENT}fbi> ?p ?o }} WHERE {{ <{ENT}fbi> ?p ?o }}"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def sparql(endpoint: str) -> str:
    return f"{endpoint}/sparql"


def bindings(response: httpx.Response) -> list[dict[str, dict[str, str]]]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def graph_of(response: httpx.Response, fmt: ox.RdfFormat) -> list[ox.Triple]:
    assert response.status_code == 200, response.text
    return [q.triple for q in ox.parse(response.content, format=fmt)]


# -- the three ways to send a query ----------------------------------------------------------
def test_query_by_get(endpoint: str) -> None:
    response = httpx.get(sparql(endpoint), params={"query": SELECT_VENDORS})
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert [b["e"]["value"] for b in bindings(response)] == [f"{ENT}clearview-ai"]


def test_query_by_form_post(endpoint: str) -> None:
    response = httpx.post(sparql(endpoint), data={"query": SELECT_VENDORS})
    assert [b["e"]["value"] for b in bindings(response)] == [f"{ENT}clearview-ai"]


def test_query_by_direct_post(endpoint: str) -> None:
    response = httpx.post(sparql(endpoint), content=SELECT_VENDORS.encode(),
                          headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert [b["e"]["value"] for b in bindings(response)] == [f"{ENT}clearview-ai"]


def test_dataset_parameters(endpoint: str) -> None:
    # All data is in the default graph: naming another graph as default leaves nothing to match.
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    empty = httpx.get(sparql(endpoint), params={"query": count,
                                                "default-graph-uri": "http://example.org/g"})
    assert bindings(empty)[0]["n"]["value"] == "0"
    named = httpx.post(sparql(endpoint), content=b"SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
                       params={"named-graph-uri": "http://example.org/g"},
                       headers={"Content-Type": "application/sparql-query"})
    assert bindings(named) == []
    full = httpx.get(sparql(endpoint), params={"query": count})
    assert int(bindings(full)[0]["n"]["value"]) > 1000


# -- content negotiation ---------------------------------------------------------------------
@pytest.mark.parametrize(("accept", "expected"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/turtle;q=0.9, text/csv;q=0.5, application/sparql-results+xml;q=0.8",
     "application/sparql-results+xml"),
])
def test_select_negotiation(endpoint: str, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(sparql(endpoint), params={"query": SELECT_LABELS}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]
    kind = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
            "application/sparql-results+xml": ox.QueryResultsFormat.XML,
            "text/csv": ox.QueryResultsFormat.CSV,
            "text/tab-separated-values": ox.QueryResultsFormat.TSV}[expected]
    if kind == ox.QueryResultsFormat.CSV:
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["e", "label"]
        assert [f"{ENT}fbi", "Bureau fédéral d'enquête"] in rows
    else:
        parsed = ox.parse_query_results(response.content, format=kind)
        assert isinstance(parsed, ox.QuerySolutions)
        labels = {(s["e"].value, s["label"].value, s["label"].language)  # type: ignore[union-attr]
                  for s in parsed}
        assert (f"{ENT}fbi", "Bureau fédéral d'enquête", "fr") in labels
        assert len(labels) == 16


@pytest.mark.parametrize(("accept", "expected", "fmt"), [
    (None, "text/turtle", ox.RdfFormat.TURTLE),
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/sparql-results+json, application/ld+json;q=0.5", "application/ld+json",
     ox.RdfFormat.JSON_LD),
])
def test_construct_negotiation(endpoint: str, accept: str | None, expected: str,
                               fmt: ox.RdfFormat) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(sparql(endpoint), params={"query": CONSTRUCT_FBI}, headers=headers)
    assert response.headers["content-type"].split(";")[0] == expected
    triples = graph_of(response, fmt)
    assert ox.Triple(ox.NamedNode(f"{ENT}fbi"), ox.NamedNode(f"{ONT}country"),
                     ox.Literal("US")) in triples


@pytest.mark.parametrize(("fmt", "expected"), [
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
])
def test_format_parameter_wins_over_accept(endpoint: str, fmt: str, expected: str) -> None:
    response = httpx.get(sparql(endpoint), params={"query": SELECT_VENDORS, "format": fmt},
                         headers={"Accept": "application/sparql-results+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


def test_format_parameter_for_graphs(endpoint: str) -> None:
    response = httpx.post(sparql(endpoint), data={"query": CONSTRUCT_FBI, "format": "nt"})
    assert response.headers["content-type"].startswith("application/n-triples")
    assert graph_of(response, ox.RdfFormat.N_TRIPLES)


def test_ask_and_describe(endpoint: str) -> None:
    yes = httpx.get(sparql(endpoint), params={"query": f"ASK {{ <{ENT}fbi> ?p ?o }}"})
    assert yes.json() == {"head": {}, "boolean": True}
    no = httpx.get(sparql(endpoint), params={"query": f"ASK {{ <{ENT}nobody> ?p ?o }}"},
                   headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>false</boolean>" in no.text
    described = httpx.get(sparql(endpoint), params={"query": f"DESCRIBE <{ENT}clearview-ai>"},
                          headers={"Accept": "text/turtle"})
    subjects = {t.subject for t in graph_of(described, ox.RdfFormat.TURTLE)}
    assert ox.NamedNode(f"{ENT}clearview-ai") in subjects


# -- errors ----------------------------------------------------------------------------------
def test_malformed_query_is_400_with_a_message(endpoint: str) -> None:
    response = httpx.get(sparql(endpoint), params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "syntax error" in response.text.lower()


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "data": {"default-graph-uri": "http://example.org/g"}},
    {"method": "POST", "data": {"query": "   "}},
    {"method": "POST", "content": b"", "headers": {"Content-Type": "application/sparql-query"}},
    {"method": "GET", "params": {"query": ""}},
], ids=["form-without-query", "blank-form-query", "empty-body", "empty-get-query"])
def test_missing_query_is_400(endpoint: str, request_kwargs: dict[str, object]) -> None:
    response = httpx.request(url=sparql(endpoint), **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert response.text.strip()


def test_two_queries_are_400(endpoint: str) -> None:
    by_get = httpx.get(sparql(endpoint) + "?query=ASK%7B%7D&query=ASK%7B%7D")
    assert by_get.status_code == 400
    assert "more than one" in by_get.text
    by_form = httpx.post(sparql(endpoint), content=b"query=ASK%7B%7D&query=ASK%7B%7D",
                         headers=FORM)
    assert by_form.status_code == 400
    mixed = httpx.post(sparql(endpoint) + "?query=ASK%7B%7D", content=b"ASK {}",
                       headers={"Content-Type": "application/sparql-query"})
    assert mixed.status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
def test_unsupported_content_type_is_415(endpoint: str, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(sparql(endpoint), content=SELECT_VENDORS.encode(), headers=headers)
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


def test_nothing_acceptable_is_406(endpoint: str) -> None:
    png = httpx.get(sparql(endpoint), params={"query": SELECT_VENDORS},
                    headers={"Accept": "image/png"})
    assert png.status_code == 406
    # CSV exists for solutions but not for a graph: the graph falls back to Turtle (issue 13).
    graph_as_csv = httpx.get(sparql(endpoint), params={"query": CONSTRUCT_FBI},
                             headers={"Accept": "text/csv"})
    assert graph_as_csv.status_code == 200
    assert graph_as_csv.headers["content-type"].startswith("text/turtle")
    unknown = httpx.get(sparql(endpoint), params={"query": SELECT_VENDORS, "format": "pdf"})
    assert unknown.status_code == 400


def test_over_long_requests_are_413(endpoint: str) -> None:
    padding = "#" + "x" * TEST_MAX_BYTES + "\n"
    body = httpx.post(sparql(endpoint), data={"query": padding + SELECT_VENDORS})
    assert body.status_code == 413
    direct = httpx.post(sparql(endpoint), content=(padding + SELECT_VENDORS).encode(),
                        headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 413
    url = httpx.get(sparql(endpoint), params={"query": padding + SELECT_VENDORS})
    assert url.status_code == 414  # a URI, not a body: 414 (issue 13)
    just_under = httpx.post(sparql(endpoint),
                            content=("#" + "x" * (TEST_MAX_BYTES - 200) + "\n" +
                                     SELECT_VENDORS).encode(),
                            headers={"Content-Type": "application/sparql-query"})
    assert just_under.status_code == 200


def test_result_rows_are_capped(endpoint: str) -> None:
    response = httpx.get(sparql(endpoint), params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(bindings(response)) == TEST_MAX_ROWS
    assert response.headers["x-custodiet-truncated"] == "true"
    assert response.headers["x-custodiet-max-rows"] == str(TEST_MAX_ROWS)
    as_csv = httpx.get(sparql(endpoint), params={"query": "SELECT * WHERE { ?s ?p ?o }",
                                                 "format": "csv"})
    assert len(as_csv.text.strip().splitlines()) == TEST_MAX_ROWS + 1
    graph = httpx.get(sparql(endpoint), params={"query": "CONSTRUCT WHERE { ?s ?p ?o }",
                                                "format": "nt"})
    assert len(graph_of(graph, ox.RdfFormat.N_TRIPLES)) == TEST_MAX_ROWS
    small = httpx.get(sparql(endpoint), params={"query": SELECT_VENDORS})
    assert "x-custodiet-truncated" not in small.headers


def test_cors_on_get(endpoint: str) -> None:
    response = httpx.get(sparql(endpoint), params={"query": SELECT_VENDORS},
                         headers={"Origin": "https://yasgui.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(sparql(endpoint), headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "accept"})
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["access-control-allow-methods"]


# -- service description and VoID ------------------------------------------------------------
def test_get_without_query_is_the_service_description(endpoint: str) -> None:
    response = httpx.get(sparql(endpoint))
    assert response.headers["content-type"].startswith("text/turtle")
    triples = graph_of(response, ox.RdfFormat.TURTLE)
    service = ox.NamedNode("http://127.0.0.1:8000/sparql")  # CUSTODIET_ENDPOINT_URL, not Host
    assert ox.Triple(service, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "Service")) in triples
    assert ox.Triple(service, ox.NamedNode(SD + "endpoint"), service) in triples
    assert ox.Triple(service, ox.NamedNode(SD + "supportedLanguage"),
                     ox.NamedNode(SD + "SPARQL11Query")) in triples
    # The default graph is described with VoID, with the real size of the build.
    sizes = [t.object for t in triples if t.predicate == ox.NamedNode(VOID + "triples")
             and t.subject == ox.NamedNode("https://w3id.org/custodiet/dataset")]
    count = httpx.get(sparql(endpoint), params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    assert [str(s.value) for s in sizes] == [  # type: ignore[union-attr]
        count["results"]["bindings"][0]["n"]["value"]]
    assert not any(t.object == ox.NamedNode(SD + "BasicFederatedQuery") for t in triples)


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_service_description_negotiated(endpoint: str, accept: str, fmt: ox.RdfFormat) -> None:
    response = httpx.get(sparql(endpoint), headers={"Accept": accept})
    assert response.headers["content-type"].startswith(accept)
    assert any(t.object == ox.NamedNode(SD + "Service") for t in graph_of(response, fmt))


@pytest.mark.parametrize("path", ["/void", "/.well-known/void"])
def test_void(endpoint: str, path: str) -> None:
    response = httpx.get(endpoint + path)
    triples = graph_of(response, ox.RdfFormat.TURTLE)
    dataset = ox.NamedNode("https://w3id.org/custodiet/dataset")
    assert ox.Triple(dataset, ox.NamedNode(RDF_TYPE), ox.NamedNode(VOID + "Dataset")) in triples
    partitions = {t.object for t in triples if t.predicate == ox.NamedNode(VOID + "class")}
    assert ox.NamedNode(ONT + "Vendor") in partitions
    entities = [t.object.value for t in triples  # type: ignore[union-attr]
                if t.subject == dataset and t.predicate == ox.NamedNode(VOID + "entities")]
    assert entities == ["8"]
    as_json = httpx.get(endpoint + path, headers={"Accept": "application/ld+json"})
    assert json.loads(as_json.text)
