"""Independent lines of evidence: a claim's supporting sources collapsed to what they rest on.

Two references are one line when their sources are copies of one original (``copy_of``) or
when one cites the other, directly or through a chain (``cites``): a syndicated article and its
original, or an article and the report it quotes, are not two confirmations. Counting distinct
publishers, as before, credited every mirror and scrape as independent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graph.ledger.model import SourceFacts


def original(source: str, sources: Mapping[str, SourceFacts]) -> str:
    """Follow ``copy_of`` to the source a copy reproduces (cycles stop where they close)."""
    seen = {source}
    facts = sources.get(source)
    while facts is not None and facts.copy_of and facts.copy_of not in seen:
        source = facts.copy_of
        seen.add(source)
        facts = sources.get(source)
    return source


def rests_on(source: str, sources: Mapping[str, SourceFacts]) -> set[str]:
    """The originals a source rests on: itself (or, for a copy, its original) and, transitively,
    every source it or its original cites."""
    found: set[str] = set()
    visited: set[str] = set()
    todo = [source]
    while todo:
        current = todo.pop()
        if current in visited:
            continue
        visited.add(current)
        facts = sources.get(current)
        if facts is not None and facts.copy_of:
            todo.append(facts.copy_of)  # a copy stands for its original
        else:
            found.add(current)
        if facts is not None:
            todo.extend(facts.cites)
    return found


def lines_of(refs: Iterable[str], sources: Mapping[str, SourceFacts]) -> list[set[str]]:
    """Group the distinct sources of ``refs`` into independent lines (union of overlapping
    ``rests_on`` sets); each line is the set of sources in it."""
    groups: list[tuple[set[str], set[str]]] = []  # (members, what they rest on)
    for source in sorted(set(refs)):
        members, basis = {source}, rests_on(source, sources)
        keep = []
        for other_members, other_basis in groups:
            if other_basis & basis:
                members |= other_members
                basis |= other_basis
            else:
                keep.append((other_members, other_basis))
        groups = [*keep, (members, basis)]
    return sorted((members for members, _ in groups), key=lambda m: sorted(m))


def independent_lines(refs: Iterable[str], sources: Mapping[str, SourceFacts]) -> int:
    return len(lines_of(refs, sources))
