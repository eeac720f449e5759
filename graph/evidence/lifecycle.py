"""Lifecycles: a case or contract is a chain of dated claims, and its status is derived from it.

Each step says which earlier step it ``follows`` (an appeal follows a decision, a ruling follows
the appeal); steps linked that way form one case, named after its first step. The status of the
whole case at a date is the effect of its latest step known by then: the step's stage (``notice``
→ proposed, ``decision`` → final, ``appeal`` → under appeal …) or, for a ruling, its outcome
(``set_aside`` → overturned, ``remitted`` → sent back …). Which stage or outcome leads to which
status is data (``ont:resultingStatus`` in graph/schema/ontology.ttl), never typed per claim: a
hand-typed "final" cannot follow a case through two tribunals.

Order of steps: by date; an undated step takes its parent's date and comes after it (a chain
of links is itself an order). At an as-of date, a dated step counts when it happened by then;
an undated one when a later step of its branch did (it must have happened before it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from graph.ledger.dates import PartialDate
from graph.ledger.model import Claim
from graph.vocabulary import Vocabulary

PROPOSED = "proposed"


@dataclass(frozen=True)
class Step:
    cid: str
    follows: str | None
    stage: str | None
    outcome: str | None
    date: PartialDate | None
    known: PartialDate | None = None  # when it became known (see graph.evidence.timing)

    @classmethod
    def of(cls, cid: str, claim: Claim, vocab: Vocabulary,
           known: PartialDate | None = None) -> Step:
        return cls(cid, claim.follows, stage_of(claim, vocab), claim.outcome,
                   claim.date or claim.start, known)

    def known_by(self, day: dt.date) -> bool:
        """Happened and published by ``day`` (undated steps are decided by their successors)."""
        return (self.date is not None and self.date.start <= day
                and (self.known is None or self.known.start <= day))


def stage_of(claim: Claim, vocab: Vocabulary) -> str | None:
    """The claim's stage: as written, else its predicate's default (a decision that is only
    proposed is a proposed decision)."""
    if claim.stage:
        return claim.stage
    predicate = vocab.predicates.get(claim.predicate)
    stage = predicate.default_stage if predicate else None
    if stage == "decision" and claim.status == PROPOSED:
        return "proposed_decision"
    return stage


@dataclass(frozen=True)
class Case:
    root: str
    steps: tuple[Step, ...]  # in order, the latest last

    def status(self, vocab: Vocabulary, as_of: dt.date | None = None) -> tuple[str, Step] | None:
        """(status notation, the step that set it) at ``as_of`` (None: everything known)."""
        for step in reversed(self.known_by(as_of)):
            status = effect(step, vocab)
            if status:
                return status, step
        return None

    def known_by(self, as_of: dt.date | None) -> list[Step]:
        if as_of is None:
            return list(self.steps)
        dated = {s.cid for s in self.steps if s.known_by(as_of)}
        parents = {s.cid: s.follows for s in self.steps}
        known = set(dated)
        for cid in dated:  # an undated step happened before its dated descendants
            parent = parents.get(cid)
            while parent is not None and parent not in known:
                known.add(parent)
                parent = parents.get(parent)
        return [s for s in self.steps if s.cid in known]


def effect(step: Step, vocab: Vocabulary) -> str | None:
    if step.outcome and step.outcome in vocab.outcomes:
        return vocab.outcomes[step.outcome].resulting_status
    stage = vocab.stages.get(step.stage or "")
    return stage.resulting_status if stage else None


def cases(steps: Iterable[Step]) -> list[Case]:
    """Group linked steps into cases (only chains of two or more steps), each in order."""
    by_id = {s.cid: s for s in steps}
    children: dict[str, list[str]] = defaultdict(list)
    for step in by_id.values():
        if step.follows in by_id:
            children[step.follows].append(step.cid)
    found = []
    for root in sorted(cid for cid, s in by_id.items() if s.follows not in by_id):
        if not children.get(root):
            continue
        ordered: list[tuple[dt.date, int, str]] = []
        todo: list[tuple[str, dt.date, int]] = [(root, dt.date.min, 0)]
        while todo:
            cid, inherited, depth = todo.pop()
            step = by_id[cid]
            when = max(step.date.start, inherited) if step.date else inherited
            ordered.append((when, depth, cid))
            todo.extend((child, when, depth + 1) for child in children.get(cid, ()))
        found.append(Case(root, tuple(by_id[cid] for _, _, cid in sorted(ordered))))
    return found
