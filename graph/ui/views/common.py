"""Pieces every page uses: the reader's language, the build banner, links to profiles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.store import BuildInfo
from graph.ui import data
from graph.ui.escape import md
from graph.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from graph.ui.labels import class_label, entity_types

PROFILE_PAGE = "pages/profile.py"
LANG_KEY = "ui_lang"
CURRENT_ENTITY = "current_entity"  # the last profile opened: the network centres on it


def lang() -> str:
    """The language picked in the sidebar (or ``?lang=`` on first load)."""
    value = st.session_state.get(LANG_KEY)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, /, **values: object) -> str:
    """``t`` in the reader's language."""
    return t(key, lang(), **values)


def need_build() -> BuildInfo:
    """The live build; without one, say how to make it and stop the page."""
    info = data.build_info()
    if info is None:
        st.error(tr("common.no_build"))
        st.stop()
    return info


def entity_link(entity_id: str, label: str, *, help: str | None = None) -> None:
    """A link that opens the entity's profile (the label is Markdown-escaped)."""
    st.page_link(PROFILE_PAGE, label=md(label), query_params={"id": entity_id}, help=help)


def open_profile(entity_id: str) -> None:
    st.switch_page(PROFILE_PAGE, query_params={"id": entity_id})


def claims_table(frame: pd.DataFrame, *, key: str | None = None, height: int | str = "auto",
                 hide: tuple[str, ...] = ()) -> None:
    """A ``tables.claims_display`` frame as a data grid with translated headers and links."""
    config = {
        "date": st.column_config.TextColumn(tr("col.date")),
        "subject": st.column_config.TextColumn(tr("col.subject")),
        "relation": st.column_config.TextColumn(tr("col.relation")),
        "object": st.column_config.TextColumn(tr("col.object")),
        "amount": st.column_config.TextColumn(tr("col.amount")),
        "status": st.column_config.TextColumn(tr("col.status")),
        "sources": st.column_config.NumberColumn(tr("col.sources"), help=tr("col.sources_help")),
        "subject_profile": st.column_config.LinkColumn(tr("col.subject_profile"),
                                                       display_text=tr("col.open")),
        "object_profile": st.column_config.LinkColumn(tr("col.object_profile"),
                                                      display_text=tr("col.open")),
        "claim": st.column_config.TextColumn(tr("col.claim")),
        "locator": st.column_config.TextColumn(tr("col.locator")),
        "claim_page": st.column_config.LinkColumn(tr("col.claim"), display_text=tr("col.open")),
    }
    shown = frame.drop(columns=[c for c in hide if c in frame.columns])
    config = {name: column for name, column in config.items() if name in shown.columns}
    st.dataframe(shown, hide_index=True, column_config=config,  # type: ignore[arg-type]
                 key=key, height=height)  # type: ignore[arg-type]


def search_box(key: str, *, label_key: str = "home.search_label") -> None:
    """A search field listing matching entities as links to their profiles, as one types.

    ``live`` sends the text after a 250 ms pause in typing (no Enter needed); the results are
    links, so Tab moves to them and Enter opens one.
    """
    query = st.text_input(tr(label_key), key=key, placeholder=tr("home.search_placeholder"),
                          live=True, type="search")
    if not query or not query.strip():
        return
    matches = data.search(query, lang(), limit=10)
    if not matches:
        st.info(tr("home.no_match", query=md(query)))
        return
    for match in matches:
        kinds = ", ".join(class_label(t, lang()) for t in entity_types(match.types))
        also = f" — {match.matched}" if match.matched else ""
        entity_link(match.id, f"{match.label} · {kinds}{also}")


def pager(key: str, signature: object) -> tuple[str | None, int]:
    """(cursor, index) of the page of a keyset-paged listing to read now.

    The cursors of the pages seen are kept in the session, so "previous" needs no cursor
    arithmetic; a new ``signature`` (the filters changed) starts again from the first page.
    """
    state = st.session_state.get(key)
    if not isinstance(state, dict) or state.get("signature") != repr(signature):
        state = st.session_state[key] = {"signature": repr(signature), "cursors": [None]}
    cursors: list[str | None] = state["cursors"]
    return cursors[-1], len(cursors) - 1


def pager_buttons(key: str, next_cursor: str | None, *, index: int, shown: int, limit: int,
                  total: int, offset: int = 0) -> None:
    """'Rows 101–200 of 4,000.' and the previous / next page buttons of a ``pager`` (whose
    first page starts after ``offset`` rows shown elsewhere)."""
    first = offset + index * limit + 1 if shown else 0
    st.caption(tr("common.rows", first=first, last=offset + index * limit + shown, n=total))
    if index == 0 and next_cursor is None:
        return

    def turn(forward: bool) -> None:
        cursors = st.session_state[key]["cursors"]
        if forward:
            cursors.append(next_cursor)
        elif len(cursors) > 1:
            cursors.pop()

    with st.container(horizontal=True):
        st.button(tr("common.previous_page"), key=f"{key}_prev", disabled=index == 0,
                  on_click=turn, args=(False,), icon=":material/chevron_left:")
        st.button(tr("common.next_page"), key=f"{key}_next", disabled=next_cursor is None,
                  on_click=turn, args=(True,), icon=":material/chevron_right:")
