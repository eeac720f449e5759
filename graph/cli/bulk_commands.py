"""Commands for large ledgers: ``validate-bulk`` and ``build-bulk`` (JSON Lines / CSV, streamed).

The YAML commands (``validate``, ``build``) hold the whole ledger in memory and run SHACL on the
result, which is right for hand-curated data; imports of millions of claims go through these,
which apply the same rules record by record. See docs/scaling.md for the formats.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Annotated

import typer

from graph.cli.output import err, out
from graph.diagnostics import Report
from graph.ledger.bulk import build_bulk, staging_dir, validate_bulk
from graph.settings import get_settings
from graph.store import StoreError

BulkPath = Annotated[Path, typer.Argument(help="A .jsonl or .csv ledger (optionally .gz), or a "
                                                "folder of them.")]
MaxShown = Annotated[int, typer.Option(help="Print at most this many diagnostics (0: all).")]
ShowProgress = Annotated[bool, typer.Option(help="Show a progress bar on stderr.")]


def _print(report: Report, limit: int) -> None:
    items = report.sorted()
    shown = items if limit <= 0 else items[:limit]
    for diagnostic in shown:
        out.print(diagnostic.format(), markup=False)
    if len(items) > len(shown):
        out.print(f"… and {len(items) - len(shown)} more (use --max-shown 0 to see all)",
                  markup=False)


def validate_bulk_command(
    path: BulkPath,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    max_shown: MaxShown = 1000,
    progress: ShowProgress = True,
) -> None:
    """Check a bulk ledger with the YAML ledger's rules; problems as file:line:col."""
    result = validate_bulk(path, get_settings(), progress=progress)
    _print(result.report, max_shown)
    out.print(result.summary() + f" ({result.seconds:.1f}s)", markup=False)
    if result.report.errors or (strict and result.report.warnings):
        raise typer.Exit(1)


def build_bulk_command(
    path: BulkPath,
    max_shown: MaxShown = 1000,
    progress: ShowProgress = True,
    keep_nquads: Annotated[Path | None, typer.Option(
        help="Also copy the generated N-Quads to this file.")] = None,
    piped_load: Annotated[bool, typer.Option(
        help="Load Oxigraph while validating (faster only with idle cores).")] = False,
) -> None:
    """Validate a bulk ledger and publish it to the store atomically (its bulk loader)."""
    settings = get_settings()
    started = time.perf_counter()
    try:
        if keep_nquads is None:
            result, info = build_bulk(path, settings, progress=progress, piped=piped_load)
        else:
            staging = staging_dir(settings)
            try:
                result = validate_bulk(path, settings, output=staging / "data.nq",
                                       progress=progress)
                if result.nquads is not None:
                    shutil.copyfile(result.nquads, keep_nquads)
                from graph.ledger.bulk import publish_bulk

                info = publish_bulk(result, settings) if result.ok else None
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    _print(result.report, max_shown)
    if info is None:
        out.print(result.summary(), markup=False)
        err.print("build aborted: the store was left as it was", markup=False)
        raise typer.Exit(1)
    counts = ", ".join(f"{v} {k}" for k, v in info.counts.items())
    out.print(f"built {info.build_id} ({counts}) into {settings.backend} store in "
              f"{time.perf_counter() - started:.1f}s", markup=False)


def register(app: typer.Typer) -> None:
    app.command("validate-bulk")(validate_bulk_command)
    app.command("build-bulk")(build_bulk_command)
