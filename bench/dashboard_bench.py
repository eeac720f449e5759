"""Dashboard benchmark: time to first render of every whole-graph page and of profiles.

    python -m bench.dashboard_bench                   # bundled data and a 100k-claim graph
    python -m bench.dashboard_bench --sizes bundled   # bundled data only
    python -m bench.dashboard_bench --sizes 1m        # a million claims (builds it once: ~5 min)

Each page is rendered by Streamlit's AppTest (the real ``app.py`` script, every query, the
projection and the search index; not the browser's drawing) in a fresh Python process, so the
first run is what the first visitor after a start or a rebuild waits for ("cold": empty
Streamlit caches, nothing in memory; the search index's disk cache is removed too). The same
page is then rendered again in that process ("warm": what every later visitor waits for). The
profile is Clearview AI's on the bundled data; on the synthetic graph, the biggest hub's and a
typical entity's (median degree). The synthetic ledger and store are the scale benchmark's
(``bench.generate``, ``bench.run``), reused from ``var/bench`` when present (rebuilt when its
derived tables are missing or of an older format, so the pages do not silently fall back to
SPARQL). During the cold render, the time spent reading the derived tables (DuckDB queries and
their rows) and SPARQL (``Store.select``) is summed: the page's *data*, against the rest
(imports, Streamlit, figures).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.report import markdown_table, write_section

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
SAVED = WORK / "dashboard-rows.json"  # rows per size, kept between runs
REPEATS = 3  # cold processes per page; the median is reported
WARM_RUNS = 3
OTHER_PAGES = ("network", "timeline", "map", "sources")


def child(store: str, page: str, entity: str | None) -> dict[str, float]:
    """In a fresh process: render ``page`` once cold, then WARM_RUNS more times."""
    os.environ["CUSTODIET_STORE_DIR"] = store
    shutil.rmtree(Path(store) / "cache", ignore_errors=True)
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    # AppTest scans every installed package for components on its first run (about a second):
    # a cost of the test harness, not of the dashboard, so it is paid once, outside the timer.
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    spent = {"derived": 0.0, "sparql": 0.0}
    _time_calls(spent)

    def render() -> float:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        app._bidi_component_manager = components
        if entity:
            app.query_params["id"] = entity
        if page != "home":
            app.switch_page(f"pages/{page}.py")
        started = time.perf_counter()
        app.run()
        elapsed = time.perf_counter() - started
        assert not app.exception, [e.value for e in app.exception]
        assert app.title, "the page rendered nothing"
        return elapsed

    cold = render()
    data = dict(spent)
    warm = statistics.median(render() for _ in range(WARM_RUNS))
    from graph.derived.views import open_derived

    return {"cold": cold, "warm": warm, "derived_s": data["derived"], "sparql_s": data["sparql"],
            "tables": float(open_derived() is not None)}


def _time_calls(spent: dict[str, float]) -> None:
    """Sum the time of every derived-table read and every SPARQL SELECT into ``spent``."""
    from graph.derived.views import Derived
    from graph.store.oxigraph_store import OxigraphStore

    def timed(cls: Any, name: str, key: str) -> None:
        original = getattr(cls, name)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - started

        setattr(cls, name, wrapper)

    timed(Derived, "query", "derived")
    timed(OxigraphStore, "select", "sparql")


def measure(store: Path, page: str, entity: str | None, repeats: int = REPEATS) -> dict[str, float]:
    """Medians over ``repeats`` processes of the child's numbers."""
    runs = []
    for _ in range(repeats):
        args = [sys.executable, "-m", "bench.dashboard_bench", "--child", str(store), page,
                entity or ""]
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def bundled_store() -> Path:
    from graph.pipeline import publish, validate_ledger
    from graph.settings import Settings

    store = WORK / "store-dashboard-bundled"
    settings = Settings(store_dir=store)  # type: ignore[call-arg]
    result = validate_ledger(ROOT / "data", settings, shacl=False)
    if result.output is None:
        raise SystemExit("data/ does not validate: run `custodiet validate data/`")
    publish(result.output, settings)
    return store


