"""How long the network analysis takes on synthetic graphs of 10k and 100k claims.

For each size the synthetic ledger of ``bench.generate`` (deterministic by seed) is built into a
real Oxigraph store in a temporary folder; then the projection is timed as the dashboard pays it
(three SPARQL queries, then the networkx graph), followed by every measure with its default
settings. Numbers go to docs/benchmarks.md through ``bench.report.write_section``.

    python -m bench.analysis_bench                 # 10k and 100k claims
    python -m bench.analysis_bench --sizes 10k     # quicker
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from bench.generate import Generator, parse_size, write_jsonl
from bench.report import markdown_table, write_section
from graph.analysis import measures
from graph.analysis.brokers import brokers
from graph.analysis.communities import communities
from graph.analysis.ego import ego
from graph.analysis.export import write as export
from graph.analysis.paths import all_simple_paths, shortest_paths
from graph.analysis.projection import build_projection, load_claims_data
from graph.analysis.simple import collapse
from graph.pipeline import run
from graph.settings import Settings
from graph.store import open_store

T = TypeVar("T")
PAIRS = 20  # entity pairs for the path timings


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def measure(claims: int, seed: int, folder: Path) -> dict[str, Any]:
    row: dict[str, Any] = {"claims": claims}
    ledger = folder / f"ledger-{claims}.jsonl"
    _, row["generate"] = timed(lambda: write_jsonl(Generator(claims, seed).records(), ledger))
    settings = Settings(store_dir=folder / f"store-{claims}")  # type: ignore[call-arg]
    built = run([(ledger, "bulk")], settings, shacl=False)
    assert built.info is not None, [d.format() for d in built.report.errors[:5]]
    row["rdf"], row["load"] = built.timings["validate"], built.timings["load"]
    store = open_store(settings)
    data, row["queries"] = timed(lambda: load_claims_data(store))
    graph, row["projection"] = timed(lambda: build_projection(data))
    graph = nx.freeze(graph)  # as `cached_project` hands it out: the pair graph is memoised
    row["entities"], row["edges"] = graph.number_of_nodes(), graph.number_of_edges()
    simple, row["collapse"] = timed(lambda: collapse(graph))
    row["pairs"] = simple.number_of_edges()
    _, row["degree"] = timed(lambda: dict(simple.degree()))
    measures.pagerank(nx.MultiDiGraph([("a", "b")]))  # import SciPy outside the timing (~1 s)
    _, row["pagerank"] = timed(lambda: measures.pagerank(graph))
    (_, k), row["betweenness"] = timed(lambda: measures.betweenness(graph))
    row["samples"] = k or "exact"
    _, row["centrality"] = timed(lambda: measures.centrality(graph))
    found, row["communities"] = timed(lambda: communities(graph))
    row["n_communities"] = len(found)
    _, row["brokers"] = timed(lambda: brokers(graph))
    rng = random.Random(seed)
    components: list[set[str]] = list(nx.connected_components(simple))
    giant = sorted(max(components, key=lambda c: len(set(c))))
    pairs = [tuple(rng.sample(giant, 2)) for _ in range(PAIRS)]
    _, total = timed(lambda: [shortest_paths(graph, a, b) for a, b in pairs])
    row["shortest"] = total / PAIRS
    _, total = timed(lambda: [all_simple_paths(graph, a, b, limit=10) for a, b in pairs])
    row["simple_paths"] = total / PAIRS
    hub = max(simple.degree, key=lambda item: item[1])[0]
    sub, row["ego"] = timed(lambda: ego(graph, hub, 1))
    row["ego_size"] = sub.number_of_nodes()
    _, row["graphml"] = timed(lambda: export(graph, "graphml", folder / f"g-{claims}.graphml"))
    return row


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def report(rows: list[dict[str, Any]], command: str) -> str:
    headers = ["step"] + [f"{r['claims']:,} claims" for r in rows]
    steps = [
        ("graph: entities / claims as edges / linked pairs",
         lambda r: f"{r['entities']:,} / {r['edges']:,} / {r['pairs']:,}"),
        ("3 SPARQL queries (entities, claims, sources)", lambda r: seconds(r["queries"])),
        ("projection to networkx (`build_projection`)", lambda r: seconds(r["projection"])),
        ("collapse to entity pairs (cached per frozen graph)", lambda r: seconds(r["collapse"])),
        ("degree", lambda r: seconds(r["degree"])),
        ("PageRank (SciPy, imported beforehand)", lambda r: seconds(r["pagerank"])),
        ("betweenness (samples)", lambda r: f"{seconds(r['betweenness'])} ({r['samples']})"),
        ("`centrality()` (all three + top lists)", lambda r: seconds(r["centrality"])),
        ("Louvain communities (count)",
         lambda r: f"{seconds(r['communities'])} ({r['n_communities']:,})"),
        ("brokers (block-cut tree)", lambda r: seconds(r["brokers"])),
        (f"shortest paths, mean of {PAIRS} pairs", lambda r: seconds(r["shortest"])),
        (f"simple paths ≤4 hops, limit 10, mean of {PAIRS}", lambda r: seconds(r["simple_paths"])),
        ("ego network radius 1 of the biggest hub (entities)",
         lambda r: f"{seconds(r['ego'])} ({r['ego_size']:,})"),
        ("GraphML export", lambda r: seconds(r["graphml"])),
        ("(setup) generate + RDF + Oxigraph load",
         lambda r: seconds(r["generate"] + r["rdf"] + r["load"])),
    ]
    cells: list[list[object]] = [[name, *(f(r) for r in rows)] for name, f in steps]
    table = markdown_table(headers, cells)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        "Synthetic ledgers from `bench/generate.py` (seed 1, power-law degrees), built into a "
        "real Oxigraph store. Betweenness is exact up to "
        f"{measures.BETWEENNESS_EXACT_MAX_NODES:,} entities and estimated above from k seeded "
        f"pivots, k = {measures.BETWEENNESS_BUDGET:,} // (entities + pairs) within "
        f"{measures.BETWEENNESS_SAMPLES}. Everything runs in one process with networkx's "
        "default (pure Python) backend, except PageRank (SciPy). The graph is frozen as "
        "`cached_project` returns it, so the pair graph is built once (its own row) and "
        "reused by the measures and searches after it. Load average of the machine when the "
        f"run ended: {load} (other work shares the cores: read the numbers as upper "
        "bounds).\n\n" + table
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k ...")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="custodiet-analysis-bench-") as tmp:
        for size in args.sizes.split(","):
            row = measure(parse_size(size), args.seed, Path(tmp))
            print({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()},
                  flush=True)
            rows.append(row)
    command = "python -m bench.analysis_bench" + (
        f" --sizes {args.sizes}" if args.sizes != "10k,100k" else "")
    body = report(rows, command)
    print(body)
    if not args.no_write:
        write_section("analysis", "Network analysis (graph.analysis)", body, command)


if __name__ == "__main__":
    main()
