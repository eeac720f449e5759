"""Fixtures of the analysis tests: a store built for real from the hand-made network ledger."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.analysis.projection import clear_cache, project
from graph.pipeline import publish, validate_ledger
from graph.settings import Settings
from graph.store import open_store

NETWORK_LEDGER = Path(__file__).parent / "ledger"


def build_store(ledger: Path, store_dir: Path) -> Settings:
    settings = Settings(store_dir=store_dir, data_dir=ledger)  # type: ignore[call-arg]
    result = validate_ledger(ledger, settings, shacl=False)
    assert result.ok and result.output is not None, [d.format() for d in result.report.errors]
    publish(result.output, settings)
    return settings


@pytest.fixture(scope="session")
def network_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of an Oxigraph store built from tests/analysis/ledger (known answers)."""
    return build_store(NETWORK_LEDGER, tmp_path_factory.mktemp("network-store"))


@pytest.fixture
def network(network_store: Settings) -> nx.MultiDiGraph:
    """The full projection of the hand-made network (a fresh, mutable graph)."""
    return project(open_store(network_store))


@pytest.fixture(autouse=True)
def _fresh_projection_cache() -> None:
    """Each test starts without cached builds, so no test depends on another's reads."""
    clear_cache()
