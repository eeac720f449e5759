"""Entity profile: identity, claims in both directions with sources and badges, network,
timeline, downloads; unknown ids; French labels."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from graph.settings import Settings
from graph.store import open_store
from graph.ui.dossier import dossier_html, dossier_markdown
from graph.ui.downloads import claims_frame, subgraph
from graph.ui.model import load_profile
from tests.ui.conftest import open_page, raw_texts, table_with, texts


def test_clearview_profile_is_a_briefing_with_families_figures_and_an_index(ui: Settings) -> None:
    app = open_page("profile", id="clearview-ai")
    assert app.title[0].value == "Clearview AI"
    shown = texts(app)
    assert "vendor" in shown and "United States (US)" in shown
    assert "Also known as: Clearview" in shown
    headers = [h.value for h in app.header]
    assert headers[:4] == ["Funding (2)", "Customers and contracts (1)",
                           "Regulatory and legal (2)", "People (1)"]
    figures = {m.label: m.value for m in app.metric}
    assert figures["Regulatory actions against it"] == "2"
    assert figures["Fines"] == "17 M GBP"
    # The index links every section by its anchor, with its count.
    assert "[Regulatory and legal (2)](#s-regulatory)" in raw_texts(app)


def test_a_section_is_a_table_with_numeric_amounts_countries_and_claim_links(ui: Settings) -> None:
    app = open_page("profile", id="clearview-ai")
    regulatory = table_with(app, "relation", "was fined by")
    fine = regulatory[regulatory["relation"] == "was fined by"].iloc[0]
    assert fine["counterparty"] == "Information Commissioner's Office"
    assert fine["country"] == "GB"
    assert fine["amount"] == 17_000_000 and fine["currency"] == "GBP"
    assert fine["status"] == "proposed" and fine["date"] == "2021-11"
    assert fine["flags"] == "single source"
    assert fine["claim_page"] == "claim?id=ico-proposed-fine"
    order = regulatory[regulatory["relation"] == "received an order from"].iloc[0]
    assert order["detail"] == "formal notice" and order["status"] == "final"
    funding = table_with(app, "relation", "valued at")
    assert set(funding["relation"]) == {"investors", "valued at"}
    assert funding.loc[funding["relation"] == "valued at", "amount"].iloc[0] == 130_000_000


def test_cards_on_demand_show_sources_with_locators(ui: Settings) -> None:
    app = open_page("profile", id="clearview-ai")
    assert "chars 7637–7725" not in texts(app)  # cards are off by default
    app.toggle(key="cards-regulatory").set_value(True).run()
    shown = texts(app)
    assert "line 26, chars 7637–7725" in shown
    assert "Clearview AI et les contrats fédéraux américains — 2022" in shown
    assert ":orange-badge[proposed]" in shown


def test_profile_network_timeline_and_downloads_are_there(ui: Settings) -> None:
    app = open_page("profile", id="clearview-ai")
    assert [h.value for h in app.header][-3:] == ["Neighbourhood", "Timeline", "Downloads"]
    assert app.get("plotly_chart"), "the entity timeline is drawn"
    assert any("agraph" in str(e.proto) for e in app.get("component_instance")), "network"
    buttons = {b.label for b in app.get("download_button")}
    assert buttons == {"Subgraph (Turtle)", "Subgraph (JSON-LD)", "Claims (CSV)",
                       "Cited dossier (Markdown)", "Cited dossier (HTML, printable to PDF)"}


def test_a_neighbour_profile_shows_the_other_direction(ui: Settings) -> None:
    app = open_page("profile", id="peter-thiel")
    assert app.title[0].value == "Peter Thiel"
    funding = table_with(app, "relation", "invested in")
    assert list(funding["relation"]) == ["invested in"]
    assert list(funding["profile"]) == ["profile?id=clearview-ai"]


def test_a_claim_has_its_own_page(ui: Settings) -> None:
    app = open_page("claim", id="ico-proposed-fine")
    assert app.title[0].value == "Information Commissioner's Office — fined — Clearview AI"
    facts = dict(table_with(app, "field", "Amount").itertuples(index=False))
    assert facts["Amount"] == "17,000,000 GBP"
    assert facts["Status"] == "proposed"
    assert facts["Country"] == "United Kingdom, United States"
    assert "line 26, chars 7637–7725* · **supports**" in texts(app)  # locator and stance
    links = {p.proto.query_string for p in app.get("page_link")}
    assert {"id=ico", "id=clearview-ai"} <= links


def test_unknown_claim_says_so(ui: Settings) -> None:
    app = open_page("claim", id="no-such-claim")
    assert "No claim has the id" in app.error[0].value


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
    headings = " ".join(h.value for h in app.header)
    assert "Financement (2)" in headings and "Régulation et justice (2)" in headings
    assert "Voisinage" in headings
    funding = table_with(app, "relation", "investisseurs")
    assert "investisseurs" in set(funding["relation"])
    assert "source unique" in set(funding["flags"])
    app.toggle(key="cards-regulatory").set_value(True).run()
    assert "ligne 26, caractères 7637–7725" in texts(app)  # locators in French too


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


def test_claims_csv_has_one_clean_row_per_claim(ui: Settings) -> None:
    profile = load_profile(open_store(ui), "clearview-ai", "en")
    assert profile is not None
    frame = claims_frame(profile)
    assert len(frame) == 6 and frame["claim"].is_unique
    fine = frame[frame["claim"] == "ico-proposed-fine"].iloc[0]
    assert fine["amount"] == 17_000_000 and fine["currency"] == "GBP"
    assert (fine["date"], fine["date_precision"]) == ("2021-11", "month")
    assert (fine["subject_country"], fine["object_country"]) == ("GB", "US")
    assert fine["source_ids"] == "fr-article"


def test_dossier_cites_numbered_references(ui: Settings) -> None:
    profile = load_profile(open_store(ui), "clearview-ai", "en")
    assert profile is not None
    dossier = dossier_markdown(profile, "b1", "2024-01-01T00:00:00")
    lines = dossier.splitlines()
    statements = [line for line in lines if line.startswith("- ") and "\\[1\\]" in line]
    assert len(statements) == 6  # every statement cites reference 1
    assert any(line.startswith("Information Commissioner's Office fined Clearview AI "
                               "(2021-11; 17,000,000 GBP; proposed). \\[1\\]", 2)
               for line in statements)
    references = lines[lines.index("## References") + 2:]
    assert len(references) == 1 and references[0].startswith("1. *Clearview AI et les contrats")
    assert references[0].endswith("2022. \\[fr-article\\]")  # no URL: no link, no access date
    assert dossier.count("Clearview AI et les contrats fédéraux") == 1  # listed once, cited by number
    html = dossier_html(profile, "b1", "2024-01-01T00:00:00")
    assert "<ol>" in html and "<h2>References</h2>" in html


@pytest.mark.parametrize("page", ["home", "profile", "network", "timeline", "map", "sources",
                                  "regulatory", "funding", "contracts"])
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
