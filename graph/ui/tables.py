"""Rows of claims ready for ``st.dataframe``: labels, formatted qualifiers, profile links.

Tables are rendered by Streamlit's data grid, which shows cells as text (never as HTML), so
labels go in unescaped here; only links are checked (``profile?id=…`` built from ids).
"""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from graph.ui.labels import (
    format_amount,
    format_date,
    format_number,
    kind_label,
    predicate_label,
    status_label,
)

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
