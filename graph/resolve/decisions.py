"""Resolution decisions as an append-only log beside the data, and the merges they imply.

Each line of ``data/resolution/decisions.jsonl`` is one judgement on one pair — positive,
negative, unsure (nomenklatura's ``Judgement`` values) — with who, when and why. The last line
about a pair is in force; undoing appends the judgement that was in force before, so the file is
the full history and never rewritten. Positive judgements are grouped into clusters; a cluster's
canonical id is its curated entity when it has one (curated ids are what people link to).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from nomenklatura.judgement import Judgement

JUDGEMENTS = {"same": Judgement.POSITIVE, "different": Judgement.NEGATIVE,
              "unsure": Judgement.UNSURE, "none": Judgement.NO_JUDGEMENT}


@dataclass(frozen=True)
class Decision:
    left: str
    right: str
    judgement: str  # a nomenklatura Judgement value
    who: str
    when: str
    why: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        a, b = sorted((self.left, self.right))
        return a, b


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class DecisionLog:
    """The decisions file: read it, append to it, ask what is in force."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.history: list[Decision] = []
        if path.is_file():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    try:
                        self.history.append(Decision(**json.loads(line)))
                    except (json.JSONDecodeError, TypeError) as exc:
                        raise ValueError(f"{path}:{number}: not a decision ({exc})") from None

    def current(self) -> dict[tuple[str, str], Decision]:
        state: dict[tuple[str, str], Decision] = {}
        for decision in self.history:
            state[decision.pair] = decision
        return {pair: d for pair, d in state.items()
                if d.judgement != Judgement.NO_JUDGEMENT.value}

    def decide(self, left: str, right: str, judgement: str, who: str, why: str = "",
               when: str | None = None) -> Decision:
        if left == right:
            raise ValueError("an entity is always the same as itself: give two different ids")
        value = JUDGEMENTS[judgement].value if judgement in JUDGEMENTS else Judgement(
            judgement).value
        decision = Decision(left, right, value, who, when or now(), why)
        self._append([decision])
        return decision

    def undo(self, left: str, right: str, who: str, why: str = "") -> Decision:
        """Restore the judgement in force before the last one on this pair."""
        pair = tuple(sorted((left, right)))
        about = [d for d in self.history if d.pair == pair]
        if not about:
            raise KeyError(f"no decision about {left} and {right} to undo")
        earlier = about[-2] if len(about) > 1 else None
        judgement = earlier.judgement if earlier else Judgement.NO_JUDGEMENT.value
        decision = Decision(left, right, judgement, who, now(),
                            why or f"undo of the decision of {about[-1].when}")
        self._append([decision])
        return decision

    def extend(self, decisions: Iterable[Decision]) -> None:
        self._append(list(decisions))

    def _append(self, decisions: list[Decision]) -> None:
        if not decisions:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            for decision in decisions:
                handle.write(json.dumps(asdict(decision), ensure_ascii=False) + "\n")
        self.history.extend(decisions)


def canonical_map(decisions: Iterable[Decision], curated: set[str]) -> dict[str, str]:
    """Every merged id → its cluster's canonical id (ids not merged are absent)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for d in decisions:
        if d.judgement == Judgement.POSITIVE.value:
            a, b = find(d.left), find(d.right)
            if a != b:
                parent[max(a, b)] = min(a, b)
    clusters: dict[str, list[str]] = {}
    for node in list(parent):
        clusters.setdefault(find(node), []).append(node)
    for root, members in clusters.items():
        members.append(root)
    out = {}
    for members in clusters.values():
        members = sorted(set(members))
        preferred = sorted(m for m in members if m in curated) or members
        canonical = preferred[0]
        out.update({m: canonical for m in members if m != canonical})
    return out
