"""Contradictions found, not only declared.

Three kinds, each with the claims involved:
- *declared*: a curator wrote ``disputes:`` on one claim;
- *denied*: a reference with ``stance: denies`` (a company's denial is evidence too);
- *incompatible*: two claims of a *functional* predicate (one true value at a time, marked
  ``ont:functional`` in the ontology: a valuation, a database size, a fine) give the same
  subject (and object) for the same date but a different value, amount or status. Steps of
  one case are not compared with each other (a decision and its appeal differ by design), nor
  are pairs already declared. Other predicates are not compared: an agency may sign two
  contracts with a vendor in one year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from graph.ledger.model import Claim
from graph.vocabulary import Vocabulary


@dataclass(frozen=True, order=True)
class Contradiction:
    kind: str  # declared | denied | incompatible
    claim: str
    other: str  # the other claim, or the denying source for "denied"
    detail: str = ""


@dataclass(frozen=True)
class Facts:
    """What is compared of one claim: kept small, since every dated claim is remembered."""

    key: tuple[str, str, str, str]  # subject, predicate, object or "", date
    value: str
    disputes: str | None
    case_links: tuple[str, ...]  # its follows link: steps of one case are not compared


def facts_of(cid: str, claim: Claim, vocab: Vocabulary) -> Facts | None:
    when = claim.date or claim.start
    predicate = vocab.predicates.get(claim.predicate)
    if when is None or predicate is None or not predicate.functional:
        return None
    value = "|".join(str(x) for x in (claim.value, claim.amount, claim.currency, claim.status)
                     if x is not None)
    return Facts((claim.subject, claim.predicate, claim.object or "", str(when)), value,
                 claim.disputes, (claim.follows,) if claim.follows else ())


def declared(cid: str, claim: Claim) -> Iterable[Contradiction]:
    if claim.disputes:
        yield Contradiction("declared", cid, claim.disputes)
    for ref in claim.refs:
        if ref.stance == "denies":
            yield Contradiction("denied", cid, ref.source, ref.locator.text())


def incompatible(facts: dict[str, Facts], same_case: dict[str, str]) -> list[Contradiction]:
    groups: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for cid, f in facts.items():
        groups[f.key].append(cid)
    found = []
    for key, members in groups.items():
        members.sort()
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                fa, fb = facts[a], facts[b]
                if fa.value == fb.value or fa.disputes == b or fb.disputes == a:
                    continue
                if same_case.get(a) is not None and same_case.get(a) == same_case.get(b):
                    continue
                found.append(Contradiction("incompatible", a, b,
                                           f"{key[1]} on {key[3]}: {fa.value or '—'} vs {fb.value or '—'}"))
    return found
