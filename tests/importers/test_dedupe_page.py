"""The dashboard's merge-candidates page, run by Streamlit's AppTest on a real ledger folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import Result

from graph.settings import get_settings
from tests.importers.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
Cli = Callable[..., Result]


def _page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page("pages/dedupe.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_decide_and_undo_from_the_page(cli: Cli, data_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    imported = cli("import", "table", FIXTURES / "contracts.csv", "--mapping",
                   FIXTURES / "contracts.yaml", "--data-dir", data_dir)
    assert imported.exit_code == 0, imported.output
    monkeypatch.setenv("CUSTODIET_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    app = _page()
    shown = " ".join(m.value for m in app.markdown)
    assert "acme\\-vision\\-systems" in shown or "acme-vision-systems" in shown
    why = next(t for t in app.text_input if (t.key or "").endswith("_acme-vision_acme-vision-systems"))
    why.input("same firm, short name").run()
    next(b for b in app.button if b.key == "dedupe_same_acme-vision_acme-vision-systems"
         ).click().run()
    assert not app.exception
    assert any("Recorded" in s.value for s in app.success)
    last = json.loads((data_dir / "resolution" / "decisions.jsonl").read_text().splitlines()[-1])
    assert (last["left"], last["judgement"], last["why"]) == (
        "acme-vision", "positive", "same firm, short name")
    assert "acme-vision-systems" in (data_dir / "imports" / "test-contracts" /
                                     "ledger.yaml").read_text()
    undo = next(b for b in app.button if (b.key or "").startswith("dedupe_undo_0_acme-vision"))
    undo.click().run()
    assert any("Undone" in s.value for s in app.success)
    last = json.loads((data_dir / "resolution" / "decisions.jsonl").read_text().splitlines()[-1])
    assert last["judgement"] == "no_judgement"
    get_settings.cache_clear()
