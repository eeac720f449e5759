"""Sources: every source with its kind, publisher, date and language, the claims it supports
(with where in the source) and the sources it cites or is cited by.

With the build's derived tables the list is a page of PAGE_ROWS sources, newest first, filtered
in DuckDB and paged with a keyset cursor (the SPARQL read every source and every citation: 3.8–
10 s for the first render at 100k claims, 29 s at 1M); without them, the SPARQL path.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from graph.search import normalize
from graph.ui import data
from graph.ui.escape import md, md_link
from graph.ui.labels import class_label, format_date, format_locator, url_host
from graph.ui.tables import claim_page, claims_display
from graph.ui.views.common import claims_table, lang, need_build, pager, pager_buttons, tr

PAGE_ROWS = 500  # sources per page when reading the derived tables
Rows = Callable[[list[str]], pd.DataFrame]  # the rows of given sources


def _frame() -> pd.DataFrame:
    frame = data.named("ui-sources", lang=lang()).fillna("")
    counts = data.named("ui-source-counts").fillna("")
    claims = {s: int(n) for s, n in zip(counts["source"], counts["claims"], strict=True) if n}
    cites = {s: c for s, c in zip(counts["source"], counts["cites"], strict=True) if c}
    frame["claims"] = [claims.get(s, 0) for s in frame["source"]]
    frame["cites"] = [cites.get(s, "") for s in frame["source"]]
    return _prepare(frame)


COLUMNS = ["source", "kind", "title", "publisher", "publisher_label", "issued", "precision",
           "language", "url", "reliability", "host", "copy_of", "publisher_unknown", "sha256",
           "archive", "claims", "cites"]


def _derived_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Derived ``source_list`` rows in the SPARQL path's columns."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return _prepare(pd.DataFrame(columns=COLUMNS))
    frame["publisher_label"] = frame[f"publisher_label_{lang()}"]
    frame = frame.reindex(columns=COLUMNS).astype(object)
    frame = frame.where(frame.notna(), "")
    frame["claims"] = frame["claims"].map(lambda n: int(n or 0))
    return _prepare(frame)


def _derived_rows(ids: list[str]) -> pd.DataFrame:
    if not ids:
        return _derived_frame([])
    return _derived_frame(data.listing("sources", source=sorted(set(ids)),
                                       limit=len(set(ids))).rows)


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    frame["kind_label"] = frame["kind"].map(lambda k: class_label(k, lang()))
    frame["published"] = [format_date(d, p or None) for d, p in zip(frame["issued"],
                                                                    frame["precision"],
                                                                    strict=True)]
    links = frame["url"].astype(str)
    frame["host"] = [h or url_host(u) for h, u in zip(frame["host"], links, strict=True)]
    # Only http(s) links are links; a local path (an archived file) stays as text.
    frame["url"] = links.where(links.str.match(r"^https?://"), "")
    frame["path"] = links.where(~links.str.match(r"^https?://"), "")
    return frame


def _filter(frame: pd.DataFrame) -> pd.DataFrame:
    side = st.sidebar
    side.header(tr("sources.filters"))
    kinds = side.multiselect(tr("sources.kinds"), sorted(frame["kind"].unique()),
                             key="src_kinds", format_func=lambda k: class_label(k, lang()),
                             placeholder=tr("common.all"))
    languages = side.multiselect(tr("sources.languages"),
                                 sorted(x for x in frame["language"].unique() if x),
                                 key="src_languages", placeholder=tr("common.all"))
    text = side.text_input(tr("sources.text"), key="src_text")
    if kinds:
        frame = frame[frame["kind"].isin(kinds)]
    if languages:
        frame = frame[frame["language"].isin(languages)]
    if text and text.strip():
        wanted = normalize(text)
        haystack = (frame["title"] + " " + frame["publisher_label"] + " " + frame["source"])
        frame = frame[haystack.map(normalize).str.contains(wanted, regex=False)]
    return frame


def _derived_page() -> tuple[pd.DataFrame, int, int, tuple[str | None, int]]:
    """(a page of the filtered sources, how many match, how many there are, the pager's
    state) from the derived tables; the sidebar's filters as on the SPARQL path."""
    side = st.sidebar
    side.header(tr("sources.filters"))
    kinds = side.multiselect(tr("sources.kinds"), sorted(data.facet("source_kind")["key"]),
                             key="src_kinds", format_func=lambda k: class_label(k, lang()),
                             placeholder=tr("common.all"))
    languages = side.multiselect(tr("sources.languages"),
                                 sorted(data.facet("source_language")["key"]),
                                 key="src_languages", placeholder=tr("common.all"))
    text = side.text_input(tr("sources.text"), key="src_text")
    filters: dict[str, str | list[str] | None] = {
        "kind": kinds or None, "language": languages or None,
        "text": normalize(text) if text and text.strip() else None}
    matching = data.count("sources", **filters)
    cursor, index = pager("src_page", filters)
    page = data.listing("sources", after=cursor, limit=PAGE_ROWS, columns=None, **filters)
    total = int(data.totals()["sources"] or 0)  # type: ignore[call-overload]
    return _derived_frame(page.rows), matching, total, (page.next, index)


