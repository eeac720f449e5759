"""The W3C SPARQL 1.1 protocol and syntax test suites, run against the real server.

The manifests live in ``../shared/w3c-sparql-tests/`` (W3C test-suite licence; see its README)
and are read there, never copied: without them every test here is skipped with that reason.
Protocol tests are executed from the manifest's own HTTP description (``ht:`` requests in
their order, each with its path, headers and body in its declared encoding, and its own
expected status, format and boolean); the dataset tests run on a test dataset built from the
suite's ``data*.nt`` files as the named graphs the manifest names. (An earlier version read the
requests with SPARQL, where a request's blank node in the pattern matched every request: each
request was checked against the union of all statuses, 2xx, 3xx or 4xx, so nothing could fail.)
Syntax tests send each query file: a positive test must not be refused as a syntax error, a
negative one must be (400). Expected exceptions are listed in ``EXCEPTIONS`` with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox
import pytest

from graph.settings import Settings
from graph.store.base import BuildInfo
from graph.store.builds import BuildDirectory
from graph.store.oxigraph_store import load
from tests.endpoint.conftest import running_server

SUITES = Path(__file__).resolve().parents[3] / "shared" / "w3c-sparql-tests" / "sparql"
PROTOCOL = SUITES / "sparql11" / "protocol"
SYNTAX = [SUITES / "sparql11" / "syntax-query", SUITES / "sparql10" / "syntax-sparql3",
          SUITES / "sparql10" / "syntax-sparql4"]
MISSING = f"the W3C suites are not at {SUITES} (../shared is absent in a plain clone)"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
TESTS = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#"

# Tests whose expected answer this endpoint does not give on purpose, and why. Each is still
# run, against what the endpoint promises instead (``test_w3c_protocol``).
READ_ONLY = ("the endpoint is read-only by design: each update request is refused with 403 "
             "and a sentence saying so, the dataset is unchanged, and each query request of "
             "the test, which checks the update's effect, answers as the manifest says but "
             "false, because the update did not happen")
# The engine's own bugs (pyoxigraph 0.5.13), each with a minimal reproduction in docs/endpoint.md.
ENGINE = {
    "syntax-sparql3/syn-bad-26": "pyoxigraph reads `?x<?a&&?b>?y` as comparisons, but the "
    "longest-token rule makes `<?a&&?b>` an IRI, so the query is a syntax error",
}
EXCEPTIONS = {
    "update_dataset_default_graph": READ_ONLY,
    "update_dataset_default_graphs": READ_ONLY,
    "update_dataset_named_graphs": READ_ONLY,
    "update_dataset_full": READ_ONLY,
    "update_post_form": READ_ONLY,
    "update_post_direct": READ_ONLY,
    "update_base_uri": READ_ONLY,
}


def manifest(folder: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(folder / "manifest.ttl"), format=ox.RdfFormat.TURTLE,
               base_iri=(folder / "manifest.ttl").as_uri())
    return store


def protocol_tests() -> list[str]:
    if not PROTOCOL.is_dir():
        return []
    store = manifest(PROTOCOL)
    names = {quad.subject.value.rsplit("#", 1)[1] for quad in store.quads_for_pattern(
        None, ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{MF}ProtocolTest"))
        if isinstance(quad.subject, ox.NamedNode)}
    return sorted(names)


def syntax_tests() -> list[tuple[str, str, bool]]:
    """(id, query file, positive?) of every syntax test of the three manifests."""
    tests = []
    for folder in SYNTAX:
        if not folder.is_dir():
            continue
        for row in manifest(folder).query(  # type: ignore[union-attr]
                f"SELECT ?t ?type ?file WHERE {{ ?t a ?type ; <{MF}action> ?file "
                f"FILTER(CONTAINS(STR(?type), 'SyntaxTest')) }}"):
            kind = str(row["type"].value)  # type: ignore[index]
            file = Path(str(row["file"].value).removeprefix("file://"))  # type: ignore[index]
            if "Update" in kind or file.suffix != ".rq":
                continue
            name = f"{folder.name}/{str(row['t'].value).rsplit('#', 1)[-1]}"  # type: ignore[index]
            tests.append((name, str(file), "Positive" in kind))
    return sorted(tests)


@cache
def suite_dataset() -> list[str]:
    """The suite's test dataset as sorted N-Quads lines: each data*.nt the manifest names, as
    the named graph it names it."""
    graphs = manifest(PROTOCOL).query(
        f"SELECT DISTINCT ?file ?name WHERE {{ ?t <{UT}graphData> [ <{UT}graph> ?file ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name ] }")
    lines = set()
    for row in graphs:  # type: ignore[union-attr]
        path = Path(str(row["file"].value).removeprefix("file://"))
        graph = ox.NamedNode(str(row["name"].value))
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            lines.add(f"{ox.Quad(quad.subject, quad.predicate, quad.object, graph)} .\n")
    return sorted(lines)


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the suite's test dataset."""
    if not PROTOCOL.is_dir():
        pytest.skip(MISSING)
    root = tmp_path_factory.mktemp("w3c")
    data = root / "data.nq"
    data.write_text("".join(suite_dataset()), encoding="utf-8")
    store = root / "store"
    BuildDirectory(store).publish(data, BuildInfo("w3c-protocol", "2026-01-01T00:00:00+00:00"),
                                  load)
    settings = Settings(store_dir=store)  # type: ignore[call-arg]
    with running_server(settings, root / "server.log", query_workers=2,
                        client_errors_per_minute=0) as url:
        yield url


