"""Downloads of an entity's subgraph: Turtle and JSON-LD from the store, CSV of its claims.

RDF comes straight from the store's native serialiser (``Store.serialize`` of the
``ui-subgraph`` CONSTRUCT), so what an analyst downloads is exactly what the endpoint serves.
"""

from __future__ import annotations

import pandas as pd

from graph.named_queries import get_query
from graph.rdf.iris import Iris
from graph.store import Store
from graph.ui.model import Profile, Reference

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
    """One row per claim and reference, with ids and labels of both ends."""
    rows = []
    for claim in profile.claims:
        subject, _, obj = profile.statement(claim)
        ends = (profile.id, claim.other) if claim.direction == "out" else (claim.other, profile.id)
        base = {
            "claim": claim.claim,
            "subject_id": ends[0],
            "subject": subject,
            "predicate": claim.predicate,
            "object_id": ends[1] or "",
            "object": obj,
            "date": claim.when,
            "amount": claim.amount,
            "status": claim.status_notation,
            "kind": claim.kind,
            "role": claim.role,
            "source_count": claim.source_count,
            "disputed": claim.disputed,
            "note": claim.note,
        }
        refs: list[Reference | None] = list(claim.references) or [None]
        for ref in refs:
            rows.append(base | {
                "source_id": ref.source if ref else "",
                "source_title": ref.title if ref else "",
                "publisher": (ref.publisher_label or "") if ref else "",
                "published": ref.issued if ref else "",
                "url": (ref.url or "") if ref else "",
                "locator": ref.locator if ref else "",
            })
    frame = pd.DataFrame(rows)
    return frame.map(_cell) if not frame.empty else frame


def claims_csv(profile: Profile) -> bytes:
    return claims_frame(profile).to_csv(index=False).encode("utf-8")
