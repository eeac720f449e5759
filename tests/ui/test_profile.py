"""Entity profile: identity, claims in both directions with sources and badges, network,
timeline, downloads; unknown ids; French labels."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from graph.settings import Settings
from graph.store import open_store
from graph.ui.dossier import dossier_markdown
from graph.ui.downloads import claims_frame, subgraph
from graph.ui.model import load_profile
from tests.ui.conftest import open_page, texts, unescape


def test_clearview_profile_shows_claims_grouped_by_relation_with_their_sources(ui: Settings) -> None:
    app = open_page("profile", id="clearview-ai")
    assert app.title[0].value == "Clearview AI"
    shown = texts(app)
    assert "vendor" in shown and "United States (US)" in shown
    assert "Also known as: Clearview" in shown
    headings = [h.value for h in app.subheader]
    # Both directions, with the inverse labels of the ontology.
    for group in ("investors (1)", "was fined by (1)", "led by (1)", "valued at (1)",
                  "received an order from (1)", "contracted by (1)"):
        assert any(group in h for h in headings), (group, headings)
    links = {unescape(p.proto.label): p.proto.query_string for p in app.get("page_link")}
    assert links["Peter Thiel"] == "id=peter-thiel"
    assert links["Information Commissioner's Office"] == "id=ico"
    # Qualifiers, statuses, the source with its locator, and the single-source badge.
    assert "2021-11 · 17,000,000 GBP" in shown
    assert ":orange-badge[proposed]" in shown
    assert "line 7, chars 1854–1878" in shown
    assert shown.count("single source") == 6
    assert "Clearview AI et les contrats fédéraux américains — 2022" in shown


def test_profile_network_timeline_and_downloads_are_there(ui: Settings) -> None:
    app = open_page("profile", id="clearview-ai")
    assert [h.value for h in app.subheader][:3] == ["Neighbourhood", "Timeline", "Downloads"]
    assert app.get("plotly_chart"), "the entity timeline is drawn"
    assert any("agraph" in str(e.proto) for e in app.get("component_instance")), "network"
    buttons = {b.label for b in app.get("download_button")}
    assert buttons == {"Subgraph (Turtle)", "Subgraph (JSON-LD)", "Claims (CSV)",
                       "Cited dossier (Markdown)"}


def test_a_neighbour_profile_shows_the_other_direction(ui: Settings) -> None:
    app = open_page("profile", id="peter-thiel")
    assert app.title[0].value == "Peter Thiel"
    assert any(h.value.startswith("invested in") for h in app.subheader)
    assert any(p.proto.query_string == "id=clearview-ai" for p in app.get("page_link"))


def test_unknown_entity_says_so_and_offers_search(ui: Settings) -> None:
    app = open_page("profile", id="no-such-entity")
    assert "No entity has the id" in app.error[0].value
    assert app.text_input(key="profile_search") is not None


def test_profile_without_id_is_a_search_page(ui: Settings) -> None:
    app = open_page("profile")
    app.text_input(key="profile_search").input("thiel").run()
    assert any(p.proto.query_string == "id=peter-thiel" for p in app.get("page_link"))


def test_profile_in_french(ui: Settings) -> None:
    app = open_page("profile", lang="fr", id="clearview-ai")
    headings = " ".join(h.value for h in app.subheader)
    assert "investisseurs (1)" in headings
    assert "Voisinage" in headings
    assert "source unique" in texts(app)


def test_subgraph_downloads_parse_and_hold_the_claims(ui: Settings) -> None:
    store = open_store(ui)
    turtle = subgraph(store, "clearview-ai", "turtle")
    triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert "https://w3id.org/custodiet/entity/clearview-ai" in subjects
    assert "https://w3id.org/custodiet/claim/ico-proposed-fine" in subjects
    assert "https://w3id.org/custodiet/source/fr-article" in subjects
    assert "https://w3id.org/custodiet/claim/imy-fine-police" not in subjects  # not about Clearview
    jsonld = list(ox.parse(subgraph(store, "clearview-ai", "jsonld"), format=ox.RdfFormat.JSON_LD))
    assert len(jsonld) == len(triples)


def test_claims_csv_and_dossier_cite_every_statement(ui: Settings) -> None:
    profile = load_profile(open_store(ui), "clearview-ai", "en")
    assert profile is not None
    frame = claims_frame(profile)
    assert len(frame) == 6
    assert set(frame["source_id"]) == {"fr-article"}
    dossier = dossier_markdown(profile, "b1", "2024-01-01")
    lines = dossier.splitlines()
    statements = [i for i, line in enumerate(lines) if line[:1].isdigit()]
    assert len(statements) == 6
    for index in statements:  # every statement is followed by its source
        assert lines[index + 1].lstrip().startswith("- Source:"), lines[index: index + 2]
    assert "Information Commissioner's Office fined Clearview AI (2021-11; 17,000,000 GBP; proposed)." \
        in dossier
    assert "line 26, chars 7637–7725" in dossier


@pytest.mark.parametrize("page", ["home", "profile", "network", "timeline", "map", "sources"])
def test_hostile_labels_are_escaped_everywhere(hostile_ui: Settings, page: str) -> None:
    app = open_page(page, id="evil-corp")
    app.text_input(key="home_search").input("evil").run() if page == "home" else None
    elements = [e for kind in ("markdown", "title", "caption", "subheader", "header")
                for e in app.get(kind)]
    assert all(not getattr(e.proto, "allow_html", False) for e in elements), "no raw HTML"
    bodies = [str(e.value) for e in elements] + [p.proto.label for p in app.get("page_link")]
    for body in bodies:
        # Markup from the data only ever appears backslash-escaped.
        assert not re.search(r"(?<!\\)<(img|script|b|i)\b", body), body
        assert not re.search(r"(?<!\\)\]\(javascript", body), body
        assert not re.search(r"(?<!\\):red(?<!\\)\[", body), body
    if page in {"profile", "home"}:
        assert any("\\<img src=x" in b for b in bodies), "the hostile name is shown, escaped"
