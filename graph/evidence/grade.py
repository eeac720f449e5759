"""The evidence grade of a claim: the strongest kind of original source that supports it.

A grade is read off the kinds of the claim's supporting sources after copies are credited to
their originals (a scraped copy of a court ruling is graded as the ruling; a blog quoting a
ruling it does not reproduce is graded as a blog). Which kind gives which grade is data
(``ont:evidenceGrade`` on each source kind in graph/schema/ontology.ttl); one rule is not: a
report, dataset or press release published by a public body is a government record (grade B),
since the kind alone cannot tell a GAO report from an NGO's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graph.evidence.lines import original
from graph.ledger.model import EntityFacts, SourceFacts
from graph.vocabulary import Vocabulary

GOVERNMENT_RECORD = "B"
PUBLIC_BODY = "Agency"  # publishers of this class (or a subclass) make government records
RECORD_KINDS = {"Report", "Dataset", "PressRelease"}


@dataclass(frozen=True)
class Grade:
    notation: str  # "A" (strongest) … "F"
    reasons: tuple[tuple[str, str, str], ...]  # (source id, its kind, the grade it gives)

    def explain(self) -> str:
        """One line: which originals gave which grade, strongest first."""
        return "; ".join(f"{grade}: {source} ({kind})" for source, kind, grade in self.reasons)


def source_grade(source: str, sources: Mapping[str, SourceFacts],
                 entities: Mapping[str, EntityFacts], vocab: Vocabulary) -> tuple[str, str] | None:
    """(kind, grade) of the original behind ``source``, or None if the kind gives no grade."""
    facts = sources.get(original(source, sources))
    if facts is None:
        return None
    grade = vocab.kind_grades.get(facts.kind)
    if grade is None:
        return None
    publisher = entities.get(facts.publisher or "")
    if (facts.kind in RECORD_KINDS and publisher is not None
            and vocab.allows(publisher.types, [PUBLIC_BODY])):
        grade = min(grade, GOVERNMENT_RECORD, key=lambda g: vocab.grades[g].rank)
    return facts.kind, grade


def grade_of(refs: Iterable[str], sources: Mapping[str, SourceFacts],
             entities: Mapping[str, EntityFacts], vocab: Vocabulary) -> Grade | None:
    """The best grade among the supporting sources' originals, with every source's reason."""
    reasons = []
    for source in sorted(set(refs)):
        found = source_grade(source, sources, entities, vocab)
        if found is not None:
            reasons.append((original(source, sources), found[0], found[1]))
    if not reasons:
        return None
    reasons = sorted(set(reasons), key=lambda r: (vocab.grades[r[2]].rank, r[0]))
    return Grade(reasons[0][2], tuple(reasons))
