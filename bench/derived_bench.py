"""Derived tables (graph/derived) against SPARQL on the live store, and DuckDB against the same
rows kept as precomputed RDF in a named graph.

For each size the synthetic ledger (``bench/generate.py``, seed 1) is built through
``graph.pipeline.run`` (so the build also writes its DuckDB tables; the stage is timed). Then:

* *before*: the slow named queries the issue lists, through ``graph.store`` (rows to dicts);
* *after*: the derived API's answer to the same need (first page of 100 rows of a listing, a
  page deep into it, counts, a hub's summary and first page, the projection's rows);
* *RDF alternative*: the timeline's rows written as triples into a named graph of an Oxigraph
  store (one node per row with its sort key and 12 properties), paged with the same keyset
  condition in SPARQL (``FILTER(?k > …) ORDER BY ?k LIMIT 100``).

Times are medians of wall-clock runs after one warm-up (3 runs below 2 s, else 1), so a run
beside other work is slower; the ratios between columns of one run hold better.

    python -m bench.derived_bench --sizes 10k,100k
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.generate import Generator, parse_size, write_jsonl
from bench.report import markdown_table, write_section
from graph.analysis import projection
from graph.derived.views import Derived, open_derived
from graph.named_queries import get_query
from graph.pipeline import run
from graph.settings import Settings
from graph.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
HUB = "e0000000"
KNOWN_ON = "2020-06-30"


def timed(fn: Callable[[], Any]) -> tuple[float, int]:
    """(median ms, rows) of ``fn``; 3 runs after a warm-up when it is fast, else 1."""
    started = time.perf_counter()
    result = fn()
    first = time.perf_counter() - started
    runs = [first] if first > 2 else []
    for _ in range(0 if first > 2 else 3):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000, _count(result)


def _count(result: Any) -> int:
    if hasattr(result, "rows"):
        return len(result.rows)
    if hasattr(result, "claims"):
        return len(result.claims)
    if isinstance(result, list):
        return len(result)
    return 1


def _middle(derived: Derived, name: str, **filters: str) -> str | None:
    """A cursor half-way through a listing (found once, not timed)."""
    table = {"timeline": "timeline", "sources": "source_list"}[name]
    total = derived.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]
    page = derived.page(name, limit=max(1, min(total // 2, 10_000)), **filters)
    return page.next


def pairs(store: Store, derived: Derived) -> list[tuple[str, Callable[[], Any], str,
                                                        Callable[[], Any]]]:
    q = get_query
    middle = _middle(derived, "timeline")
    return [
        ("ui-timeline (every dated claim)",
         lambda: store.select(q("ui-timeline").render(start="0001-01-01", end="9999-12-31",
                                                      lang="en")),
         "timeline: first page", lambda: derived.page("timeline", limit=100)),
        ("", lambda: None, "timeline: page half-way", lambda: derived.page(
            "timeline", after=middle, limit=100)),
        ("ui-sources", lambda: store.select(q("ui-sources").render(lang="en")),
         "sources: first page", lambda: derived.page("sources", limit=100)),
        ("cookbook-known-on-date", lambda: store.select(q("cookbook-known-on-date").render(
            date=KNOWN_ON)),
         "known on date: first page", lambda: derived.page("known", on=KNOWN_ON, limit=100)),
        ("cookbook-single-source-claims",
         lambda: store.select(q("cookbook-single-source-claims").render()),
         "single-line: first page", lambda: derived.page("single-line", limit=100)),
        ("cookbook-claims-by-publisher",
         lambda: store.select(q("cookbook-claims-by-publisher").render()),
         "publishers: first page", lambda: derived.page("publishers", limit=100)),
        ("stats-claims-by-predicate",
         lambda: store.select(q("stats-claims-by-predicate").render()),
         "facet predicate", lambda: derived.facet("predicate")),
        ("stats-totals", lambda: store.select(q("stats-totals").render()),
         "totals", derived.totals),
        ("ui-entity-claims (hub)",
         lambda: store.select(q("ui-entity-claims").render(entity=HUB, lang="en")),
         "hub: summary + first page", lambda: (derived.entity_summary(HUB),
                                               derived.page("entity-claims", entity=HUB,
                                                            limit=100))[1]),
        ("analysis projection: 3 reads", lambda: projection._load_claims_data(store),
         "projection rows from derived", lambda: projection._from_derived(derived)),
    ]


def rdf_alternative(derived: Derived) -> tuple[float, float, float]:
    """(load s, first page ms, page half-way ms) of the timeline as RDF in a named graph."""
    rows = derived.query("SELECT * FROM timeline ORDER BY date, claim")
    base = "https://w3id.org/custodiet/derived/timeline/"
    graph = ox.NamedNode("https://w3id.org/custodiet/derived")
    props = ["precision", "predicate", "subject", "subject_label_en", "subject_label_fr",
             "object", "object_label_en", "object_label_fr", "status", "case_status",
             "source_count", "lines"]
    key = ox.NamedNode(base + "key")
    names = {p: ox.NamedNode(base + p) for p in props}
    store = ox.Store()
    started = time.perf_counter()
    quads = []
    for row in rows:
        node = ox.NamedNode(base + "row/" + row["claim"])
        quads.append(ox.Quad(node, key, ox.Literal(f"{row['date']}|{row['claim']}"), graph))
        quads += [ox.Quad(node, names[p], ox.Literal(str(row[p])), graph)
                  for p in props if row[p] is not None]
    store.extend(quads)
    load = time.perf_counter() - started
    middle = f"{rows[len(rows) // 2]['date']}|{rows[len(rows) // 2]['claim']}" if rows else ""

    def page(after: str) -> int:
        sparql = (f"SELECT ?r ?k ?p ?v WHERE {{ GRAPH <{graph.value}> {{ {{ SELECT ?r ?k WHERE "
                  f"{{ ?r <{key.value}> ?k FILTER(?k > {json.dumps(after)}) }} ORDER BY ?k "
                  f"LIMIT 100 }} ?r ?p ?v }} }}")
        return len(list(store.query(sparql)))  # type: ignore[arg-type]

    first, _ = timed(lambda: [None] * page(""))
    deep, _ = timed(lambda: [None] * page(middle))
    return load, first, deep


def measure(size: int, folder: Path) -> dict[str, Any]:
    ledger = folder / f"ledger-{size}.jsonl"
    if not ledger.exists():
        write_jsonl(Generator(size, 1).records(), ledger)
    settings = Settings(store_dir=folder / f"store-{size}")  # type: ignore[call-arg]
    shutil.rmtree(settings.store_dir, ignore_errors=True)  # a kept build would skip the load
    started = time.perf_counter()
    result = run([(ledger, "bulk")], settings, shacl=False)
    build = time.perf_counter() - started
    assert result.info is not None, [d.format() for d in result.report.errors[:5]]
    store = open_store(settings)
    derived = open_derived(settings)
    assert derived is not None
    size_mb = derived.path.stat().st_size / 1e6
    measured = []
    for before_name, before, after_name, after in pairs(store, derived):
        b = timed(before) if before_name else None
        a = timed(after)
        print(size, before_name, b, after_name, a, flush=True)
        measured.append((before_name, b, after_name, a))
    rdf = rdf_alternative(derived)
    print(size, "rdf", rdf, flush=True)
    return {"size": size, "build": build, "timings": result.timings, "mb": size_mb,
            "pairs": measured, "rdf": rdf, "quads": result.counts.get("quads", 0)}


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--folder", default=str(ROOT / "var" / "bench" / "derived"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    results = [measure(parse_size(s), folder) for s in args.sizes.split(",")]
    sizes = [f"{r['size']:,}" for r in results]
    build_rows: list[list[object]] = [[f"{r['size']:,}", f"{r['quads']:,}", f"{r['timings']['validate']:.1f}",
                   f"{r['timings'].get('derived', 0):.1f}", f"{r['timings']['load']:.1f}",
                   f"{r['build']:.1f}", f"{r['mb']:.0f}"] for r in results]
    query_rows: list[list[object]] = []
    for i, (before_name, _, after_name, _) in enumerate(results[0]["pairs"]):
        row: list[object] = [f"`{before_name}`" if before_name else "〃", after_name]
        for r in results:
            _, b, _, a = r["pairs"][i]
            row += [f"{_ms(b[0])} ({b[1]:,})" if b else "", f"{_ms(a[0])} ({a[1]:,})"]
        query_rows.append(row)
    rdf_rows: list[list[object]] = [[f"{r['size']:,}", f"{r['rdf'][0]:.1f}", _ms(r["rdf"][1]), _ms(r["rdf"][2]),
                 _ms(r["pairs"][0][3][0]), _ms(r["pairs"][1][3][0])] for r in results]
    load = os.getloadavg()
    body = (
        "Synthetic ledgers (`bench/generate.py`, seed 1) built through `graph.pipeline.run` "
        "(validation with the N-Quads, search and derived sinks, then Oxigraph's bulk load). "
        "*derived s* is writing the build's DuckDB database from the staged CSV rows (before "
        "the store switches).\n\n"
        + markdown_table(["claims", "quads", "validate+write s", "derived s",
                          "load+publish s", "build s", "derived MB"], build_rows)
        + "\n\nSlow whole-graph queries (*before*: SPARQL through `graph.store`, every row) "
          "against the derived API (*after*: `graph.derived.views`, a page of 100 rows, "
          "counts or a summary). Median ms (rows in brackets); 3 runs after a warm-up when a "
          "run is under 2 s, else 1.\n\n"
        + markdown_table(["before (SPARQL)", "after (derived)",
                          *[f"{c} {s}" for s in sizes for c in ("before", "after")]],
                         query_rows)
        + "\n\nThe alternative: the timeline's rows as RDF in a named graph of an Oxigraph "
          "store (one node per row, a sort key and 12 properties), a keyset page of 100 rows "
          "in SPARQL (`FILTER(?k > after) ORDER BY ?k LIMIT 100`), against the same page from "
          "DuckDB. Oxigraph has no range index on literals, so the filter reads every row.\n\n"
        + markdown_table(["claims", "RDF load s", "RDF first page ms", "RDF page half-way ms",
                          "DuckDB first page ms", "DuckDB page half-way ms"], rdf_rows)
        + f"\n\n1-minute load average when the run ended: {load[0]:.1f} (other work shares the "
          "two cores: read the times as upper bounds)."
    )
    if not args.no_write:
        write_section("derived", "Derived tables: DuckDB per build against SPARQL", body,
                      f"python -m bench.derived_bench --sizes {args.sizes}")
    print(body)


if __name__ == "__main__":
    main()
