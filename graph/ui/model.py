"""An entity's profile as plain data: identity, claims in both directions, their evidence.

Built from two named queries (``ui-entity`` and ``ui-entity-claims``) that return one row per
value or reference; folding them into objects here keeps the pages, the dossier and the
downloads on one reading of the data.

A hub (tens of thousands of claims: 8.7k at 100k claims, ~40k at 1M) is read differently,
from the build's derived tables (``load_hub``): its counts per relation and the newest claims
of each relation, references only when shown; ``ui-entity-claims`` took 8–10 s for the
biggest hub at 100k claims and 32 s at 1M.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from graph.derived.views import Derived, cursor_after
from graph.named_queries import get_query
from graph.rdf.iris import Iris
from graph.store import Store
from graph.ui.families import AMOUNT_VALUES
from graph.ui.labels import (
    entity_types,
    format_amount,
    format_date,
    format_locator,
    format_value,
    kind_label,
    predicate_label,
    status_label,
    url_host,
)


@dataclass(frozen=True)
class Reference:
    """One place in one source that supports a claim."""

    source: str
    title: str
    locator: str = ""
    issued: str = ""
    url: str | None = None
    publisher: str | None = None
    publisher_label: str | None = None
    stance: str = ""
    copy_of: str = ""
    host: str = ""


@dataclass
class ClaimView:
    """A claim seen from the profiled entity: ``out`` when it is the subject, ``in`` otherwise."""

    claim: str
    direction: str
    predicate: str
    other: str | None
    other_label: str
    value: str = ""
    date: str = ""
    start: str = ""
    end: str = ""
    amount: str = ""
    status: str = ""
    kind: str = ""
    role: str = ""
    note: str = ""
    source_count: int = 0
    independent_count: int = 0
    disputes: list[str] = field(default_factory=list)
    disputed_by: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    other_types: list[str] = field(default_factory=list)
    status_notation: str = ""
    sort_date: str = ""
    precision: str = ""
    amount_value: str = ""
    currency: str = ""
    other_country: str = ""
    grade: str = ""
    grade_label: str = ""
    reason: str = ""
    known_since: str = ""
    case: str = ""
    case_status: str = ""
    round: str = ""
    contradicts: list[str] = field(default_factory=list)

    @property
    def single_source(self) -> bool:
        return self.source_count <= 1

    @property
    def disputed(self) -> bool:
        return bool(self.disputes or self.disputed_by or self.contradicts)

    @property
    def lines(self) -> int:
        """Independent lines of evidence (publishers or copy chains), else distinct sources."""
        return self.independent_count or self.source_count

    @property
    def when(self) -> str:
        if self.date:
            return self.date
        if self.start or self.end:
            return f"{self.start or '…'} – {self.end or '…'}"
        return ""

    def qualifiers(self, *, status: bool = True) -> list[str]:
        """Date, amount, status, kind and role, in that order, already formatted."""
        values = (self.when, self.amount, self.status if status else "", self.kind, self.role)
        return [q for q in values if q]


@dataclass
class ClaimGroup:
    direction: str
    predicate: str
    title: str
    claims: list[ClaimView]


@dataclass
class Profile:
    id: str
    lang: str
    label: str
    names: dict[str, str]
    types: list[str]
    aliases: list[str] = field(default_factory=list)
    country: str = ""
    founded: str = ""
    wikidata: str = ""
    identifiers: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    description: str = ""
    claims: list[ClaimView] = field(default_factory=list)
    # A hub read from the derived tables holds only some of its claims: then ``counts`` has
    # every (direction, predicate)'s number of claims and ``partial`` is True.
    partial: bool = False
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    # per (direction, predicate) with more claims than shown: the keyset cursor after them
    cursors: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def claim_count(self) -> int:
        return sum(self.counts.values()) if self.partial else len(self.claims)

    def groups(self) -> list[ClaimGroup]:
        """Claims by relation and direction ('invested in' apart from 'investors')."""
        grouped: dict[tuple[str, str], list[ClaimView]] = {}
        for claim in self.claims:
            grouped.setdefault((claim.direction, claim.predicate), []).append(claim)
        groups = [
            ClaimGroup(d, p, predicate_label(p, self.lang, inverse=d == "in"), claims)
            for (d, p), claims in grouped.items()
        ]
        # Biggest groups first: for a vendor, its customers and its regulators before the rest.
        return sorted(groups, key=lambda g: (-len(g.claims), g.title.casefold()))

    def statement(self, claim: ClaimView) -> tuple[str, str, str]:
        """(subject, predicate, object) labels of a claim, read in its own direction."""
        verb = predicate_label(claim.predicate, self.lang)
        other = claim.other_label or claim.value
        if claim.direction == "out":
            return self.label, verb, other
        return other, verb, self.label


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _add_reference(view: ClaimView, ref: Reference) -> None:
    """Add a reference; several places in one source become one entry with their locators."""
    for index, known in enumerate(view.references):
        if known.source == ref.source:
            if ref.locator and ref.locator not in known.locator.split("; "):
                locator = "; ".join(p for p in (known.locator, ref.locator) if p)
                view.references[index] = replace(known, locator=locator)
            return
    view.references.append(ref)


def load_identity(store: Store, entity_id: str, lang: str, iris: Iris | None = None
                  ) -> Profile | None:
    """The entity's names, types and identifiers (no claims), or None when there is none."""
    iris = iris or Iris()
    facts = store.select(get_query("ui-entity").render(iris, entity=entity_id)).rows
    if not any(r["property"] == "type" and r["value"] == "Entity" for r in facts):
        return None
    values: dict[str, list[tuple[str, str]]] = {}
    for row in facts:
        values.setdefault(row["property"] or "", []).append((row["value"] or "", row["lang"] or ""))
    names = {lg: v for v, lg in values.get("label", [])}
    descriptions = {lg: v for v, lg in values.get("description", [])}
    profile = Profile(
        id=entity_id,
        lang=lang,
        label=names.get(lang) or names.get("en") or next(iter(names.values()), entity_id),
        names=names,
        types=entity_types(v for v, _ in values.get("type", [])),
        aliases=sorted(v for v, _ in values.get("altLabel", [])),
        country=next((v for v, _ in values.get("country", [])), ""),
        founded=next((v for v, _ in values.get("founded_on", [])), ""),
        wikidata=next((v for v, _ in values.get("wikidata", [])), ""),
        identifiers=sorted(v for v, _ in values.get("identifier", [])),
        urls=sorted(v for v, _ in values.get("url", [])),
        description=descriptions.get(lang) or descriptions.get("en", ""),
    )
    return profile


