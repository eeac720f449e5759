"""Generated docs are up to date, and nothing a user can call is undocumented."""

from __future__ import annotations

import pytest

from graph.cli import app
from graph.cli.docs_commands import generated_docs
from graph.docs.reference import subcommand_paths
from graph.settings import ROOT, Settings


@pytest.mark.parametrize("path", sorted(generated_docs(app, with_dataset=False)), ids=lambda p: p.name)
def test_generated_doc_is_current(path) -> None:  # type: ignore[no-untyped-def]
    expected = generated_docs(app, with_dataset=False)[path]
    assert path.read_text(encoding="utf-8") == expected, f"run `custodiet docs` to refresh {path.name}"


def test_dataset_doc_is_current() -> None:
    docs = generated_docs(app, with_dataset=True)
    path = ROOT / "docs" / "dataset.md"
    assert path.read_text(encoding="utf-8") == docs[path], "run `custodiet docs` to refresh dataset.md"


def test_every_command_has_help() -> None:
    import typer

    group = typer.main.get_command(app)
    for path in subcommand_paths(app):
        command = group
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        assert command.help, f"`custodiet {' '.join(path)}` has no help text"


def test_every_setting_is_described() -> None:
    for name, info in Settings.model_fields.items():
        assert info.description, f"setting {name} has no description"


def test_readme_shows_the_ci_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci in (ROOT / "README.md").read_text()
