"""Fixtures for the dashboard tests: a store to point the app at, and a page runner.

AppTest runs the real ``app.py`` (st.navigation and all) in this process, so the app reads the
store named by the CUSTODIET_* environment, which ``use_settings`` (tests/conftest.py) sets.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from graph.pipeline import publish, validate_ledger
from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_LEDGER = ROOT / "tests" / "fixtures" / "ledger"
TIMEOUT = 60

# A vendor whose names, alias, claim note and source title are markup and script attempts; the
# escaping tests look for them on every page.
HOSTILE_LEDGER = """\
entities:
  - id: evil-corp
    types: [Vendor]
    name:
      en: "<img src=x onerror=alert(1)> *Evil* [click](javascript:alert(1)) $x$ :red[boom]"
      fr: "<script>alert(1)</script> Évil"
    aliases: ["<b>EVIL</b>"]
    country: US
sources:
  - id: evil-source
    kind: NewsArticle
    title: "<script>alert('t')</script> [t](javascript:alert(1))"
    published: 2023
    language: en
    url: https://example.org/a?b=(c)
claims:
  - id: evil-supplies
    subject: evil-corp
    predicate: supplies
    object: clearview-ai
    date: 2023-05
    note: {en: "<i>note</i> **x**", fr: "note"}
    refs:
      - source: evil-source
        locator: {paragraph: 2}
"""
HOSTILE_NAME = "<img src=x onerror=alert(1)> *Evil* [click](javascript:alert(1)) $x$ :red[boom]"


def build_ledger(ledger: Path, store_dir: Path) -> Settings:
    settings = Settings(store_dir=store_dir, data_dir=ledger)  # type: ignore[call-arg]
    result = validate_ledger(ledger, settings, shacl=False)
    assert result.output is not None, [d.format() for d in result.report.errors]
    publish(result.output, settings)
    return settings


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The test ledger plus the hostile vendor above."""
    ledger = tmp_path_factory.mktemp("hostile-ledger")
    shutil.copy(FIXTURE_LEDGER / "mini.yaml", ledger / "mini.yaml")
    (ledger / "hostile.yaml").write_text(HOSTILE_LEDGER, encoding="utf-8")
    return build_ledger(ledger, tmp_path_factory.mktemp("hostile-store"))


@pytest.fixture
def ui(built_store: Settings, use_settings: Callable[[Settings], None]) -> Settings:
    """Point the app at the store built from tests/fixtures/ledger."""
    use_settings(built_store)
    return built_store


@pytest.fixture
def hostile_ui(hostile_store: Settings, use_settings: Callable[[Settings], None]) -> Settings:
    use_settings(hostile_store)
    return hostile_store


def open_page(page: str, lang: str | None = None, **query: str) -> AppTest:
    """Run ``app.py`` on ``pages/<page>.py`` with query parameters, as a browser would."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for name, value in query.items():
        app.query_params[name] = value
    if lang:
        app.query_params["lang"] = lang
    if page != "home":
        app.switch_page(f"pages/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def texts(app: AppTest) -> str:
    """Every text the page shows, Markdown escapes removed, as a reader sees it."""
    return unescape(raw_texts(app))


def unescape(markdown: str) -> str:
    """Markdown backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def raw_texts(app: AppTest) -> str:
    """Every text the page sends (titles, headings, Markdown, captions, alerts, link labels)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "text"):
        parts += [str(e.value) for e in app.get(kind)]  # type: ignore[union-attr]
    parts += [str(e.proto.label) for e in app.get("page_link")]
    return "\n".join(parts)


def table_with(app: AppTest, column: str, value: object) -> pd.DataFrame:
    """The first data grid on the page whose ``column`` holds ``value`` (grids have no key)."""
    for grid in app.dataframe:
        frame = grid.value
        if column in frame.columns and (frame[column] == value).any():
            return frame  # type: ignore[no-any-return]
    raise AssertionError(f"no table with {value!r} in column {column!r}")
