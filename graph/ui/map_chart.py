"""The world map of claims by country, drawn offline from country shapes shipped in a package.

Plotly's choropleth fetches its base map from Plotly's CDN (plotly.js does so for any trace with
a ``locationmode``, even when it is given its own GeoJSON), so with no internet it draws no
country. The map is therefore a Vega-Lite chart (Altair, which Streamlit bundles) whose shapes
travel inline in the chart's spec: the browser fetches nothing.

The shapes are the "World Borders" dataset (thematicmapping.org, CC BY-SA 3.0; one feature per
ISO 3166-1 country, 246 of them) that the ``geopip`` package ships as GeoJSON. Vega draws them
with d3-geo, which reads a ring's winding on the sphere: a ring wound the other way is taken as
its complement and paints the whole globe. The file's rings are wound for d3, except a sliver
of an island (Croatia) whose great-circle edges wind it the other way, so every ring is checked.

Labels need no HTML escaping here, unlike Plotly's: Vega draws them as SVG text and the tooltip
handler escapes ``&`` and ``<`` itself, so pre-escaped text would show its entities.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any, Final

import altair as alt
import pandas as pd

SHAPES_PACKAGE = "geopip"
SHAPES_FILE = "globe.geo.json"
SHAPES_CREDIT = "Country borders: World Borders 0.3, thematicmapping.org (CC BY-SA 3.0), shipped by geopip."
# ~100 m: far finer than a world map shows, and it roughly halves the spec sent to the browser.
DECIMALS = 3
# Antarctica only takes room at the bottom of the map unless a claim is placed there.
HIDDEN_UNLESS_DATA = frozenset({"ATA"})
NO_DATA_COLOR = "#e4e4e4"
BORDER_COLOR = "#ffffff"
PROJECTION: Final = "equalEarth"

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


def _winding(ring: list[list[float]]) -> float:
    """Twice d3-geo's signed spherical area sum of ``ring`` (``areaRingSum``): >= 0 is clockwise."""
    # Hand-written: d3-geo's own formula (area.js), since no maintained Python package reads a
    # ring's winding the way d3 does. Exact value does not matter, only its sign.
    total = 0.0
    lam0 = math.radians(ring[0][0])
    phi0 = math.radians(ring[0][1]) / 2 + math.pi / 4
    cos0, sin0 = math.cos(phi0), math.sin(phi0)
    for lon, lat in ring[1:]:
        lam, phi = math.radians(lon), math.radians(lat) / 2 + math.pi / 4
        delta = lam - lam0
        sign = 1.0 if delta >= 0 else -1.0
        cos1, sin1 = math.cos(phi), math.sin(phi)
        k = sin0 * sin1
        total += math.atan2(k * sign * math.sin(sign * delta), cos0 * cos1 + k * math.cos(sign * delta))
        lam0, cos0, sin0 = lam, cos1, sin1
    return 2 * total


def _polygon(rings: list[list[list[float]]]) -> list[list[list[float]]]:
    """The rings rounded, those rounding collapsed dropped, each wound as d3 expects."""
    out: list[list[list[float]]] = []
    for index, ring in enumerate(rings):
        points = _rounded(ring)
        if len(points) < 4:
            if index == 0:
                return []  # the outline collapsed: the whole polygon is below a pixel
            continue
        exterior = index == 0
        if (_winding(points) >= 0) != exterior:
            points.reverse()
        out.append(points)
    return out


@lru_cache(maxsize=1)
def country_shapes() -> tuple[Feature, ...]:
    """One GeoJSON feature per country, ``id`` = ISO 3166-1 alpha-3, no other properties."""
    text = resources.files(SHAPES_PACKAGE).joinpath(SHAPES_FILE).read_text(encoding="utf-8")
    features: list[Feature] = []
    for feature in json.loads(text)["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        kept = [rings for rings in map(_polygon, polygons) if rings]
        if kept:
            features.append({"type": "Feature", "id": feature["properties"]["ISO3"],
                             "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return tuple(features)


@lru_cache(maxsize=1)
def country_ids() -> frozenset[str]:
    """The alpha-3 codes the map can draw."""
    return frozenset(feature["id"] for feature in country_shapes())


WORLD = "world"  # the shapes' dataset in the spec


def choropleth(frame: pd.DataFrame, *, name_label: str, value_label: str,
               height: int = 460) -> dict[str, Any]:
    """Every country in grey, those in ``frame`` shaded by ``claims`` with a tooltip: a
    Vega-Lite spec for ``st.vega_lite_chart``.

    ``frame`` needs ``iso3``, ``country_name`` and ``claims``; rows whose ``iso3`` has no shape
    are left out (the caller lists them). The shapes go into the spec once: both layers read the
    same named dataset, the shaded one joins the counts onto it by ``id``. They are added to
    the spec after Altair built it: as Altair data, every coordinate went through its copying
    and serialising (0.8–0.9 s on every run of the map page, more than everything else on it).
    """
    present = set(frame["iso3"])
    shapes = [f for f in country_shapes() if f["id"] not in HIDDEN_UNLESS_DATA or f["id"] in present]
    counts = [{"iso3": iso3, "name": str(name), "claims": int(claims)}
              for iso3, name, claims in zip(frame["iso3"].astype(str), frame["country_name"],
                                            frame["claims"].astype(int).tolist(), strict=True)
              if iso3 in country_ids()]
    world = alt.NamedData(name=WORLD)
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
    # SVG rather than canvas: each country is a <path> a reader's tools (and the tests) can see.
    chart = alt.LayerChart(layer=[base, shaded], projection=alt.Projection(type=PROJECTION),
                           width="container", height=height,
                           usermeta={"embedOptions": {"renderer": "svg"}})
    spec: dict[str, Any] = chart.to_dict()
    spec.setdefault("datasets", {})[WORLD] = shapes
    return spec
