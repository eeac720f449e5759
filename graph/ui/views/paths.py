"""Path finder: the shortest chains of claims between two entities, each hop with its sources."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from graph.analysis.paths import Hop, Path, shortest_paths
from graph.ui import data
from graph.ui.escape import md, md_link
from graph.ui.labels import class_label, entity_types, format_date, predicate_label, status_label
from graph.ui.views.common import entity_link, lang, need_build, tr


def _pick(column: DeltaGenerator, role: str, default: str | None) -> str | None:
    """A search field and a choice among its matches; ``?from=``/``?to=`` preselect an id."""
    with column:
        query = st.text_input(tr(f"paths.{role}"), key=f"path_{role}_query",
                              placeholder=tr("home.search_placeholder"), live=True, type="search")
        options: dict[str, str] = {}
        if default and not query:
            label = data.entity_labels([default], lang()).get(default)
            if label:  # a label lookup, not the whole profile (a hub's takes seconds)
                options[default] = label
        if query and query.strip():
            for match in data.search(query, lang(), limit=8):
                kinds = ", ".join(class_label(t, lang()) for t in entity_types(match.types))
                options[match.id] = f"{match.label} · {kinds}"
        if not options:
            return None
        return st.selectbox(tr("paths.pick"), list(options), format_func=options.__getitem__,
                            key=f"path_{role}_pick")


def _sources_table() -> dict[str, dict[str, str]]:
    frame = data.named("ui-sources", lang=lang()).fillna("")
    return {str(r["source"]): {str(k): str(v) for k, v in r.items()} for _, r in frame.iterrows()}


def _hop(index: int, hop: Hop, labels: dict[str, str], sources: dict[str, dict[str, str]]) -> None:
    subject, obj = labels.get(hop.subject, hop.subject), labels.get(hop.object, hop.object)
    verb = predicate_label(hop.predicate, lang())
    qualifiers = [q for q in (format_date(hop.date, hop.date_precision),
                              status_label(hop.status, lang())) if q]
    text = f"{index}\\. **{md(subject)}** {md(verb)} **{md(obj)}**"
    if qualifiers:
        text += f" ({md(', '.join(qualifiers))})"
    st.markdown(text)
    if hop.weakest:
        st.badge(md(tr("paths.weakest", n=hop.source_count)), icon=":material/link_off:",
                 color="orange")
    lines = []
    for source_id in hop.sources:
        source = sources.get(source_id, {})
        parts = [md_link(source.get("title") or source_id, source.get("url") or None)]
        if source.get("publisher_label"):
            parts.append(md(source["publisher_label"]))
        if source.get("issued"):
            parts.append(md(format_date(source["issued"], source.get("precision") or None)))
        lines.append("- " + " — ".join(parts))
    st.markdown("\n".join(lines) or md(tr("paths.no_sources")))
    if hop.alternatives:
        st.caption(tr("paths.alternatives", n=len(hop.alternatives)))


def _path(number: int, path: Path, labels: dict[str, str],
          sources: dict[str, dict[str, str]]) -> None:
    names = " → ".join(labels.get(n, n) for n in path.nodes)
    title = tr("paths.path_title", n=number, hops=len(path), min=path.min_sources)
    with st.expander(f"{md(title)}: {md(names)}", expanded=number <= 3):
        for index, hop in enumerate(path, start=1):
            _hop(index, hop, labels, sources)
        cols = st.columns(len(path.nodes))
        for col, node in zip(cols, path.nodes, strict=True):
            with col:
                entity_link(node, labels.get(node, node))


def render() -> None:
    st.title(tr("paths.title"))
    st.caption(tr("paths.intro"))
    need_build()
    left, right = st.columns(2)
    source = _pick(left, "from", st.query_params.get("from"))
    target = _pick(right, "to", st.query_params.get("to"))
    options = st.columns(3)
    max_hops = options[0].slider(tr("paths.max_hops"), 1, 6, 4, key="path_max_hops")
    directed = options[1].toggle(tr("paths.directed"), key="path_directed",
                                 help=tr("paths.directed_help"))
    min_sources = options[2].number_input(tr("network.min_sources"), 1, 10, 1,
                                          key="path_min_sources")
    if not source or not target:
        st.info(tr("paths.choose"))
        return
    if source == target:
        st.warning(tr("paths.same"))
        return
    graph = data.projection(lang(), min_sources=int(min_sources))
    try:
        paths = shortest_paths(graph, source, target, max_hops=max_hops, directed=directed,
                               limit=10)
    except nx.NodeNotFound:
        st.warning(tr("paths.not_linked"))
        return
    if not paths:
        st.warning(tr("paths.none", hops=max_hops))
        return
    labels = {n: str(graph.nodes[n].get("label") or n) for p in paths for n in p.nodes}
    st.success(tr("paths.found", n=len(paths), hops=len(paths[0])))
    sources = _sources_table()
    for number, path in enumerate(paths, start=1):
        _path(number, path, labels, sources)
    rows = [{"path": i, "hop": j, "subject": labels.get(h.subject, h.subject),
             "relation": predicate_label(h.predicate, lang()),
             "object": labels.get(h.object, h.object), "claim": h.claim,
             "sources": " ".join(h.sources)}
            for i, p in enumerate(paths, start=1) for j, h in enumerate(p, start=1)]
    st.download_button(tr("paths.download"), pd.DataFrame(rows).to_csv(index=False),
                       file_name=f"paths-{source}-{target}.csv", mime="text/csv",
                       on_click="ignore", key="path_csv")
