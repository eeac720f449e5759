"""Path finder: two entities, the shortest chains of claims, each hop with its sources."""

from __future__ import annotations

from graph.settings import Settings
from tests.ui.conftest import open_page, texts


def test_path_from_investor_to_agency_goes_through_the_vendor(ui: Settings) -> None:
    app = open_page("paths", **{"from": "peter-thiel", "to": "fbi"})
    shown = texts(app).replace("**", "")
    assert "1 shortest connection(s) of 2 step(s)." in shown
    assert "Peter Thiel invested in Clearview AI" in shown
    assert "Federal Bureau of Investigation has a contract with Clearview AI (2021-12-30)" in shown
    assert "Clearview AI et les contrats fédéraux américains" in shown  # each hop's source
    expander = app.expander[0]
    assert "Peter Thiel → Clearview AI → Federal Bureau of Investigation" in expander.label.replace(
        "\\", "")
    assert {p.proto.query_string for p in app.get("page_link")} >= {
        "id=peter-thiel", "id=clearview-ai", "id=fbi"}


def test_following_claim_direction_and_hop_limit_change_the_answer(ui: Settings) -> None:
    app = open_page("paths", **{"from": "peter-thiel", "to": "fbi"})
    app.toggle(key="path_directed").set_value(True).run()
    assert "No connection within 4 steps." in texts(app)
    app.toggle(key="path_directed").set_value(False).run()
    app.slider(key="path_max_hops").set_value(1).run()
    assert "No connection within 1 steps." in texts(app)


def test_entities_are_picked_by_search(ui: Settings) -> None:
    app = open_page("paths")
    assert "Pick two entities to connect." in texts(app)
    app.text_input(key="path_from_query").input("ICO").run()
    app.text_input(key="path_to_query").input("hoan").run()
    assert app.selectbox(key="path_from_pick").value == "ico"
    assert app.selectbox(key="path_to_pick").value == "hoan-ton-that"
    shown = texts(app)
    assert "1 shortest connection(s) of 2 step(s)." in shown
    assert "weakest link: 1 source(s)" in shown


def test_unlinked_entity(ui: Settings) -> None:
    app = open_page("paths", **{"from": "peter-thiel", "to": "swedish-police"})
    assert "No connection within 4 steps." in texts(app)
