"""Figures about the bundled dataset, computed from the validated ledger (docs/dataset.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pycountry

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


def independent_sources(claim: Claim, ledger: Ledger) -> int:
    """Distinct publishers among a claim's sources (a source without publisher counts alone)."""
    return len({(ledger.sources[r.source].publisher or r.source) if r.source in ledger.sources
                else r.source for r in claim.refs})


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
    for entity in ledger.entities.values():
        fig.by_type.update(entity.types)
        fig.by_country[entity.country or "—"] += 1
    vocab = vocab or load_vocabulary()
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
                ("status", claim.status),
                ("amount", claim.predicate != "fined" or claim.amount is not None),
                ("currency", claim.predicate != "fined" or claim.currency),
            ) if not ok]
            if missing:
                fig.incomplete_actions.append(f"{cid} (no {', '.join(missing)})")
    for source in ledger.sources.values():
        fig.by_source_kind[source.kind] += 1
        used.update(source.cites)
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
    labels = {name: term.label_in("en") for name, term in vocab.predicates.items()}
    actions = ["| claim | who | predicate | whom | date | status | amount |",
               "|---|---|---|---|---|---|---:|"]
    for cid, claim in sorted(fig.actions, key=lambda a: (str(a[1].date or a[1].start), a[0])):
        amount = f"{claim.amount:,} {claim.currency}" if claim.amount is not None else ""
        actions.append(
            f"| `{cid}` | {ledger.entities[claim.subject].name.en} | {labels.get(claim.predicate)} "
            f"| {ledger.entities[claim.object].name.en if claim.object else ''} "
            f"| {claim.date or claim.start or ''} | {claim.status or ''} | {amount} |"
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
| claims backed by two or more independent sources (distinct publishers) | {fig.claims_two_independent} ({share:.0%}) |
| claims that dispute another claim | {fig.disputes} |
| regulator, court and complainant actions | {len(fig.actions)} |
| regulator and court actions lacking a date, status or (fines) amount | {len(fig.incomplete_actions)} |
| sources used by no claim and cited by no source | {len(fig.unused_sources)} |

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
