"""``custodiet analyze``: centrality, communities, brokers, paths, ego networks and exports.

Every command reads the projection of the live build (``graph.analysis.projection``) with the
same filters, names entities by id, label or alias, and prints a table or JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import networkx as nx
import typer

from graph.analysis import export as exporting
from graph.analysis.brokers import brokers as find_brokers
from graph.analysis.communities import communities as find_communities
from graph.analysis.ego import ego as ego_network
from graph.analysis.measures import centrality as measure_centrality
from graph.analysis.paths import Path as ClaimPath
from graph.analysis.paths import all_simple_paths, partial_date, shortest_paths
from graph.analysis.projection import cached_project
from graph.analysis.resolve import EntityIndex, EntityResolutionError
from graph.cli.output import err, render_table
from graph.store import StoreError, Table, open_store

analyze = typer.Typer(
    help="Network analysis of the claims graph: every edge is a claim with its sources.",
    no_args_is_help=True,
)


class Output(StrEnum):
    table = "table"
    json = "json"


class By(StrEnum):
    pagerank = "pagerank"
    betweenness = "betweenness"
    degree = "degree"
    claims = "claims"


class ExportFormat(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"
    cytoscape = "cytoscape"


Predicates = Annotated[list[str] | None, typer.Option(
    "--predicate", "-P", help="Keep only claims with this predicate (repeatable).")]
EntityTypes = Annotated[list[str] | None, typer.Option(
    "--entity-type", "-T", help="Keep only entities of this class or its subclasses (repeatable).")]
MinSources = Annotated[int, typer.Option(
    help="Keep claims with at least this many independent sources.", min=1)]
AsOf = Annotated[str | None, typer.Option(
    help="The graph as it stood on this date (YYYY-MM-DD): claims valid and published then.")]
Lang = Annotated[str, typer.Option(help="Language of the labels: en or fr.")]
Format = Annotated[Output, typer.Option("--format", "-f", help="table or json.")]


def _fail(message: str) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(1)


def _graph(predicates: list[str] | None, entity_types: list[str] | None, min_sources: int,
           as_of: str | None, lang: str) -> nx.MultiDiGraph:
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise _fail(f"--as-of wants a date such as 2021-06-30, not {as_of!r}") from None
    try:
        return cached_project(open_store(), predicates=predicates, entity_types=entity_types,
                              min_sources=min_sources, as_of=day, lang=lang)
    except (StoreError, ValueError) as exc:
        raise _fail(str(exc)) from None


def _entity(graph: nx.MultiDiGraph, text: str) -> str:
    """Resolve against every entity of the build, then check it is in the projection."""
    try:
        ident = EntityIndex.from_store(open_store()).resolve(text)
    except EntityResolutionError as exc:
        raise _fail(str(exc)) from None
    except StoreError as exc:
        raise _fail(str(exc)) from None
    if ident not in graph:
        raise _fail(f"{ident} has no claim in this graph (check the filters)")
    return ident


def _print(rows: list[dict[str, Any]], columns: list[str]) -> None:
    sys.stdout.write(render_table(Table(columns, rows), "table"))  # type: ignore[arg-type]


def _json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


@analyze.command()
def centrality(
    top: Annotated[int, typer.Option(help="How many entities per list.", min=1)] = 10,
    by: Annotated[By, typer.Option(help="Measure the lists are ranked by.")] = By.pagerank,
    group: Annotated[list[str] | None, typer.Option(
        "--group", "-g", help="Rank per these classes (subclasses included) instead of per "
        "entity type (repeatable).")] = None,
    predicate: Predicates = None, entity_type: EntityTypes = None, min_sources: MinSources = 1,
    as_of: AsOf = None, lang: Lang = "en", fmt: Format = Output.table,
) -> None:
    """Degree, PageRank and betweenness: the top entities overall and per type."""
    graph = _graph(predicate, entity_type, min_sources, as_of, lang)
    try:
        result = measure_centrality(graph, top, by=by.value, types=group)  # type: ignore[arg-type]
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if fmt == Output.json:
        _json(result.to_dict())
        return
    columns = ["entity", "label", "types", "degree", "claims", "pagerank", "betweenness"]

    def rows(scores: list[Any]) -> list[dict[str, Any]]:
        return [{**s.to_dict(), "types": ", ".join(s.types), "pagerank": f"{s.pagerank:.4f}",
                 "betweenness": f"{s.betweenness:.4f}"} for s in scores]

    sampled = (f", betweenness estimated from {result.betweenness_samples} samples"
               if result.betweenness_samples else "")
    print(f"top {top} by {by.value} ({graph.number_of_nodes()} entities, "
          f"{graph.number_of_edges()} claims{sampled})")
    _print(rows(result.top), columns)
    for type_name, scores in result.top_by_type.items():
        print(f"\n{type_name}")
        _print(rows(scores), columns)


@analyze.command()
def communities(
    top: Annotated[int, typer.Option(help="Central members shown per community.", min=1)] = 5,
    seed: Annotated[int, typer.Option(help="Seed of Louvain (same seed, same answer).")] = 42,
    resolution: Annotated[float, typer.Option(help="Above 1: more, smaller communities.")] = 1.0,
    min_size: Annotated[int, typer.Option(help="Hide smaller communities.", min=1)] = 2,
    predicate: Predicates = None, entity_type: EntityTypes = None, min_sources: MinSources = 1,
    as_of: AsOf = None, lang: Lang = "en", fmt: Format = Output.table,
) -> None:
    """Louvain communities, each described by its best-linked members."""
    graph = _graph(predicate, entity_type, min_sources, as_of, lang)
    found = find_communities(graph, seed=seed, resolution=resolution, top=top, min_size=min_size)
    if fmt == Output.json:
        _json([c.to_dict() for c in found])
        return
    rows = [{"community": c.index, "size": c.size, "claims": c.claims,
             "central members": ", ".join(f"{m.label} ({m.entity})" for m in c.central),
             "types": ", ".join(f"{t} {n}" for t, n in list(c.types.items())[:4])}
            for c in found]
    _print(rows, ["community", "size", "claims", "central members", "types"])


@analyze.command()
def brokers(
    top: Annotated[int, typer.Option(help="How many brokers.", min=1)] = 10,
    side_a: Annotated[list[str] | None, typer.Option(
        help="Classes on one side (default Vendor).")] = None,
    side_b: Annotated[list[str] | None, typer.Option(
        help="Classes on the other side (default Agency and Investor).")] = None,
    predicate: Predicates = None, entity_type: EntityTypes = None, min_sources: MinSources = 1,
    as_of: AsOf = None, lang: Lang = "en", fmt: Format = Output.table,
) -> None:
    """Entities whose removal disconnects vendors from agencies or investors."""
    graph = _graph(predicate, entity_type, min_sources, as_of, lang)
    try:
        found = find_brokers(graph, side_a=side_a or ("Vendor",),
                             side_b=side_b or ("Agency", "Investor"), top=top)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if fmt == Output.json:
        _json([b.to_dict() for b in found])
        return
    if not found:
        print("no brokers: no single entity separates the two sides")
        return
    _print([{"entity": b.entity, "label": b.label, "types": ", ".join(b.types),
             "separated pairs": b.separated_pairs, "pieces": len(b.pieces)} for b in found],
           ["entity", "label", "types", "separated pairs", "pieces"])


def _print_paths(graph: nx.MultiDiGraph, found: list[ClaimPath]) -> None:
    for number, path in enumerate(found, start=1):
        labels = [str(graph.nodes[n].get("label") or n) for n in path.nodes]
        print(f"path {number}: {' → '.join(labels)} ({len(path)} hops, weakest link "
              f"{path.min_sources} source{'s' * (path.min_sources != 1)})")
        rows = [{"hop": i, "subject": h.subject, "predicate": h.predicate, "object": h.object,
                 "date": h.date_text, "claim": h.claim, "sources": ", ".join(h.sources),
                 "n": h.source_count, "weakest": "◀ weakest" if h.weakest else ""}
                for i, h in enumerate(path, start=1)]
        _print(rows, ["hop", "subject", "predicate", "object", "date", "claim", "sources", "n",
                      "weakest"])


@analyze.command()
def path(
    source: Annotated[str, typer.Argument(help="From: an entity id, label or alias.")],
    target: Annotated[str, typer.Argument(help="To: an entity id, label or alias.")],
    max_hops: Annotated[int, typer.Option(help="Longest path, in claims.", min=1)] = 4,
    limit: Annotated[int, typer.Option(help="Most paths shown.", min=1)] = 10,
    directed: Annotated[bool, typer.Option(
        help="Follow claims only from subject to object.")] = False,
    all_paths: Annotated[bool, typer.Option(
        "--all", help="All simple paths up to --max-hops (shortest first), not only the "
        "shortest.")] = False,
    predicate: Predicates = None, entity_type: EntityTypes = None, min_sources: MinSources = 1,
    as_of: AsOf = None, lang: Lang = "en", fmt: Format = Output.table,
) -> None:
    """Paths between two entities as chains of claims, each hop with its sources."""
    graph = _graph(predicate, entity_type, min_sources, as_of, lang)
    a, b = _entity(graph, source), _entity(graph, target)
    search = all_simple_paths if all_paths else shortest_paths
    found = search(graph, a, b, max_hops=max_hops, directed=directed, limit=limit)
    if fmt == Output.json:
        _json([p.to_dict() for p in found])
        return
    if not found:
        print(f"no path from {a} to {b} within {max_hops} hops")
        raise typer.Exit(1)
    _print_paths(graph, found)


@analyze.command()
def ego(
    entity: Annotated[str, typer.Argument(help="An entity id, label or alias.")],
    radius: Annotated[int, typer.Option(help="How many claims away.", min=1)] = 1,
    directed: Annotated[bool, typer.Option(help="Follow claims only outwards.")] = False,
    predicate: Predicates = None, entity_type: EntityTypes = None, min_sources: MinSources = 1,
    as_of: AsOf = None, lang: Lang = "en", fmt: Format = Output.table,
) -> None:
    """The entities within --radius claims of an entity, and the claims between them."""
    graph = _graph(predicate, entity_type, min_sources, as_of, lang)
    centre = _entity(graph, entity)
    sub = ego_network(graph, centre, radius, directed=directed)
    claims = [{"subject": u, "predicate": d["predicate"], "object": v,
               "date": partial_date(d.get("date"), d.get("date_precision")) or None,
               "claim": k, "sources": d["sources"], "source_count": d["source_count"]}
              for u, v, k, d in sorted(sub.edges(keys=True, data=True), key=lambda e: e[2])]
    if fmt == Output.json:
        nodes = [{"entity": n, "label": a.get("label"), "types": a.get("types")}
                 for n, a in sorted(sub.nodes(data=True))]
        _json({"entity": centre, "radius": radius, "nodes": nodes, "claims": claims})
        return
    print(f"{graph.nodes[centre].get('label')} ({centre}): {sub.number_of_nodes()} entities, "
          f"{sub.number_of_edges()} claims within {radius} hop{'s' * (radius != 1)}")
    _print([{**c, "date": c["date"] or "", "sources": ", ".join(c["sources"])} for c in claims],
           ["subject", "predicate", "object", "date", "claim", "sources", "source_count"])


@analyze.command("export")
def export_graph(
    output: Annotated[Path, typer.Option("-o", "--output", help="File (a folder for csv).")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format.")] = (
        ExportFormat.graphml),
    predicate: Predicates = None, entity_type: EntityTypes = None, min_sources: MinSources = 1,
    as_of: AsOf = None, lang: Lang = "en",
) -> None:
    """Write the graph for Gephi (graphml, gexf), Cytoscape (cytoscape) or spreadsheets (csv)."""
    graph = _graph(predicate, entity_type, min_sources, as_of, lang)
    written = exporting.write(graph, fmt.value, output)
    err.print(f"wrote {graph.number_of_nodes()} entities and {graph.number_of_edges()} claims "
              f"to {', '.join(map(str, written))}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(analyze, name="analyze")
