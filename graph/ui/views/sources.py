"""Sources: every source with its kind, publisher, date and language, the claims it supports
(with where in the source) and the sources it cites or is cited by."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.search import normalize
from graph.ui import data
from graph.ui.escape import md, md_link
from graph.ui.labels import class_label, format_date, format_locator, url_host
from graph.ui.tables import claim_page, claims_display
from graph.ui.views.common import claims_table, lang, need_build, tr


def _frame() -> pd.DataFrame:
    frame = data.named("ui-sources", lang=lang()).fillna("")
    counts = data.named("ui-source-counts").fillna("")
    claims = {s: int(n) for s, n in zip(counts["source"], counts["claims"], strict=True) if n}
    cites = {s: c for s, c in zip(counts["source"], counts["cites"], strict=True) if c}
    frame["claims"] = [claims.get(s, 0) for s in frame["source"]]
    frame["cites"] = [cites.get(s, "") for s in frame["source"]]
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


def _details(source_id: str, frame: pd.DataFrame) -> None:
    row = frame.drop_duplicates("source").set_index("source").loc[source_id]
    titles = dict(zip(frame["source"], frame["title"], strict=True))
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
    cited_by = [s for s, c in zip(frame["source"], frame["cites"], strict=True)
                if source_id in str(c).split()]
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
    everything = _frame()
    frame = _filter(everything)
    st.caption(tr("sources.count", shown=len(frame), total=len(everything)))
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
    if frame.empty:
        return
    titles = dict(zip(frame["source"], frame["title"], strict=True))
    options = list(frame["source"])
    # ?source=ID is the source's stable address; picking another source updates it.
    asked = st.query_params.get("source")
    if asked in options and st.session_state.get("src_seen") != asked:
        st.session_state["src_pick"] = st.session_state["src_seen"] = asked
    chosen = st.selectbox(tr("sources.pick"), options, key="src_pick", on_change=_picked,
                          format_func=lambda s: f"{titles.get(s) or s} [{s}]")
    if chosen:
        _details(str(chosen), everything)


def _picked() -> None:
    chosen = str(st.session_state.get("src_pick") or "")
    st.query_params["source"] = st.session_state["src_seen"] = chosen
