"""The whole-graph pages read the build's derived tables, and keep working without them.

Two copies of the test store: one whose derived database was altered in known ways (a total, a
label, a title, a map count), so a page that stopped reading the derived tables shows the RDF's
values and fails here; one whose derived database was removed, so the pages take their SPARQL
path (a remote store, an old build) and must show the same facts as before. SPARQL reads are
counted through ``graph.ui.data._table`` (every SELECT of the dashboard goes through it).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from graph.derived.tables import database
from graph.derived.views import clear_cache
from graph.settings import Settings
from graph.store import open_store
from graph.ui import data
from tests.ui.conftest import open_page, table_with, texts
from tests.ui.test_timeline_map_sources import map_counts, regions_store

__all__ = ["regions_store"]  # a fixture, shared with the map tests


def _copy(settings: Settings, target: Path) -> Settings:
    shutil.copytree(settings.store_dir, target, symlinks=True)
    return settings.model_copy(update={"store_dir": target})


def _derived_file(settings: Settings) -> Path:
    info = open_store(settings).info()
    assert info is not None
    return database(settings.store_dir, info.build_id)


@pytest.fixture(scope="module")
def altered_store(built_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The test store, its derived tables changed where the RDF says otherwise."""
    settings = _copy(built_store, tmp_path_factory.mktemp("altered") / "store")
    con = duckdb.connect(str(_derived_file(settings)))
    try:
        con.execute("UPDATE totals SET claims = 4242")
        for table in ("timeline", "newest"):  # oldest first, and newest first
            con.execute(f"UPDATE {table} SET subject_label_en = 'Derived regulator' "
                        "WHERE claim = 'imy-fine-police'")
        con.execute("UPDATE source_list SET title = 'Derived title'")
        con.execute("UPDATE map SET claims = 40 WHERE country = 'SE'")
        con.execute("UPDATE entity_claims SET other_label_en = 'Derived ICO' "
                    "WHERE entity = 'clearview-ai' AND claim = 'ico-proposed-fine'")
        con.execute("UPDATE entity_claims SET other_label_en = 'Derived Clearview' "
                    "WHERE entity = 'ico' AND claim = 'ico-proposed-fine'")
    finally:
        con.close()
    clear_cache()
    return settings