@dataclass(frozen=True)
class HttpExchange:
    """One ``ht:Request`` of a protocol test and what its ``ht:resp`` expects."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]  # first digits: "2", "3", "4"
    expected_boolean: bool | None
    expected_format: str | None

    @property
    def is_update(self) -> bool:
        kind = self.headers.get("content-type", "").split(";")[0].strip()
        if kind == "application/sparql-update":
            return True
        form = parse_qs((self.body or b"").decode("utf-8", "replace")) \
            if kind == "application/x-www-form-urlencoded" else {}
        return "update" in form or "update" in parse_qs(urlsplit(self.path).query)


def _one(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str
         ) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None):
        return quad.object  # type: ignore[return-value]
    return None


def _all(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list[object]:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]


def _list(store: ox.Store, head: object) -> list[ox.BlankNode]:
    """An RDF collection's members in order (the requests of a test run in that order)."""
    members = []
    while isinstance(head, ox.BlankNode):
        members.append(_one(store, head, f"{RDF}first"))
        head = _one(store, head, f"{RDF}rest")
    return members  # type: ignore[return-value]


def _requests(test: str) -> list[HttpExchange]:
    """The test's requests, in order, each read from its own nodes (a query with the request's
    blank node in it would match every request of the manifest)."""
    store = manifest(PROTOCOL)
    action = _one(store, ox.NamedNode(TESTS + test), f"{MF}action")
    assert isinstance(action, ox.BlankNode), test
    found = []
    for request in _list(store, _one(store, action, f"{HT}requests")):
        headers = {}
        for header in _list(store, _one(store, request, f"{HT}headers")):
            name, value = _one(store, header, f"{HT}fieldName"), _one(store, header,
                                                                     f"{HT}fieldValue")
            headers[str(name.value).lower()] = str(value.value)  # type: ignore[union-attr]
        body = _one(store, request, f"{HT}body")
        data = None
        if isinstance(body, ox.BlankNode):
            chars = _one(store, body, f"{CNT}chars")
            encoding = _one(store, body, f"{CNT}characterEncoding")
            data = str(chars.value).encode(  # type: ignore[union-attr]
                str(encoding.value) if encoding else "utf-8")
        response = _one(store, request, f"{HT}resp")
        assert isinstance(response, ox.BlankNode), test
        boolean = _one(store, response, f"{MF}expectedBoolean")
        fmt = _one(store, response, f"{MF}expectedFormat")
        found.append(HttpExchange(
            method=str(_one(store, request, f"{HT}methodName").value),  # type: ignore[union-attr]
            path=str(_one(store, request, f"{HT}absolutePath").value),  # type: ignore[union-attr]
            headers=headers, body=data,
            statuses=frozenset(str(s.value).rsplit("StatusCode", 1)[1][0]  # type: ignore[attr-defined]
                               for s in _all(store, response, f"{MF}expectedStatus")),
            expected_boolean=None if boolean is None else boolean.value == "true",
            expected_format=None if fmt is None else str(fmt.value)))
    assert found, test
    return found


