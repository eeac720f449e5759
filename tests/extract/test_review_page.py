"""The dashboard's review page (Streamlit AppTest): candidates listed with their evidence,
accept and reject recorded in the review file with who decided."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from graph.extract.document import read_document
from graph.extract.engine import extract
from graph.extract.mentions import Gazetteer
from graph.extract.review import build_review, save_review
from graph.ledger import Ledger
from graph.settings import get_settings
from tests.extract.conftest import FRENCH
from tests.ui.conftest import open_page, texts


@pytest.fixture
def review_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                known: tuple[Ledger, Gazetteer]) -> Path:
    ledger, gaz = known
    data = build_review(extract(read_document(str(FRENCH)), gaz), ledger, gaz, get_settings())
    path = tmp_path / "fr-clearview-federal-contracts-2022.yaml"
    save_review(path, data)
    monkeypatch.setenv("CUSTODIET_REVIEW_DIR", str(tmp_path))
    monkeypatch.setenv("CUSTODIET_REVIEWER", "page-tester")
    return path


def _decisions(path: Path) -> dict[str, dict]:
    return {c["key"]: c for c in YAML(typ="safe").load(path.read_text(encoding="utf-8"))["claims"]}


def test_the_page_lists_candidates_and_records_decisions(review_file: Path) -> None:
    page = open_page("review")
    shown = texts(page)
    assert "Review extracted claims" in shown and "claims pending" in shown
    assert "D’après Buzzfeed News" in shown  # the evidence sentence, read from the archive
    keys = list(_decisions(review_file))
    page.button(key=f"accept-{keys[0]}").click().run()
    assert not page.exception
    page.button(key=f"reject-{keys[1]}").click().run()
    decided = _decisions(review_file)
    assert decided[keys[0]]["decision"] == "accepted"
    assert decided[keys[1]]["decision"] == "rejected"
    assert decided[keys[0]]["history"][0]["by"] == "page-tester"
    assert f"accept-{keys[1]}" not in [b.key for b in page.button]  # rejected: not shown again


def test_the_page_speaks_french_and_says_when_there_is_nothing(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTODIET_REVIEW_DIR", str(tmp_path / "empty"))
    page = open_page("review", lang="fr")
    assert "Aucun fichier de relecture" in texts(page)
