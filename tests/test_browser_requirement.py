"""Browser tests skip on a machine without Chromium, and fail instead when CI requires one.

Absence is faked (``CUSTODIET_CHROMIUM`` naming a file that does not exist, or no
``chromium`` on PATH) rather than uninstalling anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM_ENV, NO_CHROMIUM, REQUIRE_BROWSER_ENV, ROOT, require_chromium

BROWSER_TEST = "tests/endpoint/test_query_page.py::test_run_an_example_in_a_browser"


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.delenv(REQUIRE_BROWSER_ENV, raising=False)
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)


def test_without_chromium_a_browser_test_is_skipped(no_chromium: None) -> None:
    with pytest.raises(pytest.skip.Exception, match="needs Debian's chromium"):
        require_chromium()


def test_without_chromium_a_browser_test_fails_when_required(
    no_chromium: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(REQUIRE_BROWSER_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=REQUIRE_BROWSER_ENV):
        require_chromium()


def test_a_configured_chromium_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv(CHROMIUM_ENV, str(fake))
    assert require_chromium() == str(fake)
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "absent"))
    monkeypatch.delenv(REQUIRE_BROWSER_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_chromium()


def _run_browser_test(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {CHROMIUM_ENV, REQUIRE_BROWSER_ENV}}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsE", "-p", "no:cacheprovider", BROWSER_TEST],
        cwd=ROOT, env=clean | {CHROMIUM_ENV: "/nonexistent/chromium"} | env,
        capture_output=True, text=True, timeout=300, check=False)


def test_the_marker_skips_before_any_server_starts_and_ci_turns_it_into_an_error() -> None:
    skipped = _run_browser_test()
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "1 skipped" in skipped.stdout and NO_CHROMIUM in skipped.stdout, skipped.stdout
    required = _run_browser_test(**{REQUIRE_BROWSER_ENV: "1"})
    assert required.returncode == 1, required.stdout + required.stderr
    assert "1 error" in required.stdout and NO_CHROMIUM in required.stdout, required.stdout


def test_ci_requires_the_browser_and_ends_with_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert f"export {REQUIRE_BROWSER_ENV}=1" in script
    assert script[-1] == "make test"
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")
