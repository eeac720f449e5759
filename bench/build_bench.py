"""The build pipeline's stages with one and with two processes (the parallel build).

For each size the synthetic ledger (bench/generate.py, deterministic by seed) is built through
``graph.pipeline.run`` (the bulk reader, full validation, publish into a fresh Oxigraph store
folder) once per process count, each build in its own Python process so its peak memory and
CPU time are its own. The size threshold under which builds stay in-process is lifted, so "2"
really forks at every size (the *shipped* column says what a default build would use). Both
builds of a size must give the same build id (the same N-Quads bytes). Writes the section
``build`` of docs/benchmarks.md.

    python -m bench.build_bench --sizes 10k,100k
    python -m bench.build_bench --sizes 1m --section build-1m   # several minutes a build
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.generate import Generator, parse_size, write_jsonl
from bench.report import markdown_table, write_section

STAGES = ["validate", "wait", "assemble", "derived", "load", "search"]


def one_build(ledger: Path, store: Path, workers: int) -> dict[str, Any]:
    """One build in this process (called in a fresh interpreter by ``measure``)."""
    import graph.pipeline.build as build
    from graph.pipeline import run
    from graph.settings import Settings

    shipped = build.processes([(ledger, build.READERS["bulk"])],
                              Settings(store_dir=store, build_workers=workers))  # type: ignore[call-arg]
    build.PARALLEL_MIN_BYTES = 0
    settings = Settings(store_dir=store, build_workers=workers)  # type: ignore[call-arg]
    started = time.perf_counter()
    result = run([(ledger, "bulk")], settings, shacl=False)
    total = time.perf_counter() - started
    assert result.info is not None, [d.format() for d in result.report.errors[:5]]
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"workers": workers, "shipped": shipped, "total": total, **result.timings,
            "quads": result.counts.get("quads", 0), "build_id": result.info.build_id,
            "cpu": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
            "peak_mb": (own.ru_maxrss + children.ru_maxrss) / 1024}


def measure(ledger: Path, store: Path, workers: int) -> dict[str, Any]:
    code = ("import json, sys; from pathlib import Path; from bench.build_bench import one_build;"
            "print(json.dumps(one_build(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))))")
    done = subprocess.run([sys.executable, "-c", code, str(ledger), str(store), str(workers)],
                          check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="1,2", help="process counts to compare")
    parser.add_argument("--repeat", type=int, default=1,
                        help="builds per process count; the fastest is reported")
    parser.add_argument("--section", default="build",
                        help="section of docs/benchmarks.md (1M runs go to their own)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="custodiet-bench-") as tmp:
        for size in (parse_size(s) for s in args.sizes.split(",")):
            ledger = Path(tmp) / f"ledger-{size}.jsonl"
            write_jsonl(Generator(size, args.seed).records(), ledger)
            ids = set()
            best: dict[int, tuple[dict[str, Any], float]] = {}
            counts = [int(w) for w in args.workers.split(",")]
            for turn in range(args.repeat):  # alternate the counts: the machine's load drifts
                for workers in counts if turn % 2 == 0 else counts[::-1]:
                    load = os.getloadavg()[0]
                    store = Path(tmp) / f"store-{size}-{workers}-{turn}"
                    row = measure(ledger, store, workers)
                    shutil.rmtree(store, ignore_errors=True)
                    print(row, flush=True)
                    ids.add(row["build_id"])
                    if workers not in best or row["total"] < best[workers][0]["total"]:
                        best[workers] = (row, load)
            for workers in counts:
                row, load = best[workers]
                rows.append([f"{size:,}", workers, row["shipped"], f"{row['quads']:,}",
                             *(f"{row[s]:.1f}" if s in row else "–" for s in STAGES[:1]),
                             f"{row['cpu_longest']:.1f}",
                             *(f"{row[s]:.1f}" if s in row else "–" for s in STAGES[1:]),
                             f"{row['total']:.1f}", f"{row['cpu']:.1f}",
                             f"{row['peak_mb'] / 1024:.2f}", f"{load:.1f}"])
            assert len(ids) == 1, f"builds of {size} claims differ: {ids}"
    headers = ["claims", "processes", "shipped", "quads", "validate+write s",
               "validate CPU s (busiest process)", "wait s",
               "assemble s", "derived s", "load+publish s", "search index s", "build s",
               "CPU s", "peak GB", "load avg"]
    body = (
        "Every build goes through `graph.pipeline.run` (reader → validator → sinks → "
        "`Store.replace_file`), each in a fresh Python process, into an empty store folder. "
        "*validate+write*: the one validator with the N-Quads, search and derived sinks (with 2 "
        "processes, this process's share: every process validates everything and writes every "
        "other block, graph/pipeline/parallel.py); *validate CPU*: CPU seconds of the busiest "
        "process during validate+write, i.e. its wall time on otherwise idle cores (on this "
        "shared machine each login session's processes share one fair slice of the CPU under "
        "Linux autogroup scheduling, so a second process only shortens the wall time when the "
        "machine is quiet); *wait*: for the other process to finish its "
        "share; *assemble*: splicing the blocks in order into one N-Quads file and the derived "
        "CSV files; *derived*: the DuckDB tables; *load+publish*: Oxigraph's bulk loader, "
        "`optimize()` and the atomic switch. *shipped*: the processes a default build of that "
        "ledger uses (in-process under 8 MB of input). *CPU*: user + system of every process; "
        "*peak*: this process's peak resident memory plus the largest child's. Both rows of a "
        "size gave the same build id (same N-Quads bytes). *load avg*: the machine's 1-minute "
        "load average before the build (2 cores, shared with other work). With `--repeat N`, "
        "each count is built N times, alternating, and the fastest build is shown.\n\n"
        + markdown_table(headers, rows)
    )
    if not args.no_write:
        title = "Build pipeline stages, one and two processes"
        command = f"python -m bench.build_bench --sizes {args.sizes} --repeat {args.repeat}"
        if args.section != "build":
            title += f" ({args.sizes})"
            command += f" --workers {args.workers} --section {args.section}"
        write_section(args.section, title, body, command)
    print(body)


if __name__ == "__main__":
    main()
