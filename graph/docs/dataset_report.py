"""Figures about the bundled dataset, computed from the validated ledger (docs/dataset.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pycountry

from graph.evidence import contradictions, lifecycle
from graph.evidence.changes import known_of
from graph.evidence.grade import grade_of
from graph.evidence.lines import independent_lines
from graph.ledger.model import Claim, Ledger
from graph.vocabulary import Vocabulary, load_vocabulary

# Actions listed in the report; those of regulators and courts must carry a date and a status.
ACTION_PREDICATES = ("fined", "issued_order_to", "found_in_violation", "ruled_on", "investigated",
                     "complaint_against", "sued", "appealed")
AUTHORITY_TYPES = ("Regulator", "Court")


@dataclass
class DatasetFigures:
    entities: int
    claims: int
    sources: int
    claims_with_locator: int
    claims_two_independent: int
    by_type: Counter[str] = field(default_factory=Counter)
    by_country: Counter[str] = field(default_factory=Counter)
    by_predicate: Counter[str] = field(default_factory=Counter)
    by_source: Counter[str] = field(default_factory=Counter)
    by_source_kind: Counter[str] = field(default_factory=Counter)
    actions: list[tuple[str, Claim]] = field(default_factory=list)
    incomplete_actions: list[str] = field(default_factory=list)
    disputes: int = 0
    unused_sources: list[str] = field(default_factory=list)
    claims_two_lines: int = 0
    curated: int = 0  # claims resting on something other than an imported dataset
    curated_two_lines: int = 0
    by_lines: Counter[str] = field(default_factory=Counter)
    by_grade: Counter[str] = field(default_factory=Counter)
    copies: int = 0
    unknown_publishers: int = 0
    case_status: dict[str, str] = field(default_factory=dict)  # claim id -> derived status
    contested: Counter[str] = field(default_factory=Counter)


def independent_sources(claim: Claim, ledger: Ledger) -> int:
    """Distinct publishers among a claim's sources (a source without publisher counts alone):
    the old, flattering measure, kept beside independent lines so the difference shows."""
    def publisher(source: str) -> str:
        found = ledger.sources.get(source)
        name = found.publisher if found else None
        return name if name and name != "unknown" else source

    return len({publisher(r.source) for r in claim.refs})


def figures(ledger: Ledger, vocab: Vocabulary | None = None) -> DatasetFigures:
    fig = DatasetFigures(
        entities=len(ledger.entities),
        claims=len(ledger.claims),
        sources=len(ledger.sources),
        claims_with_locator=sum(
            1 for c in ledger.claims.values() if c.refs and all(r.locator for r in c.refs)
        ),
        claims_two_independent=sum(
            1 for c in ledger.claims.values() if independent_sources(c, ledger) >= 2
        ),
    )
    vocab = vocab or load_vocabulary()
    known = known_of(ledger)
    for claim in ledger.claims.values():
        supporting = [r.source for r in claim.refs if r.stance != "denies"]
        lines = independent_lines(supporting, known.sources)
        fig.claims_two_lines += lines >= 2
        if any(known.sources[r].kind != "Dataset" for r in supporting if r in known.sources):
            fig.curated += 1
            fig.curated_two_lines += lines >= 2
        fig.by_lines[str(min(lines, 5)) + ("+" if lines >= 5 else "")] += 1
        grade = grade_of(supporting, known.sources, known.entities, vocab)
        fig.by_grade[grade.notation if grade else "—"] += 1
    fig.copies = sum(1 for s in ledger.sources.values() if s.copy_of)
    fig.unknown_publishers = sum(1 for s in ledger.sources.values() if s.publisher == "unknown")
    steps = [lifecycle.Step.of(cid, c, vocab) for cid, c in ledger.claims.items()]
    case_of: dict[str, str] = {}
    for case in lifecycle.cases(s for s in steps if s.stage or s.follows):
        status = case.status(vocab)
        for step in case.steps:
            fig.case_status[step.cid] = status[0] if status else ""
            case_of[step.cid] = case.root
    for cid, claim in ledger.claims.items():
        fig.contested.update(c.kind for c in contradictions.declared(cid, claim))
    compared = {cid: f for cid, c in ledger.claims.items()
                if (f := contradictions.facts_of(cid, c, vocab)) is not None}
    fig.contested.update(c.kind for c in contradictions.incompatible(compared, case_of))
    for entity in ledger.entities.values():
        fig.by_type.update(entity.types)
        fig.by_country[entity.country or "—"] += 1
    used: set[str] = set()
    for cid, claim in ledger.claims.items():
        fig.by_predicate[claim.predicate] += 1
        for source_id in {r.source for r in claim.refs}:
            fig.by_source[source_id] += 1
            used.add(source_id)
        if claim.disputes:
            fig.disputes += 1
        if claim.predicate in ACTION_PREDICATES:
            fig.actions.append((cid, claim))
            subject = ledger.entities.get(claim.subject)
            if subject is None or not vocab.allows(subject.types, list(AUTHORITY_TYPES)):
                continue
            missing = [name for name, ok in (
                ("date", claim.date or claim.start),
                ("status", claim.status or fig.case_status.get(cid)),
                ("amount", claim.predicate != "fined" or claim.amount is not None),
                ("currency", claim.predicate != "fined" or claim.currency),
            ) if not ok]
            if missing:
                fig.incomplete_actions.append(f"{cid} (no {', '.join(missing)})")
    for source in ledger.sources.values():
        fig.by_source_kind[source.kind] += 1
        used.update(source.cites)
        if source.copy_of:
            used.add(source.copy_of)
    fig.unused_sources = sorted(set(ledger.sources) - used)
    return fig


def _country(code: str) -> str:
    if code == "—":
        return "— (none)"
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None and len(code) > 2:
        country = pycountry.subdivisions.get(code=code)
    return f"{code} ({country.name})" if country else code


def _rows(counter: Counter[str], label=lambda k: k) -> str:  # type: ignore[no-untyped-def]
    lines = ["| | count |", "|---|---:|"]
    lines += [f"| {label(k)} | {v} |" for k, v in sorted(counter.items(), key=lambda i: (-i[1], i[0]))]
    return "\n".join(lines)


def render(ledger: Ledger, vocab: Vocabulary) -> str:
    fig = figures(ledger, vocab)
    share = fig.claims_two_independent / fig.claims if fig.claims else 0.0
    honest = fig.claims_two_lines / fig.claims if fig.claims else 0.0
    curated = fig.curated_two_lines / fig.curated if fig.curated else 0.0
    labels = {name: term.label_in("en") for name, term in vocab.predicates.items()}
    actions = ["| claim | who | predicate | whom | date | published | status (case status) | amount |",
               "|---|---|---|---|---|---|---|---:|"]
    for cid, claim in sorted(fig.actions, key=lambda a: (str(a[1].date or a[1].start), a[0])):
        amount = f"{claim.amount:,} {claim.currency}" if claim.amount is not None else ""
        actions.append(
            f"| `{cid}` | {ledger.entities[claim.subject].name.en} | {labels.get(claim.predicate)} "
            f"| {ledger.entities[claim.object].name.en if claim.object else ''} "
            f"| {claim.date or claim.start or ''} | {claim.published or ''} "
            f"| {claim.status or ''}{f' ({fig.case_status[cid]})' if cid in fig.case_status else ''} "
            f"| {amount} |"
        )
    sources = ["| source | kind | claims |", "|---|---|---:|"]
    for source_id, source in sorted(ledger.sources.items()):
        sources.append(f"| `{source_id}` | {source.kind} | {fig.by_source.get(source_id, 0)} |")
    return f"""# The bundled dataset

