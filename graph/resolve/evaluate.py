"""Resolution quality on a labelled list of name pairs: precision and recall at a threshold.

Each pair is scored as ``custodiet dedupe`` would score it (the index holds every name of the
list, so rare and common words weigh as they would in a real ledger).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.resolve.match import AUTO, CANDIDATE, EntityInfo, Matcher, is_auto


@dataclass
class Quality:
    pairs: int
    threshold: str
    tp: int
    fp: int
    fn: int
    tn: int
    misses: list[str]
    false_alarms: list[str]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _info(key: str, name: str, types: str, country: str) -> EntityInfo:
    return EntityInfo(key, [name], [t for t in types.split("|") if t] or ["Organization"],
                      country or None)


def evaluate(path: Path, min_score: float = CANDIDATE,
             background: Sequence[EntityInfo] = ()) -> list[Quality]:
    """Quality at the review threshold (a pair listed) and at the automatic-merge threshold.

    ``background`` (the ledger's entities) sets how common each word is, as in real use."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    lefts = [_info(f"l{i}", r["left"], r["left_types"], r["left_country"])
             for i, r in enumerate(rows)]
    rights = [_info(f"r{i}", r["right"], r["right_types"], r["right_country"])
              for i, r in enumerate(rows)]
    matcher = Matcher([*lefts, *rights, *background])
    out = []
    for label, test in ((f"listed for review (score ≥ {min_score:g})",
                         lambda c: c is not None and c.score >= min_score),
                        (f"merged automatically (score ≥ {AUTO:g} or a shared identifier)",
                         lambda c: c is not None and is_auto(c))):
        q = Quality(len(rows), label, 0, 0, 0, 0, [], [])
        for row, left, right in zip(rows, lefts, rights, strict=True):
            predicted = test(matcher.compare(left, right))
            actual = row["same"].strip().lower() == "yes"
            what = f"{row['left']} / {row['right']}"
            if predicted and actual:
                q.tp += 1
            elif predicted:
                q.fp += 1
                q.false_alarms.append(what)
            elif actual:
                q.fn += 1
                q.misses.append(what)
            else:
                q.tn += 1
        out.append(q)
    return out