def _details(source_id: str, rows_of: Rows, cited_by: list[str]) -> None:
    (row,) = rows_of([source_id]).to_dict("records")
    linked = [c for c in str(row["cites"]).split() if c] + cited_by + [str(row["copy_of"])]
    found = rows_of([i for i in linked if i])
    titles = dict(zip(found["source"], found["title"], strict=True))
    st.subheader(md(row["title"] or source_id), anchor=False)
    facts = [md(row["kind_label"])]
    for value in (row["publisher_label"] or row["publisher_unknown"], row["published"],
                  row["language"], row["reliability"]):
        if value:
            facts.append(md(value))
    if row["url"]:
        facts.append(md_link(f"{tr('sources.open')} ({row['host']})", row["url"]))
    elif row["path"]:
        facts.append(f"`{str(row['path']).replace('`', '')}`")
    else:
        facts.append(md(tr("sources.no_url")))
    if row["copy_of"]:
        facts.append(md(tr("sources.copy_of", title=titles.get(row["copy_of"], row["copy_of"]))))
    st.markdown(" · ".join(facts))
    cites = [c for c in str(row["cites"]).split() if c]
    for key, ids in (("sources.cites", cites), ("sources.cited_by", cited_by)):
        if ids:
            st.markdown(f"**{md(tr(key))}**\n\n"
                        + "\n".join(f"- {md(titles.get(i, i))} \\[{md(i)}\\]" for i in ids))
    claims = data.source_claims(source_id, lang()).fillna("")
    st.markdown(f"**{md(tr('sources.supports', n=len(claims)))}**")
    shown = claims_display(claims, lang())
    shown["locator"] = [format_locator(x, lang()) for x in claims["locator"]]
    shown["claim_page"] = [claim_page(c) for c in claims["claim"]]
    claims_table(shown, key="src_claims", hide=("sources",))


def render() -> None:
    st.title(tr("sources.title"))
    st.caption(tr("sources.intro"))
    need_build()
    paging: tuple[str | None, int] | None = None
    if data.derived() is not None:
        frame, matching, total, paging = _derived_page()
        rows_of: Rows = _derived_rows

        def citing(source_id: str) -> list[str]:
            return [str(r["source"]) for r in
                    data.listing("sources", cites=source_id, limit=PAGE_ROWS).rows]
    else:
        everything = _frame()
        frame = _filter(everything)
        matching, total = len(frame), len(everything)

        def rows_of(ids: list[str]) -> pd.DataFrame:
            return everything[everything["source"].isin(ids)].drop_duplicates("source")

        def citing(source_id: str) -> list[str]:
            return [s for s, c in zip(everything["source"], everything["cites"], strict=True)
                    if source_id in str(c).split()]
    st.caption(tr("sources.count", shown=matching, total=total))
    st.dataframe(
        frame[["title", "kind_label", "publisher_label", "published", "language", "claims",
               "reliability", "host", "url", "source"]],
        hide_index=True, key="src_table", column_config={
            "title": st.column_config.TextColumn(tr("col.title"), width="large"),
            "kind_label": st.column_config.TextColumn(tr("col.kind")),
            "publisher_label": st.column_config.TextColumn(tr("col.publisher")),
            "published": st.column_config.TextColumn(tr("col.published")),
            "language": st.column_config.TextColumn(tr("col.language")),
            "claims": st.column_config.NumberColumn(tr("col.claims")),
            "reliability": st.column_config.TextColumn(tr("col.reliability")),
            "host": st.column_config.TextColumn(tr("sources.host")),
            "url": st.column_config.LinkColumn(tr("col.link"), display_text=tr("sources.open")),
            "source": st.column_config.TextColumn(tr("col.id")),
        })
    if paging is not None:
        pager_buttons("src_page", paging[0], index=paging[1], shown=len(frame), limit=PAGE_ROWS,
                      total=matching)
    # ?source=ID is the source's stable address (even when it is not on this page); picking
    # another source updates it.
    asked = st.query_params.get("source")
    options = list(frame["source"])
    titles = dict(zip(frame["source"], frame["title"], strict=True))
    if asked and asked not in options:
        extra = rows_of([asked])
        if not extra.empty:
            options.insert(0, asked)
            titles[asked] = str(extra["title"].iloc[0])
    if not options:
        return
    if asked in options and st.session_state.get("src_seen") != asked:
        st.session_state["src_pick"] = st.session_state["src_seen"] = asked
    chosen = st.selectbox(tr("sources.pick"), options, key="src_pick", on_change=_picked,
                          format_func=lambda s: f"{titles.get(s) or s} [{s}]")
    if chosen:
        _details(str(chosen), rows_of, citing(str(chosen)))


def _picked() -> None:
    chosen = str(st.session_state.get("src_pick") or "")
    st.query_params["source"] = st.session_state["src_seen"] = chosen