def load_profile(store: Store, entity_id: str, lang: str, iris: Iris | None = None
                 ) -> Profile | None:
    """The entity's profile, or None when no entity has this id."""
    iris = iris or Iris()
    profile = load_identity(store, entity_id, lang, iris)
    if profile is None:
        return None
    rows = store.select(get_query("ui-entity-claims").render(iris, entity=entity_id, lang=lang)).rows
    claims: dict[tuple[str, str], ClaimView] = {}
    for row in rows:
        key = (row["claim"] or "", row["direction"] or "")
        view = claims.get(key)
        if view is None:
            view = claims[key] = ClaimView(
                claim=key[0],
                direction=key[1],
                predicate=row["predicate"] or "",
                other=row["other"] or None,
                other_label=row["other_label"] or row["other"] or "",
                value=format_value(row["value"], row["value_type"], lang)
                + (f" {row['currency']}" if row["value"] and row["currency"] else ""),
                date=format_date(row["date"], row["precision"]),
                start=format_date(row["start"]),
                end=format_date(row["end"]),
                amount=format_amount(row["amount"], row["currency"], lang),
                status=status_label(row["status"], lang),
                status_notation=row["status"] or "",
                kind=kind_label(row["kind"], lang),
                role=row["role"] or "",
                note=row["note"] or "",
                source_count=_int(row["source_count"]),
                independent_count=_int(row["independent_count"]),
                sort_date=row["date"] or row["start"] or "",
                precision=row["precision"] or "",
                amount_value=row["amount"] or (row["value"] or "" if (row["predicate"] or "")
                                                in AMOUNT_VALUES else ""),
                currency=row["currency"] or "",
                other_country=row["other_country"] or "",
                grade=row["grade"] or "",
                grade_label=row["grade_label"] or "",
                reason=row["reason"] or "",
                known_since=row["known_since"] or "",
                case=row["case"] or "",
                case_status=row["case_status"] or "",
                round=row["round"] or "",
            )
        if row["other_type"] and row["other_type"] not in view.other_types:
            view.other_types.append(row["other_type"])
        for name, target in (("disputes", view.disputes), ("disputed_by", view.disputed_by),
                             ("contradicts", view.contradicts)):
            other_claim = row[name]
            if other_claim and other_claim not in target:
                target.append(other_claim)
        if row["source"]:
            _add_reference(view, Reference(
                source=row["source"],
                title=row["title"] or row["source"],
                locator=format_locator(row["locator"], lang),
                issued=format_date(row["issued"], row["issued_precision"]),
                url=row["url"] or None,
                publisher=row["publisher"] or None,
                publisher_label=row["publisher_label"] or row["publisher"] or None,
                stance=row["stance"] or "",
                copy_of=row["copy_of"] or "",
                host=row["host"] or url_host(row["url"]),
            ))
    profile.claims = sorted(claims.values(), key=lambda c: (c.sort_date or "0000"), reverse=True)
    return profile


