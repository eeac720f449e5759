"""`custodiet serve` is registered, with host and port defaulting to the settings."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from graph.cli import app


def test_serve_help_names_its_defaults() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    for text in ("--host", "--port", "CUSTODIET_HOST", "CUSTODIET_PORT", "/sparql"):
        assert text in result.output


def test_serve_uses_settings_when_no_option(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.server import http
    from graph.settings import get_settings

    seen: dict[str, object] = {}
    monkeypatch.setattr(http, "serve", lambda app, settings, host, port, access_log=False:
                        seen.update(host=host, port=port))
    monkeypatch.setenv("CUSTODIET_HOST", "127.0.0.2")
    monkeypatch.setenv("CUSTODIET_PORT", "8123")
    get_settings.cache_clear()
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert (seen["host"], seen["port"]) == ("127.0.0.2", 8123)
    assert CliRunner().invoke(app, ["serve", "--port", "9001"]).exit_code == 0
    assert seen["port"] == 9001