def _boolean(response: httpx.Response) -> bool | None:
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        return bool(json.loads(response.text).get("boolean"))
    if "xml" in kind:
        return "<boolean>true</boolean>" in response.text
    return None


def _send(url: str, request: HttpExchange) -> httpx.Response:
    # The manifest's paths start with /sparql/; this endpoint's path is /sparql.
    path = request.path.replace("/sparql/", "/sparql", 1)
    return httpx.request(request.method, url + path, headers=request.headers,
                         content=request.body, timeout=30)


def _dataset_size(url: str, test: str) -> int:
    # The test's name in a comment makes the text unique, so no cached answer can stand in.
    answer = httpx.post(f"{url}/sparql", timeout=30, data={
        "query": f"# after {test}\nSELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return int(json.loads(answer.text)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("test", protocol_tests() or [pytest.param("none", marks=pytest.mark.skip(
    reason=MISSING))])
def test_w3c_protocol(test: str, w3c_server: str) -> None:
    """Each request as the manifest describes it, in order, checked against its expected
    status, format and boolean; the tests in ``EXCEPTIONS`` against the endpoint's promise."""
    read_only = EXCEPTIONS.get(test) == READ_ONLY
    requests = _requests(test)
    assert read_only == any(r.is_update and "2" in r.statuses for r in requests), \
        f"{test}: an update the manifest expects to succeed must be listed as read-only"
    for request in requests:
        response = _send(w3c_server, request)
        context = (test, request.path, response.status_code, response.text[:300])
        if read_only and request.is_update:
            assert response.status_code == 403, context
            assert "read-only" in response.text and "Update" in response.text, context
            continue
        assert str(response.status_code)[0] in request.statuses, context
        if response.status_code >= 300:
            continue
        if request.expected_boolean is not None:
            # On a read-only endpoint the queries checking an update's effect find none.
            expected = request.expected_boolean and not read_only
            assert _boolean(response) is expected, context
        kind = response.headers.get("content-type", "")
        if request.expected_format == "boolean":
            assert "sparql-results" in kind, (context, kind)
        elif request.expected_format == "RDF":
            assert any(t in kind for t in ("turtle", "rdf+xml", "n-triples", "ld+json")), kind
        elif request.expected_format == "tabular":
            assert any(t in kind for t in ("sparql-results", "csv", "tab-separated")), kind
    if read_only:
        assert _dataset_size(w3c_server, test) == len(suite_dataset()), test


@pytest.mark.parametrize("name,file,positive", syntax_tests() or [
    pytest.param("none", "", True, marks=pytest.mark.skip(reason=MISSING))])
def test_w3c_syntax(name: str, file: str, positive: bool, w3c_server: str,
                    request: pytest.FixtureRequest) -> None:
    if name in ENGINE:
        # Strict: the day the engine is fixed this fails, and the exception (here and in
        # docs/endpoint.md) is removed.
        request.applymarker(pytest.mark.xfail(strict=True, reason=ENGINE[name]))
    text = Path(file).read_bytes()
    response = httpx.post(f"{w3c_server}/sparql", content=text, timeout=30,
                          headers={"Content-Type": "application/sparql-query"})
    if positive:
        # 403 is SERVICE refused and a 400 for an unsupported custom function is a refusal to
        # run a valid query: neither is a syntax error.
        assert response.status_code in (200, 400, 403), (name, response.status_code)
        assert "syntax error" not in response.text, (name, response.text)
    else:
        assert response.status_code == 400, (name, response.status_code, response.text[:200])


def test_every_exception_is_documented() -> None:
    """docs/endpoint.md names each exception (runs without the suites: it reads only the doc)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "endpoint.md").read_text()
    conformance = text[text.index("## Conformance"):]
    missing = [name for name in [*EXCEPTIONS, *ENGINE] if f"`{name}`" not in conformance]
    assert not missing, f"docs/endpoint.md does not list {missing} under Conformance"