def claim_view(row: dict[str, object], lang: str) -> ClaimView:
    """A claim of a derived ``entity_claims`` row (no references: see ``derived_references``)."""
    def text(name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value)

    value, currency, predicate = text("value"), text("currency"), text("predicate")
    amount = text("amount_text")
    return ClaimView(
        claim=text("claim"),
        direction=text("direction"),
        predicate=predicate,
        other=text("other") or None,
        other_label=text(f"other_label_{lang}") or text("other_label_en") or text("other"),
        value=format_value(value, text("value_type"), lang)
        + (f" {currency}" if value and currency else ""),
        date=format_date(text("date"), text("precision") or None),
        start=format_date(text("start")),
        end=format_date(text("end")),
        amount=format_amount(amount, currency, lang),
        status=status_label(text("status"), lang),
        status_notation=text("status"),
        kind=kind_label(text("kind"), lang),
        role=text("role"),
        note=text(f"note_{lang}") or text("note_en"),
        source_count=_int(text("source_count")),
        independent_count=_int(text("lines")),
        disputes=[text("disputes")] if text("disputes") else [],
        other_types=text("other_types").split(),
        sort_date=text("date") or text("start"),
        precision=text("precision"),
        amount_value=amount or (value if predicate in AMOUNT_VALUES else ""),
        currency=currency,
        other_country=text("other_country"),
        grade=text("grade"),
        reason=text("grade_reason"),
        known_since=text("known_since"),
        case=text("case_id"),
        case_status=text("case_status"),
        round=text("round"),
    )


def load_hub(store: Store, derived: Derived, entity_id: str, lang: str, per_relation: int,
             iris: Iris | None = None) -> Profile | None:
    """A hub's profile from the derived tables: every relation's count, its newest
    ``per_relation`` claims (newest first overall), contradictions; references left out."""
    profile = load_identity(store, entity_id, lang, iris)
    if profile is None:
        return None
    profile.partial = True
    profile.counts = {(str(r["direction"]), str(r["predicate"])): int(r["claims"])
                      for r in derived.entity_summary(entity_id)}
    rows = derived.entity_head(entity_id, per_relation)
    profile.claims = [claim_view(r, lang) for r in rows]
    add_contradictions(profile.claims, derived)
    last: dict[tuple[str, str], dict[str, object]] = {}
    for row in rows:  # in the listing's own order (sort_date DESC, claim): the last one wins
        last[(str(row["direction"]), str(row["predicate"]))] = row
    profile.cursors = {relation: cursor_after("entity-claims", row)
                       for relation, row in last.items()
                       if profile.counts.get(relation, 0) > per_relation}
    return profile


def add_contradictions(claims: list[ClaimView], derived: Derived) -> None:
    """Fill ``contradicts`` from the derived contradictions (declared disputes stay apart)."""
    found: dict[str, list[str]] = {}
    for row in derived.contradictions_of([c.claim for c in claims]):
        found.setdefault(str(row["claim"]), []).append(str(row["other"]))
    for claim in claims:
        claim.contradicts = [o for o in found.get(claim.claim, []) if o not in claim.disputes]


def derived_references(derived: Derived, claim_ids: list[str], lang: str
                       ) -> dict[str, list[Reference]]:
    """The references of ``claim_ids`` (one entry per source, locators joined)."""
    found: dict[str, ClaimView] = {}
    for row in derived.references(claim_ids):
        claim = str(row["claim"])
        view = found.setdefault(claim, ClaimView(claim, "", "", None, ""))

        def text(name: str, row: dict[str, object] = row) -> str:
            value = row.get(name)
            return "" if value is None else str(value)

        publisher_label = text(f"publisher_label_{lang}") or text("publisher_label_en")
        _add_reference(view, Reference(
            source=text("source"), title=text("title") or text("source"),
            locator=format_locator(text("locator") or None, lang),
            issued=format_date(text("issued"), text("issued_precision") or None),
            url=text("url") or None, publisher=text("publisher") or None,
            publisher_label=publisher_label or text("publisher") or None,
            stance=text("stance"), copy_of=text("copy_of"),
            host=text("host") or url_host(text("url") or None)))
    return {claim: view.references for claim, view in found.items()}
