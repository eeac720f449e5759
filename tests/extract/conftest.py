"""Fixtures of the extraction tests: the known entities of data/ and the language pipelines,
each loaded once per test session (loading fr_core_news_md costs seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.extract.known import load_known
from graph.extract.mentions import Gazetteer
from graph.extract.nlp import pipeline
from graph.ledger import Ledger
from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FRENCH = ROOT.parent / "shared" / "sources" / "clearview-federal-contracts-fr.txt"
GOLD = ROOT / "tests" / "extract" / "gold"


@pytest.fixture(scope="session")
def known() -> tuple[Ledger, Gazetteer]:
    pipeline("fr")
    pipeline("en")
    return load_known(Settings(data_dir=ROOT / "data"))  # type: ignore[call-arg]
