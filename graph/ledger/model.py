"""The shapes of ledger records, checked structurally by pydantic.

Only structure lives here (required fields, types, unknown keys). What depends on other records
or on the vocabulary (ids, predicates, types) is checked in ``check.py`` so that the vocabulary
stays data.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from graph.ledger.dates import PartialDate

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=200)]
URL_PATTERN = r'^https?://[^\s<>"{}|\\^`]+$'  # characters an IRI may not hold are refused
Date = Annotated[PartialDate, BeforeValidator(PartialDate.parse)]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


StrList = Annotated[list[str], BeforeValidator(_as_list)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)


class LangText(Record):
    """Text in English and French; other ISO 639-1 languages may be added."""

    model_config = ConfigDict(extra="allow", frozen=True)
    en: str
    fr: str

    @model_validator(mode="after")
    def _language_tags(self) -> LangText:
        # Extra keys become RDF language tags: one the store cannot parse would fail the build.
        for key in self.model_extra or {}:
            if not re.fullmatch(r"[a-z]{2}", key):
                raise ValueError(f"{key!r} is not a language: use a two-letter ISO 639-1 code "
                                 "such as de or es")
        return self

    def items(self) -> list[tuple[str, str]]:
        return sorted((k, str(v)) for k, v in self.model_dump().items() if v)


class OptionalLangText(LangText):
    fr: str = ""


class Locator(Record):
    """Where in the source the evidence is; at least one field is required."""

    paragraph: int | None = Field(None, ge=1)
    line: int | None = Field(None, ge=1)
    page: int | str | None = None
    section: str | None = None
    chars: tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Locator:
        # The fields by name, not model_dump(): this runs for every reference of every claim
        # and the dump was 10 % of validation (cProfile, 10k claims).
        if all(v is None for v in (self.paragraph, self.line, self.page, self.section,
                                   self.chars)):
            raise ValueError("a locator needs paragraph, line, page, section or chars")
        if self.chars and self.chars[1] <= self.chars[0]:
            raise ValueError("chars must be [start, end] with end > start")
        return self

    def text(self) -> str:
        parts = []
        if self.section:
            parts.append(f"section “{self.section}”")
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.paragraph is not None:
            parts.append(f"¶ {self.paragraph}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.chars:
            parts.append(f"chars {self.chars[0]}–{self.chars[1]}")
        return ", ".join(parts)


class Reference(Record):
    source: Id
    locator: Locator
    stance: str | None = None  # supports (the default), denies or qualifies


class Entity(Record):
    id: Id
    types: StrList = Field(min_length=1)
    name: LangText
    aliases: StrList = Field(default_factory=list)
    country: str | None = None
    founded: Date | None = None
    identifiers: dict[str, str] = Field(default_factory=dict)
    website: str | None = Field(None, pattern=URL_PATTERN)
    description: OptionalLangText | None = None


class Source(Record):
    id: Id
    kind: str
    title: str
    publisher: Id | None = None
    author: StrList = Field(default_factory=list)
    published: Date | None = None
    language: str | None = Field(None, pattern=r"^[a-z]{2}$")
    url: str | None = Field(None, pattern=URL_PATTERN)
    archive: str | None = None
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    cites: StrList = Field(default_factory=list)
    copy_of: Id | None = None  # the original this source reproduces (mirror, syndication, scrape)
    publisher_reason: str | None = None  # why the publisher is `unknown`
    reliability: str | None = None


class Redirect(Record):
    """An entity id that was merged into another (entity resolution, docs/import.md): the old
    id keeps resolving, and the names the merged record carried stay searchable on the target.
    Stored beside the data by the resolver, so curated records are never rewritten."""

    id: Id  # the merged (old) id
    to: Id  # the entity it now stands for
    aliases: StrList = Field(default_factory=list)
    reason: str | None = None


class Claim(Record):
    id: Id | None = None
    subject: Id
    predicate: str
    object: Id | None = None
    value: str | int | float | Decimal | PartialDate | None = None
    date: Date | None = None
    start: Date | None = None
    end: Date | None = None
    amount: Decimal | None = None
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    status: str | None = None
    kind: str | None = None
    role: str | None = None
    note: OptionalLangText | None = None
    refs: list[Reference] = Field(default_factory=list)
    confidence: str | None = None
    disputes: Id | None = None
    published: Date | None = None  # when the decision or fact was made public, if not `date`
    recorded: Date | None = None  # when the claim entered the ledger
    follows: Id | None = None  # the step of a case or contract this claim responds to
    stage: str | None = None  # lifecycle stage; defaults from the predicate
    outcome: str | None = None  # rulings: upheld, dismissed, set_aside, remitted, reduced
    round: Id | None = None  # investor claims: the raised_funding claim of the round

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: Any) -> Any:
        # YAML gives dates as date objects; keep them as dates with their precision.
        if value is not None and not isinstance(value, (str, int, float, Decimal)):
            return PartialDate.parse(value)
        return value

    def object_key(self) -> str:
        return self.object if self.object is not None else f"={self.value}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# -- what the validator remembers of a ledger ----------------------------------------------------
@dataclass(slots=True)
class EntityFacts:
    """What cross-record rules need of an entity: its classes (for domain and range checks)."""

    types: list[str]


UNKNOWN_PUBLISHER = "unknown"  # `publisher: unknown` with `publisher_reason:`, said explicitly


@dataclass(slots=True)
class SourceFacts:
    """What cross-record rules and the evidence computations need of a source once it has
    streamed past: who published it, what it copies and cites, its kind and date."""

    publisher: str | None
    archive: str | None
    kind: str = ""
    copy_of: str | None = None
    cites: tuple[str, ...] = ()
    published: PartialDate | None = None

    @classmethod
    def of(cls, source: Source) -> SourceFacts:
        return cls(source.publisher, source.archive, source.kind, source.copy_of,
                   tuple(source.cites), source.published)


@dataclass
class Known:
    """Every id the validator has seen, with the few facts later records are checked against.

    About 200 bytes a record, never the records themselves: this is what lets a ledger of a
    million claims stream through validation in constant memory.
    """

    entities: dict[str, EntityFacts] = field(default_factory=dict)
    sources: dict[str, SourceFacts] = field(default_factory=dict)
    claims: set[str] = field(default_factory=set)
    places: dict[str, int] = field(default_factory=dict)  # id -> file index << 32 | line
    emitted: set[str] = field(default_factory=set)  # sources handed to the sinks (chains complete)
    rounds: dict[str, str] = field(default_factory=dict)  # raised_funding claim id -> its subject


@dataclass
class Ledger:
    """A whole validated ledger in memory, keyed by id (claims by their resolved ids).

    Only small ledgers are kept whole (the dataset report, the worked example, tests); builds
    stream records to their sinks instead.
    """

    entities: dict[str, Entity] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    redirects: dict[str, Redirect] = field(default_factory=dict)


def claim_id(claim: Claim) -> str:
    """An explicit id, or one derived from the claim's content so rebuilds give the same IRI."""
    if claim.id:
        return claim.id
    basis = json.dumps(
        [claim.subject, claim.predicate, claim.object_key(), str(claim.date), str(claim.start),
         str(claim.end), str(claim.amount), claim.kind, claim.role],
        ensure_ascii=False,
    )
    digest = hashlib.sha256(basis.encode()).hexdigest()[:8]
    target = claim.object if claim.object is not None else "value"
    return f"{claim.subject}.{claim.predicate}.{target}.{digest}"
