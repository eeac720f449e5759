"""Timeline, map and sources pages: the expected rows for the test ledger, and filters."""

from __future__ import annotations

from graph.settings import Settings
from tests.ui.conftest import open_page, texts


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
    assert app.get("plotly_chart")
    counts = app.dataframe[0].value
    assert dict(zip(counts["country"], counts["claims"], strict=True)) == {"FR": 1, "GB": 1, "SE": 1}
    app.radio(key="map_layer").set_value("use").run()
    counts = app.dataframe[0].value
    assert dict(zip(counts["country"], counts["claims"], strict=True)) == {"US": 1}
    claims = app.dataframe[1].value
    assert list(claims["claim"]) == ["fbi-licence-2021"]
    app.radio(key="map_layer").set_value("actions").run()
    app.selectbox(key="map_country").set_value("SE").run()
    assert list(app.dataframe[1].value["object"]) == ["Swedish Police Authority"]
    app.multiselect(key="map_relations").set_value(["issued_order_to"]).run()
    assert list(app.dataframe[0].value["country"]) == ["FR"]


def test_map_in_french_names_countries_in_french(ui: Settings) -> None:
    app = open_page("map", lang="fr")
    assert set(app.dataframe[0].value["country_name"]) == {"France", "Royaume-Uni", "Suède"}


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
