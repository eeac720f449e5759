"""One claim's evidence as the build computes it, for every sink that writes it down.

The N-Quads sink (graph/rdf) and the derived-tables sink (graph/derived) both call
``claim_evidence`` and ``case_statuses``, so the RDF and the tables say the same thing: the
references visible at the as-of date, the distinct sources among them, the independent lines
(graph.evidence.lines), the grade (graph.evidence.grade), the known-since date
(graph.evidence.timing) and, at the end of a build, each case step's case and status
(graph.evidence.lifecycle).

Sinks are called one after another with the same claim object, so the last answer is kept
(one slot, checked by identity): the second sink does not compute it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from graph.evidence import lifecycle
from graph.evidence.grade import Grade, grade_of
from graph.evidence.lines import independent_lines
from graph.evidence.timing import happened_by, known_since, visible_refs
from graph.ledger.dates import PartialDate
from graph.ledger.model import Claim, Known
from graph.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class ClaimEvidence:
    shown: tuple[int, ...]  # indexes of the references visible at the as-of date
    distinct: tuple[str, ...]  # their distinct sources, sorted (prov:wasDerivedFrom)
    lines: int  # independent lines among the supporting (not denying) visible references
    grade: Grade | None
    known_since: PartialDate | None  # over every supporting reference, not only visible ones


_last: tuple[Claim, Known, Vocabulary, dt.date | None, ClaimEvidence] | None = None


def claim_evidence(claim: Claim, known: Known, vocab: Vocabulary,
                   as_of: dt.date | None = None) -> ClaimEvidence:
    """What the claim's references are worth (see docs/evidence.md)."""
    global _last
    last = _last
    if (last is not None and last[0] is claim and last[1] is known and last[2] is vocab
            and last[3] == as_of):
        return last[4]
    sources = known.sources
    shown = visible_refs(claim, sources, as_of)
    refs = [claim.refs[i] for i in shown]
    supporting = [ref.source for ref in refs if ref.stance != "denies"]
    evidence = ClaimEvidence(
        shown=tuple(shown),
        distinct=tuple(sorted({ref.source for ref in refs})),
        lines=independent_lines(supporting, sources),
        grade=grade_of(supporting, sources, known.entities, vocab),
        known_since=known_since(claim, sources),
    )
    _last = (claim, known, vocab, as_of, evidence)
    return evidence


def hidden_at(claim: Claim, since: PartialDate | None, as_of: dt.date | None) -> bool:
    """Whether a claim is left out of a graph as known on ``as_of``: it had not happened, or
    had not been published, by then."""
    return as_of is not None and not (
        happened_by(claim, as_of) and (since is None or since.start <= as_of))


def case_statuses(steps: Iterable[lifecycle.Step], vocab: Vocabulary, as_of: dt.date | None
                  ) -> Iterator[tuple[str, str, str | None]]:
    """(claim id, case id, case status notation or None) for every step of every case, case by
    case and in each case's order (the order the N-Quads are written in)."""
    for case in lifecycle.cases(steps):
        status = case.status(vocab, as_of)
        for step in case.steps:
            yield step.cid, case.root, status[0] if status is not None else None
