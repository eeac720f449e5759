"""Timeline, map and sources pages: the expected rows for the test ledger, and filters."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from graph.settings import Settings
from tests.ui.conftest import FIXTURE_LEDGER, build_ledger, open_page, texts

# Regulators in a Canadian province and in Canada itself (one country on the map), and one in
# South Sudan, a country the shipped shapes predate.
REGIONS_LEDGER = """\
entities:
  - id: cai-quebec
    types: [DataProtectionAuthority]
    name: {en: Quebec access to information commission, fr: Commission d'accès à l'information}
    country: CA-QC
  - id: opc-canada
    types: [DataProtectionAuthority]
    name: {en: Privacy Commissioner of Canada, fr: Commissariat à la protection de la vie privée}
    country: CA
  - id: juba-regulator
    types: [DataProtectionAuthority]
    name: {en: South Sudanese regulator, fr: Régulateur sud-soudanais}
    country: SS
sources:
  - id: regions-source
    kind: NewsArticle
    title: Regulators in regions
    published: 2021
    language: en
    url: https://example.org/regions
claims:
  - {subject: cai-quebec, predicate: issued_order_to, object: clearview-ai, date: 2021-12,
     refs: [{source: regions-source, locator: {paragraph: 1}}]}
  - {subject: opc-canada, predicate: issued_order_to, object: clearview-ai, date: 2021-02,
     refs: [{source: regions-source, locator: {paragraph: 2}}]}
  - {subject: juba-regulator, predicate: issued_order_to, object: clearview-ai, date: 2021-03,
     refs: [{source: regions-source, locator: {paragraph: 3}}]}
"""


def map_spec(app: AppTest) -> tuple[dict[str, Any], dict[str, int]]:
    """The map's Vega-Lite spec as the browser gets it, and the claim count per shaded country."""
    (chart,) = app.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    counts: dict[str, int] = {}
    for dataset in chart.proto.datasets:  # the counts travel as an Arrow table beside the spec
        frame = convert_arrow_bytes_to_pandas_df(dataset.data.data)
        if {"iso3", "claims"} <= set(frame.columns):
            counts |= dict(zip(frame["iso3"], frame["claims"].astype(int), strict=True))
    return spec, counts


def map_counts(app: AppTest) -> dict[str, int]:
    return map_spec(app)[1]


def shapes_in(spec: dict[str, Any]) -> dict[str, list[Any]]:
    """Country id -> polygons of the GeoJSON features carried inline in the spec."""
    shapes: dict[str, list[Any]] = {}
    for values in spec.get("datasets", {}).values():
        for feature in values:
            if isinstance(feature, dict) and feature.get("type") == "Feature":
                shapes[feature["id"]] = feature["geometry"]["coordinates"]
    return shapes


def strings_in(node: object) -> list[tuple[str, str]]:
    """Every (key, string value) pair anywhere in a JSON document."""
    if isinstance(node, dict):
        return [(k, v) for k, v in node.items() if isinstance(v, str)] + [
            pair for v in node.values() for pair in strings_in(v)]
    if isinstance(node, list):
        return [pair for v in node for pair in strings_in(v)]
    return []


@pytest.fixture(scope="module")
def regions_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    ledger = tmp_path_factory.mktemp("regions-ledger")
    shutil.copy(FIXTURE_LEDGER / "mini.yaml", ledger / "mini.yaml")
    (ledger / "regions.yaml").write_text(REGIONS_LEDGER, encoding="utf-8")
    return build_ledger(ledger, tmp_path_factory.mktemp("regions-store"))


def test_timeline_shows_dated_claims_with_statuses_and_filters(ui: Settings) -> None:
    app = open_page("timeline")
    assert app.get("plotly_chart")
    table = app.dataframe[0].value
    assert list(table["date"]) == ["2021-12-30", "2021-12", "2021-11", "2021-02"]  # newest first
    assert list(table["status"]) == ["", "final, formal notice", "proposed", "final"]
    assert "4 of 4 dated claims." in texts(app)
    app.sidebar.multiselect(key="tl_statuses").set_value(["final"]).run()
    assert list(app.dataframe[0].value["claim"]) == ["cnil-formal-notice", "imy-fine-police"]
    app.sidebar.multiselect(key="tl_statuses").set_value([]).run()
    app.sidebar.multiselect(key="tl_relations").set_value(["fined"]).run()
    assert len(app.dataframe[0].value) == 2
    app.sidebar.text_input(key="tl_entity").input("suedoise").run()  # no accent, French name
    assert list(app.dataframe[0].value["claim"]) == ["imy-fine-police"]
    app.sidebar.multiselect(key="tl_relations").set_value([]).run()
    app.sidebar.text_input(key="tl_entity").input("clearview").run()
    assert len(app.dataframe[0].value) == 3
    assert "3 of 4 dated claims." in texts(app)


