"""The extraction rules per language, read from ``graph/schema/extraction/<lang>.yaml``.

Trigger words, qualifier vocabularies and attribution cues are data so that curators can add a
predicate or a phrasing without touching the engine; this module only compiles them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

RULES_DIR = Path(__file__).resolve().parent.parent / "schema" / "extraction"
# A number as written in reporting: "18 000", "2 228", "250,000", "7.5", "17", "dix".
NUMBER = r"(?:\d{1,3}(?:[\u00a0\u202f ,.]\d{3})+|\d+(?:[.,]\d+)?)"


@dataclass(frozen=True)
class Trigger:
    """One phrasing of a predicate and where its subject and object sit relative to it."""

    predicate: str
    pattern: re.Pattern[str]
    subject: str = "before"
    object: str | None = None
    value: str | None = None  # amount | count, for value predicates
    value_needed: str | None = None  # the claim is kept only with this qualifier
    implicit_subject: str | None = None
    implicit_object: str | None = None
    prefer_subject: str | None = None
    object_types: tuple[str, ...] = ()
    subject_types: tuple[str, ...] = ()
    near: int | None = None  # at most this many words between the subject and the trigger
    expand: str = "both"  # follow lists of names for: both | none
    kind: str | None = None
    role: str | None = None
    status: str | None = None
    weight: float = 0.6


@dataclass(frozen=True)
class Rules:
    """Everything the engine needs of one language."""

    language: str
    stopwords: frozenset[str]
    abbreviations: frozenset[str]
    undated_predicates: frozenset[str]
    months: dict[str, int]
    number_words: dict[str, int]
    multipliers: dict[str, int]
    decimal_separator: str
    currencies: dict[str, str]
    currency_joiners: tuple[str, ...]
    attribution: tuple[str, ...]
    anaphora: re.Pattern[str] | None
    continuation: tuple[re.Pattern[str], ...]
    prepositions: frozenset[str]
    role_heads: frozenset[str]
    clause_breakers: frozenset[str]
    statuses: tuple[tuple[str, re.Pattern[str]], ...]
    status_predicates: frozenset[str]
    amount_predicates: frozenset[str]
    type_heads: tuple[tuple[re.Pattern[str], str], ...]
    title_words: frozenset[str]
    ner_types: dict[str, str]
    ner_stoplist: frozenset[str]
    triggers: tuple[Trigger, ...] = field(default_factory=tuple)
    source: str = ""


def _alternation(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def _trigger(predicate: str, spec: dict[str, Any], number_pattern: str) -> Trigger:
    text = str(spec["trigger"]).replace("{NUMBER}", f"(?P<number>{number_pattern})")
    known = {k: spec[k] for k in ("subject", "object", "value", "value_needed", "implicit_subject",
                                  "implicit_object", "prefer_subject", "kind", "role", "status")
             if k in spec}
    return Trigger(predicate, re.compile(text, re.I), object_types=tuple(spec.get("object_types", ())),
                   subject_types=tuple(spec.get("subject_types", ())), near=spec.get("near"),
                   expand=str(spec.get("list", "both")), weight=float(spec.get("weight", 0.6)),
                   **known)


def number_pattern(rules_words: dict[str, int], multipliers: dict[str, int]) -> str:
    words = _alternation([re.escape(w) for w in rules_words])
    mult = _alternation([re.escape(w) for w in multipliers])
    return (rf"(?:(?:plus de |more than |over |près de |nearly |environ |about |quelque )?"
            rf"(?:{NUMBER}|\b(?:{words})\b)(?:\s*(?:{mult})\b)?)")


@lru_cache(maxsize=4)
def load_rules(language: str) -> Rules:
    """The compiled rules of ``language``; a ValueError names the file for an unknown one."""
    path = RULES_DIR / f"{language}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in RULES_DIR.glob("*.yaml")))
        raise ValueError(f"no extraction rules for language {language!r} (have: {known})")
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    numbers = number_pattern(data["number_words"], data["multipliers"])
    triggers = tuple(_trigger(pred, spec, numbers)
                     for pred, specs in data["predicates"].items() for spec in specs)
    anaphora = data.get("anaphora") or []
    return Rules(
        language=data["language"],
        stopwords=frozenset(data["stopwords"]),
        abbreviations=frozenset(str(a) for a in data.get("abbreviations") or ()),
        undated_predicates=frozenset(data.get("undated_predicates") or ()),
        months={k.casefold(): int(v) for k, v in data["months"].items()},
        number_words={k.casefold(): int(v) for k, v in data["number_words"].items()},
        multipliers={str(k): int(v) for k, v in data["multipliers"].items()},
        decimal_separator=data.get("decimal_separator", "."),
        currencies={str(k): str(v) for k, v in data["currencies"].items()},
        currency_joiners=tuple(data.get("currency_joiners") or ()),
        attribution=tuple(data.get("attribution") or ()),
        anaphora=re.compile(rf"\b(?:{'|'.join(anaphora)})\b", re.I) if anaphora else None,
        continuation=tuple(re.compile(p, re.I) for p in data.get("continuation") or ()),
        prepositions=frozenset(data.get("prepositions") or ()),
        role_heads=frozenset(data.get("role_heads") or ()),
        clause_breakers=frozenset(data.get("clause_breakers") or ()),
        statuses=tuple((status, re.compile(rf"(?:{'|'.join(words)})", re.I))
                       for status, words in (data.get("statuses") or {}).items()),
        amount_predicates=frozenset(data.get("amount_predicates") or ()),
        status_predicates=frozenset(data.get("status_predicates") or ()),
        type_heads=tuple((re.compile(h["pattern"], re.I), h["type"])
                         for h in data.get("type_heads") or ()),
        title_words=frozenset(data.get("title_words") or ()),
        ner_types=dict(data.get("ner_types") or {}),
        ner_stoplist=frozenset(data.get("ner_stoplist") or ()),
        triggers=triggers,
        source=str(path),
    )


def languages() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.yaml"))
