"""Task views: regulatory actions, funding rounds, customers and contracts, and their CSV."""

from __future__ import annotations

import io

import pandas as pd

from graph.settings import Settings
from tests.ui.conftest import open_page, table_with


def test_regulatory_actions_by_authority_country_amount_and_status(ui: Settings) -> None:
    app = open_page("regulatory")
    table = table_with(app, "relation", "fined")
    fine = table[table["relation"] == "fined"].iloc[0]
    assert (fine["subject"], fine["subject_country"]) == ("Information Commissioner's Office", "GB")
    assert fine["object"] == "Clearview AI"
    assert fine["amount"] == 17_000_000 and fine["currency"] == "GBP"
    assert (fine["date"], fine["status"]) == ("2021-11", "proposed")
    assert fine["claim_page"] == "claim?id=ico-proposed-fine"
    assert "Clearview AI et les contrats" in fine["source_titles"]
    # The Swedish fine on the police is an action too; a country filter keeps only Sweden.
    assert "SE" in set(table["subject_country"])
    app.sidebar.multiselect(key="reg_countries").set_value(["GB"]).run()
    narrowed = table_with(app, "relation", "fined")
    assert set(narrowed["subject_country"]) == {"GB"}


def test_regulatory_view_narrowed_to_one_entity_by_address(ui: Settings) -> None:
    app = open_page("regulatory", entity="swedish-police")
    table = app.dataframe[0].value
    assert len(table) >= 1
    assert all("Swedish Police Authority" in (s, o)
               for s, o in zip(table["subject"], table["object"], strict=True))


def test_export_is_one_clean_row_per_claim(ui: Settings) -> None:
    from graph.ui import data
    from graph.ui.families import REGULATORY
    from graph.ui.tasks import claim_table, csv_bytes, with_history

    table = with_history(claim_table(data.task_claims(REGULATORY, "en"),
                                     data.task_sources(REGULATORY), data.sources("en"), "en"),
                         "en")
    frame = pd.read_csv(io.BytesIO(csv_bytes(table)), dtype=str, keep_default_na=False)
    assert frame["claim"].is_unique
    fine = frame[frame["claim"] == "ico-proposed-fine"].iloc[0]
    assert fine["amount"] == "17000000.0" and fine["currency"] == "GBP"
    assert (fine["date"], fine["date_precision"]) == ("2021-11", "month")
    assert fine["subject_country"] == "GB" and fine["source_ids"] == "fr-article"
    assert "_status" not in frame.columns


def test_funding_links_investors_to_rounds(ui: Settings) -> None:
    app = open_page("funding")
    claims = table_with(app, "relation", "invested in")
    assert list(claims["subject"]) == ["Peter Thiel"]
    rounds = app.dataframe[0].value
    assert "Peter Thiel" in " ".join(rounds["investors"]) + " ".join(rounds["lead"])


def test_customers_and_contracts_name_buyer_and_vendor(ui: Settings) -> None:
    app = open_page("contracts")
    table = app.dataframe[0].value
    row = table.iloc[0]
    assert (row["buyer"], row["buyer_country"]) == ("Federal Bureau of Investigation", "US")
    assert row["vendor"] == "Clearview AI"
    assert row["amount"] == 18_000 and row["currency"] == "USD"


def test_task_views_in_french(ui: Settings) -> None:
    app = open_page("regulatory", lang="fr")
    assert app.title[0].value == "Actions des régulateurs"
    table = table_with(app, "relation", "a sanctionné d'une amende")
    assert "proposé" in " ".join(table["status"]) or "proposée" in " ".join(table["status"])
