"""Reading a SPARQL 1.1 Protocol request: which operation, its text, dataset and format.

https://www.w3.org/TR/sparql11-protocol/ — query by GET, by POST of a form, or by POST of the
query itself; the update operation by POST (refused here, but recognised so the answer says why).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl

from starlette.requests import Request

from graph.settings import Settings
from graph.sparql import negotiation as media
from graph.sparql.guard import Refusal

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass
class SparqlRequest:
    operation: Literal["query", "update", "description"]
    text: str = ""
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None


def too_large(limit: int) -> Refusal:
    return Refusal(413, f"request too large: the limit is {limit} bytes "
                        "(CUSTODIET_MAX_REQUEST_BYTES)")


def uri_too_long(limit: int) -> Refusal:
    return Refusal(414, f"the request URI is too long: the limit is {limit} bytes "
                        "(CUSTODIET_MAX_REQUEST_BYTES); send a long query by POST")


async def read_body(request: Request, limit: int, timeout: float = 30.0) -> bytes:
    """The body, refusing with 413 as soon as it passes ``limit`` (declared or streamed) and
    with 408 when it does not arrive within ``timeout`` seconds."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                chunks.append(chunk)
    except TimeoutError:
        raise Refusal(408, f"the request body did not arrive within {timeout:g} s") from None
    return b"".join(chunks)


def parse_params(text: str, what: str) -> list[tuple[str, str]]:
    """Form or query-string pairs; percent-escapes that are not UTF-8 are refused, not replaced
    (a replaced byte would silently run a different query)."""
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise Refusal(400, f"the {what} holds percent-escapes that are not valid UTF-8") from None


def one_format(values: list[str]) -> str | None:
    """The `format`/`output` parameters as one value for ``choose``, or None when none is given.

    Clients repeat them: SPARQLWrapper sends ``format=json&output=json``, a short name next to a
    media type (``format=tsv&format=text/tab-separated-values``), its Accept list as one value,
    or an empty value where it has no media type (``format=json-ld&format=`` for a SELECT).
    Empty values say nothing and are dropped; the rest must agree for each kind of answer
    (``json`` and ``application/sparql-results+json`` both mean JSON results; ``json`` and
    ``xml`` disagree). The answer lists the canonical media types they mean, results type
    first, so a value known to only one kind keeps the other kind's fallback. A value neither
    kind knows is returned alone, for ``choose`` to refuse by name."""
    given = [v for v in values if v.strip()]
    if not given:
        return None
    results: set[str] = set()
    graphs: set[str] = set()
    for value in given:
        result_type, graph_type = media.RESULTS.from_format(value), media.GRAPHS.from_format(value)
        if result_type is None and graph_type is None:
            return value
        results.update([result_type] if result_type else [])
        graphs.update([graph_type] if graph_type else [])
    if len(results) > 1 or len(graphs) > 1:
        raise Refusal(400, "the `format`/`output` parameters disagree: "
                           + ", ".join(repr(v) for v in given))
    return ",".join([*results, *graphs])


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, f"the {what} is not valid UTF-8") from None


def _from_params(params: list[tuple[str, str]], allow_text: bool = True) -> SparqlRequest:
    queries = [v for k, v in params if k == "query"]
    updates = [v for k, v in params if k == "update"]
    formats = [v for k, v in params if k in ("format", "output")]
    if len(queries) > 1:
        raise Refusal(400, "more than one `query` parameter: send exactly one query")
    if len(updates) > 1 or (queries and updates):
        raise Refusal(400, "send either one `query` or one `update` parameter, not several")
    result = SparqlRequest(
        operation="description",
        default_graphs=[v for k, v in params if k == "default-graph-uri"],
        named_graphs=[v for k, v in params if k == "named-graph-uri"],
        format=one_format(formats),
    )
    if queries and allow_text:
        result.operation, result.text = "query", queries[0]
    elif updates:
        result.operation, result.text = "update", updates[0]
    return result


async def read_request(request: Request, settings: Settings) -> SparqlRequest:
    """Parse the request; raise Refusal (400, 413, 415) for anything the protocol rules out."""
    limit = settings.max_request_bytes
    raw_query = request.scope.get("query_string", b"")
    if len(raw_query) > limit:
        raise uri_too_long(limit)
    url_params = parse_params(_decode(raw_query, "query string"), "query string")
    if request.method in ("GET", "HEAD"):
        parsed = _from_params(url_params)
        if parsed.operation == "query" and not parsed.text.strip():
            raise Refusal(400, "the `query` parameter is empty")
        return parsed
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == FORM:
        body = _decode(await read_body(request, limit, settings.body_timeout), "form body")
        parsed = _from_params(url_params + parse_params(body, "form body"))
        if parsed.operation == "description":
            raise Refusal(400, "missing `query` (or `update`) in the form body")
    elif content_type in (QUERY, UPDATE):
        text = _decode(await read_body(request, limit, settings.body_timeout), "request body")
        parsed = _from_params(url_params)
        if parsed.operation != "description":
            raise Refusal(400, f"a POST of {content_type} carries its text in the body; "
                               "do not also send a `query` or `update` parameter")
        parsed.operation = "query" if content_type == QUERY else "update"
        parsed.text = text
    else:
        shown = content_type or "none"
        raise Refusal(415, f"unsupported content type ({shown}): POST a query as {FORM} "
                           f"or {QUERY}")
    if not parsed.text.strip():
        raise Refusal(400, f"missing {parsed.operation}: the {parsed.operation} text is empty")
    return parsed
