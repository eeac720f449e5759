"""Blocking and scoring: which entities may be the same, and how sure the evidence is.

Blocking keeps only pairs sharing a distinctive token (rare tokens weigh, common ones such as
"datenschutz" do not), so 100k names against 10k entities stay tractable. The score blends an
IDF-weighted soft token overlap (tokens match despite endings: "Hamburgische"/"Hamburgischer")
with rapidfuzz's token-sort ratio; shared identifiers (Wikidata QID, website domain,
registration numbers) are strong evidence; a different country or kind of actor weakens it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from graph.resolve.normalize import skeleton, variants

PERSON = {"Person"}
PUBLIC = {"Agency", "LawEnforcementAgency", "MilitaryAgency", "IntelligenceAgency", "PublicBody",
          "Legislature", "Regulator", "DataProtectionAuthority", "CompetitionAuthority", "Court",
          "InternationalOrganization"}
THINGS = {"Product", "Patent", "Jurisdiction", "Sector"}
STRONG = {"wikidata", "lei", "registration", "company_number", "ftm", "opencorporates"}
CANDIDATE = 70.0  # below this a pair is not worth a reviewer's time
AUTO = 100.0  # only identical normalised names (or a shared strong identifier) merge unasked


def family(types: Iterable[str]) -> str:
    kinds = set(types)
    if kinds & PERSON:
        return "person"
    if kinds & THINGS:
        return sorted(kinds & THINGS)[0]
    if kinds & PUBLIC:
        return "public"
    if kinds - {"Organization"}:
        return "private"
    return "org"


def compatible(a: str, b: str) -> bool:
    return a == b or ({a, b} <= {"org", "public", "private"} and "org" in {a, b})


def domain(url: str | None) -> str | None:
    if not url:
        return None
    host = re.sub(r"^[a-z]+://", "", url.strip().lower()).split("/")[0].split(":")[0]
    return host.removeprefix("www.") or None


@dataclass
class EntityInfo:
    """What resolution needs of an entity, from any ledger file or import."""

    id: str
    names: list[str]
    types: list[str]
    country: str | None = None
    website: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    origin: str = ""  # "curated" or the import's name
    norms: set[str] = field(default_factory=set)
    _strong: set[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.norms = set().union(*(variants(n) for n in self.names)) if self.names else set()

    @classmethod
    def from_record(cls, data: dict, origin: str) -> EntityInfo:  # type: ignore[type-arg]
        name = data.get("name") or {}
        names = list(dict.fromkeys([*(name.values() if isinstance(name, dict) else [name]),
                                    *(data.get("aliases") or [])]))
        return cls(data["id"], [str(n) for n in names], list(data.get("types") or []),
                   data.get("country"), data.get("website"),
                   {k: str(v) for k, v in (data.get("identifiers") or {}).items()}, origin)

    def strong_ids(self) -> set[str]:
        if self._strong is None:
            self._strong = {f"{k}:{v.lower()}" for k, v in self.identifiers.items()
                            if k in STRONG}
            if (d := domain(self.website)) is not None:
                self._strong.add(f"domain:{d}")
        return self._strong


@dataclass(frozen=True)
class Candidate:
    left: str
    right: str
    score: float
    reasons: tuple[str, ...]

    @property
    def pair(self) -> tuple[str, str]:
        return (self.left, self.right)


class Matcher:
    """An index of entities to match names or other entities against."""

    def __init__(self, entities: Sequence[EntityInfo], max_block: int = 200,
                 max_candidates: int = 25) -> None:
        self.entities = {e.id: e for e in entities}
        self.max_block = max_block
        self.max_candidates = max_candidates  # per name: more is noise to a reviewer
        self._idf: dict[str, float] = {}
        self.df: Counter[str] = Counter()
        self.name_df: Counter[str] = Counter()
        for e in entities:
            self.df.update({t for n in e.norms for t in n.split()})
            self.name_df.update(e.norms)
        self.n = max(len(entities), 1)
        self.blocks: dict[str, list[str]] = defaultdict(list)
        self.strong: dict[str, list[str]] = defaultdict(list)
        for e in entities:
            for key in self._keys(e.norms):
                self.blocks[key].append(e.id)
            for key in e.strong_ids():
                self.strong[key].append(e.id)

    def idf(self, token: str) -> float:
        value = self._idf.get(token)
        if value is None:
            value = self._idf[token] = math.log(1 + self.n / (1 + self.df.get(token, 0)))
        return value

    def _keys(self, norms: Iterable[str]) -> set[str]:
        """The whole name's skeleton, the prefixes of its two rarest tokens, and of each pair
        of its three rarest (a pair stays a small block when every single word is common)."""
        keys = set()
        for norm in norms:
            keys.add("=" + skeleton(norm))
            tokens = sorted((t for t in set(norm.split()) if len(t) > 1 or norm == t),
                            key=lambda t: (self.df.get(t, 0), t))
            keys.update(skeleton(t)[:6] for t in tokens[:2])
            if (acronym := initials(norm)) is not None:
                keys.add("^" + acronym)
            elif " " not in norm and 3 <= len(norm) <= 6:
                keys.add("^" + norm)
            rare = [skeleton(t)[:4] for t in tokens[:3]]
            keys.update("&".join(sorted((a, b))) for i, a in enumerate(rare)
                        for b in rare[i + 1:])
        return keys

    def _soft_overlap(self, a: str, b: str) -> tuple[float, bool]:
        """IDF-weighted share of tokens found on the other side (a near spelling counts), and
        whether each side has a distinctive token the other lacks ("Caldwell"/"Caswell")."""
        ta, tb = a.split(), b.split()
        if not ta or not tb:
            return 0.0, False
        weight = common = 0.0
        rare_unmatched = []
        for side, other in ((ta, tb), (tb, ta)):
            lone = False
            for token in side:
                w = self.idf(token)
                weight += w
                if token in other or (len(token) > 3 and process.extractOne(
                        token, other, scorer=fuzz.ratio, score_cutoff=85) is not None):
                    common += w
                elif len(token) > 2 and self.df.get(token, 0) <= 3:
                    lone = True
            rare_unmatched.append(lone)
        return (100.0 * common / weight if weight else 0.0), all(rare_unmatched)

    def name_score(self, a: Iterable[str], b: Iterable[str]) -> tuple[float, str]:
        best, why = 0.0, ""
        for x in a:
            for y in b:
                if x == y and (" " in x or (len(x) > 3 and self.df.get(x, 0) <= 5)):
                    return 100.0, f"same name “{x}”"
                if skeleton(x).replace(" ", "") == skeleton(y).replace(" ", ""):
                    score = 98.0
                elif fuzz.token_set_ratio(x, y) < 60:
                    continue
                else:
                    overlap, conflict = self._soft_overlap(x, y)
                    score = 0.6 * overlap + 0.4 * fuzz.token_sort_ratio(x, y)
                    if conflict:
                        score -= 10
                    elif _contained([x], [y]) and score < 75:
                        score = 75.0
                if score > best:
                    best, why = score, f"“{x}” ~ “{y}”"
        return best, why

    def compare(self, a: EntityInfo, b: EntityInfo) -> Candidate | None:
        fa, fb = family(a.types), family(b.types)
        if not compatible(fa, fb):
            return None
        score, why = self.name_score(a.norms, b.norms)
        reasons = [why] if why else []
        if score < 80 and _acronym_of(a.norms, b.norms):
            score = 80.0
            reasons.append("one name is the other's initials")
        shared = a.strong_ids() & b.strong_ids()
        if shared:
            score = max(score, 99.0)
            reasons.append("shared " + ", ".join(sorted(shared)))
        specific = (set(a.types) & set(b.types)) - {"Organization", "Company", "Agency"}
        if (score < 85 and a.country and a.country == b.country and specific
                and _contained(a.norms, b.norms)):
            score = 85.0
            reasons.append(f"same country {a.country} and type {sorted(specific)[0]}, "
                           "one name inside the other")
        if a.country and b.country and a.country[:2] != b.country[:2]:
            score -= 35
            reasons.append(f"different countries {a.country}/{b.country}")
        if score < CANDIDATE:
            return None
        left, right = sorted((a.id, b.id))
        return Candidate(left, right, round(score, 1), tuple(reasons))

    def candidates_for(self, entity: EntityInfo) -> list[Candidate]:
        """Entities of the index that may be ``entity``, best first."""
        ids: set[str] = set()
        for key in self._keys(entity.norms):
            block = self.blocks.get(key, ())
            if len(block) <= self.max_block:
                ids.update(block)
        for key in entity.strong_ids():
            ids.update(self.strong.get(key, ()))
        ids.discard(entity.id)
        keep = {i for key in entity.strong_ids() for i in self.strong.get(key, ())}
        pool = [(norm, other) for other in ids for norm in self.entities[other].norms]
        choices = [norm for norm, _other in pool]
        for query in entity.norms:  # a cheap C-speed filter before the full comparison
            for _choice, _score, index in process.extract(
                    query, choices, scorer=fuzz.token_set_ratio, score_cutoff=60,
                    limit=self.max_candidates):
                keep.add(pool[index][1])
        keep.discard(entity.id)
        out = [c for other in keep if (c := self.compare(entity, self.entities[other]))]
        return sorted(out, key=lambda c: (-c.score, c.pair))

    def all_candidates(self) -> list[Candidate]:
        """Every pair of the index worth reviewing, once, best first."""
        seen: dict[tuple[str, str], Candidate] = {}
        for entity in self.entities.values():
            for cand in self.candidates_for(entity):
                seen.setdefault(cand.pair, cand)
        return sorted(seen.values(), key=lambda c: (-c.score, c.pair))


def initials(norm: str) -> str | None:
    """"royal canadian mounted police" -> "rcmp" (names of three words or more)."""
    tokens = norm.split()
    return "".join(t[0] for t in tokens) if len(tokens) >= 3 else None


def _acronym_of(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether a name of one side is the initials of a name of the other."""
    a, b = list(a), list(b)

    def short(names: list[str]) -> set[str]:
        return {n for n in names if " " not in n and 3 <= len(n) <= 6}

    return (any(initials(n) in short(b) for n in a)
            or any(initials(n) in short(a) for n in b))


def _contained(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether every token of a name of one side is in a name of the other."""
    sets_a = [set(x.split()) for x in a]
    sets_b = [set(y.split()) for y in b]
    return any(x and y and (x <= y or y <= x) for x in sets_a for y in sets_b)


def is_auto(candidate: Candidate) -> bool:
    """Sure enough to merge without a reviewer: identical names or a shared strong identifier."""
    return candidate.score >= AUTO or (candidate.score >= 99.0 and any(
        r.startswith("shared ") for r in candidate.reasons))
