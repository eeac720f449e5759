"""Network explorer: the claims graph filtered by type, relation, country, date and sources,
nodes sized by a centrality measure and coloured by type; a click opens a profile.

On a large graph (``data.network_is_large``: more than ``data.NETWORK_FULL_CLAIMS`` claims and
derived tables) the picture is bounded and read from the derived tables: the most linked
entities under the filters (or those most linked to the entity in focus) and the claims between
them, the measure computed within it; the whole-graph projection is never built for a page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.ui import data
from graph.ui.charts import country_name
from graph.ui.escape import md
from graph.ui.labels import class_label, predicate_label
from graph.ui.tables import profile_link
from graph.ui.views.common import CURRENT_ENTITY, lang, need_build, open_profile, tr
from graph.ui.views.graphview import draw, legend_html
from graph.vocabulary import load_vocabulary

MEASURES = ("pagerank", "betweenness", "degree", "claims")


def _filters() -> dict[str, object]:
    """The sidebar filters; options come from the live data and the ontology."""
    vocab = load_vocabulary()
    options = data.large_graph_options() if data.network_is_large() else data.graph_options()
    type_options = sorted({a for t in options.types for a in vocab.ancestors(t)} - {"Entity"},
                          key=lambda c: class_label(c, lang()).casefold())
    relations = sorted(options.relations, key=lambda p: predicate_label(p, lang()).casefold())
    countries = list(options.countries)
    side = st.sidebar
    side.header(tr("network.filters"))
    types = side.multiselect(tr("network.types"), type_options, key="net_types",
                             format_func=lambda c: class_label(c, lang()),
                             placeholder=tr("common.all"))
    chosen_relations = side.multiselect(tr("network.relations"), relations, key="net_relations",
                                        format_func=lambda p: predicate_label(p, lang()),
                                        placeholder=tr("common.all"))
    chosen_countries = side.multiselect(tr("network.countries"), countries, key="net_countries",
                                        format_func=lambda c: f"{country_name(c, lang())} ({c})",
                                        placeholder=tr("common.all"))
    date_from = date_to = None
    include_undated = True
    if options.first_year is not None and options.last_year is not None:
        first, last = options.first_year, options.last_year
        if first < last:
            years = side.slider(tr("network.years"), first, last, (first, last), key="net_years")
            if years != (first, last):
                date_from, date_to = f"{years[0]:04d}-01-01", f"{years[1]:04d}-12-31"
        include_undated = side.checkbox(tr("network.undated"), value=True, key="net_undated")
    min_sources = side.number_input(tr("network.min_sources"), 1, 10, 1, key="net_min_sources",
                                    help=tr("network.min_sources_help"))
    measure = side.selectbox(tr("network.measure"), MEASURES, key="net_measure",
                             format_func=lambda m: tr(f"network.measure_{m}"))
    max_nodes = side.slider(tr("network.max_nodes"), 20, 500, 150, step=10, key="net_max_nodes")
    return {
        "predicates": tuple(chosen_relations) or None,
        "entity_types": tuple(types) or None,
        "min_sources": int(min_sources),
        "countries": tuple(chosen_countries),
        "date_from": date_from,
        "date_to": date_to,
        "include_undated": bool(include_undated),
        "measure": measure,
        "max_nodes": int(max_nodes),
    }


def _focus() -> tuple[str | None, int]:
    """The entity to centre on: ``?entity=``, else the last profile opened, else none."""
    focus = st.query_params.get("entity") or st.session_state.get(CURRENT_ENTITY)
    if not focus:
        return None, 1
    label = data.entity_labels([str(focus)], lang()).get(str(focus), str(focus))
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        centred = st.toggle(tr("network.centre", name=md(label)), value=True, key="net_centre")
        radius = st.segmented_control(tr("network.radius"), (1, 2), default=1, key="net_radius",
                                      format_func=lambda r: tr(f"network.radius_{r}"))
    return (str(focus) if centred else None), int(radius or 1)


def render() -> None:
    st.title(tr("network.title"))
    st.caption(tr("network.intro"))
    need_build()
    filters = _filters()
    focus, radius = _focus()
    large = data.network_is_large()
    build = data.explorer_overview if large else data.explorer
    view = build(lang(), **filters, focus=focus, radius=radius)  # type: ignore[arg-type]
    if not view.nodes:
        st.info(tr("network.empty"))
        return
    measure = tr(f"network.measure_{view.measure}")
    if large and focus:
        st.caption(tr("network.overview_focus", name=md(data.entity_labels([focus], lang()).get(
            focus, focus)), shown=filters["max_nodes"], measure=measure))
    elif large:
        st.caption(tr("network.overview", shown=len(view.nodes), measure=measure))
    else:
        st.caption(tr("network.summary", nodes=view.total_nodes, claims=view.total_edges,
                      measure=measure))
    if view.capped:
        st.warning(tr("network.capped", shown=len(view.nodes), total=view.total_nodes))
    if view.betweenness_samples:
        st.caption(tr("network.sampled", k=view.betweenness_samples))
    clicked = draw(view, height=640)
    legend_html(view)
    if clicked and clicked != focus:
        open_profile(clicked)
    st.subheader(tr("network.top", measure=tr(f"network.measure_{view.measure}")))
    top = sorted(view.nodes, key=lambda n: -n.score)[:25]
    frame = pd.DataFrame({
        "entity": [n.label for n in top],
        "type": [class_label(n.type, lang()) for n in top],
        "country": [n.country for n in top],
        "score": [n.score for n in top],
        "profile": [profile_link(n.id) for n in top],
    })
    st.dataframe(frame, hide_index=True, key="net_top", column_config={
        "entity": st.column_config.TextColumn(tr("col.entity")),
        "type": st.column_config.TextColumn(tr("col.type")),
        "country": st.column_config.TextColumn(tr("col.country")),
        "score": st.column_config.NumberColumn(tr(f"network.measure_{view.measure}"),
                                               format="%.4g"),
        "profile": st.column_config.LinkColumn(tr("col.profile"), display_text=tr("col.open")),
    })
