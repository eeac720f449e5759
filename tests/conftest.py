"""Shared fixtures: stores built for real from the test ledger and from the bundled data.

Also the one rule for browser tests (``@pytest.mark.browser``): they drive Debian's Chromium
(``chromium`` on PATH, or the file ``CUSTODIET_CHROMIUM`` names). On a machine without it they
are skipped, all with the same reason; with ``CUSTODIET_REQUIRE_BROWSER=1`` (set by ``.ci/run``,
which installs Chromium) a missing browser fails them instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.pipeline import publish, validate_ledger
from graph.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_LEDGER = ROOT / "tests" / "fixtures" / "ledger"
DATA = ROOT / "data"
CHROMIUM_ENV = "CUSTODIET_CHROMIUM"
REQUIRE_BROWSER_ENV = "CUSTODIET_REQUIRE_BROWSER"
NO_CHROMIUM = "needs Debian's chromium (apt-get install chromium; .ci/run installs it)"


def chromium_path() -> str | None:
    """The Chromium the browser tests drive: ``$CUSTODIET_CHROMIUM``, else ``chromium`` on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    return shutil.which("chromium")


def require_tool(path: str | None, reason: str, required_env: str) -> str:
    """A system tool's path; without it, skip the test — or fail it when CI says the tool is
    required (``required_env`` set), so a missing install step cannot pass as a skip."""
    if path is None:
        if os.environ.get(required_env, "") not in {"", "0"}:
            pytest.fail(f"{reason}; {required_env} is set, so this is an error", pytrace=False)
        pytest.skip(reason)
    return path


def require_chromium() -> str:
    """Chromium's path; without one, skip the test (or fail it when a browser is required)."""
    return require_tool(chromium_path(), NO_CHROMIUM, REQUIRE_BROWSER_ENV)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Browser tests stop here, before their fixtures start a server, when Chromium is absent."""
    if item.get_closest_marker("browser") is not None:
        require_chromium()


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Chromium, for ``playwright.chromium.launch(executable_path=...)``."""
    return require_chromium()


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
