"""The CLI's progress bar: the pipeline reports bytes read through a callback, drawn here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from graph.cli.output import err
from graph.ledger.raw import Progress as ProgressCallback

BATCH_BYTES = 1 << 20  # redraws are batched: a call per record would cost more than the record


@contextmanager
def progress_bar(total: int, enabled: bool, label: str = "validating"
                 ) -> Iterator[ProgressCallback | None]:
    """A rich progress bar on stderr fed in bytes read, or None when disabled."""
    if not enabled:
        yield None
        return
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(label, total=total or None)
        pending = [0]

        def advance(n: int) -> None:
            pending[0] += n
            if pending[0] >= BATCH_BYTES:
                bar.update(task, advance=pending[0])
                pending[0] = 0

        yield advance
        bar.update(task, advance=pending[0])


def input_size(files: list[Path]) -> int:
    """Bytes the readers will report (compressed files report what they decompress: unknown)."""
    return sum(f.stat().st_size for f in files if f.is_file() and not f.name.endswith(".gz"))
