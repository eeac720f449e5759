"""Commands that read a ledger: validate, build (YAML), validate-bulk, build-bulk, locate.

The YAML and the bulk commands are one implementation with different readers, as the pipeline
is one function with different readers.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer

from graph.cli.output import err, out, print_diagnostics
from graph.cli.progress import input_size, progress_bar
from graph.diagnostics import Report
from graph.pipeline import READERS, BuildResult, run
from graph.settings import get_settings
from graph.store import StoreError
from graph.store.builds import os_error_message

PathArg = Annotated[
    Path | None, typer.Argument(help="Ledger folder or file (default: CUSTODIET_DATA_DIR).")
]
BulkPath = Annotated[Path, typer.Argument(help="A .jsonl or .csv ledger (optionally .gz), or a "
                                                "folder of them.")]
MaxShown = Annotated[int, typer.Option(help="Print at most this many diagnostics (0: all).")]
ShowProgress = Annotated[bool, typer.Option(help="Show a progress bar on stderr.")]
Strict = Annotated[bool, typer.Option(help="Treat warnings as errors.")]


def _print(result: BuildResult, limit: int) -> None:
    print_diagnostics(result.report.items, limit)
    for violation in result.violations:
        out.print(violation.format(), markup=False)


AsOf = Annotated[str | None, typer.Option(
    "--as-of", help="Build the graph as it was known on this date (YYYY-MM-DD): only claims that "
    "had happened and been published by then, with case statuses as of then.")]


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        err.print(f"error: --as-of wants a date such as 2023-06-30, not {text!r}", markup=False)
        raise typer.Exit(1) from None


def _run(path: Path, reader: str, *, publish: bool, shacl: bool, progress: bool,
         keep_nquads: Path | None = None, as_of: dt.date | None = None) -> BuildResult:
    settings = get_settings()
    files = READERS[reader].files(path) if path.exists() else []
    label = "validating and building" if publish else "validating"
    try:
        with progress_bar(input_size(files), progress, label) as advance:
            return run([(path, reader)], settings, publish=publish, shacl=shacl,
                       keep_nquads=keep_nquads, progress=advance, as_of=as_of)
    except (StoreError, OSError) as exc:  # OSError: staging on a full disk or unwritable store
        message = os_error_message(exc, settings.store_dir) if isinstance(exc, OSError) else exc
        err.print(f"error: {message}", markup=False)
        err.print("build aborted: the store was left as it was", markup=False)
        raise typer.Exit(1) from None


def _validate(path: Path, reader: str, *, shacl: bool, strict: bool, progress: bool,
              max_shown: int) -> None:
    started = time.perf_counter()
    result = _run(path, reader, publish=False, shacl=shacl, progress=progress)
    _print(result, max_shown)
    out.print(f"{result.summary()} ({time.perf_counter() - started:.1f}s)", markup=False)
    if not result.ok or (strict and result.report.warnings):
        raise typer.Exit(1)


def _build(path: Path, reader: str, *, shacl: bool, progress: bool, max_shown: int,
           keep_nquads: Path | None = None, as_of: dt.date | None = None) -> None:
    settings = get_settings()
    started = time.perf_counter()
    result = _run(path, reader, publish=True, shacl=shacl, progress=progress,
                  keep_nquads=keep_nquads, as_of=as_of)
    _print(result, max_shown)
    if result.info is None:
        out.print(result.summary(), markup=False)
        err.print("build aborted: the store was left as it was", markup=False)
        raise typer.Exit(1)
    counts = ", ".join(f"{v} {k}" for k, v in result.info.counts.items())
    out.print(f"built {result.info.build_id} ({counts}) into {settings.backend} store in "
              f"{time.perf_counter() - started:.1f}s", markup=False)


def validate(
    path: PathArg = None,
    shacl: Annotated[bool, typer.Option(help="Also check the built RDF with SHACL.")] = True,
    strict: Strict = False,
    max_shown: MaxShown = 0,
    progress: ShowProgress = False,
) -> None:
    """Check the YAML ledger and report every problem as file:line:col with a hint."""
    _validate(path or get_settings().data_dir, "yaml", shacl=shacl, strict=strict,
              progress=progress, max_shown=max_shown)


def build(
    path: PathArg = None,
    shacl: Annotated[bool, typer.Option(help="Check the built RDF with SHACL first.")] = True,
    max_shown: MaxShown = 0,
    progress: ShowProgress = False,
    as_of: AsOf = None,
) -> None:
    """Validate the YAML ledger and publish it to the store atomically; on error nothing is written."""
    _build(path or get_settings().data_dir, "yaml", shacl=shacl, progress=progress,
           max_shown=max_shown, as_of=_day(as_of))


def validate_bulk(
    path: BulkPath,
    strict: Strict = False,
    max_shown: MaxShown = 1000,
    progress: ShowProgress = True,
) -> None:
    """Check a bulk ledger (JSON Lines / CSV) with the same rules, streamed; file:line:col."""
    _validate(path, "bulk", shacl=False, strict=strict, progress=progress, max_shown=max_shown)


def build_bulk(
    path: BulkPath,
    max_shown: MaxShown = 1000,
    progress: ShowProgress = True,
    keep_nquads: Annotated[Path | None, typer.Option(
        help="Also copy the generated N-Quads to this file.")] = None,
) -> None:
    """Validate a bulk ledger and publish it to the store atomically, streamed."""
    _build(path, "bulk", shacl=False, progress=progress, max_shown=max_shown,
           keep_nquads=keep_nquads)


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
    app.command("validate-bulk")(validate_bulk)
    app.command("build-bulk")(build_bulk)
    app.command()(locate)


__all__ = ["Report", "register"]
