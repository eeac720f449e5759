"""What the public endpoint refuses before a query reaches the store: updates, SERVICE, LOAD,
and input the engine is known to crash on.

The decision comes from the tokens of graph.sparql.lexer, not from matching words: a
``"service"`` inside a string, an IRI or a comment is no federated query, and the check never
needs a grammar that could itself fail on a valid query. The same pass measures nesting depth
and operator chains, which are refused with 400 past the limits (pyoxigraph's parser overflows
its stack a little above 1,000 levels), so a crafted query costs a tokenizer pass, not a worker.

These checks run inside the query workers (graph.sparql.execute), under the time limit: a huge
crafted query can cost a pass over its text, never the server's event loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graph.settings import Settings
from graph.sparql.lexer import UPDATE_WORDS, shape, unescape_codepoints

DEFAULT_MAX_DEPTH = 100
DEFAULT_MAX_TERMS = 1_000


@dataclass
class Refusal(Exception):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    status: int
    message: str
    retry_after: float | None = None  # seconds, sent as Retry-After (429, 503)

    def __str__(self) -> str:
        return self.message


def _unescape_codepoints(text: str) -> str:
    return unescape_codepoints(text)


def _names(node: Any) -> Iterator[str]:
    """Names of every rule in an rdflib parse tree (CompValue nodes nested in lists)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node.name
        for value in node.values():
            yield from _names(value)
    elif isinstance(node, (list, tuple)) or hasattr(node, "asList"):
        for value in node:
            yield from _names(value)


def _parse_error(exc: Exception) -> str:
    return " ".join(str(exc).split())


def is_update(text: str) -> bool:
    """True when ``text`` reads as SPARQL Update (used to explain a failed query parse)."""
    return shape(text).form in UPDATE_WORDS


def check_shape(text: str, max_depth: int = DEFAULT_MAX_DEPTH,
                max_terms: int = DEFAULT_MAX_TERMS) -> None:
    """Refuse (400) text nested deeper or with longer operator chains than the limits."""
    found = shape(text)
    if found.depth > max_depth:
        raise Refusal(400, f"the query is nested {found.depth} levels deep; this endpoint "
                           f"accepts at most {max_depth} (CUSTODIET_MAX_QUERY_DEPTH)")
    if found.terms > max_terms:
        raise Refusal(400, f"an expression of the query chains {found.terms} operators; this "
                           f"endpoint accepts at most {max_terms} (CUSTODIET_MAX_QUERY_TERMS)")


def check_query(text: str, policy: Settings | bool, max_depth: int | None = None,
                max_terms: int | None = None) -> None:
    """Raise Refusal for a query the endpoint must not run: too deep or too long a chain for
    the engine (400), an update sent as a query (400), SERVICE while federation is off (403).

    ``policy`` is the settings, or directly whether federation is allowed."""
    settings = policy if isinstance(policy, Settings) else None
    allowed = settings.allow_federation if settings else bool(policy)
    depth_limit = max_depth or (settings.max_query_depth if settings else DEFAULT_MAX_DEPTH)
    terms_limit = max_terms or (settings.max_query_terms if settings else DEFAULT_MAX_TERMS)
    found = shape(text)
    if found.depth > depth_limit or found.terms > terms_limit:
        check_shape(text, depth_limit, terms_limit)
    if found.form in UPDATE_WORDS:
        raise Refusal(400, UPDATE_ON_QUERY)
    if found.service and not allowed:
        raise Refusal(
            403,
            "SERVICE (federated query) is disabled on this endpoint; an operator can enable it "
            "with CUSTODIET_ALLOW_FEDERATION=true",
        )


def check_update(text: str, policy: Settings | bool) -> Refusal:
    """The refusal for a request on the update operation: the endpoint never writes.

    ``LOAD`` gets its own answer because an operator can allow it; even then the served build is
    immutable (a new build is made from the ledger with ``custodiet build``), so there is nothing
    a LOAD could write to here.
    """
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        check_shape(text)
    except Refusal as refusal:
        return refusal
    try:
        tree = parseUpdate(_unescape_codepoints(text))
    except Exception as exc:  # pyparsing raises several exception types for bad input
        return Refusal(400, f"SPARQL Update syntax error: {_parse_error(exc)}")
    operations = [op.name for op in tree["request"] or []] if "request" in tree else []
    if operations and all(name == "Load" for name in operations):
        if not (policy if isinstance(policy, bool) else policy.allow_load):
            return Refusal(
                403,
                "LOAD is disabled on this endpoint (CUSTODIET_ALLOW_LOAD=false); it serves a "
                "read-only build",
            )
        return Refusal(
            501,
            "LOAD is allowed by CUSTODIET_ALLOW_LOAD, but this endpoint serves an immutable "
            "build: add data to the ledger and run `custodiet build`",
        )
    return Refusal(403, READ_ONLY)


READ_ONLY = "this SPARQL endpoint is read-only: SPARQL Update is not accepted"
UPDATE_ON_QUERY = (
    "this is a SPARQL Update, not a query: the endpoint is read-only and the query operation "
    "accepts queries only"
)
