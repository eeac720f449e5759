"""Two engines' answers to one SELECT, compared in the query's own order.

Used by tests/scale/test_virtuoso.py (bundled data) and by ``bench.run --virtuoso`` (synthetic
ledgers), so that "the same rows" means one thing in both: the same sequence of ORDER BY keys,
and within each run of equal keys the same multiset of rows (SPARQL leaves the order of ties to
the engine). A GROUP_CONCAT cell is compared as the multiset of its items (see
tests/test_named_query_grain.py), and an empty list as unbound (Virtuoso answers ``""`` where
Oxigraph leaves the cell unbound).
"""

from __future__ import annotations

import re

from graph.named_queries import NamedQuery
from graph.rdf.iris import Iris
from graph.store import Store
from tests.test_named_query_grain import Answer, cell, separators

Runs = list[tuple[tuple[object, ...], Answer]]

_VARIABLE = re.compile(r"(?:(?:ASC|DESC)\s*\(\s*)?\?(\w+)\s*\)?", re.I)
_BOUND = re.compile(r"(?:(?:ASC|DESC)\s*)?\(?\s*!?\s*BOUND\s*\(\s*\?(\w+)\s*\)\s*\)?", re.I)


def order_terms(clause: str) -> list[str]:
    """The terms of an ORDER BY clause: ``?v``, ``DESC(?v)``, ``BOUND(?v)``, ``STR(?c)`` …"""
    terms: list[str] = []
    depth, current = 0, ""
    for char in clause:
        if char.isspace() and depth == 0:
            if current:
                terms.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    return [*terms, current] if current else terms


def order_keys(query: NamedQuery, columns: list[str]) -> list[str]:
    """The leading terms of the outermost ORDER BY that are projected variables.

    Only these can be checked from the answer; the first expression or unprojected variable
    ends the list (the multiset comparison still covers every row). ``BOUND(?v)`` before ``?v``
    (how the queries place unbound values the same way on every engine) is a function of
    ``?v``, so it is passed over when ``?v`` is projected.
    """
    text = "\n".join(line for line in query.render(Iris()).splitlines()
                     if not line.lstrip().startswith("#"))
    tail = re.search(r"ORDER\s+BY\s+(.*?)\s*(?:LIMIT\b|OFFSET\b|$)",
                     text[text.rfind("}") + 1:], re.I | re.S)
    keys: list[str] = []
    for term in order_terms(tail.group(1) if tail else ""):
        bound, variable = _BOUND.fullmatch(term), _VARIABLE.fullmatch(term)
        if bound and bound.group(1) in columns:
            continue
        if variable is None or variable.group(1) not in columns:
            break
        keys.append(variable.group(1))
    return keys


def _empty_lists_unbound(rows: Answer, positions: list[int]) -> Answer:
    """A GROUP_CONCAT of no values: Virtuoso answers "", Oxigraph leaves the cell unbound."""
    out: Answer = Answer()
    for row, n in rows.items():
        out[tuple(None if i in positions and v == ("",) else v for i, v in enumerate(row))] += n
    return out


def ordered_answer(store: Store, query: NamedQuery) -> tuple[list[str], Runs]:
    """The answer in its own order, as runs of rows with equal ORDER BY keys (one run when the
    query has no checkable order): each run's key and the multiset of its rows."""
    table = store.select(query.render(Iris()))
    seps = separators(query)
    lists = [i for i, c in enumerate(table.columns) if c in seps]
    keys = order_keys(query, table.columns)
    out: Runs = []
    for row in table.rows:
        key = tuple(row.get(c) for c in keys)
        if not out or out[-1][0] != key:
            out.append((key, Answer()))
        out[-1][1][tuple(cell(row.get(c), seps.get(c)) for c in table.columns)] += 1
    return table.columns, [(key, _empty_lists_unbound(rows, lists)) for key, rows in out]


def merged(ordered: Runs) -> Answer:
    """Every row of the answer, in any order."""
    out = Answer()
    for _key, rows in ordered:
        out.update(rows)
    return out


def difference(query: NamedQuery, reference: tuple[list[str], Runs],
               other: tuple[list[str], Runs], names: tuple[str, str] = ("oxigraph", "virtuoso")
               ) -> str | None:
    """How ``other`` differs from ``reference`` (the first difference found), or None."""
    (columns, ordered), (other_columns, other_runs) = reference, other
    ref, alt = names
    if other_columns != columns:
        return f"columns differ: {columns} on {ref}, {other_columns} on {alt}"
    expected, rows = merged(ordered), merged(other_runs)
    if sum(expected.values()) != sum(rows.values()):
        return f"{sum(rows.values())} rows on {alt}, {sum(expected.values())} on {ref}"
    if rows != expected:
        return (f"only on {alt}: {list((rows - expected).elements())[:3]}, "
                f"only on {ref}: {list((expected - rows).elements())[:3]}")
    order, other_order = [key for key, _ in ordered], [key for key, _ in other_runs]
    if other_order != order:
        first = next(i for i, (a, b) in enumerate(zip(order, other_order, strict=False))
                     if a != b)
        return (f"ordered by {order_keys(query, columns)}, the keys differ from run {first}: "
                f"{ref} {order[first:first + 3]}, {alt} {other_order[first:first + 3]}")
    if other_runs != ordered:
        return "the same keys in the same order, but ties hold other rows"
    return None