def test_timeline_hover_text_is_escaped(hostile_ui: Settings) -> None:
    app = open_page("timeline")
    figure = app.get("plotly_chart")[0].proto.spec
    assert "&lt;img src=x" in figure and "<img" not in figure


def test_map_places_regulator_actions_then_agency_use_by_country(ui: Settings) -> None:
    app = open_page("map")
    assert map_counts(app) == {"FRA": 1, "GBR": 1, "SWE": 1}
    counts = app.dataframe[0].value
    assert dict(zip(counts["country"], counts["claims"], strict=True)) == {"FR": 1, "GB": 1, "SE": 1}
    app.radio(key="map_layer").set_value("use").run()
    counts = app.dataframe[0].value
    assert dict(zip(counts["country"], counts["claims"], strict=True)) == {"US": 1}
    assert map_counts(app) == {"USA": 1}
    claims = app.dataframe[1].value
    assert list(claims["claim"]) == ["fbi-licence-2021"]
    app.radio(key="map_layer").set_value("actions").run()
    app.selectbox(key="map_country").set_value("SE").run()
    assert list(app.dataframe[1].value["object"]) == ["Swedish Police Authority"]
    app.multiselect(key="map_relations").set_value(["issued_order_to"]).run()
    assert list(app.dataframe[0].value["country"]) == ["FR"]
    assert map_counts(app) == {"FRA": 1}


def test_map_in_french_names_countries_in_french(ui: Settings) -> None:
    app = open_page("map", lang="fr")
    assert set(app.dataframe[0].value["country_name"]) == {"France", "Royaume-Uni", "Suède"}


def test_map_carries_country_shapes_inline_and_fetches_nothing(ui: Settings) -> None:
    """The map draws offline: every shaded country's polygons are in the spec, no data URL."""
    spec, counts = map_spec(open_page("map"))
    shapes = shapes_in(spec)
    assert len(shapes) > 200  # the whole world, drawn grey where there is no claim
    for country in counts:
        polygons = shapes[country]
        rings = [ring for polygon in polygons for ring in polygon]
        assert rings and all(len(ring) >= 4 and ring[0] == ring[-1] for ring in rings), country
        assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for ring in rings for lon, lat in ring)
    france = [point for polygon in shapes["FRA"] for ring in polygon for point in ring]
    assert any(-5 < lon < 8 and 42 < lat < 51 for lon, lat in france)  # mainland France is there
    remote = [(key, value) for key, value in strings_in(spec)
              if key != "$schema" and ("://" in value or key == "url")]
    assert remote == []
    assert all("url" not in layer.get("data", {}) for layer in [spec, *spec["layer"]])


def test_map_in_french_labels_the_tooltip_in_french(ui: Settings) -> None:
    app = open_page("map", lang="fr")
    spec, _ = map_spec(app)
    tooltip = spec["layer"][1]["encoding"]["tooltip"]
    assert [t["title"] for t in tooltip] == ["Pays", "Affirmations"]
    (chart,) = app.get("vega_lite_chart")
    names = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    assert {"Suède", "Royaume-Uni", "France"} <= {n for frame in names for n in frame.get("name", [])}


def test_map_shades_regions_with_their_country_and_lists_what_it_cannot_draw(
        regions_store: Settings, use_settings: Any) -> None:
    use_settings(regions_store)
    app = open_page("map")
    table = app.dataframe[0].value
    assert dict(zip(table["country"], table["claims"], strict=True)) == {
        "CA": 1, "CA-QC": 1, "SS": 1, "FR": 1, "GB": 1, "SE": 1}
    spec, counts = map_spec(app)
    assert counts == {"CAN": 2, "FRA": 1, "GBR": 1, "SWE": 1}
    assert "CAN" in shapes_in(spec)
    assert "Not on the map (not a country): SS" in texts(app)


def test_sources_page_lists_sources_and_what_they_support(ui: Settings) -> None:
    app = open_page("sources")
    table = app.dataframe[0].value
    assert list(table["source"]) == ["fr-article"]
    assert list(table["kind_label"]) == ["news article"]
    assert list(table["claims"]) == [7]
    assert list(table["published"]) == ["2022"]
    supported = app.dataframe[1].value
    assert len(supported) == 7
    assert "line 24, chars 7069–7138" in set(supported["locator"])
    assert "Claims it supports (7)" in texts(app)
    app.sidebar.multiselect(key="src_kinds").set_value(["NewsArticle"]).run()
    assert len(app.dataframe[0].value) == 1
    app.sidebar.text_input(key="src_text").input("nothing like this").run()
    assert len(app.dataframe[0].value) == 0
    assert "0 of 1 sources." in texts(app)


def test_a_source_can_be_linked_directly(hostile_ui: Settings) -> None:
    app = open_page("sources", source="evil-source")
    assert app.selectbox(key="src_pick").value == "evil-source"
    assert list(app.dataframe[1].value["claim"]) == ["evil-supplies"]
    assert "<script>alert('t')</script>" in texts(app)  # shown as typed (escaped on the wire)
