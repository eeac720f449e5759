"""The task views' tables: regulatory actions, funding rounds, customers and contracts.

Pure pandas over ``ui-task-claims`` rows, so the pages, the CSV exports and the tests read one
shape: one row per claim, amounts as numbers with their currency apart, dates as ISO text cut
to their precision (with the precision in its own column), both ends' countries, and the
claim's sources joined in one cell. A spreadsheet user can sort and sum without cleaning.
"""

from __future__ import annotations

import pandas as pd

from graph.ui.families import AMOUNT_VALUES
from graph.ui.labels import (
    amount_number,
    format_date,
    kind_label,
    predicate_label,
    status_label,
    url_host,
)

# Spreadsheets run cells that start with these as formulas; a leading quote keeps them text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPORT_COLUMNS = [
    "claim", "date", "date_precision", "subject_id", "subject", "subject_country", "predicate",
    "relation", "object_id", "object", "object_country", "amount", "currency", "status",
    "kind", "role", "sources", "independent_lines", "grade", "case", "round", "source_ids",
    "source_titles", "source_urls",
]


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), "").astype(str)


def _count(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(_text(frame, column), errors="coerce").astype("Int64")


def claim_table(rows: pd.DataFrame, links: pd.DataFrame, sources: pd.DataFrame,
                lang: str) -> pd.DataFrame:
    """One row per claim of ``rows`` (``ui-task-claims``), sources joined from ``links``.

    ``links`` is ``ui-task-sources`` (claim, source) and ``sources`` is ``ui-sources``.
    """
    if rows.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    f = rows.drop_duplicates("claim").reset_index(drop=True)
    predicate = _text(f, "predicate")
    value = _text(f, "value")
    amount = _text(f, "amount").where(_text(f, "amount") != "",
                                      value.where(predicate.isin(AMOUNT_VALUES), ""))
    status = _text(f, "case_status").where(_text(f, "case_status") != "", _text(f, "status"))
    date = _text(f, "date").where(_text(f, "date") != "", _text(f, "start"))
    precision = _text(f, "precision").where(_text(f, "date") != "", "day")
    titles = dict(zip(_text(sources, "source"), _text(sources, "title"), strict=True))
    urls = dict(zip(_text(sources, "source"), _text(sources, "url"), strict=True))
    by_claim: dict[str, list[str]] = {}
    for claim, source in zip(_text(links, "claim"), _text(links, "source"), strict=True):
        by_claim.setdefault(claim, []).append(source)
    ids = [by_claim.get(c, []) for c in f["claim"]]
    out = pd.DataFrame({
        "claim": f["claim"],
        "date": [format_date(d, p or None) for d, p in zip(date, precision, strict=True)],
        "date_precision": [p if d else "" for d, p in zip(date, precision.replace("", "day"),
                                                         strict=True)],
        "subject_id": _text(f, "subject"),
        "subject": _text(f, "subject_label").where(_text(f, "subject_label") != "",
                                                   _text(f, "subject")),
        "subject_country": _text(f, "subject_country"),
        "predicate": predicate,
        "relation": predicate.map(lambda p: predicate_label(p, lang)),
        "object_id": _text(f, "object"),
        "object": _text(f, "object_label").where(_text(f, "object_label") != "",
                                                 _text(f, "object").where(
                                                     _text(f, "object") != "", value)),
        "object_country": _text(f, "object_country"),
        "amount": pd.array([amount_number(a) for a in amount], dtype="Float64"),
        "currency": _text(f, "currency"),
        "status": status.map(lambda s: status_label(s, lang)),
        "kind": _text(f, "kind").map(lambda k: kind_label(k, lang)),
        "role": _text(f, "role"),
        "sources": _count(f, "source_count"),
        "independent_lines": _count(f, "independent_count"),
        "grade": _text(f, "grade"),
        "case": _text(f, "case"),
        "round": _text(f, "round"),
        "source_ids": [" | ".join(s) for s in ids],
        "source_titles": [" | ".join(titles.get(s, s) for s in sids) for sids in ids],
        "source_urls": [" | ".join(urls.get(s) or "" for s in sids) for sids in ids],
    }, columns=EXPORT_COLUMNS)
    out["_status"] = status  # notation, for filters and history
    return out.sort_values(["date", "claim"], ascending=[False, True]).reset_index(drop=True)


def with_history(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add ``history``: the dated steps of the same case ("2020-05 investigated → 2022 fined").

    A case is the build's case id, else the pair acted on (authority, target).
    """
    if table.empty:
        return table.assign(history=pd.Series(dtype=object))
    keys = [case or f"{s}>{o}" for case, s, o in
            zip(table["case"], table["subject_id"], table["object_id"], strict=True)]
    steps: dict[str, list[tuple[str, str]]] = {}
    for key, date, relation, status in zip(keys, table["date"], table["relation"],
                                           table["status"], strict=True):
        label = relation + (f" ({status})" if status else "")
        steps.setdefault(key, []).append((date, label))
    history = []
    for key in keys:
        chain = sorted(steps[key], key=lambda s: s[0] or "9999")
        history.append(" → ".join(f"{d} {label}".strip() for d, label in chain)
                       if len(chain) > 1 else "")
    return table.assign(history=history)


def funding_rounds(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per funding round with its lead and other investors.

    An investor joins a round through the build's ``round`` link; without one, through the same
    company and year; investments matching no round are listed as a row of their own.
    """
    rounds = table[table["predicate"] == "raised_funding"]
    investments = table[table["predicate"] == "invested_in"]
    joined: dict[str, list[pd.Series]] = {c: [] for c in rounds["claim"]}
    by_year: dict[tuple[str, str], list[str]] = {}
    for claim, company, date in zip(rounds["claim"], rounds["subject_id"], rounds["date"],
                                    strict=True):
        by_year.setdefault((company, date[:4]), []).append(claim)
    loose: list[pd.Series] = []
    for _, inv in investments.iterrows():
        target = inv["round"] if inv["round"] in joined else None
        if target is None and inv["date"]:
            same = by_year.get((inv["object_id"], inv["date"][:4]), [])
            target = same[0] if len(same) == 1 else None
        if target is None:
            loose.append(inv)
        else:
            joined[target].append(inv)

    def names(group: list[pd.Series], lead: bool) -> str:
        return ", ".join(sorted({str(i["subject"]) for i in group
                                 if ("lead" in str(i["role"]).casefold()) == lead}))

    rows = []
    for _, rnd in rounds.iterrows():
        group = joined[rnd["claim"]]
        rows.append({"claim": rnd["claim"], "date": rnd["date"], "company_id": rnd["subject_id"],
                     "company": rnd["subject"], "country": rnd["subject_country"],
                     "amount": rnd["amount"], "currency": rnd["currency"],
                     "lead": names(group, True), "investors": names(group, False),
                     "sources": rnd["sources"], "grade": rnd["grade"],
                     "source_titles": rnd["source_titles"]})
    for inv in loose:
        rows.append({"claim": inv["claim"], "date": inv["date"], "company_id": inv["object_id"],
                     "company": inv["object"], "country": inv["object_country"],
                     "amount": inv["amount"], "currency": inv["currency"],
                     "lead": inv["subject"] if "lead" in str(inv["role"]).casefold() else "",
                     "investors": "" if "lead" in str(inv["role"]).casefold() else inv["subject"],
                     "sources": inv["sources"], "grade": inv["grade"],
                     "source_titles": inv["source_titles"]})
    columns = ["claim", "date", "company_id", "company", "country", "amount", "currency", "lead",
               "investors", "sources", "grade", "source_titles"]
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame["amount"] = frame["amount"].astype("Float64")
        frame["sources"] = frame["sources"].astype("Int64")
        frame = frame.sort_values(["date", "company"], ascending=[False, True])
    return frame.reset_index(drop=True)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV, private columns dropped and formula-like text defused."""
    shown = frame[[c for c in frame.columns if not str(c).startswith("_")]]

    def cell(value: object) -> object:
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            return "'" + value
        return value

    return shown.map(cell).to_csv(index=False).encode("utf-8")


def hosts(urls: str) -> str:
    """The hosts of a ' | '-joined list of URLs."""
    return " | ".join(url_host(u) for u in urls.split(" | ") if u)
