"""SPARQL: an editor preloaded with the cookbook queries, results as a table, CSV/JSON
downloads; read-only, with the endpoint's time and row limits (``graph.ui.sparql``)."""

from __future__ import annotations

import streamlit as st

from graph.named_queries import NamedQuery, named_queries
from graph.settings import get_settings
from graph.ui import data
from graph.ui.escape import md, md_link
from graph.ui.i18n import strings
from graph.ui.sparql import Answer, GuardedRunner
from graph.ui.views.common import need_build, tr

TEXT_KEY = "sparql_text"
ANSWER_KEY = "sparql_answer"


@st.cache_resource(show_spinner=False)
def _runner(key: data.StoreKey) -> GuardedRunner:
    """One worker process per dashboard process and store (queries queue for it)."""
    return GuardedRunner(get_settings())


def examples() -> dict[str, NamedQuery]:
    """The cookbook queries; every named query when there is no cookbook yet."""
    queries = named_queries()
    cookbook = {n: q for n, q in queries.items() if n.startswith("cookbook-")}
    return cookbook or queries


def _load_example() -> None:
    name = st.session_state.get("sparql_example")
    if name in examples():
        st.session_state[TEXT_KEY] = examples()[name].render(data.iris())
        st.session_state.pop(ANSWER_KEY, None)


def _show(answer: Answer) -> None:
    if answer.kind == "error":
        # The engine's message can hold grammar with '*', '[' and '|': shown as code, not Markdown.
        st.error(tr("sparql.error"))
        st.code(answer.message, language=None, wrap_lines=True)
        return
    if answer.kind == "boolean":
        st.success(tr("sparql.answer_yes") if answer.boolean else tr("sparql.answer_no"))
    else:
        st.caption(tr("sparql.rows", n=len(answer.table)))
        if answer.truncated:
            st.warning(tr("sparql.truncated", n=get_settings().max_rows))
        st.dataframe(answer.table, hide_index=True, key="sparql_table")
    columns = st.columns(max(len(answer.downloads), 1))
    for column, (fmt, (payload, mime, ext)) in zip(columns, answer.downloads.items(), strict=False):
        column.download_button(tr(f"sparql.download_{fmt}"), payload, file_name=f"results.{ext}",
                               mime=mime, on_click="ignore", key=f"sparql_dl_{fmt}",
                               icon=":material/download:")


def _title(name: str, query: NamedQuery) -> str:
    """The example's title in the reader's language (French titles live in strings.yaml)."""
    return tr(f"queries.{name}") if f"queries.{name}" in strings() else query.title


def render() -> None:
    st.title(tr("sparql.title"))
    settings = get_settings()
    st.caption(tr("sparql.intro", timeout=f"{settings.query_timeout:g}", rows=settings.max_rows)
               + " " + md_link(tr("sparql.endpoint"), settings.endpoint_url + "/sparql"))
    need_build()
    queries = examples()
    if TEXT_KEY not in st.session_state:
        st.session_state["sparql_example"] = next(iter(queries), None)
        _load_example()
    st.selectbox(tr("sparql.example"), list(queries), key="sparql_example",
                 format_func=lambda n: _title(n, queries[n]), on_change=_load_example)
    chosen = queries.get(str(st.session_state.get("sparql_example")))
    if chosen is not None and chosen.description:
        st.caption(md(chosen.description))
    st.text_area(tr("sparql.editor"), key=TEXT_KEY, height=320)
    clicked = st.button(tr("sparql.run"), type="primary", icon=":material/play_arrow:", key="sparql_run")
    if clicked:
        with st.spinner(tr("sparql.running")):
            st.session_state[ANSWER_KEY] = _runner(data.store_key()).run(
                st.session_state.get(TEXT_KEY) or "")
    answer = st.session_state.get(ANSWER_KEY)
    if isinstance(answer, Answer):
        _show(answer)
