"""`custodiet docs`: regenerate the generated documentation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph.cli.output import err, out
from graph.settings import ROOT, get_settings


def generated_docs(app: typer.Typer, with_dataset: bool = True) -> dict[Path, str]:
    """Every generated document and its content, keyed by path."""
    from graph.docs.data_model import fill
    from graph.docs.reference import cli_reference, settings_reference

    model = ROOT / "docs" / "data-model.md"
    docs = {
        ROOT / "docs" / "cli.md": cli_reference(app),
        ROOT / "docs" / "settings.md": settings_reference(),
        model: fill(model.read_text(encoding="utf-8")),
    }
    if with_dataset:
        from graph.docs.dataset_report import render
        from graph.pipeline import validate_ledger
        from graph.vocabulary import load_vocabulary

        result = validate_ledger(get_settings().data_dir, shacl=False)
        if result.ledger is None:
            raise typer.BadParameter("data/ does not validate; run `custodiet validate` first")
        docs[ROOT / "docs" / "dataset.md"] = render(result.ledger, load_vocabulary())
    if with_dataset:
        from graph.docs.cookbook import cookbook_markdown

        docs[ROOT / "docs" / "sparql.md"] = cookbook_markdown()
    return docs


def register(app: typer.Typer) -> None:
    @app.command()
    def docs(
        check: Annotated[bool, typer.Option(help="Fail if a generated doc is out of date.")] = False,
    ) -> None:
        """Regenerate docs/cli.md, docs/settings.md and docs/dataset.md from the code and data."""
        stale = []
        for path, text in generated_docs(app).items():
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                stale.append(path)
                if not check:
                    path.write_text(text, encoding="utf-8")
        for path in stale:
            (err if check else out).print(
                f"{'out of date' if check else 'wrote'}: {path.relative_to(ROOT)}", markup=False
            )
        if check and stale:
            raise typer.Exit(1)
