"""A rebuild is picked up without restarting the app; UI strings exist in both languages;
escaping helpers."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from graph.settings import Settings
from graph.ui.escape import md, md_link, safe_url
from graph.ui.i18n import LANGUAGES, strings
from tests.ui.conftest import FIXTURE_LEDGER, build_ledger, open_page

EXTRA = """\
entities:
  - id: new-agency
    types: [LawEnforcementAgency]
    name: {en: Newly Added Police, fr: Police nouvellement ajoutée}
    country: DE
claims:
  - subject: new-agency
    predicate: customer_of
    object: clearview-ai
    date: 2024-03
    refs:
      - source: fr-article
        locator: {line: 3}
"""


def test_a_new_build_is_shown_without_restarting(tmp_path: Path,
                                                 use_settings: Callable[[Settings], None]) -> None:
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    shutil.copy(FIXTURE_LEDGER / "mini.yaml", ledger / "mini.yaml")
    settings = build_ledger(ledger, tmp_path / "store")
    use_settings(settings)
    before = open_page("profile", id="clearview-ai")
    assert "Customers and contracts (2)" not in [h.value for h in before.header]
    (ledger / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    build_ledger(ledger, tmp_path / "store")  # same folder: `current` now points at a new build
    after = open_page("profile", id="clearview-ai")  # same process, same caches
    assert "Customers and contracts (2)" in [h.value for h in after.header]
    home = open_page("home")
    assert next(m.value for m in home.metric if m.label == "Entities") == "9"


def test_every_ui_string_has_both_languages_and_every_key_used_exists() -> None:
    table = strings()
    assert all(set(texts) == set(LANGUAGES) for texts in table.values())
    root = Path(__file__).resolve().parents[2] / "graph" / "ui"
    used = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r'\btr?\(\s*"([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert used - set(table) == set()


def test_markdown_escaping_keeps_text_literal_and_readable() -> None:
    assert md("Ton-That, 18,000 (CNIL)") == "Ton-That, 18,000 (CNIL)"
    assert md("<b>x</b> *y* [z](javascript:alert(1))") == \
        "\\<b\\>x\\</b\\> \\*y\\* \\[z\\](javascript\\:alert(1))"
    assert md("$x$ :red[y]") == "\\$x\\$ \\:red\\[y\\]"
    assert md("# h") == "\\# h" and md("1. x") == "1\\. x" and md("- x") == "\\- x"
    assert md("a\n\n# b") == "a # b"  # no new block from a newline
    assert md("$5", streamlit=False) == "$5"


def test_links_only_for_web_urls() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("https://example.org/a b") == "https://example.org/a%20b"
    assert md_link("t", "https://example.org/a_(b)") == "[t](https://example.org/a_%28b%29)"
    assert md_link("<t>", "javascript:x") == "\\<t\\>"