@pytest.fixture(scope="module")
def plain_store(built_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The test store without its derived tables (as a build made before they existed)."""
    settings = _copy(built_store, tmp_path_factory.mktemp("plain") / "store")
    _derived_file(settings).unlink()
    clear_cache()
    return settings


@pytest.fixture
def sparql_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SPARQL text of every SELECT the pages send (cached or not)."""
    sent: list[str] = []
    original = data._table

    def recording(key: Any, build: str, sparql: str) -> Any:
        sent.append(sparql)
        return original(key, build, sparql)

    monkeypatch.setattr(data, "_table", recording)
    yield sent


def _titles(sent: list[str]) -> list[str]:
    """The first line of each query sent (named queries start with '# title: …')."""
    return [s.strip().splitlines()[0] for s in sent]


@pytest.fixture
def altered(altered_store: Settings, use_settings: Callable[[Settings], None]) -> Settings:
    use_settings(altered_store)
    return altered_store


@pytest.fixture
def plain(plain_store: Settings, use_settings: Callable[[Settings], None]) -> Settings:
    use_settings(plain_store)
    return plain_store


def _no_claims_query(*args: object, **kwargs: object) -> None:
    raise AssertionError("a hub's profile read every claim through ui-entity-claims")


def metric(app: Any, label: str) -> str:
    return next(str(m.value) for m in app.metric if m.label == label)


def test_home_reads_totals_facets_and_newest_from_the_derived_tables(
        altered: Settings, sparql_log: list[str]) -> None:
    app = open_page("home")
    assert metric(app, "Claims") == "4242"
    assert "Derived regulator" in set(app.dataframe[-1].value["subject"])
    assert sparql_log == []


def test_timeline_reads_a_page_of_the_derived_timeline(altered: Settings,
                                                       sparql_log: list[str]) -> None:
    app = open_page("timeline")
    table = app.dataframe[0].value
    assert "Derived regulator" in set(table["subject"])
    assert "Rows 1–4 of 4." in texts(app)
    app.sidebar.multiselect(key="tl_statuses").set_value(["final"]).run()
    assert list(app.dataframe[0].value["claim"]) == ["cnil-formal-notice", "imy-fine-police"]
    assert sparql_log == []


def test_timeline_pages_with_the_keyset_cursor(altered: Settings,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.ui.views import timeline

    monkeypatch.setattr(timeline, "PAGE_ROWS", 3)
    app = open_page("timeline")
    assert list(app.dataframe[0].value["date"]) == ["2021-12-30", "2021-12", "2021-11"]
    assert "Rows 1–3 of 4." in texts(app)
    app.button(key="tl_page_next").click().run()
    assert list(app.dataframe[0].value["date"]) == ["2021-02"]
    assert "Rows 4–4 of 4." in texts(app)
    app.button(key="tl_page_prev").click().run()
    assert len(app.dataframe[0].value) == 3


def test_sources_and_map_read_the_derived_tables(altered: Settings,
                                                 sparql_log: list[str]) -> None:
    app = open_page("sources")
    assert list(app.dataframe[0].value["title"]) == ["Derived title"]
    assert _titles(sparql_log) == ["# title: Claims a source supports"]  # the chosen one's details
    sparql_log.clear()
    app = open_page("map")
    assert map_counts(app) == {"FRA": 1, "GBR": 1, "SWE": 40}
    app.selectbox(key="map_country").set_value("SE").run()
    assert list(app.dataframe[1].value["object"]) == ["Swedish Police Authority"]
    assert sparql_log == []


def test_a_hub_profile_reads_counts_and_newest_claims_from_the_derived_tables(
        altered: Settings, sparql_log: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "HUB_CLAIMS", 2)
    monkeypatch.setattr(data, "PER_RELATION", 1)
    monkeypatch.setattr(data, "load_profile", _no_claims_query)
    app = open_page("profile", id="clearview-ai")
    shown = texts(app)
    assert "A hub of 6 claims" in shown
    headers = [h.value for h in app.header]
    assert headers[:4] == ["Funding (2)", "Customers and contracts (1)",
                           "Regulatory and legal (2)", "People (1)"]
    regulatory = table_with(app, "relation", "was fined by")
    fine = regulatory[regulatory["relation"] == "was fined by"].iloc[0]
    assert fine["counterparty"] == "Derived ICO"
    assert fine["amount"] == 17_000_000 and fine["currency"] == "GBP"
    assert fine["status"] == "proposed" and fine["date"] == "2021-11"
    assert {m.label: m.value for m in app.metric}["Fines"] == "17 M GBP"
    assert sparql_log == []
    app.toggle(key="cards-regulatory").set_value(True).run()  # references read on demand
    assert "line 26, chars 7637–7725" in texts(app)


def test_a_hub_relation_pages_in(regions_store: Settings, use_settings: Callable[[Settings], None],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    use_settings(regions_store)  # four orders to Clearview AI: one relation to page through
    monkeypatch.setattr(data, "HUB_CLAIMS", 2)
    monkeypatch.setattr(data, "PER_RELATION", 1)
    app = open_page("profile", id="clearview-ai")
    assert [h.value for h in app.header][2] == "Regulatory and legal (5)"
    picker = app.selectbox(key="rel-regulatory")
    assert picker.value is None  # nothing read until a relation is picked
    section = table_with(app, "relation", "received an order from")
    head = list(section[section["relation"] == "received an order from"]["claim_page"])
    picker.set_value(("in", "issued_order_to")).run()
    seen = head + list(_page_table(app)["claim_page"])
    assert "Rows 2–2 of 4." in texts(app)
    for _ in range(2):
        app.button(key="relpage-regulatory_next").click().run()
        seen += list(_page_table(app)["claim_page"])
    assert len(seen) == len(set(seen)) == 4  # every order once, one page at a time
    assert "Rows 4–4 of 4." in texts(app)
    assert app.button(key="relpage-regulatory_next").disabled


def _page_table(app: Any) -> Any:
    """The table of the relation being paged (after the regulatory section's own table)."""
    frames = [d.value for d in app.dataframe if "claim_page" in d.value.columns]
    return next(f for f in reversed(frames) if set(f["relation"]) == {"received an order from"})


def test_a_hub_claim_page_reads_the_claim_and_its_references_from_the_derived_tables(
        altered: Settings, sparql_log: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "HUB_CLAIMS", 0)  # the ICO is a hub: its profile is partial
    monkeypatch.setattr(data, "load_profile", _no_claims_query)
    app = open_page("claim", id="ico-proposed-fine")
    assert app.title[0].value == "Information Commissioner's Office — fined — Derived Clearview"
    assert "line 26, chars 7637–7725* · **supports**" in texts(app)
    assert _titles(sparql_log) == ["# title: Details of given claims"]  # its subject, by id


def test_the_network_of_a_large_graph_is_a_bounded_picture_from_the_derived_tables(
        altered: Settings, sparql_log: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.ui.test_network import check_filters, graph_data

    full = graph_data(open_page("network"))
    monkeypatch.setattr(data, "NETWORK_FULL_CLAIMS", 0)
    sparql_log.clear()
    app = open_page("network")
    bounded = graph_data(app)
    assert "this picture is bounded" in texts(app)
    # The test graph is smaller than the cap: the same entities and claims as the projection.
    assert {n["id"] for n in bounded["nodes"]} == {n["id"] for n in full["nodes"]}
    assert len(bounded["edges"]) == len(full["edges"]) == 6
    assert sparql_log == []
    check_filters(app)


def test_without_derived_tables_the_pages_read_sparql(
        plain: Settings, sparql_log: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "HUB_CLAIMS", 2)  # a hub, but no derived tables to read
    monkeypatch.setattr(data, "NETWORK_FULL_CLAIMS", 0)
    assert data.derived() is None
    app = open_page("home")
    assert metric(app, "Claims") == "7"
    assert "# title: Totals" in _titles(sparql_log)
    app = open_page("timeline")
    assert list(app.dataframe[0].value["date"]) == ["2021-12-30", "2021-12", "2021-11", "2021-02"]
    assert "4 of 4 dated claims." in texts(app)
    app = open_page("sources")
    assert list(app.dataframe[0].value["source"]) == ["fr-article"]
    assert list(app.dataframe[0].value["claims"]) == [7]
    app = open_page("map")
    assert map_counts(app) == {"FRA": 1, "GBR": 1, "SWE": 1}
    app = open_page("profile", id="clearview-ai")
    assert [h.value for h in app.header][:2] == ["Funding (2)", "Customers and contracts (1)"]
    assert "A hub of" not in texts(app)
    app = open_page("network")
    assert "8 entities and 6 claims match" in texts(app)
