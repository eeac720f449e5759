"""The scale benchmark: build time and memory, every named query, search, analysis, per size.

    python -m bench.run                          # 10k and 100k claims
    python -m bench.run --sizes 10k,100k,1m      # the full curve (the 1M build takes minutes)
    python -m bench.run --sizes 1m --reuse       # re-measure queries on an existing 1M store
    python -m bench.run --remote                 # also through the `oxigraph` package's server
    python -m bench.run --sizes 100k --virtuoso  # also on Virtuoso Open Source (virtuoso-t)
    python -m bench.run --sizes 100k --virtuoso-only   # only add the Virtuoso column (reuse)

For each size the synthetic ledger (``bench.generate``, deterministic by seed) is built with
``custodiet build-bulk`` in a child process (wall time and peak RSS of that process), and the
same N-Quads are bulk-loaded by the raw engine for the ratio. Then every named query in
``graph/queries`` is timed three ways in the same run: through our store layer, as the same
SPARQL on the raw pyoxigraph store, and on rdflib's in-memory graph (the naive baseline, up to
``--rdflib-max``). Entity queries run for a typical entity (median degree) and for the biggest
hub. Results accumulate in ``var/bench/results.json`` and are written to docs/benchmarks.md
through ``bench.report.write_section`` (section ``scale``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench.generate import Generator, parse_size, write_jsonl
from bench.report import markdown_table, write_section

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
SLOW = 5.0  # seconds: a query this slow at one size is not re-run at the next
TIME_BUDGET = 4.0  # seconds of repeats per query and engine (after one warm-up run)
RDFLIB_TIMEOUT = 10  # seconds; a slower rdflib query is reported as "> 10 s"
SIZE_NAMES = {1_000: "1k", 10_000: "10k", 100_000: "100k", 1_000_000: "1M"}
VIRTUOSO_BUFFERS = 250_000  # 8 kB pages: 2 GB of cache
VIRTUOSO_LIMIT = 30  # seconds per query on Virtuoso (past it: an error, never a partial result)


# -- timing helpers ---------------------------------------------------------------------------
def timings(action: Callable[[], object], budget: float = TIME_BUDGET, max_runs: int = 30,
            min_runs: int = 3) -> list[float]:
    """Run once to warm up, then repeat within ``budget`` seconds; seconds per run.

    A query slower than the whole budget is run once more only (its warm-up is kept too).
    """
    started = time.perf_counter()
    action()
    warm = time.perf_counter() - started
    if warm > budget:
        begin = time.perf_counter()
        action()
        return [warm, time.perf_counter() - begin]
    out: list[float] = []
    spent = 0.0
    while len(out) < min_runs or (spent < budget and len(out) < max_runs):
        started = time.perf_counter()
        action()
        out.append(time.perf_counter() - started)
        spent += out[-1]
    return out


def consume(result: object) -> int:
    """Pull every solution or triple out of a pyoxigraph result (evaluation is lazy)."""
    if isinstance(result, Iterable):
        return sum(1 for _ in result)
    return 1


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 0.001:
        return f"{seconds * 1000:.2f}"
    return f"{seconds * 1000:.1f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def size_name(claims: int) -> str:
    return SIZE_NAMES.get(claims, str(claims))


# -- children (own process: clean peak memory, and rdflib's time-outs) -------------------------
def child_build(ledger: Path, store: Path) -> dict[str, Any]:
    import pyoxigraph as ox

    from graph.pipeline import run
    from graph.settings import Settings

    settings = Settings(store_dir=store)  # type: ignore[call-arg]
    started = time.perf_counter()
    result = run([(ledger, "bulk")], settings, shacl=False)
    done = time.perf_counter()
    assert result.info is not None, [d.format() for d in result.report.errors[:5]]
    info = result.info
    validated = started + result.timings["validate"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    live = (store / "current").resolve()
    with tempfile.TemporaryDirectory(dir=store) as raw_dir:
        raw_started = time.perf_counter()
        raw = ox.Store(raw_dir)
        raw.bulk_load(path=str(live / "data.nq"), format=ox.RdfFormat.N_QUADS)
        raw.flush()
        raw_load = time.perf_counter() - raw_started
        del raw
    return {"validate_s": validated - started, "load_s": done - validated,
            "build_s": done - started, "peak_mb": peak / 1024, "raw_load_s": raw_load,
            "quads": info.counts["quads"], "build_id": info.build_id, **result.outcome.counts}


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _Timeout


def child_rdflib(nquads: Path, queries_file: Path) -> dict[str, Any]:
    """Load the N-Quads into rdflib's in-memory graph and run every query (with a time-out)."""
    import rdflib

    queries: dict[str, str] = json.loads(queries_file.read_text(encoding="utf-8"))
    started = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(nquads, format="nt")
    out: dict[str, Any] = {"load_s": time.perf_counter() - started,
                           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                           "queries": {}}
    signal.signal(signal.SIGALRM, _alarm)
    for name, sparql in queries.items():
        runs: list[float] = []
        try:
            for _ in range(3):
                signal.alarm(RDFLIB_TIMEOUT)
                begin = time.perf_counter()
                list(graph.query(sparql))
                runs.append(time.perf_counter() - begin)
                signal.alarm(0)
                if runs[-1] > 2:
                    break
            out["queries"][name] = runs
        except _Timeout:
            out["queries"][name] = None
        except Exception as exc:  # rdflib fails on some SPARQL that Oxigraph accepts
            signal.alarm(0)
            out["queries"][name] = str(exc)[:80]
    return out


