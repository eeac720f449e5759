"""Shared fixtures: stores built for real from the test ledger and from the bundled data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.pipeline import publish, validate_ledger
from graph.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_LEDGER = ROOT / "tests" / "fixtures" / "ledger"
DATA = ROOT / "data"


def _build(ledger: Path, store_dir: Path, backend: str = "oxigraph") -> Settings:
    settings = Settings(store_dir=store_dir, backend=backend, data_dir=ledger)  # type: ignore[arg-type]
    result = validate_ledger(ledger, settings, shacl=False)
    assert result.output is not None, [d.format() for d in result.report.errors]
    publish(result.output, settings)
    return settings


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of an Oxigraph store built from tests/fixtures/ledger (read-only for tests)."""
    return _build(FIXTURE_LEDGER, tmp_path_factory.mktemp("fixture-store"))


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of an Oxigraph store built from the bundled data/."""
    return _build(DATA, tmp_path_factory.mktemp("bundled-store"))


@pytest.fixture
def use_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Point the process-wide settings (env CUSTODIET_*) at a given Settings for one test."""

    def apply(settings: Settings) -> None:
        for name, value in settings.model_dump().items():
            if value is not None:
                monkeypatch.setenv(f"CUSTODIET_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield apply
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test writes to the developer's var/store by accident."""
    if "CUSTODIET_STORE_DIR" not in os.environ:
        monkeypatch.setenv("CUSTODIET_STORE_DIR", str(tmp_path / "store"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
