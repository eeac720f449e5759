"""Commands that read the ledger: validate, build, locate."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from graph.cli.output import err, out
from graph.pipeline import publish, validate_ledger
from graph.settings import get_settings
from graph.store import StoreError

PathArg = Annotated[
    Path | None, typer.Argument(help="Ledger folder or file (default: CUSTODIET_DATA_DIR).")
]


def _summary(result: object) -> str:
    from graph.pipeline import Validation

    assert isinstance(result, Validation)
    errors, warnings = len(result.report.errors), len(result.report.warnings)
    ledger = result.ledger
    return (
        f"{len(result.files)} files, {len(ledger.entities)} entities, {len(ledger.sources)} "
        f"sources, {len(ledger.claims)} claims: {errors} error{'s' * (errors != 1)}, "
        f"{len(result.violations)} shape violation{'s' * (len(result.violations) != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )


def _report(result: object) -> None:
    from graph.pipeline import Validation

    assert isinstance(result, Validation)
    for diagnostic in result.report.sorted():
        out.print(diagnostic.format(), markup=False)
    for violation in result.violations:
        out.print(violation.format(), markup=False)


def validate(
    path: PathArg = None,
    shacl: Annotated[bool, typer.Option(help="Also check the built RDF with SHACL.")] = True,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
) -> None:
    """Check the ledger and report every problem as file:line:col with a hint."""
    settings = get_settings()
    with err.status("validating…"):
        result = validate_ledger(path or settings.data_dir, settings, shacl=shacl)
    _report(result)
    out.print(_summary(result), markup=False)
    if not result.ok or (strict and result.report.warnings):
        raise typer.Exit(1)


def build(
    path: PathArg = None,
    shacl: Annotated[bool, typer.Option(help="Check the built RDF with SHACL first.")] = True,
) -> None:
    """Validate the ledger and publish it to the store atomically; on error nothing is written."""
    settings = get_settings()
    started = time.perf_counter()
    with err.status("validating and building…"):
        result = validate_ledger(path or settings.data_dir, settings, shacl=shacl)
    _report(result)
    if not result.ok or result.output is None:
        out.print(_summary(result), markup=False)
        err.print("build aborted: the store was left as it was", markup=False)
        raise typer.Exit(1)
    try:
        with err.status(f"loading into the {settings.backend} store…"):
            info = publish(result.output, settings)
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    counts = ", ".join(f"{v} {k}" for k, v in info.counts.items())
    out.print(
        f"built {info.build_id} ({counts}) into {settings.backend} store in "
        f"{time.perf_counter() - started:.1f}s",
        markup=False,
    )


def locate(
    source_file: Annotated[Path, typer.Argument(help="An archived source text.")],
    fragment: Annotated[str, typer.Argument(help="Text to find in it.")],
) -> None:
    """Print the line and character offsets of a fragment, for a reference's locator."""
    text = source_file.read_text(encoding="utf-8")
    start = text.find(fragment)
    if start < 0:
        err.print(f"error: fragment not found in {source_file}", markup=False)
        raise typer.Exit(1)
    line = text.count("\n", 0, start) + 1
    out.print(f"locator: {{line: {line}, chars: [{start}, {start + len(fragment)}]}}", markup=False)


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(build)
    app.command()(locate)
