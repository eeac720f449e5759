"""``custodiet derived``: the live build's derived tables (counts, facets, paged listings)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from graph.cli.output import err, out, render_table
from graph.derived.views import LISTINGS, Derived, open_derived
from graph.store import StoreError, Table

app = typer.Typer(help="Whole-graph listings and counts from the live build's derived tables "
                       "(computed at build time; keyset paging with --after).",
                  no_args_is_help=True)

Fmt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]


def _derived() -> Derived:
    try:
        derived = open_derived()
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    if derived is None:
        err.print("error: the live build has no derived tables (no build yet, or it was built "
                  "before they existed, or on another machine); run `custodiet build`",
                  markup=False)
        raise typer.Exit(1)
    return derived


def _print(rows: list[dict[str, Any]], fmt: str) -> None:
    columns = list(rows[0]) if rows else []
    table = Table(columns, [{k: None if v is None else str(v) for k, v in r.items()}
                            for r in rows])
    sys.stdout.write(render_table(table, fmt))


@app.command("list")
def list_(
    name: Annotated[str, typer.Argument(help="Listing: " + ", ".join(LISTINGS) + ".")],
    after: Annotated[str | None, typer.Option(
        help="Cursor printed as `next` by the previous page (a JSON list).")] = None,
    limit: Annotated[int, typer.Option(help="Rows per page (at most 10000).")] = 50,
    where: Annotated[list[str] | None, typer.Option(
        "--where", "-w", help="Filter NAME=VALUE (e.g. start=2020-01-01, entity=clearview-ai, "
                              "on=2020-06-30, publisher=…); repeatable.")] = None,
    fmt: Fmt = "table",
) -> None:
    """One page of a whole-graph listing: timeline, sources, single-line claims, disputed,
    publishers, known (on a date), contradictions, an entity's claims."""
    if name not in LISTINGS:
        err.print(f"error: no listing {name!r}; choose one of {', '.join(LISTINGS)}", markup=False)
        raise typer.Exit(1)
    filters: dict[str, Any] = {}  # keyword filters of Derived.page (str values here)
    for item in where or []:
        key, sep, value = item.partition("=")
        if not sep:
            err.print(f"error: --where wants NAME=VALUE, not {item!r}", markup=False)
            raise typer.Exit(1)
        if key.strip() in ("after", "limit", "columns"):
            err.print(f"error: {key.strip()!r} is not a filter of {name}; use the option "
                      f"--{key.strip()} where there is one", markup=False)
            raise typer.Exit(1)
        filters[key.strip()] = value.strip()
    try:
        page = _derived().page(name, after=after, limit=limit, **filters)
    except (ValueError, json.JSONDecodeError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    _print(page.rows, fmt)
    if fmt == "table":
        out.print(f"{len(page.rows)} row(s)" + (f"; next page: --after '{page.next}'"
                                                if page.next else "; last page"), markup=False)
    elif page.next:
        err.print(f"next: {page.next}", markup=False)


@app.command()
def counts(
    facet: Annotated[str | None, typer.Argument(
        help="type, predicate, country, publisher, year or source_kind; none for the totals.")
    ] = None,
    fmt: Fmt = "table",
) -> None:
    """Totals, or the counts of one facet, of the live build."""
    derived = _derived()
    _print([derived.totals()] if facet is None else derived.facet(facet), fmt)


@app.command()
def entity(
    ident: Annotated[str, typer.Argument(metavar="ENTITY", help="Entity id.")],
    fmt: Fmt = "table",
) -> None:
    """An entity's claims counted by direction and predicate (page them with
    `derived list entity-claims -w entity=ID`)."""
    _print(_derived().entity_summary(ident), fmt)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="derived")
