"""A SPARQL tokenizer just deep enough to screen a query before the engine parses it.

The engine's recursive-descent parser overflows its stack on deeply nested input (measured on
pyoxigraph 0.5.13: 3,000 nested braces or 5,000 parentheses kill the process; 10,000 ``!`` or
``&&`` terms too), and a crashed worker costs every client a restart. Measuring nesting depth
and the length of operator chains needs tokens, not a parse: strings, IRIs and comments are
skipped so brackets inside them do not count, and the same tokens answer "is there a SERVICE
keyword?" and "is this an update?" without a full grammar (the former rdflib parse refused valid
queries it could not parse, such as 25 nested parentheses around a ``"service"`` string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Order matters: longest, most specific tokens first (SPARQL 1.1 §19.8 terminals, simplified).
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<comment>\#[^\n]*)
    |(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    |(?P<word>[A-Za-z_\u00c0-\uffff][\w\-.\u00b7\u00c0-\uffff]*:?[\w\-.:%\\\u00c0-\uffff]*
             |:[\w\-.:%\\\u00c0-\uffff]*)
    |(?P<open>[({\[])
    |(?P<close>[)}\]])
    |(?P<op>&&|\|\||!=|<=|>=|\^\^|[!=<>+\-*/|^])
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                "WITH"}
QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


@dataclass(frozen=True)
class Shape:
    """What the screen needs to know about a query's text."""

    depth: int  # deepest nesting of (), {}, [] and prefix-operator chains
    terms: int  # most operators in one bracket group (a long && or + chain)
    service: bool  # a SERVICE keyword outside strings, IRIs and comments
    form: str  # the first keyword after the prologue: SELECT, ASK, INSERT ...
    unbalanced: bool


def unescape_codepoints(text: str) -> str:
    """SPARQL 1.1 §19.2: ``\\uXXXX`` escapes are decoded before the grammar applies."""

    def decode(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:
            return match.group(0)

    return _CODEPOINT.sub(decode, text)


def shape(text: str) -> Shape:
    """Depth, operator chains, SERVICE and form of ``text`` in one linear pass."""
    depth = max_depth = 0
    ops: list[int] = [0]  # operators counted per open bracket group
    max_terms = 0
    prefix_run = 0  # consecutive prefix operators (! - +), each a level of the parse
    service = False
    form = ""
    unbalanced = False
    expect_prologue_iri = False
    for match in _TOKEN.finditer(unescape_codepoints(text)):
        kind = match.lastgroup
        if kind in ("space", "comment", "string"):
            continue
        value = match.group()
        if kind == "open":
            depth += 1
            ops.append(0)
            max_depth = max(max_depth, depth + prefix_run)
            prefix_run = 0
        elif kind == "close":
            depth -= 1
            if depth < 0:
                unbalanced = True
                depth = 0
            if len(ops) > 1:
                ops.pop()
            prefix_run = 0
        elif kind == "op":
            ops[-1] += 1
            max_terms = max(max_terms, ops[-1])
            prefix_run += 1
            max_depth = max(max_depth, depth + prefix_run)
        else:
            prefix_run = 0
            if kind == "word":
                upper = value.upper()
                if upper == "SERVICE":
                    service = True
                if not form:
                    if upper in ("PREFIX", "BASE"):
                        expect_prologue_iri = True
                    elif expect_prologue_iri and value.endswith(":"):
                        pass
                    elif upper in QUERY_WORDS or upper in UPDATE_WORDS:
                        form = upper
            elif kind == "iri" and expect_prologue_iri:
                expect_prologue_iri = False
    return Shape(max_depth, max_terms, service, form, unbalanced or depth != 0)
