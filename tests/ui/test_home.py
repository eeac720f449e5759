"""Home page: counts, newest claims, search by name, alias, typo, in both languages."""

from __future__ import annotations

from graph.settings import Settings
from tests.ui.conftest import open_page, texts


def metric(app, label: str) -> str:  # type: ignore[no-untyped-def]
    return next(str(m.value) for m in app.metric if m.label == label)


def test_home_shows_what_the_dataset_holds(ui: Settings) -> None:
    app = open_page("home")
    assert app.title[0].value == "Custodiet"
    assert metric(app, "Entities") == "8"
    assert metric(app, "Claims") == "7"
    assert metric(app, "Sources") == "1"
    by_type = app.dataframe[0].value
    assert dict(zip(by_type["type"], by_type["count"], strict=True))["data-protection authority"] == 3
    newest = app.dataframe[-1].value
    assert list(newest["date"])[:2] == ["2021-12-30", "2021-12"]
    assert "Information Commissioner's Office" in set(newest["subject"])
    assert set(newest["subject_profile"]) >= {"profile?id=fbi", "profile?id=cnil"}
    assert "1 sources: news article (1)." in texts(app)


def test_search_finds_clearview_despite_a_typo_and_links_its_profile(ui: Settings) -> None:
    app = open_page("home")
    assert not app.get("page_link") or all("Clearview" not in str(p.proto.label)
                                           for p in app.get("page_link"))
    app.text_input(key="home_search").input("clearveiw").run()
    links = [p.proto for p in app.get("page_link")]
    hit = next(link for link in links if link.label.startswith("Clearview AI"))
    assert hit.query_string == "id=clearview-ai"
    assert hit.page == "profile"


def test_search_by_acronym_and_nothing_found(ui: Settings) -> None:
    app = open_page("home")
    app.text_input(key="home_search").input("IMY").run()
    assert any(p.proto.query_string == "id=imy" for p in app.get("page_link"))
    app.text_input(key="home_search").input("zzzzqqq").run()
    assert "Nothing matches" in texts(app)


def test_french_translates_the_interface_and_the_data_labels(ui: Settings) -> None:
    # ?lang=fr, as the sidebar switch sets it for the session (the switch itself is clicked in
    # the browser test: AppTest reruns lose the sidebar when the page titles change language).
    app = open_page("home", lang="fr")
    assert [m.label for m in app.metric][:2] == ["Entités", "Affirmations"]
    assert app.sidebar.radio[0].value == "fr"
    by_type = app.dataframe[0].value
    assert "autorité de protection des données" in set(by_type["type"])
    newest = app.dataframe[-1].value
    assert "a sanctionné d'une amende" in set(newest["relation"])
    app.text_input(key="home_search").input("autorite suedoise").run()
    labels = [p.proto.label for p in app.get("page_link")]
    assert any(label.startswith("Autorité suédoise de protection de la vie privée") for label in labels)
