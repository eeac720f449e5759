"""The client compatibility matrix: real clients against the real server, every query form.

Clients researchers use (SPARQLWrapper 2.0 with its defaults, with each return format, by GET,
by POST, Accept-only; rdflib's ``SPARQLStore`` with each return format and method; curl with
the Accept headers common tools and browsers send) × SELECT, ASK, CONSTRUCT and DESCRIBE. Each
cell decodes the answer the way the client hands it to its user and checks the values: Peter
Thiel is Clearview AI's only investor, Peter Thiel invested in it and the FBI did not, the two
``fined`` triples, and what the FBI is. Where the request asks for something a form cannot be
written as (a SELECT in Turtle), the cell asserts the documented refusal: 406 naming the
formats there are. On first run 20 of SPARQLWrapper's 160 cells failed, all on its ``format``
values (``format=rdf+xml``, ``format=tsv&format=`` with an empty second value, its Accept list
``application/ld+json,application/x-json+ld`` as one value); rdflib's CSV reader cannot carry
an ASK answer, so the endpoint answers one asked for as CSV in SPARQL JSON. ``test_clients.py``
keeps what is not a cell here: rdflib triple patterns over the store, and refusing its updates.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError
from xml.dom.minidom import Document

import httpx
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from graph.settings import Settings
from tests.endpoint.conftest import running_server

# SPARQLWrapper 2.0 and rdflib's JSON-LD parser build ConjunctiveGraphs, which rdflib 7 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

ENT = "https://w3id.org/custodiet/entity/"
ONT = "https://w3id.org/custodiet/ontology#"
FBI = rdflib.URIRef(f"{ENT}fbi")
FINED = rdflib.URIRef(f"{ONT}fined")

SELECT = f"""PREFIX ont: <{ONT}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?investor ?label WHERE {{
  ?investor ont:invested_in <{ENT}clearview-ai> ; rdfs:label ?label FILTER(LANG(?label) = "en")
}}"""
ASK_TRUE = f"ASK {{ <{ENT}peter-thiel> <{ONT}invested_in> <{ENT}clearview-ai> }}"
ASK_FALSE = f"ASK {{ <{ENT}fbi> <{ONT}invested_in> <{ENT}clearview-ai> }}"
CONSTRUCT = f"CONSTRUCT {{ ?s <{ONT}fined> ?o }} WHERE {{ ?s <{ONT}fined> ?o }}"
DESCRIBE = f"DESCRIBE <{ENT}fbi>"
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

INVESTORS = {(f"{ENT}peter-thiel", "Peter Thiel")}
FINES = {(rdflib.URIRef(f"{ENT}ico"), FINED, rdflib.URIRef(f"{ENT}clearview-ai")),
         (rdflib.URIRef(f"{ENT}imy"), FINED, rdflib.URIRef(f"{ENT}swedish-police"))}
ABOUT_FBI = {(FBI, rdflib.URIRef(f"{ONT}country"), rdflib.Literal("US")),
             (FBI, rdflib.RDFS.label, rdflib.Literal("Bureau fédéral d'enquête", lang="fr")),
             (FBI, rdflib.URIRef(f"{ONT}contract_with"), rdflib.URIRef(f"{ENT}clearview-ai"))}
# What a request asking a SELECT or ASK for a graph-only format gets: 406 naming the formats.
REFUSED = "available: application/sparql-results+json"

@dataclass(frozen=True)
class Refused:
    status: int
    message: str


def queries(form: str) -> list[tuple[str, object]]:
    """(query, what a right answer holds) for a form; ASK is asked once true and once false,
    so a reader that always says true cannot pass."""
    cases: dict[str, list[tuple[str, object]]] = {
        "SELECT": [(SELECT, INVESTORS)], "ASK": [(ASK_TRUE, True), (ASK_FALSE, False)],
        "CONSTRUCT": [(CONSTRUCT, FINES)], "DESCRIBE": [(DESCRIBE, ABOUT_FBI)]}
    return cases[form]


def check(form: str, answer: object, expected: object) -> None:
    if form == "DESCRIBE":
        assert isinstance(answer, set) and expected <= answer, answer  # type: ignore[operator]
        assert {s for s, _, _ in answer if isinstance(s, rdflib.URIRef)} == {FBI}, answer
    else:
        assert answer == expected, answer


@pytest.fixture(scope="module")
def matrix_endpoint(built_store: Settings, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[str]:
    """A server of its own over the fixture ledger, like ``endpoint`` but without the
    per-client error budget: the matrix's ~40 deliberate 406s from one address would spend the
    shared server's budget (60 a minute) and turn the next test files' requests into 429s."""
    log = tmp_path_factory.mktemp("matrix-log") / "server.log"
    with running_server(built_store, log, client_errors_per_minute=0) as url:
        yield url


# -- decoding what a server sent, by its Content-Type -------------------------------------------
GRAPH_SYNTAX = {"text/turtle": "turtle", "application/n-triples": "nt",
                "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


def graph_triples(data: bytes | str, content_type: str) -> set[tuple[rdflib.term.Node, ...]]:
    graph = rdflib.Graph().parse(data=data, format=GRAPH_SYNTAX[content_type])
    return set(graph)  # type: ignore[arg-type]


def decode(body: bytes, content_type: str, form: str) -> object:
    """The answer in a body of any of the endpoint's formats, read with rdflib's parsers."""
    kind = content_type.split(";")[0].strip()
    if kind in GRAPH_SYNTAX:
        assert form in ("CONSTRUCT", "DESCRIBE"), (form, kind)
        return graph_triples(body, kind)
    assert not (form == "ASK" and kind in ("text/csv", "text/tab-separated-values")), kind
    assert form in ("SELECT", "ASK"), (form, kind)
    result = rdflib.query.Result.parse(io.BytesIO(body), content_type=kind)
    if form == "ASK":
        return result.askAnswer
    return {(str(row[0]), str(row[1])) for row in result}  # type: ignore[index]


# -- SPARQLWrapper ------------------------------------------------------------------------------
GRAPH_ONLY = {TURTLE, N3, RDFXML, JSONLD, RDF}
SW_FORMATS = [None, JSON, XML, CSV, TSV, TURTLE, N3, RDFXML, JSONLD, RDF]
SW_MODES = ["GET", "POST", "conneg", "conneg-POST"]


def from_sparqlwrapper(converted: object, content_type: str, form: str) -> object:
    """The answer in what ``queryAndConvert`` hands its user: a dict for JSON results, a DOM
    for XML results, a Graph for RDF/XML and JSON-LD, bytes for the text formats."""
    if isinstance(converted, bytes):
        return decode(converted, content_type, form)
    if isinstance(converted, rdflib.Graph):
        return set(converted)
    if isinstance(converted, dict):
        if form == "ASK":
            return converted["boolean"]
        return {(b["investor"]["value"], b["label"]["value"])
                for b in converted["results"]["bindings"]}
    assert isinstance(converted, Document), type(converted)
    if form == "ASK":
        return converted.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]
    rows = set()
    for result in converted.getElementsByTagName("result"):
        values = {b.getAttribute("name"): b.firstChild.firstChild.data  # type: ignore[union-attr]
                  for b in result.getElementsByTagName("binding")}
        rows.add((values["investor"], values["label"]))
    return rows


def ask_sparqlwrapper(url: str, fmt: str | None, mode: str, query: str, form: str
                      ) -> object:
    client = SPARQLWrapper(url)
    if fmt is not None:
        client.setReturnFormat(fmt)
    if "POST" in mode:
        client.setMethod(POST)
    if "conneg" in mode:
        client.setOnlyConneg(True)
    client.setQuery(query)
    try:
        with warnings.catch_warnings():
            # It warns when it sends */* for a format the form has no media type for.
            warnings.simplefilter("ignore", RuntimeWarning)
            result = client.query()
            content_type = result.info()["content-type"]
            converted = result.convert()
    except HTTPError as exc:
        return Refused(exc.code, exc.read().decode())
    return from_sparqlwrapper(converted, content_type, form)


@pytest.mark.parametrize("mode", SW_MODES)
@pytest.mark.parametrize("fmt", SW_FORMATS, ids=lambda f: f or "default")
@pytest.mark.parametrize("form", FORMS)
def test_sparqlwrapper(matrix_endpoint: str, form: str, fmt: str | None, mode: str) -> None:
    """Default settings send ``format=xml&output=xml&results=xml`` and a SPARQL XML or RDF/XML
    Accept; other formats add the media type as a second value, or an empty one."""
    # `format` decides over Accept; only Accept-only requests may pick a results format for a
    # SELECT whose return format is a graph syntax (SPARQLWrapper then sends */*).
    refused = form in ("SELECT", "ASK") and fmt in GRAPH_ONLY and "conneg" not in mode
    for query, expected in queries(form):
        answer = ask_sparqlwrapper(f"{matrix_endpoint}/sparql", fmt, mode, query, form)
        if refused:
            assert isinstance(answer, Refused) and answer.status == 406, answer
            assert REFUSED in answer.message, answer
        else:
            check(form, answer, expected)


# -- rdflib SPARQLStore -------------------------------------------------------------------------
# rdflib reads a text/csv answer with its CSV results parser, which has no boolean: an ASK asked
# for as CSV comes back in SPARQL JSON (graph.sparql.execute.write_boolean), or rdflib would
# hand its user a SELECT with no rows.


def from_rdflib(result: rdflib.query.Result, form: str) -> object:
    if form == "ASK":
        assert result.type == "ASK", result.type
        return result.askAnswer
    if form == "SELECT":
        return {(str(row[0]), str(row[1])) for row in result}  # type: ignore[index]
    assert result.type == "CONSTRUCT" and result.graph is not None, result.type
    return set(result.graph)


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("return_format", ["xml", "json", "csv"])
@pytest.mark.parametrize("form", FORMS)
def test_rdflib_sparqlstore(matrix_endpoint: str, form: str, return_format: str, method: str
                            ) -> None:
    store = SPARQLStore(query_endpoint=f"{matrix_endpoint}/sparql", returnFormat=return_format,
                        method=method)  # type: ignore[arg-type]
    graph = rdflib.Graph(store=store)
    for query, expected in queries(form):
        check(form, from_rdflib(graph.query(query), form), expected)


# -- curl ---------------------------------------------------------------------------------------
CURL = Path("/usr/bin/curl")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPTS = ["*/*", "application/sparql-results+json", "application/sparql-results+xml",
           "text/csv", "text/tab-separated-values", "text/turtle", "application/ld+json",
           "application/rdf+xml", "application/n-triples", BROWSER, "application/json",
           "application/xml", None]
GRAPH_ACCEPTS = {"text/turtle", "application/ld+json", "application/rdf+xml",
                 "application/n-triples"}


def curl(url: str, query: str, accept: str | None, body: Path) -> tuple[int, str]:
    """(status, Content-Type) of a GET by curl; ``accept`` None sends no Accept at all (curl
    otherwise adds ``Accept: */*``)."""
    header = "Accept:" if accept is None else f"Accept: {accept}"
    done = subprocess.run(
        [str(CURL), "--silent", "--show-error", "--get", "--data-urlencode", f"query={query}",
         "--header", header, "--output", str(body), "--write-out", "%{http_code} %{content_type}",
         url], capture_output=True, text=True, timeout=60, check=True)
    status, _, content_type = done.stdout.partition(" ")
    return int(status), content_type


@pytest.mark.skipif(not CURL.exists(), reason="curl is not installed at /usr/bin/curl "
                    "(apt-get install curl)")
@pytest.mark.parametrize("accept", ACCEPTS, ids=lambda a: "none" if a is None
                         else "browser" if a == BROWSER else a)
@pytest.mark.parametrize("form", FORMS)
def test_curl(matrix_endpoint: str, form: str, accept: str | None, tmp_path: Path) -> None:
    refused = form in ("SELECT", "ASK") and accept in GRAPH_ACCEPTS
    for query, expected in queries(form):
        status, content_type = curl(f"{matrix_endpoint}/sparql", query, accept, tmp_path / "body")
        body = (tmp_path / "body").read_bytes()
        if refused:
            assert status == 406 and REFUSED in body.decode(), (status, body)
            continue
        assert status == 200, (status, body)
        check(form, decode(body, content_type, form), expected)


# -- a browser page on another origin -----------------------------------------------------------
def test_cross_origin_post_from_a_browser(matrix_endpoint: str) -> None:
    """What a page elsewhere (YASGUI, a notebook front end) does: a preflight for a POST with
    the headers jQuery-style clients add, then the POST; its answer must be readable there."""
    origin = "https://yasgui.example"
    preflight = httpx.options(f"{matrix_endpoint}/sparql", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-requested-with, content-type"})
    assert preflight.status_code == 200, preflight.text
    allowed = {h.strip().lower() for h in
               preflight.headers["access-control-allow-headers"].split(",")}
    assert {"x-requested-with", "content-type"} <= allowed
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-origin"] in ("*", origin)
    answer = httpx.post(f"{matrix_endpoint}/sparql", data={"query": SELECT}, headers={
        "Origin": origin, "X-Requested-With": "XMLHttpRequest",
        "Accept": "application/sparql-results+json"})
    assert answer.headers["access-control-allow-origin"] in ("*", origin)
    rows = json.loads(answer.text)["results"]["bindings"]
    assert {(r["investor"]["value"], r["label"]["value"]) for r in rows} == INVESTORS


def test_matrix_reads_csv_values(matrix_endpoint: str, tmp_path: Path) -> None:
    """The CSV cells go through rdflib's reader; this one reads the bytes as a spreadsheet
    would, so a CSV whose quoting rdflib forgives but a spreadsheet does not still fails."""
    if not CURL.exists():
        pytest.skip("curl is not installed at /usr/bin/curl (apt-get install curl)")
    status, _ = curl(f"{matrix_endpoint}/sparql", SELECT, "text/csv", tmp_path / "body")
    assert status == 200
    rows = list(csv.reader(io.StringIO((tmp_path / "body").read_text(encoding="utf-8"))))
    assert rows == [["investor", "label"], [f"{ENT}peter-thiel", "Peter Thiel"]]

