"""Home: what the dataset holds, the newest claims, and a search box for entities.

Counts, facets and the newest claims come from the build's derived tables when it has them
(one small read each: at 100k claims the SPARQL counts took 0.1–5 s each), else from SPARQL.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.ui import data
from graph.ui.charts import country_name
from graph.ui.escape import md
from graph.ui.labels import class_label, predicate_label
from graph.ui.tables import claims_display
from graph.ui.views.common import claims_table, lang, need_build, search_box, tr

NEWEST = 12  # claims listed under "newest"


def _stats() -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(totals, (type, count), (predicate, claims), (country, entities)): derived or SPARQL."""
    if data.derived() is not None:
        got = data.totals()
        totals = pd.Series({"entities": got["entities"], "claims": got["claims"],
                            "sources": got["sources"],
                            "single_source_claims": got["single_line_claims"]})
        facet = data.facet
        return (totals,
                facet("type").rename(columns={"key": "type", "n": "count"}),
                facet("predicate").rename(columns={"key": "predicate", "n": "claims"}),
                facet("country").rename(columns={"key": "country", "n": "entities"}))
    frame = data.named("stats-totals")
    return (frame.iloc[0] if not frame.empty else pd.Series(dtype=object),
            data.named("stats-entities-by-type"), data.named("ui-counts-by-predicate"),
            data.named("ui-counts-by-country"))


def _newest() -> pd.DataFrame:
    if data.derived() is not None:
        page = data.listing("newest", limit=NEWEST, columns=data.TIMELINE_COLUMNS,
                            from_start="false")
        return data.claim_rows(page.rows, lang())
    newest = data.named("ui-newest-claims")
    return data.claim_details(list(newest["claim"]), lang())


def _kinds() -> pd.DataFrame:
    if data.derived() is not None:
        return data.facet("source_kind").rename(columns={"key": "kind", "n": "sources"})
    return data.named("ui-source-kinds")


def _counts() -> None:
    row, types, relations, countries = _stats()
    columns = st.columns(4)
    for column, (name, key) in zip(columns, (
        ("entities", "home.entities"), ("claims", "home.claims"), ("sources", "home.sources"),
        ("single_source_claims", "home.single_source"),
    ), strict=True):
        column.metric(tr(key), int(row.get(name) or 0))

    by_type, by_relation, by_country = st.tabs(
        [tr("home.by_type"), tr("home.by_relation"), tr("home.by_country")])
    with by_type:
        frame = pd.DataFrame({
            "type": [class_label(t, lang()) for t in types["type"]],
            "count": types["count"].astype(int),
        })
        _bars(frame, "type", "count", tr("col.type"), tr("col.entities"))
    with by_relation:
        frame = pd.DataFrame({
            "relation": [predicate_label(p, lang()) for p in relations["predicate"]],
            "count": relations["claims"].astype(int),
        })
        _bars(frame, "relation", "count", tr("col.relation"), tr("col.claims"))
    with by_country:
        frame = pd.DataFrame({
            "country": [f"{country_name(c, lang())} ({c})" for c in countries["country"]],
            "count": countries["entities"].astype(int),
        })
        _bars(frame, "country", "count", tr("col.country"), tr("col.entities"))


def _bars(frame: pd.DataFrame, name: str, value: str, name_label: str, value_label: str,
          extra: dict[str, object] | None = None) -> None:
    top = int(frame[value].max()) if not frame.empty else 1
    config = {
        name: st.column_config.TextColumn(name_label),
        value: st.column_config.ProgressColumn(value_label, format="%d", min_value=0,
                                               max_value=max(top, 1)),
    } | (extra or {})
    st.dataframe(frame, hide_index=True, column_config=config)  # type: ignore[arg-type]


def render() -> None:
    st.title(tr("home.title"))
    st.markdown(tr("home.intro"))
    info = need_build()
    search_box("home_search")
    _counts()
    st.subheader(tr("home.newest"))
    claims_table(claims_display(_newest(), lang()), key="home_newest", hide=("claim",))
    st.subheader(tr("home.sources_title"))
    kinds = _kinds()
    total = int(kinds["sources"].astype(int).sum()) if not kinds.empty else 0
    st.write(tr("home.sources_summary", count=total,
                kinds=md(", ".join(f"{class_label(str(k), lang())} ({n})"
                                   for k, n in zip(kinds["kind"], kinds["sources"], strict=True)))))
    st.page_link("pages/sources.py", label=tr("home.all_sources"), icon=":material/menu_book:")
    st.caption(tr("common.build", build=info.build_id, date=info.built_at))
