"""The build pipeline's stages, and whether Oxigraph's ``optimize()`` should follow the load.

For each size the synthetic ledger is built twice through ``graph.pipeline.run`` (the bulk
reader), once as shipped and once with ``OPTIMIZE_AFTER_LOAD`` flipped, each in a fresh
process-free store folder; then the same named queries are timed on both stores (median of 5
after one warm-up). Writes the section ``build`` of docs/benchmarks.md.

    python -m bench.build_bench --sizes 10k,100k
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.generate import Generator, parse_size, write_jsonl
from bench.report import markdown_table, write_section
from graph.named_queries import get_query
from graph.pipeline import run
from graph.settings import Settings
from graph.store import open_store, oxigraph_store

QUERIES = [("stats-totals", {}), ("stats-claims-by-predicate", {}),
           ("ui-entity-claims", {"entity": "e0000000"}), ("cookbook-who-funds", {"entity": "e0000001"})]


def _median_ms(store: Any, sparql: str) -> float:
    store.select(sparql)
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        store.select(sparql)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def measure(claims: int, seed: int, folder: Path, optimize: bool) -> dict[str, Any]:
    ledger = folder / f"ledger-{claims}.jsonl"
    if not ledger.exists():
        write_jsonl(Generator(claims, seed).records(), ledger)
    oxigraph_store.OPTIMIZE_AFTER_LOAD = optimize
    settings = Settings(store_dir=folder / f"store-{claims}-{optimize}")  # type: ignore[call-arg]
    started = time.perf_counter()
    result = run([(ledger, "bulk")], settings, shacl=False)
    total = time.perf_counter() - started
    assert result.info is not None, [d.format() for d in result.report.errors[:5]]
    store = open_store(settings)
    queries = {name: _median_ms(store, get_query(name).render(**params)) for name, params in QUERIES}
    return {"claims": claims, "optimize": optimize, "total": total, **result.timings,
            "quads": result.counts.get("quads", 0), **queries}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    shipped = oxigraph_store.OPTIMIZE_AFTER_LOAD
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="custodiet-bench-") as tmp:
        for size in (parse_size(s) for s in args.sizes.split(",")):
            for optimize in (shipped, not shipped):
                row = measure(size, args.seed, Path(tmp), optimize)
                print(row, flush=True)
                rows.append([f"{size:,}", "yes" if optimize else "no", f"{row['quads']:,}",
                             f"{row['validate']:.1f}", f"{row['load']:.1f}",
                             f"{row['search']:.1f}", f"{row['total']:.1f}",
                             *(f"{row[name]:.1f}" for name, _ in QUERIES)])
    oxigraph_store.OPTIMIZE_AFTER_LOAD = shipped
    headers = ["claims", "optimize()", "quads", "validate+write s", "load+publish s",
               "search index s", "build s", *(f"{name} ms" for name, _ in QUERIES)]
    body = (
        "Every build goes through `graph.pipeline.run` (reader → validator → sinks → "
        "`Store.replace_file`). *validate+write* is the one streaming validator with the N-Quads "
        "and search sinks; *load+publish* is Oxigraph's bulk loader plus the atomic switch. "
        f"Shipped setting: `OPTIMIZE_AFTER_LOAD = {shipped}`; the other row flips it. Query "
        "columns: median of 5 after a warm-up, on the store each build produced.\n\n"
        + markdown_table(headers, rows)
    )
    if not args.no_write:
        write_section("build", "Build pipeline stages and optimize()", body,
                      f"python -m bench.build_bench --sizes {args.sizes}")
    print(body)


if __name__ == "__main__":
    main()
