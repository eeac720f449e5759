"""Timeline: dated claims (fines, orders, contracts, investments ...) on a time axis, with
their statuses (proposed, final, overturned ...), filterable by relation, status, year, entity.

With the build's derived tables, the page reads one page of PAGE_ROWS claims, newest first,
filtered in DuckDB, and pages on with a keyset cursor (the SPARQL read every claim of a window
of years: 3.6–4.7 s for the first render at 100k claims); without them, the SPARQL path below.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.ui import data
from graph.ui.charts import MAX_POINTS, status_colors, timeline_figure
from graph.ui.escape import html_text
from graph.ui.labels import format_amount, format_date, predicate_label, status_label
from graph.ui.tables import claims_display
from graph.ui.views.common import claims_table, lang, need_build, pager, pager_buttons, tr

WHOLE_SPAN_MAX = 10_000  # dated claims read at once; above this, a window of recent years
WINDOW_YEARS = 3
TABLE_ROWS = 2_000  # newest claims listed under the chart; the filters reach the rest
ENTITY_MATCHES = 20  # entities a name filter may stand for
PAGE_ROWS = 500  # claims per page (drawn and listed) when reading the derived tables


def _window() -> tuple[str, str, int, int] | None:
    """The years to read: all of them for a small graph, else the latest WINDOW_YEARS.

    A year slider in the sidebar widens it; only the claims in the window are read, so a
    100k-claim graph does not send 80,000 rows to a first visit.
    """
    span = data.named("ui-date-range")
    if span.empty or not span["first"].iloc[0]:
        return None
    first, last = int(str(span["first"].iloc[0])[:4]), int(str(span["last"].iloc[0])[:4])
    total = int(span["claims"].iloc[0])
    start = first if total <= WHOLE_SPAN_MAX else max(first, last - WINDOW_YEARS + 1)
    if first < last:
        start, last = st.sidebar.slider(tr("network.years"), first, last, (start, last),
                                        key="tl_years")
    return f"{start:04d}-01-01", f"{last:04d}-12-31", total, first


def _frame(start: str, end: str) -> pd.DataFrame:
    """One row per claim (the query may repeat a claim), every end labelled."""
    frame = data.named("ui-timeline", lang=lang(), start=start, end=end).fillna("")
    frame = frame.drop_duplicates("claim").reset_index(drop=True)
    missing = sorted({i for column in ("subject", "object")
                      for i, lb in zip(frame[column], frame[f"{column}_label"], strict=True)
                      if i and not lb})
    labels = data.entity_labels(missing, lang())
    for column in ("subject", "object"):
        frame[f"{column}_label"] = [lb or labels.get(i, i) for i, lb in
                                    zip(frame[column], frame[f"{column}_label"], strict=True)]
    frame["when"] = pd.to_datetime(frame["date"].str[:10], errors="coerce")
    return frame[frame["when"].notna()]


def _filter(frame: pd.DataFrame) -> pd.DataFrame:
    side = st.sidebar
    relations = sorted(frame["predicate"].unique(), key=lambda p: predicate_label(p, lang()))
    chosen = side.multiselect(tr("network.relations"), relations, key="tl_relations",
                              format_func=lambda p: predicate_label(p, lang()),
                              placeholder=tr("common.all"))
    statuses = sorted(frame["status"].unique())
    chosen_status = side.multiselect(
        tr("timeline.statuses"), statuses, key="tl_statuses", placeholder=tr("common.all"),
        format_func=lambda s: status_label(s, lang()) or tr("timeline.no_status"))
    text = side.text_input(tr("timeline.entity"), key="tl_entity",
                           placeholder=tr("timeline.entity_placeholder"))
    if chosen:
        frame = frame[frame["predicate"].isin(chosen)]
    if chosen_status:
        frame = frame[frame["status"].isin(chosen_status)]
    if text and text.strip():
        # Names and aliases in both languages, typos tolerated: the search index finds the ids.
        ids = {m.id for m in data.search(text, lang(), limit=ENTITY_MATCHES)}
        frame = frame[frame["subject"].isin(ids) | frame["object"].isin(ids)]
    return frame


def _hover(row: pd.Series) -> str:
    parts = [format_date(row["date"], row["precision"] or None),
             f"{row['subject_label']} — {predicate_label(row['predicate'], lang())} — "
             f"{row['object_label'] or row['value']}",
             format_amount(row["amount"], row["currency"], lang()),
             status_label(row["status"], lang())]
    return "<br>".join(html_text(p) for p in parts if p)


Paging = tuple[str | None, int]  # (the next page's cursor, this page's index)


def _derived_page() -> tuple[pd.DataFrame, int, int, Paging] | None:
    """(one page of the filtered claims, oldest first; how many match; how many are dated;
    the pager's state) from the derived tables. None when nothing is dated."""
    totals = data.totals()
    total = int(totals["dated_claims"] or 0)  # type: ignore[call-overload]
    if not total:
        return None
    first, last = int(str(totals["first_date"])[:4]), int(str(totals["last_date"])[:4])
    side = st.sidebar
    start = end = None
    if first < last:
        years = side.slider(tr("network.years"), first, last, (first, last), key="tl_years")
        if years != (first, last):
            start, end = f"{years[0]:04d}-01-01", f"{years[1]:04d}-12-31"
    relations = sorted(data.facet("predicate")["key"], key=lambda p: predicate_label(p, lang()))
    chosen = side.multiselect(tr("network.relations"), relations, key="tl_relations",
                              format_func=lambda p: predicate_label(p, lang()),
                              placeholder=tr("common.all"))
    statuses = sorted(data.facet("status")["key"])
    chosen_status = side.multiselect(
        tr("timeline.statuses"), statuses, key="tl_statuses", placeholder=tr("common.all"),
        format_func=lambda s: status_label(s, lang()) or tr("timeline.no_status"))
    text = side.text_input(tr("timeline.entity"), key="tl_entity",
                           placeholder=tr("timeline.entity_placeholder"))
    entities = None
    if text and text.strip():
        entities = sorted({m.id for m in data.search(text, lang(), limit=ENTITY_MATCHES)})
    filters: dict[str, str | list[str] | None] = {
        "start": start, "end": end, "predicate": chosen or None,
        "status": chosen_status or None, "entity": entities}
    matching = data.count("newest", **filters)
    cursor, index = pager("tl_page", filters)
    page = data.listing("newest", after=cursor, limit=PAGE_ROWS,
                        columns=data.TIMELINE_COLUMNS, **filters)
    frame = data.claim_rows(page.rows, lang()).iloc[::-1].reset_index(drop=True)
    frame["when"] = pd.to_datetime(frame["date"].astype(str).str[:10], errors="coerce")
    return frame, matching, total, (page.next, index)


def render() -> None:
    st.title(tr("timeline.title"))
    st.caption(tr("timeline.intro"))
    need_build()
    st.sidebar.header(tr("timeline.filters"))
    paging: Paging | None = None
    if data.derived() is not None:
        read = _derived_page()
        if read is None:
            st.info(tr("timeline.empty"))
            return
        shown, matching, total, paging = read
    else:
        window = _window()
        if window is None:
            st.info(tr("timeline.empty"))
            return
        start, end, total, first = window
        frame = _frame(start, end)
        if start <= f"{first:04d}-01-01":  # the whole span is read: count what was read
            total = len(frame)
        shown = _filter(frame)
        matching = len(shown)
    st.caption(tr("timeline.count", shown=matching, total=total))
    if shown.empty:
        st.info(tr("timeline.none"))
        return
    if len(shown) > MAX_POINTS:
        st.warning(tr("timeline.capped", n=MAX_POINTS))
    none = tr("timeline.no_status")
    plot = pd.DataFrame({
        "when": shown["when"],
        "relation": shown["predicate"].map(lambda p: predicate_label(p, lang())),
        "status": shown["status"].map(lambda s: status_label(s, lang()) or none),
        "hover": shown.apply(_hover, axis=1),
    })
    labels = {s: status_label(s, lang()) for s in shown["status"].unique() if s}
    st.plotly_chart(timeline_figure(plot, colors=status_colors(labels, none)), key="tl_chart")
    newest = shown.iloc[::-1]
    if len(newest) > TABLE_ROWS:
        st.caption(tr("timeline.table_capped", n=TABLE_ROWS))
    claims_table(claims_display(newest.head(TABLE_ROWS), lang()), key="tl_table")
    if paging is not None:
        pager_buttons("tl_page", paging[0], index=paging[1], shown=len(shown), limit=PAGE_ROWS,
                      total=matching)
