"""The W3C SPARQL 1.1 protocol and syntax test suites, run against the real server.

The manifests live in ``../shared/w3c-sparql-tests/`` (W3C test-suite licence; see its README)
and are read there, never copied: without them every test here is skipped with that reason.
Protocol tests are executed from the manifest's own HTTP description (``ht:`` requests, with
their path, headers and body, and the expected status and format); the dataset tests run on a
test dataset built from the suite's ``data*.nt`` files as the named graphs the manifest names.
Syntax tests send each query file: a positive test must not be refused as a syntax error, a
negative one must be (400). Expected exceptions are listed in ``EXCEPTIONS`` with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

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

# Tests whose expected answer this endpoint does not give on purpose, and why.
READ_ONLY = "the endpoint is read-only by design: SPARQL Update is refused with 403"
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
PROTOCOL_QUERY = f"""
PREFIX mf: <{MF}> PREFIX ht: <{HT}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX cnt: <http://www.w3.org/2011/content#>
SELECT ?test ?request ?method ?path ?body WHERE {{
  ?test a mf:ProtocolTest ; mf:action/ht:requests/rdf:rest*/rdf:first ?request .
  ?request ht:methodName ?method ; ht:absolutePath ?path .
  OPTIONAL {{ ?request ht:body/cnt:chars ?body }}
}}"""


def manifest(folder: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(folder / "manifest.ttl"), format=ox.RdfFormat.TURTLE,
               base_iri=(folder / "manifest.ttl").as_uri())
    return store


def protocol_tests() -> list[str]:
    if not PROTOCOL.is_dir():
        return []
    names = {str(row["test"].value).rsplit("#", 1)[1]
             for row in manifest(PROTOCOL).query(PROTOCOL_QUERY)}  # type: ignore[union-attr]
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


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the suite's test dataset: data*.nt as the named graphs the manifest uses."""
    if not PROTOCOL.is_dir():
        pytest.skip(MISSING)
    graphs = manifest(PROTOCOL).query(
        "SELECT DISTINCT ?file ?name WHERE { ?t <http://www.w3.org/2009/sparql/tests/"
        "test-update#graphData> [ <http://www.w3.org/2009/sparql/tests/test-update#graph> "
        "?file ; <http://www.w3.org/2000/01/rdf-schema#label> ?name ] }")
    lines = []
    for row in graphs:  # type: ignore[union-attr]
        path = Path(str(row["file"].value).removeprefix("file://"))
        graph = ox.NamedNode(str(row["name"].value))
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            lines.append(f"{ox.Quad(quad.subject, quad.predicate, quad.object, graph)} .\n")
    root = tmp_path_factory.mktemp("w3c")
    data = root / "data.nq"
    data.write_text("".join(sorted(set(lines))), encoding="utf-8")
    store = root / "store"
    BuildDirectory(store).publish(data, BuildInfo("w3c-protocol", "2026-01-01T00:00:00+00:00"),
                                  load)
    settings = Settings(store_dir=store)  # type: ignore[call-arg]
    with running_server(settings, root / "server.log", query_workers=2,
                        client_errors_per_minute=0) as url:
        yield url


def _requests(test: str) -> list[dict[str, object]]:
    store = manifest(PROTOCOL)
    iri = f"<http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#{test}>"
    found = []
    for row in store.query(PROTOCOL_QUERY.replace("?test a mf:ProtocolTest", f"BIND({iri} AS "
                                                  "?test) ?test a mf:ProtocolTest")):  # type: ignore[union-attr]
        request = row["request"]
        headers = {str(h["n"].value): str(h["v"].value) for h in store.query(  # type: ignore[union-attr]
            f"SELECT ?n ?v WHERE {{ {request} <{HT}headers>/<http://www.w3.org/1999/02/"
            f"22-rdf-syntax-ns#rest>*/<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?h . "
            f"?h <{HT}fieldName> ?n ; <{HT}fieldValue> ?v }}")}
        statuses = {str(s["s"].value).rsplit("StatusCode", 1)[1][0] for s in store.query(  # type: ignore[union-attr]
            f"SELECT ?s WHERE {{ {request} <{HT}resp>/<{MF}expectedStatus> ?s }}")}
        expected = {str(r["k"].value).rsplit("#", 1)[1]: str(r["v"].value) for r in store.query(  # type: ignore[union-attr]
            f"SELECT ?k ?v WHERE {{ {request} <{HT}resp> ?r . ?r ?k ?v "
            f"FILTER(?k IN (<{MF}expectedBoolean>, <{MF}expectedFormat>)) }}")}
        found.append({"method": str(row["method"].value), "path": str(row["path"].value),
                      "body": row["body"].value if row["body"] else None, "headers": headers,
                      "statuses": statuses, **expected})
    return found


def _boolean(response: httpx.Response) -> bool | None:
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        return bool(json.loads(response.text).get("boolean"))
    if "xml" in kind:
        return "<boolean>true</boolean>" in response.text
    return None


@pytest.mark.parametrize("test", protocol_tests() or [pytest.param("none", marks=pytest.mark.skip(
    reason=MISSING))])
def test_w3c_protocol(test: str, w3c_server: str) -> None:
    if test in EXCEPTIONS:
        pytest.xfail(EXCEPTIONS[test])
    for request in _requests(test):
        path = str(request["path"]).replace("/sparql/", "/sparql", 1)
        body = request["body"]
        response = httpx.request(str(request["method"]), w3c_server + path,
                                 headers=request["headers"],  # type: ignore[arg-type]
                                 content=str(body).encode() if body is not None else None,
                                 timeout=30)
        if "non_utf8" in test and body is not None:  # the manifest carries the bytes as text
            response = httpx.request(str(request["method"]), w3c_server + path,
                                     headers=request["headers"],  # type: ignore[arg-type]
                                     content=str(body).encode("latin-1"), timeout=30)
        statuses: set[str] = request["statuses"]  # type: ignore[assignment]
        assert str(response.status_code)[0] in statuses, (test, response.status_code,
                                                          response.text[:300])
        if response.status_code >= 300:
            continue
        if request.get("expectedBoolean") is not None:
            assert _boolean(response) is (request["expectedBoolean"] == "true"), response.text
        fmt = request.get("expectedFormat")
        kind = response.headers.get("content-type", "")
        if fmt == "RDF":
            assert any(t in kind for t in ("turtle", "rdf+xml", "n-triples", "ld+json")), kind
        elif fmt == "tabular":
            assert any(t in kind for t in ("sparql-results", "csv", "tab-separated")), kind


@pytest.mark.parametrize("name,file,positive", syntax_tests() or [
    pytest.param("none", "", True, marks=pytest.mark.skip(reason=MISSING))])
def test_w3c_syntax(name: str, file: str, positive: bool, w3c_server: str) -> None:
    if name in ENGINE:
        pytest.xfail(ENGINE[name])
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
