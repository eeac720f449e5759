"""The world map of claims by country, drawn offline from country shapes shipped in a package.

Plotly's choropleth fetches its base map from Plotly's CDN (plotly.js does so for any trace with
a ``locationmode``, even when it is given its own GeoJSON), so with no internet it draws no
country. The map is therefore a Vega-Lite chart (Altair, which Streamlit bundles) whose shapes
travel inline in the chart's spec: the browser fetches nothing.

The shapes are the "World Borders" dataset (thematicmapping.org, CC BY-SA 3.0; one feature per
ISO 3166-1 country, 246 of them) that the ``geopip`` package ships as GeoJSON. Its exterior
rings run clockwise, as d3-geo (Vega's projection code) expects.

Labels need no HTML escaping here, unlike Plotly's: Vega draws them as SVG text and the tooltip
handler escapes ``&`` and ``<`` itself, so pre-escaped text would show its entities.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import altair as alt
import pandas as pd

SHAPES_PACKAGE = "geopip"
SHAPES_FILE = "globe.geo.json"
SHAPES_CREDIT = "Country borders: World Borders 0.3, thematicmapping.org (CC BY-SA 3.0), shipped by geopip."
# ~100 m: far finer than a world map shows, and it roughly halves the spec sent to the browser.
# Checked on the shipped file: no ring collapses or turns over at this precision.
DECIMALS = 3
# Antarctica only takes room at the bottom of the map unless a claim is placed there.
HIDDEN_UNLESS_DATA = frozenset({"ATA"})
NO_DATA_COLOR = "#e4e4e4"
BORDER_COLOR = "#ffffff"
PROJECTION = "equalEarth"

Feature = dict[str, Any]


def _rounded(ring: list[list[float]]) -> list[list[float]]:
    # Hand-written: a simplification library (shapely, topojson) would add a dependency for
    # what is only rounding and dropping the points that rounding makes repeat.
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


@lru_cache(maxsize=1)
def country_shapes() -> tuple[Feature, ...]:
    """One GeoJSON feature per country, ``id`` = ISO 3166-1 alpha-3, no other properties."""
    text = resources.files(SHAPES_PACKAGE).joinpath(SHAPES_FILE).read_text(encoding="utf-8")
    features: list[Feature] = []
    for feature in json.loads(text)["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        features.append({
            "type": "Feature",
            "id": feature["properties"]["ISO3"],
            "geometry": {"type": "MultiPolygon",
                         "coordinates": [[_rounded(ring) for ring in polygon] for polygon in polygons]},
        })
    return tuple(features)


@lru_cache(maxsize=1)
def country_ids() -> frozenset[str]:
    """The alpha-3 codes the map can draw."""
    return frozenset(feature["id"] for feature in country_shapes())


def choropleth(frame: pd.DataFrame, *, name_label: str, value_label: str,
               height: int = 460) -> alt.LayerChart:
    """Every country in grey, those in ``frame`` shaded by ``claims`` with a tooltip.

    ``frame`` needs ``iso3``, ``country_name`` and ``claims``; rows whose ``iso3`` has no shape
    are left out (the caller lists them). The shapes go into the spec once: both layers read the
    same inline dataset, the shaded one joins the counts onto it by ``id``.
    """
    present = set(frame["iso3"])
    shapes = [f for f in country_shapes() if f["id"] not in HIDDEN_UNLESS_DATA or f["id"] in present]
    counts = [{"iso3": str(row.iso3), "name": str(row.country_name), "claims": int(row.claims)}
              for row in frame.itertuples() if row.iso3 in country_ids()]
    world = alt.InlineData(values=shapes)
    base = alt.Chart(world).mark_geoshape(fill=NO_DATA_COLOR, stroke=BORDER_COLOR, strokeWidth=0.5)
    shaded = (
        alt.Chart(world)
        .transform_lookup(lookup="id", from_=alt.LookupData(alt.InlineData(values=counts), key="iso3",
                                                            fields=["name", "claims"]))
        .transform_filter("isValid(datum.claims)")
        .mark_geoshape(stroke=BORDER_COLOR, strokeWidth=0.5)
        .encode(
            color=alt.Color("claims:Q", title=value_label, scale=alt.Scale(scheme="reds", zero=True)),
            tooltip=[alt.Tooltip("name:N", title=name_label), alt.Tooltip("claims:Q", title=value_label)],
        )
    )
    return (alt.layer(base, shaded)
            .project(type=PROJECTION)
            .properties(width="container", height=height))
