"""What the public endpoint refuses before a query reaches the store: updates, SERVICE, LOAD.

The decision comes from a real SPARQL parse (rdflib's grammar), not from matching words: a
``"service"`` inside a string, an IRI or a comment is no federated query. rdflib's parser costs a
few milliseconds, so a screen runs first: a query that does not contain the letters ``service``
(in any case) or a ``\\u`` escape cannot hold the keyword, and needs no parse. Everything else is
parsed, and refused only if the parse finds a ``SERVICE`` pattern.

These checks run inside the query workers (graph.sparql.execute), under the time limit: a huge
crafted query can cost a parse, never the server's event loop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graph.settings import Settings

_SCREEN = re.compile(r"service|\\u", re.IGNORECASE)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass
class Refusal(Exception):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    status: int
    message: str

    def __str__(self) -> str:
        return self.message


def _unescape_codepoints(text: str) -> str:
    """SPARQL 1.1 §19.2: ``\\uXXXX`` escapes are decoded before the grammar applies."""

    def decode(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:
            return match.group(0)

    return _CODEPOINT.sub(decode, text)


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
    """True when ``text`` parses as SPARQL Update (used to explain a failed query parse)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(_unescape_codepoints(text))
    except Exception:  # pyparsing raises several exception types for bad input
        return False
    return True


def check_query(text: str, policy: Settings | bool) -> None:
    """Raise Refusal for a query the endpoint must not run (SERVICE while federation is off).

    ``policy`` is the settings, or directly whether federation is allowed."""
    allowed = policy if isinstance(policy, bool) else policy.allow_federation
    if allowed or not _SCREEN.search(text):
        return
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(_unescape_codepoints(text))
    except Exception as exc:  # pyparsing raises several exception types for bad input
        if is_update(text):
            raise Refusal(400, UPDATE_ON_QUERY) from None
        raise Refusal(400, f"SPARQL syntax error: {_parse_error(exc)}") from None
    if "ServiceGraphPattern" in set(_names(tree)):
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
