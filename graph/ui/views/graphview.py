"""Drawing a ``NetworkView`` with streamlit-agraph (vis.js), and its colour legend.

The component puts a node's ``title`` into the tooltip's ``innerHTML``, so titles are
HTML-escaped; node and edge labels are drawn on a canvas (text, not HTML). A click on a node
returns its id, which the pages turn into a profile link.
"""

from __future__ import annotations

from textwrap import shorten

import pandas as pd
import streamlit as st
from streamlit_agraph import Config, Edge, Node, agraph

from graph.ui.escape import html_text
from graph.ui.labels import class_label, status_label
from graph.ui.network import NetworkView, type_color
from graph.ui.views.common import lang, tr

LABEL_CHARS = 28  # canvas captions are cut; the tooltip has the whole name
EDGE_LABELS_MAX = 40  # beyond this many claims, edge captions clutter the picture


def draw(view: NetworkView, *, height: int = 520) -> str | None:
    """Render the network; the id of the clicked node, if any."""
    nodes = [
        Node(id=n.id, label=shorten(n.label, width=LABEL_CHARS, placeholder="…"), size=n.size,
             color=n.color, shape="dot",
             title=html_text(f"{n.label} — {class_label(n.type, lang())}"
                             + (f" ({n.country})" if n.country else "")))
        for n in view.nodes
    ]
    show_labels = len(view.edges) <= EDGE_LABELS_MAX
    edges = []
    for e in view.edges:
        detail = ", ".join(p for p in (e.date[:10], status_label(e.status, lang()),
                                       tr("network.edge_sources", n=e.source_count)) if p)
        edges.append(Edge(source=e.source, target=e.target, color="#9aa5b1",
                          label=e.label if show_labels else "",
                          title=html_text(f"{e.label} ({detail})"),
                          font={"size": 10, "color": "#5f6b7a", "strokeWidth": 0}))
    config = Config(height=height, width=1000, directed=True, physics=True, hierarchical=False,
                    solver="forceAtlas2Based", stabilization=True, fit=True)
    config.width = "100%"  # the Config class appends "px"; the canvas should fill the column
    # Config has no arguments for the solver's own parameters (vis.js names them).
    config.physics["forceAtlas2Based"] = {"gravitationalConstant": -60, "springLength": 110,
                                          "avoidOverlap": 0.4}
    config.physics["stabilization"] = {"enabled": True, "iterations": 300, "fit": True}
    return agraph(nodes=nodes, edges=edges, config=config)


def legend(view: NetworkView) -> None:
    """Entity classes shown, each with its colour (a styled data grid, not hand-made HTML)."""
    types = view.types()
    counts = pd.Series([n.type for n in view.nodes]).value_counts()
    frame = pd.DataFrame({
        "colour": ["" for _ in types],
        "type": [class_label(t, lang()) for t in types],
        "entities": [int(counts.get(t, 0)) for t in types],
    })
    colors = [type_color(t) for t in types]
    styled = frame.style.apply(
        lambda column: [f"background-color: {c}" for c in colors], subset=["colour"])
    st.dataframe(styled, hide_index=True, column_config={
        "colour": st.column_config.TextColumn(tr("network.legend_colour"), width="small"),
        "type": st.column_config.TextColumn(tr("col.type")),
        "entities": st.column_config.NumberColumn(tr("col.entities")),
    })