def synthetic_store(claims: int, seed: int = 1) -> tuple[Path, dict[str, str]]:
    from bench.run import ensure_ledger, pick_entities, size_name

    ledger = ensure_ledger(claims, seed)
    store = WORK / f"store-{size_name(claims).lower()}-seed{seed}"
    if not (store / "current").exists() or not _has_tables(store):
        # Built here (an older build is rebuilt: same build id, new tables); not through
        # bench.run's child_build, which also times the raw engine's load (minutes at 1M).
        from graph.pipeline import run
        from graph.settings import Settings

        run([(ledger, "bulk")], Settings(store_dir=store), shacl=False)  # type: ignore[call-arg]
    assert _has_tables(store), "the build wrote no derived tables"
    return store, pick_entities(ledger)


def _has_tables(store: Path) -> bool:
    from graph.derived.views import open_derived
    from graph.settings import Settings

    return open_derived(Settings(store_dir=store)) is not None  # type: ignore[call-arg]


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def data_cell(result: dict[str, float]) -> str:
    """The cold render's reads: derived tables, SPARQL (ms)."""
    derived, sparql = result["derived_s"] * 1000, result["sparql_s"] * 1000
    return f"{derived:.0f} / {sparql:.0f}" + ("" if result["tables"] else " (no tables)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="bundled,100k", help="bundled and/or 100k, 10k ...")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        store, page, entity = args.child
        print(json.dumps(child(store, page, entity or None)))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    saved: dict[str, list[list[object]]] = (json.loads(SAVED.read_text()) if SAVED.exists()
                                            else {})
    rows: list[list[object]] = []
    for size in args.sizes.split(","):
        first = len(rows)
        if size == "bundled":
            store = bundled_store()
            info = json.loads(((store / "current").resolve() / "build.json").read_text())
            label = f"bundled data ({info['counts']['claims']:,} claims)"
            pages = [("home", None, "home"), ("profile", "clearview-ai", "profile: Clearview AI")]
        else:
            from bench.generate import parse_size

            claims = parse_size(size)
            store, picked = synthetic_store(claims)
            label = f"synthetic ({claims:,} claims)"
            pages = [("home", None, "home"),
                     ("profile", picked["hub"], f"profile: biggest hub ({picked['hub_degree']} claims)"),
                     ("profile", picked["typical"],
                      f"profile: typical entity ({picked['typical_degree']} claims)")]
        for page, entity, name in pages:
            result = measure(store, page, entity)
            rows.append([label, name, seconds(result["cold"]), seconds(result["warm"]),
                         data_cell(result)])
            print(rows[-1], file=sys.stderr)
        for page in OTHER_PAGES:
            result = measure(store, page, None)
            rows.append([label, page, seconds(result["cold"]),
                         seconds(result["warm"]), data_cell(result)])
            print(rows[-1], file=sys.stderr)
        saved[size] = [[*row, time.strftime("%Y-%m-%d %H:%M"), f"{os.getloadavg()[0]:.1f}"]
                       for row in rows[first:]]
    SAVED.write_text(json.dumps(saved))
    # Sizes measured by earlier runs stay in the table (with their date and load average):
    # a 1M run takes many minutes, so it is made on its own.
    rows = [row for size in sorted(saved, key=_order) for row in saved[size]]
    body = (
        "Time for the dashboard's script to produce a page (Streamlit AppTest: every query, table "
        "and figure of the page, not the browser's drawing). *Cold*: the first visitor after a "
        "start or a rebuild (fresh process, empty caches, module imports included); *warm*: later "
        f"visitors (caches keyed on the build id). Median of {REPEATS} processes per page. "
        "*Data* is the part of the cold render spent reading "
        "the build's derived tables (DuckDB queries and their rows) / SPARQL (`Store.select`), "
        "in ms; the rest is imports, Streamlit and figures. The whole-graph pages read the "
        "derived tables (docs/scaling.md, *The dashboard on derived tables*); a hub's profile "
        "too, a typical entity's profile is SPARQL (index lookups).\n\n"
        + markdown_table(["data", "page", "cold", "warm", "data ms: derived / SPARQL",
                          "measured", "load avg"], rows)
        + "\n\n*Load avg*: the 1-minute load average when that size's run ended (2 cores shared "
        "with other work: read the times as upper bounds)."
    )
    write_section("dashboard", "Dashboard: time to first render", body,
                  "python -m bench.dashboard_bench --sizes " + ",".join(sorted(saved, key=_order)))


def _order(size: str) -> int:
    if size == "bundled":
        return 0
    from bench.generate import parse_size

    return parse_size(size)


if __name__ == "__main__":
    main()
