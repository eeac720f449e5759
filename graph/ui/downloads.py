"""Downloads of an entity's subgraph: Turtle and JSON-LD from the store, CSV of its claims.

RDF comes straight from the store's native serialiser (``Store.serialize`` of the
``ui-subgraph`` CONSTRUCT), so what an analyst downloads is exactly what the endpoint serves.
"""

from __future__ import annotations

import pandas as pd

from graph.named_queries import get_query
from graph.rdf.iris import Iris
from graph.store import Store
from graph.ui.labels import amount_number
from graph.ui.model import Profile

RDF_FORMATS = {
    "turtle": ("text/turtle", "ttl"),
    "jsonld": ("application/ld+json", "jsonld"),
}
# Spreadsheets run cells that start with these as formulas; prefixing a quote keeps them text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def subgraph(store: Store, entity_id: str, fmt: str, iris: Iris | None = None) -> bytes:
    """The entity's subgraph serialised as ``fmt`` ('turtle' or 'jsonld')."""
    media_type, _ = RDF_FORMATS[fmt]
    return store.serialize(get_query("ui-subgraph").render(iris, entity=entity_id), media_type)


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def claims_frame(profile: Profile) -> pd.DataFrame:
    """One row per claim: both ends with ids, labels and countries, ISO date and precision,
    the amount as a number with its currency apart, status, evidence, and sources joined."""
    rows = []
    for claim in profile.claims:
        subject, _, obj = profile.statement(claim)
        out = claim.direction == "out"
        ends = (profile.id, claim.other) if out else (claim.other, profile.id)
        countries = (profile.country, claim.other_country) if out else (claim.other_country,
                                                                         profile.country)
        refs = claim.references
        rows.append({
            "claim": claim.claim,
            "date": claim.date or claim.start,
            "date_precision": (claim.precision or "day") if claim.date else
            ("day" if claim.start else ""),
            "end": claim.end,
            "subject_id": ends[0] or "",
            "subject": subject,
            "subject_country": countries[0],
            "predicate": claim.predicate,
            "object_id": ends[1] or "",
            "object": obj,
            "object_country": countries[1],
            "amount": amount_number(claim.amount_value),
            "currency": claim.currency,
            "status": claim.case_status or claim.status_notation,
            "kind": claim.kind,
            "role": claim.role,
            "sources": claim.source_count,
            "independent_lines": claim.lines,
            "grade": claim.grade,
            "disputed": claim.disputed,
            "note": claim.note,
            "source_ids": " | ".join(r.source for r in refs),
            "source_titles": " | ".join(r.title for r in refs),
            "publishers": " | ".join(r.publisher_label or "" for r in refs),
            "source_urls": " | ".join(r.url or "" for r in refs),
            "locators": " | ".join(r.locator for r in refs),
        })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["amount"] = frame["amount"].astype("Float64")
    return frame.map(_cell)


def claims_csv(profile: Profile) -> bytes:
    return claims_frame(profile).to_csv(index=False).encode("utf-8")