def run_child(args: list[str], timeout: float = 3600) -> dict[str, Any]:
    completed = subprocess.run([sys.executable, "-m", "bench.run", *args], cwd=ROOT,
                               capture_output=True, text=True, timeout=timeout, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# -- the measurements of one size -------------------------------------------------------------
def ensure_ledger(claims: int, seed: int) -> Path:
    folder = WORK / f"ledger-{size_name(claims).lower()}-seed{seed}"
    ledger = folder / "ledger.jsonl"
    if not ledger.exists():
        write_jsonl(Generator(claims, seed).records(), ledger)
    return ledger


def pick_entities(ledger: Path) -> dict[str, str]:
    """The hub (highest degree) and a typical entity (median degree) of the ledger."""
    degree: Counter[str] = Counter()
    with ledger.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith('{"claim"'):
                record = json.loads(line)["claim"]
                degree[record["subject"]] += 1
                if "object" in record:
                    degree[record["object"]] += 1
    ranked = degree.most_common()
    return {"hub": ranked[0][0], "typical": ranked[len(ranked) // 2][0],
            "hub_degree": str(ranked[0][1]), "typical_degree": str(ranked[len(ranked) // 2][1])}


def query_plan(entities: dict[str, str], base: str) -> dict[str, str]:
    """Every named query rendered: entity queries for the typical entity and for the hub."""
    from graph.named_queries import named_queries
    from graph.rdf.iris import Iris

    plan: dict[str, str] = {}
    iris = Iris(base)
    for name, query in named_queries().items():
        kinds = {p.kind for p in query.params}
        values = {p.name: p.default for p in query.params}
        for p in query.params:
            if p.name == "source":
                values[p.name] = "s0000000"
            elif p.name == "country":
                values[p.name] = "US"
            elif p.name == "base":
                values[p.name] = base
        if "entity" in kinds:
            for role in ("typical", "hub"):
                for p in query.params:
                    if p.kind == "entity":
                        values[p.name] = entities[role]
                plan[f"{name} ({role})"] = query.render(iris, **values)
        else:
            plan[name] = query.render(iris, **values)
    return plan


def _form(sparql: str) -> str:
    body = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith(
        ("#", "PREFIX", "prefix", "BASE")))
    for form in ("CONSTRUCT", "DESCRIBE", "ASK", "SELECT"):
        if form in body.upper():
            return form
    return "SELECT"


def measure_queries(store_dir: Path, plan: dict[str, str], skip: dict[str, str]
                    ) -> dict[str, dict[str, Any]]:
    """Time each query through our layer and on the raw engine; ``skip``: name -> why not."""
    from graph.store.oxigraph_store import OxigraphStore

    store = OxigraphStore(store_dir)
    raw = store.raw()
    out: dict[str, dict[str, Any]] = {}
    for name, sparql in plan.items():
        if name in skip:
            out[name] = {"error": skip[name]}
            continue
        form = _form(sparql)
        ours: Callable[[], object] = {
            "SELECT": lambda q=sparql: store.select(q), "ASK": lambda q=sparql: store.ask(q),
        }.get(form, lambda q=sparql: store.graph(q))
        engine = (lambda q=sparql: consume(raw.query(q)))  # noqa: E731 - the raw engine's cost
        try:
            ours_runs = timings(ours)
            raw_runs = timings(engine)
            rows = ours()
            count = len(rows.rows) if hasattr(rows, "rows") else (
                rows.count("\n") if isinstance(rows, str) else 1)
            out[name] = {"ours": ours_runs, "raw": raw_runs, "rows": count}
        except Exception as exc:
            out[name] = {"error": str(exc)[:100]}
    return out


def measure_search(store_dir: Path, seed: int) -> dict[str, Any]:
    from graph import search as search_module
    from graph.settings import Settings
    from graph.store.oxigraph_store import OxigraphStore

    settings = Settings(store_dir=store_dir)  # type: ignore[call-arg]
    search_module._cache.clear()
    started = time.perf_counter()
    index = search_module.get_index(settings)
    cold = time.perf_counter() - started
    assert index is not None
    rng = random.Random(seed)
    names = [index.entry_text[rng.randrange(len(index.entry_text))] for _ in range(25)]
    typed: list[str] = []
    for name in names:
        typed += [name[:n] for n in (2, 4, 7, 11) if len(name) >= n]
        if len(name) > 6:  # a transposition typo
            i = rng.randrange(1, len(name) - 2)
            typed.append(name[:i] + name[i + 1] + name[i] + name[i + 2:])
    runs = []
    for text in typed:
        begin = time.perf_counter()
        index.search(text, limit=10)
        runs.append(time.perf_counter() - begin)
    raw = OxigraphStore(store_dir).raw()
    scan: list[float] = []
    for text in typed[:12]:
        needle = text.lower().replace('"', "")
        sparql = ("SELECT ?e ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                  f'FILTER(CONTAINS(LCASE(STR(?l)), "{needle}")) }} LIMIT 10')
        begin = time.perf_counter()
        consume(raw.query(sparql))
        scan.append(time.perf_counter() - begin)
    return {"cold_s": cold, "runs": runs, "queries": len(typed), "scan": scan,
            "labels": len(index.entry_text)}


def measure_analysis(store_dir: Path) -> dict[str, float] | None:
    try:
        from graph.analysis.communities import communities
        from graph.analysis.measures import pagerank
        from graph.analysis.projection import build_projection, load_claims_data
    except ImportError:
        return None
    import networkx as nx

    from graph.store.oxigraph_store import OxigraphStore

    store = OxigraphStore(store_dir)
    out: dict[str, float] = {}
    begin = time.perf_counter()
    data = load_claims_data(store)
    out["queries_s"] = time.perf_counter() - begin
    begin = time.perf_counter()
    graph = nx.freeze(build_projection(data))
    out["projection_s"] = time.perf_counter() - begin
    begin = time.perf_counter()
    pagerank(graph)
    out["pagerank_s"] = time.perf_counter() - begin
    begin = time.perf_counter()
    communities(graph)
    out["communities_s"] = time.perf_counter() - begin
    return out


def measure_remote(store_dir: Path, plan: dict[str, str]) -> dict[str, Any]:
    """The same queries through RemoteStore against `oxigraph serve-read-only` on this store."""
    import socket

    import httpx

    from graph.settings import Settings
    from graph.store.remote_store import RemoteStore

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    binary = Path(sys.executable).parent / "oxigraph"
    server = subprocess.Popen([str(binary), "serve-read-only", "--location",
                               str((store_dir / "current" / "oxigraph").resolve()),
                               "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        remote = RemoteStore(Settings(backend="remote", remote_query_url=f"{url}/query"))  # type: ignore[call-arg]
        out: dict[str, Any] = {}
        for name, sparql in plan.items():
            form = _form(sparql)
            def action(q: str = sparql, form: str = form) -> object:
                return remote.select(q) if form == "SELECT" else remote.graph(q)

            try:
                out[name] = timings(action, budget=2.0)
            except Exception as exc:
                out[name] = str(exc)[:80]
        return out
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure_virtuoso(store_dir: Path, plan: dict[str, str], time_ours: bool = False
                     ) -> dict[str, Any]:
    """The same queries through RemoteStore against Virtuoso Open Source (Debian's virtuoso-t,
    started as tests/virtuoso_server.py does, limits raised), loaded with its bulk loader from
    this build's N-Quads into the graph the query URL names as default.

    ``time_ours``: also time our embedded store on each query just before Virtuoso (same budget,
    same moment), so the two columns are comparable without a full run.
    """
    from graph.named_queries import NamedQuery
    from graph.settings import Settings
    from graph.store.oxigraph_store import OxigraphStore
    from graph.store.remote_store import RemoteStore
    from tests.ordered_answers import difference, ordered_answer
    from tests.virtuoso_server import GRAPH, virtuoso_server

    ours = OxigraphStore(store_dir)
    with tempfile.TemporaryDirectory(prefix="virtuoso-", dir=WORK) as tmp, virtuoso_server(
            Path(tmp) / "db", buffers=VIRTUOSO_BUFFERS, execution_seconds=VIRTUOSO_LIMIT) as server:
        nquads = Path(tmp) / "db" / "data.nq"  # the loader reads only from allowed folders
        os.link(store_dir / "current" / "data.nq", nquads)
        begin = time.perf_counter()
        server.isql(f"ld_dir('{nquads.parent}', '{nquads.name}', '{GRAPH}')",
                    "rdf_loader_run()", "checkpoint")
        out: dict[str, Any] = {"load_s": time.perf_counter() - begin, "queries": {}}
        remote = RemoteStore(Settings(backend="remote", remote_query_url=server.query_url,  # type: ignore[call-arg]
                                      query_timeout=VIRTUOSO_LIMIT + 5))
        for name, sparql in plan.items():
            form = _form(sparql)

            def action(q: str = sparql, form: str = form) -> object:
                return remote.select(q) if form == "SELECT" else remote.graph(q)

            def embedded(q: str = sparql, form: str = form) -> object:
                return ours.select(q) if form == "SELECT" else ours.graph(q)

            ours_runs = timings(embedded, budget=2.0) if time_ours else None
            try:
                runs = timings(action, budget=2.0)
                result = action()
                count = (len(result.rows) if hasattr(result, "rows") else
                         result.count("\n") if isinstance(result, str) else 1)
                out["queries"][name] = {"runs": runs, "rows": count}
            except Exception as exc:
                out["queries"][name] = {"error": str(exc)[:80]}
                continue
            finally:
                if ours_runs is not None:
                    out["queries"][name]["ours"] = ours_runs
            if form == "SELECT":  # the same rows, in the query's own order, as embedded Oxigraph
                query = NamedQuery(name, "", "", sparql)
                out["queries"][name]["differs"] = difference(
                    query, ordered_answer(ours, query), ordered_answer(remote, query),
                    ("ours", "virtuoso"))
        return out


def too_slow(smaller: dict[str, Any] | None) -> dict[str, str]:
    """Queries that took over ``SLOW`` seconds at the previous size are not re-run bigger
    (a query cannot be interrupted inside the engine, and they only get slower)."""
    if not smaller:
        return {}
    out = {}
    for name, q in smaller.get("queries", {}).items():
        if "ours" in q and p50(q["ours"]) > SLOW:
            out[name] = f"skipped: {p50(q['ours']):.0f} s already at {size_name(smaller['claims'])}"
        elif "error" in q and q["error"].startswith("skipped"):
            out[name] = q["error"]
    return out


def measure_size(claims: int, args: argparse.Namespace, previous: dict[str, Any],
                 smaller: dict[str, Any] | None = None) -> dict[str, Any]:
    name = size_name(claims)
    ledger = ensure_ledger(claims, args.seed)
    store = WORK / f"store-{name.lower()}-seed{args.seed}"
    row: dict[str, Any] = {"claims": claims}
    if args.reuse and (store / "current").exists() and previous.get("build"):
        row["build"] = previous["build"]
    else:
        print(f"[{name}] building …", file=sys.stderr)
        row["build"] = run_child(["--child-build", str(ledger), str(store)])
    print(f"[{name}] queries …", file=sys.stderr)
    entities = pick_entities(ledger)
    row["entities"] = entities
    from graph.settings import Settings

    plan = query_plan(entities, Settings().base_iri)  # type: ignore[call-arg]
    row["queries"] = measure_queries(store, plan, too_slow(smaller))
    if claims <= args.rdflib_max:
        print(f"[{name}] rdflib …", file=sys.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as spec:
            json.dump({k: v for k, v in plan.items() if k not in too_slow(smaller)}, spec)
        try:
            row["rdflib"] = run_child(["--child-rdflib", str(store / "current" / "data.nq"),
                                       spec.name])
        finally:
            os.unlink(spec.name)
    print(f"[{name}] search …", file=sys.stderr)
    row["search"] = measure_search(store, args.seed)
    if claims <= args.analysis_max:
        print(f"[{name}] analysis …", file=sys.stderr)
        row["analysis"] = measure_analysis(store)
    if args.virtuoso:
        print(f"[{name}] virtuoso …", file=sys.stderr)
        slow = set(too_slow(smaller)) | {k for k, q in row["queries"].items()
                                         if "ours" in q and p50(q["ours"]) > SLOW}
        row["virtuoso"] = measure_virtuoso(store, {k: v for k, v in plan.items()
                                                   if k not in slow})
    if args.remote:
        print(f"[{name}] remote …", file=sys.stderr)
        skipped = set(too_slow(smaller)) | {k for k, q in row["queries"].items()
                                            if "ours" in q and p50(q["ours"]) > SLOW}
        row["remote"] = measure_remote(store, {k: v for k, v in plan.items()
                                               if k not in skipped})
    return row


def virtuoso_column(claims: int, args: argparse.Namespace, row: dict[str, Any],
                    smaller: dict[str, Any] | None) -> dict[str, Any]:
    """``--virtuoso-only``: the Virtuoso column for a size measured before, on its store."""
    name = size_name(claims)
    store = WORK / f"store-{name.lower()}-seed{args.seed}"
    if not (store / "current" / "data.nq").exists():
        raise SystemExit(f"no store at {store}: run without --virtuoso-only first")
    from graph.settings import Settings

    entities = row.get("entities") or pick_entities(ensure_ledger(claims, args.seed))
    plan = query_plan(entities, Settings().base_iri)  # type: ignore[call-arg]
    skipped = set(too_slow(smaller)) | {k for k, q in row.get("queries", {}).items()
                                        if "ours" in q and p50(q["ours"]) > SLOW}
    print(f"[{name}] virtuoso …", file=sys.stderr)
    out = measure_virtuoso(store, {k: v for k, v in plan.items() if k not in skipped},
                           time_ours=True)
    out["skipped"] = sorted(skipped)
    out["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return out


# -- the report -------------------------------------------------------------------------------
def _target(value: float, limit: float, unit: str = "ms") -> str:
    return "✓" if value <= limit else f"✗ ({value / limit:.1f}× the {limit:g} {unit} target)"


def render_virtuoso(results: dict[str, Any]) -> str:
    """``--virtuoso-only``: Virtuoso beside our embedded store, both timed in the same run."""
    parts = []
    for key in sorted(results, key=lambda k: results[k]["claims"]):
        v = results[key].get("virtuoso")
        if not v or not any("ours" in q for q in v["queries"].values()):
            continue
        label = size_name(results[key]["claims"])
        table = []
        for qname, q in v["queries"].items():
            ours = p50(q["ours"]) if q.get("ours") else None
            theirs = p50(q["runs"]) if "runs" in q else None
            ratio = theirs / ours if ours and theirs else None
            table.append([qname, q.get("rows", ""), ms(ours), _virtuoso_cell(v, qname, q.get(
                "rows", -1)), "" if ratio is None else f"{ratio:.2f}×" if ratio < 10 else
                f"{ratio:.0f}×"])
        faster = sum(1 for q in v["queries"].values()
                     if q.get("ours") and "runs" in q and p50(q["runs"]) < p50(q["ours"]))
        parts.append(
            f"### Virtuoso at {label} claims (ms)\n\nBulk-loaded in {v['load_s']:.0f} s "
            f"(`ld_dir` + `rdf_loader_run`, {VIRTUOSO_BUFFERS * 8 // 1000} MB of buffers, "
            f"{VIRTUOSO_LIMIT} s limit per query); measured {v.get('measured_at', '')}. "
            "*ours* = embedded Oxigraph through `graph.store`, timed just before Virtuoso on the "
            "same query; *virtuoso* = `RemoteStore` over HTTP (the SPARQL JSON results parsed); "
            "median of 2 s of repeats after a warm-up. Virtuoso is faster on "
            f"{faster} of {len(table)} queries. Not run (over {SLOW:g} s on ours in the last "
            f"full run): {', '.join(v.get('skipped', [])) or 'none'}.\n\n"
            + markdown_table(["query", "rows", "ours p50", "virtuoso p50", "virtuoso / ours"],
                             table)
            + _virtuoso_differences(v))
    return "\n\n".join(parts)


def render(results: dict[str, Any]) -> str:
    parts = []
    rows = []
    results = {k: v for k, v in results.items() if "build" in v}  # not a --virtuoso-only row
    for key in sorted(results, key=lambda k: results[k]["claims"]):
        b = results[key]["build"]
        rows.append([size_name(results[key]["claims"]), b["entities"], b["sources"], b["claims"],
                     b["quads"], f"{b['validate_s']:.1f}", f"{b['load_s']:.1f}",
                     f"{b['build_s']:.1f}", f"{b['raw_load_s']:.1f}",
                     f"{b['build_s'] / b['raw_load_s']:.2f}×", f"{b['peak_mb']:.0f}"])
    parts.append("### Build (`custodiet build-bulk`, full validation)\n\n" + markdown_table(
        ["size", "entities", "sources", "claims", "quads", "validate+write s", "load+publish s",
         "build s", "raw engine bulk load s", "build / raw", "peak MB"], rows))
    for key in sorted(results, key=lambda k: results[k]["claims"]):
        r = results[key]
        label = size_name(r["claims"])
        rdf = (r.get("rdflib") or {}).get("queries", {})
        table = []
        for qname, q in r["queries"].items():
            if "error" in q:
                table.append([qname, "error: " + q["error"], "", "", "", "", "", ""]
                             + (["–"] if r.get("virtuoso") else []))
                continue
            ours, raw = p50(q["ours"]), p50(q["raw"])
            base = rdf.get(qname)
            rdflib_cell = (f"> {RDFLIB_TIMEOUT} s" if base is None and qname in rdf else
                           "–" if qname not in rdf else
                           "error" if isinstance(base, str) else ms(p50(base)))
            speed = (f"{p50(base) / ours:.0f}×" if isinstance(base, list) and ours > 0 else
                     f"> {RDFLIB_TIMEOUT / ours:.0f}×" if base is None and qname in rdf else "")
            remote = (r.get("remote") or {}).get(qname)
            table.append([qname, q["rows"], ms(ours), ms(p95(q["ours"])), ms(raw),
                          f"{(ours / raw - 1) * 100:+.0f}%" if raw > 0 else "",
                          rdflib_cell + (f" ({speed})" if speed else ""),
                          ms(p50(remote)) if isinstance(remote, list) else "–"]
                         + ([_virtuoso_cell(r["virtuoso"], qname, q["rows"])]
                            if r.get("virtuoso") else []))
        e = r["entities"]
        parts.append(
            f"### Named queries at {label} claims (ms)\n\n"
            f"Typical entity `{e['typical']}` ({e['typical_degree']} claims), hub `{e['hub']}` "
            f"({e['hub_degree']} claims). *ours* = through `graph.store` (rows to dicts); "
            "*raw* = same SPARQL on the pyoxigraph store, results consumed; *rdflib* = in-memory "
            "graph (speed-up of ours in brackets); *remote* = `RemoteStore` over HTTP to "
            "`oxigraph serve-read-only` on the same files."
            + (" *virtuoso* = `RemoteStore` over HTTP to Virtuoso Open Source "
               f"(virtuoso-t, {VIRTUOSO_LIMIT} s limit per query, bulk-loaded in "
               f"{r['virtuoso']['load_s']:.0f} s; an answer with other rows than ours, or "
               "in another order, is flagged and listed below the table)"
               if r.get("virtuoso") else "") + "\n\n"
            + markdown_table(["query", "rows", "ours p50", "ours p95", "raw p50", "overhead",
                              "rdflib p50", "remote p50"]
                             + (["virtuoso p50"] if r.get("virtuoso") else []), table)
            + _virtuoso_differences(r.get("virtuoso")))
        if r.get("rdflib"):
            parts.append(f"rdflib at {label}: load {r['rdflib']['load_s']:.1f} s, peak "
                         f"{r['rdflib']['peak_mb']:.0f} MB.")
        s = r["search"]
        parts.append(
            f"Search-as-you-type at {label} ({s['labels']} names and aliases, {s['queries']} "
            f"typed prefixes and typos): median {ms(p50(s['runs']))} ms, p95 "
            f"{ms(p95(s['runs']))} ms {_target(p50(s['runs']) * 1000, 30)}; index built or "
            f"loaded in {s['cold_s']:.2f} s once per build; a SPARQL `CONTAINS` scan of labels "
            f"takes {ms(p50(s['scan']))} ms median.")
        if r.get("analysis"):
            a = r["analysis"]
            parts.append(f"Analysis at {label}: projection queries {a['queries_s']:.2f} s, "
                         f"projection {a['projection_s']:.2f} s, PageRank {a['pagerank_s']:.2f} s,"
                         f" communities {a['communities_s']:.2f} s.")
    return "\n\n".join(parts)


def _virtuoso_differences(virtuoso: dict[str, Any] | None) -> str:
    """Each Virtuoso answer that differs from ours, and each Virtuoso error, one line each."""
    if not virtuoso:
        return ""
    lines = [f"- {name}: " + " ".join((q["error"] if "error" in q else q["differs"]).split())[:160]
             for name, q in virtuoso["queries"].items() if q.get("differs") or "error" in q]
    return ("\n\nVirtuoso errors and answers that differ from ours:\n\n" + "\n".join(lines)
            if lines else "\n\nEvery Virtuoso answer has our rows in our order.")


def _virtuoso_cell(virtuoso: dict[str, Any], qname: str, rows: int) -> str:
    q = virtuoso["queries"].get(qname)
    if q is None:
        return "–"
    if "error" in q:
        return "error: " + q["error"][:40]
    flag = (f" ({q['rows']} rows)" if q["rows"] != rows else
            " (other rows)" if q.get("differs") else "")
    return ms(p50(q["runs"])) + flag


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child-build":
        print(json.dumps(child_build(Path(argv[1]), Path(argv[2]))))
        return
    if argv and argv[0] == "--child-rdflib":
        print(json.dumps(child_rdflib(Path(argv[1]), Path(argv[2]))))
        return
    parser = argparse.ArgumentParser(description="Scale benchmark (see module docstring).")
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rdflib-max", default="100k", type=parse_size)
    parser.add_argument("--analysis-max", default="100k", type=parse_size)
    parser.add_argument("--reuse", action="store_true", help="reuse stores built before")
    parser.add_argument("--remote", action="store_true", help="also time the remote backend")
    parser.add_argument("--virtuoso", action="store_true",
                        help="also time Virtuoso Open Source (needs Debian's virtuoso-opensource)")
    parser.add_argument("--virtuoso-only", action="store_true",
                        help="only add the Virtuoso column to results measured before, on "
                        "the stores built before (implies --reuse)")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    results_file = WORK / "results.json"
    results: dict[str, Any] = (json.loads(results_file.read_text())
                               if results_file.exists() else {})
    smaller: dict[str, Any] | None = None
    for size in sorted(args.sizes.split(","), key=parse_size):
        claims = parse_size(size)
        key = f"{claims}-seed{args.seed}"
        if args.virtuoso_only:
            results.setdefault(key, {"claims": claims})
            if smaller is None:  # the next smaller size measured before tells what is too slow
                before = [r for r in results.values() if r.get("claims", 0) < claims
                          and "queries" in r]
                smaller = max(before, key=lambda r: r["claims"]) if before else None
            results[key]["virtuoso"] = virtuoso_column(claims, args, results[key], smaller)
            results_file.write_text(json.dumps(results, indent=1))
            smaller = results[key]
            continue
        results[key] = measure_size(claims, args, results.get(key, {}), smaller)
        smaller = results[key]
        results_file.write_text(json.dumps(results, indent=1))
    if args.virtuoso_only:  # its own section: the full runs' section keeps its sizes
        body = render_virtuoso(results)
        print(body)
        if not args.no_write:
            write_section("scale-virtuoso", "Scale: Virtuoso Open Source beside the embedded "
                          "store (synthetic ledgers)", body,
                          f"python -m bench.run --sizes {args.sizes} --virtuoso-only")
        return
    body = render(results)
    print(body)
    if not args.no_write:
        write_section("scale", "Scale: build, named queries, search (synthetic ledgers)", body,
                      f"python -m bench.run --sizes {args.sizes}"
                      + (" --remote" if args.remote else "")
                      + (" --virtuoso" if args.virtuoso else ""))


if __name__ == "__main__":
    main()
