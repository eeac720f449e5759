"""What changed in what was known between two dates: new claims, status changes, new disputes.

Computed from a validated ledger held in memory, with the same rules the build uses
(``known_since``, ``happened_by``, lifecycle statuses, contradictions), so `custodiet changes`
and two ``--as-of`` builds can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from graph.evidence import contradictions, lifecycle
from graph.evidence.timing import happened_by, known_since
from graph.ledger.model import EntityFacts, Known, Ledger, SourceFacts
from graph.vocabulary import Vocabulary


@dataclass
class Changes:
    new_claims: list[str] = field(default_factory=list)
    status_changes: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    new_disputes: list[contradictions.Contradiction] = field(default_factory=list)


def known_of(ledger: Ledger) -> Known:
    return Known(entities={e.id: EntityFacts(list(e.types)) for e in ledger.entities.values()},
                 sources={sid: SourceFacts.of(s) for sid, s in ledger.sources.items()})


def claims_known(ledger: Ledger, known: Known, day: dt.date) -> set[str]:
    """Ids of the claims that had happened and been published by ``day``."""
    found = set()
    for cid, claim in ledger.claims.items():
        since = known_since(claim, known.sources)
        if happened_by(claim, day) and (since is None or since.start <= day):
            found.add(cid)
    return found


def _statuses(ledger: Ledger, known: Known, vocab: Vocabulary, day: dt.date
              ) -> dict[str, str | None]:
    steps = [lifecycle.Step.of(cid, claim, vocab, known_since(claim, known.sources))
             for cid, claim in sorted(ledger.claims.items())]
    out: dict[str, str | None] = {}
    for case in lifecycle.cases(s for s in steps if s.stage or s.follows):
        status = case.status(vocab, day)
        out[case.root] = status[0] if status else None
    return out


def _disputes(ledger: Ledger, visible: set[str], vocab: Vocabulary
              ) -> set[contradictions.Contradiction]:
    found: set[contradictions.Contradiction] = set()
    facts = {}
    for cid in visible:
        claim = ledger.claims[cid]
        found.update(c for c in contradictions.declared(cid, claim)
                     if c.kind == "denied" or c.other in visible)
        f = contradictions.facts_of(cid, claim, vocab)
        if f is not None:
            facts[cid] = f
    found.update(contradictions.incompatible(facts, {}))
    return found


def changes(ledger: Ledger, vocab: Vocabulary, start: dt.date, end: dt.date) -> Changes:
    known = known_of(ledger)
    before, after = claims_known(ledger, known, start), claims_known(ledger, known, end)
    result = Changes(new_claims=sorted(after - before))
    old, new = _statuses(ledger, known, vocab, start), _statuses(ledger, known, vocab, end)
    for case in sorted(set(old) | set(new)):
        if old.get(case) != new.get(case):
            result.status_changes.append((case, old.get(case), new.get(case)))
    result.new_disputes = sorted(_disputes(ledger, after, vocab) - _disputes(ledger, before, vocab))
    return result
