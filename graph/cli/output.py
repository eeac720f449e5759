"""Shared console helpers: one rich console on stderr for progress, plain stdout for data."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console
from rich.table import Table as RichTable

from graph.diagnostics import Diagnostic
from graph.store import Table

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


def render_table(table: Table, fmt: str) -> str:
    """A result table as text: ``table`` for people, ``csv``/``json`` for programs."""
    if fmt == "json":
        return json.dumps(table.rows, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=table.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table.rows)
        return buffer.getvalue()
    pretty = RichTable(*table.columns, show_lines=False)
    for row in table.rows:
        pretty.add_row(*("" if row.get(c) is None else str(row[c]) for c in table.columns))
    capture = Console(width=200, record=True)
    with capture.capture() as cap:
        capture.print(pretty)
    return cap.get()


def print_diagnostics(items: list[Diagnostic], limit: int) -> None:
    """Diagnostics in file/line order, at most ``limit`` of them (0: all), then how many more."""
    items = sorted(set(items), key=lambda d: (d.file, d.line, d.col, d.message))
    shown = items if limit <= 0 else items[:limit]
    for diagnostic in shown:
        out.print(diagnostic.format(), markup=False)
    if len(items) > len(shown):
        out.print(f"… and {len(items) - len(shown)} more (use --max-shown 0 to see all)",
                  markup=False)
