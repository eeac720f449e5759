"""Commands that read the built store: query, export, stats."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer

from graph.cli.output import err, out, render_table
from graph.named_queries import get_query, named_queries
from graph.namespaces import data_prefixes
from graph.settings import get_settings
from graph.store import Store, StoreError, open_store


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class DumpFormat(StrEnum):
    ttl = "ttl"
    trig = "trig"
    nq = "nq"
    nt = "nt"
    jsonld = "jsonld"


DUMP_FORMATS = {
    DumpFormat.ttl: ox.RdfFormat.TURTLE,
    DumpFormat.trig: ox.RdfFormat.TRIG,
    DumpFormat.nq: ox.RdfFormat.N_QUADS,
    DumpFormat.nt: ox.RdfFormat.N_TRIPLES,
    DumpFormat.jsonld: ox.RdfFormat.JSON_LD,
}


def _fail(message: str) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(1)


def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL query, '@file.rq', or a named query.")],
    fmt: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=value for a named query.")
    ] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Query the graph as known on this date (YYYY-MM-DD), built from the "
        "ledger into a temporary store; the live store is not touched.")] = None,
) -> None:
    """Run a SELECT/ASK/CONSTRUCT query against the built store."""
    if sparql.startswith("@"):
        sparql = Path(sparql[1:]).read_text(encoding="utf-8")
    elif sparql in named_queries():
        values = dict(p.split("=", 1) for p in param or [])
        sparql = get_query(sparql).render(**values)
    if as_of is not None:
        with _as_of_store(as_of) as store:
            _answer(store, sparql, fmt)
        return
    _answer(open_store(), sparql, fmt)


@contextmanager
def _as_of_store(as_of: str) -> Iterator[Store]:
    """The ledger built as of a date into a throw-away embedded store."""
    from graph.pipeline import run

    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise _fail(f"--as-of wants a date such as 2023-06-30, not {as_of!r}") from None
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="custodiet-asof-") as folder:
        scratch = settings.model_copy(update={"store_dir": Path(folder), "backend": "oxigraph"})
        result = run([(settings.data_dir, "yaml")], scratch, shacl=False, as_of=day)
        if result.info is None:
            raise _fail("the ledger does not validate; run `custodiet validate` first")
        yield open_store(scratch)


def _answer(store: Store, sparql: str, fmt: TableFormat) -> None:
    keyword = _query_form(sparql)
    try:
        if keyword == "ASK":
            out.print("true" if store.ask(sparql) else "false")
        elif keyword in {"CONSTRUCT", "DESCRIBE"}:
            sys.stdout.write(store.graph(sparql))
        else:
            table = store.select(sparql)
            sys.stdout.write(render_table(table, fmt.value))
    except StoreError as exc:
        raise _fail(str(exc)) from None


def _query_form(sparql: str) -> str:
    """The query form keyword, skipping prologue and comments (good enough to pick a renderer)."""
    import re

    body = re.sub(r"<[^<>\s]*>", "<>", sparql)  # IRIs may contain '#'
    body = re.sub(r"#[^\n]*", "", body)
    body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    word = body.strip().split(None, 1)
    return word[0].upper() if word else ""


def export(
    fmt: Annotated[DumpFormat, typer.Option("--format", "-f", help="RDF serialisation.")] = (
        DumpFormat.ttl
    ),
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default stdout).")] = None,
) -> None:
    """Export the whole built dataset."""
    try:
        nquads = open_store().dump()
    except StoreError as exc:
        raise _fail(str(exc)) from None
    dataset = ox.Dataset(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))
    target = DUMP_FORMATS[fmt]
    prefixes = data_prefixes(get_settings().base_iri)
    if target in {ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES}:
        data = ox.serialize((q.triple for q in dataset), format=target, prefixes=(
            prefixes if target == ox.RdfFormat.TURTLE else None))
    elif target == ox.RdfFormat.TRIG:
        data = ox.serialize(dataset, format=target, prefixes=prefixes)
    else:
        data = ox.serialize(dataset, format=target)
    assert data is not None
    if output:
        output.write_bytes(data)
        err.print(f"wrote {len(data):,} bytes to {output}", markup=False)
    else:
        sys.stdout.buffer.write(data)


def stats() -> None:
    """Entities by type, claims by predicate, sources, and claims without a second source."""
    store = open_store()
    try:
        info = store.info()
        totals = store.select(get_query("stats-totals").render())
        types = store.select(get_query("stats-entities-by-type").render())
        predicates = store.select(get_query("stats-claims-by-predicate").render())
    except StoreError as exc:
        raise _fail(str(exc)) from None
    if info:
        out.print(f"build {info.build_id} of {info.built_at}", markup=False)
    sys.stdout.write(render_table(totals, "table"))
    sys.stdout.write(render_table(types, "table"))
    sys.stdout.write(render_table(predicates, "table"))


def register(app: typer.Typer) -> None:
    app.command()(query)
    app.command()(export)
    app.command()(stats)
