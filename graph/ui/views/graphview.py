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
EDGE_LABELS_MAX = 25  # beyond this many claims, edge captions clutter the picture
LABELLED = 15  # nodes with a caption; the rest show their name on hover
SEED = 7  # vis-network's layout seed: the same picture on every load


def draw(view: NetworkView, *, height: int = 520, labelled: int = LABELLED) -> str | None:
    """Render the network; the id of the clicked node, if any.

    The layout is seeded (the same picture on every load); only the ``labelled`` best-scored
    nodes carry a caption, the others show their name on hover.
    """
    top = {n.id for n in sorted(view.nodes, key=lambda n: (-n.score, n.id))[:labelled]}
    nodes = [
        Node(id=n.id, label=shorten(n.label, width=LABEL_CHARS, placeholder="…")
             if n.id in top else "", size=n.size, color=n.color, shape="dot",
             font={"size": 15, "color": "#1f2933", "strokeWidth": 3, "strokeColor": "#ffffff"},
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
                          font={"size": 11, "color": "#5f6b7a", "strokeWidth": 0}))
    config = Config(height=height, width=1000, directed=True, physics=True, hierarchical=False)
    config.width = "100%"  # the Config class appends "px"; the canvas should fill the column
    # Only options vis-network knows: Config's keyword arguments land at the top level, where
    # vis-network reports each as an unknown option in the console, so they are set here.
    del config.groups
    config.physics = {
        "enabled": True, "solver": "forceAtlas2Based", "minVelocity": 1, "maxVelocity": 60,
        "timestep": 0.5,
        "forceAtlas2Based": {"gravitationalConstant": -70, "springLength": 120,
                             "avoidOverlap": 0.5},
        "stabilization": {"enabled": True, "iterations": 250, "fit": True},
    }
    config.layout = {"randomSeed": SEED, "improvedLayout": len(nodes) <= 100}
    config.interaction = {"hover": True, "tooltipDelay": 120, "navigationButtons": False}
    return agraph(nodes=nodes, edges=edges, config=config)


def legend_html(view: NetworkView) -> None:
    """The colours of the entity classes drawn, as one wrapped line under the network."""
    counts = pd.Series([n.type for n in view.nodes]).value_counts()
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;margin:0 .9rem .2rem 0">'
        f'<span style="width:.8rem;height:.8rem;border-radius:50%;background:{type_color(t)};'
        f'display:inline-block;margin-right:.3rem"></span>{html_text(class_label(t, lang()))}'
        f" ({int(counts.get(t, 0))})</span>"
        for t in view.types())
    st.html(f'<div class="cst-legend" style="font-size:.85rem;line-height:1.6">{items}</div>')


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
