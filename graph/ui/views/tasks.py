"""Task views: Regulatory actions, Funding, Customers and contracts.

Each answers one question across the whole graph, filterable (entity, country, relation,
status, years) and exportable as clean CSV (``graph.ui.tasks``). ``?entity=ID`` narrows a view
to one entity, so a profile can link to "every regulatory action against it".
"""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

import pandas as pd
import streamlit as st

from graph.ui import data
from graph.ui.charts import country_name
from graph.ui.families import CONTRACTS, FUNDING, REGULATORY
from graph.ui.labels import predicate_label
from graph.ui.tables import profile_link
from graph.ui.tasks import claim_table, csv_bytes, funding_rounds, with_history
from graph.ui.views.common import lang, need_build, tr

TABLE_MAX = 2_000  # rows drawn (newest first); the export holds every filtered row


def claim_link(claim_id: object) -> str | None:
    return f"claim?id={quote(str(claim_id), safe='')}" if claim_id else None


def _load(predicates: tuple[str, ...]) -> pd.DataFrame:
    return claim_table(data.task_claims(predicates, lang()), data.task_sources(predicates),
                       data.sources(lang()), lang())


def _filters(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Sidebar filters; ``?entity=`` preselects an entity."""
    side = st.sidebar
    side.header(tr("tasks.filters"))
    entities = dict(zip(table["subject_id"], table["subject"], strict=True))
    entities |= {i: n for i, n in zip(table["object_id"], table["object"], strict=True) if i}
    asked = st.query_params.get("entity")
    options = sorted(entities, key=lambda i: str(entities[i]).casefold())
    chosen = side.multiselect(tr("tasks.entity"), options, key=f"{key}_entity",
                              default=[asked] if asked in entities else None,
                              format_func=lambda i: str(entities.get(i, i)),
                              placeholder=tr("common.all"))
    countries = sorted({c for c in pd.concat([table["subject_country"], table["object_country"]])
                        if c})
    chosen_countries = side.multiselect(
        tr("network.countries"), countries, key=f"{key}_countries", placeholder=tr("common.all"),
        format_func=lambda c: f"{country_name(c, lang())} ({c})")
    relations = sorted(table["predicate"].unique(), key=lambda p: predicate_label(p, lang()))
    chosen_relations = side.multiselect(tr("network.relations"), relations,
                                        key=f"{key}_relations", placeholder=tr("common.all"),
                                        format_func=lambda p: predicate_label(p, lang()))
    statuses = sorted({s for s in table["status"] if s})
    chosen_status = side.multiselect(tr("timeline.statuses"), statuses, key=f"{key}_status",
                                     placeholder=tr("common.all"))
    years = sorted({int(d[:4]) for d in table["date"] if d[:4].isdigit()})
    span = None
    if len(years) > 1:
        span = side.slider(tr("network.years"), years[0], years[-1], (years[0], years[-1]),
                           key=f"{key}_years")
    if chosen:
        table = table[table["subject_id"].isin(chosen) | table["object_id"].isin(chosen)]
    if chosen_countries:
        table = table[table["subject_country"].isin(chosen_countries)
                      | table["object_country"].isin(chosen_countries)]
    if chosen_relations:
        table = table[table["predicate"].isin(chosen_relations)]
    if chosen_status:
        table = table[table["status"].isin(chosen_status)]
    if span is not None and span != (years[0], years[-1]):
        year = pd.to_numeric(table["date"].str[:4], errors="coerce")
        table = table[(year >= span[0]) & (year <= span[1])]
    return table


def _columns(names: dict[str, str]) -> dict[str, object]:
    """Column settings: translated headers, numbers as numbers, links to claim and profiles."""
    config: dict[str, object] = {}
    for name, key in names.items():
        label = tr(key)
        if name == "amount":
            config[name] = st.column_config.NumberColumn(label, format="localized")
        elif name in {"sources", "independent_lines"}:
            config[name] = st.column_config.NumberColumn(label, help=tr(f"{key}_help"))
        elif name == "claim_page" or name.endswith("_profile"):
            config[name] = st.column_config.LinkColumn(label, display_text=tr("col.open"))
        else:
            config[name] = st.column_config.TextColumn(label)
    return config


def _show(table: pd.DataFrame, names: dict[str, str], key: str, export: pd.DataFrame,
          file_name: str) -> None:
    shown = table.assign(claim_page=table["claim"].map(claim_link),
                         subject_profile=table["subject_id"].map(profile_link),
                         object_profile=table["object_id"].map(profile_link))
    st.caption(tr("tasks.count", n=len(shown)))
    st.download_button(tr("tasks.download"), partial(csv_bytes, export), file_name=file_name,
                       mime="text/csv", on_click="ignore", key=f"{key}_csv",
                       icon=":material/download:")
    if len(shown) > TABLE_MAX:  # the grid stays responsive; filters and the CSV reach the rest
        st.caption(tr("tasks.capped", n=TABLE_MAX))
        shown = shown.head(TABLE_MAX)
    st.dataframe(shown[list(names)], hide_index=True, key=f"{key}_table", height=620,
                 column_config=_columns(names))  # type: ignore[arg-type]


def _page(title: str, intro: str) -> bool:
    st.title(tr(title))
    st.caption(tr(intro))
    need_build()
    return True


def regulatory() -> None:
    """Authority, country, kind, target, amount, decision date, status and its history."""
    _page("tasks.regulatory_title", "tasks.regulatory_intro")
    table = with_history(_load(REGULATORY), lang())
    table = _filters(table, "reg")
    if table.empty:
        st.info(tr("tasks.empty"))
        return
    names = {"date": "tasks.decision_date", "subject": "tasks.authority",
             "subject_country": "col.country", "relation": "tasks.action", "kind": "col.kind",
             "object": "tasks.target", "amount": "col.amount", "currency": "col.currency",
             "status": "col.status", "history": "tasks.history", "sources": "col.sources",
             "independent_lines": "col.lines", "grade": "col.grade",
             "source_titles": "tasks.source_titles", "claim_page": "col.claim",
             "subject_profile": "tasks.authority_profile", "object_profile": "tasks.target_profile"}
    _show(table, names, "reg", table, "regulatory-actions.csv")


def funding() -> None:
    """Funding rounds with lead and other investors, then every investment claim."""
    _page("tasks.funding_title", "tasks.funding_intro")
    table = _filters(_load(FUNDING), "fund")
    if table.empty:
        st.info(tr("tasks.empty"))
        return
    rounds = funding_rounds(table, lang()).head(TABLE_MAX)
    st.subheader(tr("tasks.rounds"))
    rounds = rounds.assign(claim_page=rounds["claim"].map(claim_link),
                           company_profile=rounds["company_id"].map(profile_link))
    st.dataframe(rounds[["date", "company", "country", "amount", "currency", "lead", "investors",
                         "sources", "grade", "claim_page", "company_profile"]],
                 hide_index=True, key="fund_rounds", column_config=_columns({  # type: ignore[arg-type]
                     "date": "col.date", "company": "tasks.company", "country": "col.country",
                     "amount": "col.amount", "currency": "col.currency", "lead": "tasks.lead",
                     "investors": "tasks.investors", "sources": "col.sources",
                     "grade": "col.grade", "claim_page": "col.claim",
                     "company_profile": "col.profile"}))
    st.subheader(tr("tasks.claims"))
    names = {"date": "col.date", "subject": "col.subject", "relation": "col.relation",
             "object": "col.object", "subject_country": "col.country", "amount": "col.amount",
             "currency": "col.currency", "role": "tasks.role", "sources": "col.sources",
             "independent_lines": "col.lines", "grade": "col.grade",
             "source_titles": "tasks.source_titles", "claim_page": "col.claim",
             "subject_profile": "col.subject_profile", "object_profile": "col.object_profile"}
    _show(table, names, "fund", table, "funding.csv")


def contracts() -> None:
    """Buyer, vendor, product, country, dates, amount and status of every contract or sale."""
    _page("tasks.contracts_title", "tasks.contracts_intro")
    table = _filters(_load(CONTRACTS), "con")
    if table.empty:
        st.info(tr("tasks.empty"))
        return
    # "X customer of Y" and "X has a contract with Y": X buys (agencies hold the contracts in
    # the data); "X supplies Y": Y buys.
    buyer_first = table["predicate"].isin(["customer_of", "contract_with"])
    table = table.assign(
        buyer=table["subject"].where(buyer_first, table["object"]),
        buyer_country=table["subject_country"].where(buyer_first, table["object_country"]),
        vendor=table["object"].where(buyer_first, table["subject"]),
        vendor_country=table["object_country"].where(buyer_first, table["subject_country"]),
    )
    names = {"date": "col.date", "buyer": "tasks.buyer", "buyer_country": "tasks.buyer_country",
             "vendor": "tasks.vendor", "vendor_country": "tasks.vendor_country",
             "relation": "col.relation", "amount": "col.amount",
             "currency": "col.currency", "status": "col.status", "sources": "col.sources",
             "independent_lines": "col.lines", "grade": "col.grade",
             "source_titles": "tasks.source_titles", "claim_page": "col.claim",
             "subject_profile": "col.subject_profile", "object_profile": "col.object_profile"}
    _show(table, names, "con", table, "customers-and-contracts.csv")
