"""Rows of claims ready for ``st.dataframe``: labels, formatted qualifiers, profile links.

Tables are rendered by Streamlit's data grid, which shows cells as text (never as HTML), so
labels go in unescaped here; only links are checked (``profile?id=…`` built from ids).
"""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from graph.ui.families import AMOUNT_VALUES
from graph.ui.labels import (
    amount_number,
    format_amount,
    format_date,
    format_number,
    kind_label,
    predicate_label,
    status_label,
)
from graph.ui.model import ClaimView

SOURCE_COLUMNS = ["claim", "date", "precision", "predicate", "subject", "subject_label", "object",
                  "object_label", "value", "amount", "currency", "status", "kind", "source_count"]
CLAIM_COLUMNS = ["date", "subject", "relation", "object", "amount", "status", "sources",
                 "subject_profile", "object_profile", "claim"]


def profile_link(entity_id: object) -> str | None:
    return f"profile?id={quote(str(entity_id), safe='')}" if entity_id else None


def claims_display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One display row per claim of a ``ui-timeline``-shaped result (columns may be missing)."""
    f = frame.reindex(columns=sorted(set(frame.columns) | set(SOURCE_COLUMNS))).astype(object)
    f = f.where(f.notna(), "").astype(str)
    predicates = {p: predicate_label(p, lang) for p in f["predicate"].unique()}
    statuses = {s: status_label(s, lang) for s in f["status"].unique()}
    kinds = {k: kind_label(k, lang) for k in f["kind"].unique()}
    return pd.DataFrame({
        "date": [format_date(d, p or None) for d, p in zip(f["date"], f["precision"], strict=True)],
        "subject": [lb or i for lb, i in zip(f["subject_label"], f["subject"], strict=True)],
        "relation": f["predicate"].map(predicates),
        "object": [lb or i or format_number(v, lang)
                   for lb, i, v in zip(f["object_label"], f["object"], f["value"], strict=True)],
        "amount": [format_amount(a, c, lang) for a, c in zip(f["amount"], f["currency"], strict=True)],
        "status": [", ".join(x for x in (statuses[s], kinds[k]) if x)
                   for s, k in zip(f["status"], f["kind"], strict=True)],
        "sources": pd.to_numeric(f["source_count"], errors="coerce").astype("Int64")
        if "source_count" in frame else None,
        "subject_profile": f["subject"].map(profile_link),
        "object_profile": f["object"].map(profile_link),
        "claim": f["claim"],
    }, columns=CLAIM_COLUMNS).reset_index(drop=True)


def claim_page(claim_id: object) -> str | None:
    return f"claim?id={quote(str(claim_id), safe='')}" if claim_id else None


PROFILE_COLUMNS = ["date", "relation", "counterparty", "country", "amount", "currency", "status",
                   "detail", "sources", "lines", "grade", "flags", "claim_page", "profile"]


def profile_claims(claims: list[ClaimView], lang: str, flags: dict[str, str]) -> pd.DataFrame:
    """One row per claim of a profile section: sortable date, number and count columns.

    ``flags`` holds the words for 'single source' and 'disputed' in the reader's language.
    """
    rows = []
    for c in claims:
        marks = [w for w, on in ((flags["single"], c.single_source),
                                 (flags["disputed"], c.disputed)) if on]
        rows.append({
            "date": c.date or (f"{c.start or '…'} – {c.end or '…'}" if c.start or c.end else ""),
            "relation": predicate_label(c.predicate, lang, inverse=c.direction == "in"),
            "counterparty": c.other_label or ("" if c.predicate in AMOUNT_VALUES else c.value),
            "country": c.other_country,
            "amount": amount_number(c.amount_value),
            "currency": c.currency,
            "status": status_label(c.case_status, lang) or c.status,
            "detail": ", ".join(x for x in (c.kind, c.role) if x),
            "sources": c.source_count,
            "lines": c.lines,
            "grade": c.grade,
            "flags": ", ".join(marks),
            "claim_page": claim_page(c.claim),
            "profile": profile_link(c.other),
        })
    frame = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    frame["amount"] = frame["amount"].astype("Float64")
    return frame
