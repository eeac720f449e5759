"""Plotly figures (the timeline of dated claims) and the country helpers the pages share.

The map of claims by country is in ``graph.ui.map_chart`` (Vega-Lite, so that it draws offline).

Plotly draws hover text, tick labels and legends through its own HTML-like markup (``<b>``,
``<a href>``, ``<br>``), so every label is HTML-escaped before it goes into a figure; Plotly
decodes the entities back when it draws the text.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pycountry
from plotly.colors import qualitative

from graph.ui.escape import html_text
from graph.vocabulary import load_vocabulary

STATUS_PALETTE = qualitative.Set1
MAX_POINTS = 5_000


def status_colors(labels: dict[str, str], none_label: str) -> dict[str, str]:
    """A fixed colour per status (ontology order), grey for claims without a status."""
    notations = list(load_vocabulary().statuses)
    colors = {none_label: "#9e9e9e"}
    for notation, label in labels.items():
        index = notations.index(notation) if notation in notations else len(notations)
        colors[label] = STATUS_PALETTE[index % len(STATUS_PALETTE)]
    return colors


def timeline_figure(frame: pd.DataFrame, *, colors: dict[str, str], height: int = 420) -> go.Figure:
    """Dated claims on a time axis, one row per relation, coloured and shaped by status.

    ``frame`` needs columns ``when`` (datetime), ``relation``, ``status`` and ``hover``
    (already escaped text).
    """
    shown = frame.tail(MAX_POINTS).assign(
        relation=lambda f: f["relation"].map(html_text),
        status=lambda f: f["status"].map(html_text),
    )
    escaped_colors = {html_text(k): v for k, v in colors.items()}
    figure = px.scatter(
        shown, x="when", y="relation", color="status", symbol="status",
        custom_data=["hover"], color_discrete_map=escaped_colors, height=height,
    )
    figure.update_traces(marker={"size": 11, "opacity": 0.85},
                         hovertemplate="%{customdata[0]}<extra></extra>")
    figure.update_layout(xaxis_title=None, yaxis_title=None, legend_title_text=None,
                         legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
                         margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return figure


@lru_cache(maxsize=4)
def _country_translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def country_name(code: str, lang: str) -> str:
    """The country's common name in ``lang`` (pycountry's ISO 3166 translations)."""
    found = pycountry.countries.get(alpha_2=code[:2].upper()) if code else None
    if found is None:
        return code
    name = getattr(found, "common_name", None) or found.name
    return _country_translation(lang).gettext(name) if lang != "en" else name


def alpha3(code: str) -> str | None:
    """ISO alpha-3 of an alpha-2 or ISO 3166-2 code ('CA-QC' -> 'CAN'); None for 'EU' and such."""
    found = pycountry.countries.get(alpha_2=code[:2].upper()) if code and len(code) >= 2 else None
    return found.alpha_3 if found else None
