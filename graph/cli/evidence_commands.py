"""Commands about the evidence itself: contested claims, and what changed between two dates."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated

import typer

from graph.cli.output import err, out, render_table
from graph.evidence.changes import changes as compute_changes
from graph.named_queries import get_query
from graph.pipeline import validate_ledger
from graph.settings import get_settings
from graph.store import StoreError, Table, open_store
from graph.vocabulary import load_vocabulary

Fmt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]


def parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        err.print(f"error: {option} wants a date such as 2023-06-30, not {text!r}", markup=False)
        raise typer.Exit(1) from None


def disputes(fmt: Fmt = "table") -> None:
    """List contested claims: declared disputes, denials, and incompatible claims found at build."""
    try:
        table = open_store().select(get_query("cookbook-contested-claims").render())
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    sys.stdout.write(render_table(table, fmt))
    if fmt == "table":
        out.print(f"{len(table.rows)} contested claim pair(s) or denial(s)", markup=False)


def changes(
    start: Annotated[str, typer.Argument(metavar="FROM", help="First date (YYYY-MM-DD).")],
    end: Annotated[str, typer.Argument(metavar="TO", help="Second date (YYYY-MM-DD).")],
    fmt: Fmt = "table",
) -> None:
    """What became known between two dates: new claims, case status changes, new disputes."""
    first, second = parse_day(start, "FROM"), parse_day(end, "TO")
    if second < first:
        err.print("error: TO is before FROM; give the earlier date first", markup=False)
        raise typer.Exit(1)
    result = validate_ledger(get_settings().data_dir, shacl=False)
    if result.ledger is None:
        err.print("error: the ledger does not validate; run `custodiet validate` first", markup=False)
        raise typer.Exit(1)
    found = compute_changes(result.ledger, load_vocabulary(), first, second)
    rows: list[dict[str, str | None]] = [
        {"change": "new claim", "claim": cid, "from": None, "to": None}
        for cid in found.new_claims]
    rows += [{"change": "status", "claim": case, "from": old, "to": new}
             for case, old, new in found.status_changes]
    rows += [{"change": f"new dispute ({d.kind})", "claim": d.claim, "from": None, "to": d.other}
             for d in found.new_disputes]
    sys.stdout.write(render_table(Table(["change", "claim", "from", "to"], rows), fmt))
    if fmt == "table":
        out.print(f"{len(found.new_claims)} new claims, {len(found.status_changes)} status "
                  f"changes, {len(found.new_disputes)} new disputes between {first} and {second}",
                  markup=False)


def register(app: typer.Typer) -> None:
    app.command()(disputes)
    app.command()(changes)