Generated by `custodiet docs` from `data/` — do not edit by hand.

| figure | value |
|---|---:|
| entities | {fig.entities} |
| claims | {fig.claims} |
| sources | {fig.sources} |
| claims whose every reference has a locator | {fig.claims_with_locator} |
| claims with two or more independent lines of evidence ([evidence.md](evidence.md)) \
| {fig.claims_two_lines} ({honest:.0%}) |
| … of the {fig.curated} curated claims (not resting only on an imported dataset) \
| {fig.curated_two_lines} ({curated:.0%}) |
| claims with two or more distinct publishers (the older measure, copies counted) \
| {fig.claims_two_independent} ({share:.0%}) |
| sources that are copies credited to an original | {fig.copies} |
| sources whose publisher is explicitly unknown (with a reason) | {fig.unknown_publishers} |
| claims that dispute another claim | {fig.disputes} |
| contested: declared disputes / denials / incompatible claims found \
| {fig.contested["declared"]} / {fig.contested["denied"]} / {fig.contested["incompatible"]} |
| regulator, court and complainant actions | {len(fig.actions)} |
| regulator and court actions lacking a date, status or (fines) amount | {len(fig.incomplete_actions)} |
| sources used by no claim and cited by no source | {len(fig.unused_sources)} |

## Claims by independent lines of evidence

{_rows(fig.by_lines)}

## Claims by evidence grade

Grades (docs/evidence.md): A official decision or court ruling, B government record, C company
filing or statement, D investigative or research report, E news report, F commentary.

{_rows(fig.by_grade)}

## Entities by type

{_rows(fig.by_type)}

## Entities by country

{_rows(fig.by_country, _country)}

## Claims by predicate

{_rows(fig.by_predicate, lambda k: f"{labels.get(k, k)} (`{k}`)")}

## Sources by kind

{_rows(fig.by_source_kind)}

## Regulator, court and complainant actions

{chr(10).join(actions)}

## Claims per source

{chr(10).join(sources)}
"""
