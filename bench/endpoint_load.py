"""Load on the SPARQL endpoint: requests per second and latency at 1, 8 and 32 clients.

The bundled data (or the test fixture when data/ does not validate) is built into a temporary
store; ``custodiet serve`` runs on it in its own process, and so does the `oxigraph` package's
own server (``serve-read-only`` on the same files) as the yardstick. This process is the load
generator: N concurrent clients on keep-alive connections over loopback, each sending one query
after another for a fixed time. Two queries: an entity profile (cookbook-entity-profile) and a
2-hop neighbourhood (cookbook-two-hop-network), each cycling over the entities with claims,
plus ``ASK {}`` to show the fixed cost of a request through each server.

    python -m bench.endpoint_load                   # 1, 8 and 32 clients, 5 s a cell
    python -m bench.endpoint_load --duration 2 --no-write
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

import httpx

from bench.report import markdown_table, write_section
from graph.named_queries import get_query
from graph.pipeline import publish, validate_ledger
from graph.rdf.iris import Iris
from graph.settings import ROOT, Settings
from graph.store import open_store

QUERIES = {"profile": "cookbook-entity-profile", "2-hop": "cookbook-two-hop-network"}
ENTITIES = 40  # entities cycled through, the ones with most claims
OVERHEAD = "ASK {}"
NO_CACHE = "custodiet, no cache"
ACCEPT = "application/sparql-results+json"


@dataclass
class Cell:
    server: str
    query: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


# -- a minimal HTTP/1.1 keep-alive client ----------------------------------------------------
# Hand-written on purpose: the load generator shares two cores with the servers, and httpx's
# per-request cost (~0.5 ms) would cap the measurement below what the servers can do.
async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in
               (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


def post(path: str, host: str, query: str) -> bytes:
    body = urlencode({"query": query}).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {ACCEPT}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def client(url: str, requests: list[bytes], number: int, until: float, cell: Cell,
                 offset: int) -> None:
    """One client; client ``number`` connects from its own loopback address
    (127.0.0.2, .3 ...), so the endpoint's per-client limits see N clients, as they would."""
    parsed = urlparse(url)
    source = f"127.0.0.{2 + number % 250}"
    reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port,
                                                   local_addr=(source, 0))
    index = offset
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(requests[index % len(requests)])
            status = await read_response(reader)
            if status == 200:
                cell.latencies.append(time.perf_counter() - started)
            else:
                cell.errors += 1
            index += 1
    finally:
        writer.close()


async def measure(url: str, queries: list[str], clients: int, duration: float, cell: Cell
                  ) -> None:
    parsed = urlparse(url)
    requests = [post(parsed.path, parsed.netloc, q) for q in queries]
    warm = Cell(cell.server, cell.query, clients)
    until = time.perf_counter() + min(0.5, duration / 4)
    await asyncio.gather(*(client(url, requests, i, until, warm, i) for i in range(clients)))
    started = time.perf_counter()
    until = started + duration
    await asyncio.gather(*(client(url, requests, i, until, cell, i * 7) for i in range(clients)))
    cell.seconds += time.perf_counter() - started


# -- servers -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


@contextmanager
def custodiet_server(settings: Settings, workers: int = 0, cache: bool = True) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTODIET_")}
    env |= {"CUSTODIET_STORE_DIR": str(settings.store_dir), "CUSTODIET_QUERY_WORKERS": str(workers)}
    if not cache:
        env["CUSTODIET_RESULT_CACHE_MB"] = "0"
    process = subprocess.Popen(
        [sys.executable, "-c", "from graph.cli import main; main()", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process, "custodiet serve")
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def oxigraph_server(settings: Settings) -> Iterator[str | None]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        yield None
        return
    port = free_port()
    location = (settings.store_dir / "current").resolve() / "oxigraph"
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process, "oxigraph server")
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        process.wait(timeout=20)


def build_store(folder: Path) -> tuple[Settings, str]:
    for name, ledger in (("data/", ROOT / "data"),
                         ("tests/fixtures/ledger", ROOT / "tests" / "fixtures" / "ledger")):
        settings = Settings(store_dir=folder / name.replace("/", "_"), data_dir=ledger)  # type: ignore[call-arg]
        result = validate_ledger(ledger, settings, shacl=False)
        if result.output is not None:
            publish(result.output, settings)
            return settings, f"{name} ({result.output.counts['quads']:,} quads)"
    raise RuntimeError("neither data/ nor the test fixture validates")


def workload(settings: Settings) -> dict[str, list[str]]:
    """Each query rendered for the entities that take part in the most claims."""
    table = open_store(settings).select(
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        "SELECT ?e (COUNT(?c) AS ?n) WHERE { { ?c rdf:subject ?e } UNION { ?c rdf:object ?e } "
        "FILTER(isIRI(?e)) } GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT " + str(ENTITIES))
    iris = Iris(settings.base_iri)
    ids = [(iris.local_id(e or "") or ("", ""))[1] for e in table.column("e")]
    queries = {label: [get_query(name).render(iris, entity=i) for i in ids if i]
               for label, name in QUERIES.items()}
    # The fixed cost of one request through each server, with no query work to speak of.
    queries[OVERHEAD] = ["ASK {}"]
    return queries


def report(cells: list[Cell], dataset: str, duration: float, load: tuple[float, float]) -> str:
    cells = sorted(cells, key=lambda c: (not c.server.startswith("custodiet"), c.server))
    rows = [[c.server, c.query, c.clients, f"{c.rate:,.0f}", f"{c.percentile(50):.1f}",
             f"{c.percentile(90):.1f}", f"{c.percentile(99):.1f}", c.errors] for c in cells]
    text = (f"Dataset: {dataset}. Each cell: {duration:g} s of closed-loop load in slices that "
            "alternate between the two servers (each slice after a short warm-up), clients on "
            "keep-alive connections over loopback; latencies in milliseconds. The load "
            "generator shares the machine's cores with the server it measures. 1-minute load "
            f"average of the machine before and after the run: {load[0]:.1f} and {load[1]:.1f} "
            "(other work on the machine inflates latencies and narrows the gap to oxigraph "
            "unevenly: compare runs made on a quiet machine).\n\n")
    text += markdown_table(["server", "query", "clients", "req/s", "p50", "p90", "p99",
                            "errors"], rows)
    theirs = {(c.query, c.clients): c for c in cells if c.server == "oxigraph server"}
    ratios = [[c.server, c.query, c.clients, f"{c.rate / theirs[c.query, c.clients].rate:.0%}"]
              for c in cells if c.server.startswith("custodiet")
              and (c.query, c.clients) in theirs and theirs[c.query, c.clients].rate]
    if ratios:
        text += ("\n\nThroughput of `custodiet serve` (worker processes, time limit, row cap, "
                 "SERVICE check, per-client limits) relative to the oxigraph server on the same "
                 "store, with its result cache (the default: each client cycles over "
                 f"{ENTITIES} entities, so after the first round the answers come from memory) "
                 f"and without it (`{NO_CACHE}`: every request runs in a worker):\n\n")
        text += markdown_table(["server", "query", "clients", "custodiet / oxigraph"], ratios)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per cell")
    parser.add_argument("--workers", type=int, default=0,
                        help="query worker processes of custodiet serve (0: the default)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="slices per cell, alternating between the servers")
    parser.add_argument("--no-oxigraph", action="store_true", help="skip the yardstick server")
    parser.add_argument("--no-uncached", action="store_true",
                        help="skip custodiet serve with its result cache off")
    parser.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    parser.add_argument("--queries", default="", help="comma-separated subset: profile,2-hop,ask")
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    cells: list[Cell] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="custodiet-load-") as tmp, ExitStack() as stack:
        settings, dataset = build_store(Path(tmp))
        queries = workload(settings)
        if args.queries:
            wanted = {"ask" if q == "ask" else q for q in args.queries.split(",")}
            queries = {k: v for k, v in queries.items()
                       if k in wanted or (k == OVERHEAD and "ask" in wanted)}
        urls = {"custodiet serve": stack.enter_context(custodiet_server(settings, args.workers))}
        if not args.no_uncached:
            urls[NO_CACHE] = stack.enter_context(custodiet_server(settings, args.workers,
                                                                  cache=False))
        if not args.no_oxigraph:
            yardstick = stack.enter_context(oxigraph_server(settings))
            if yardstick:
                urls["oxigraph server"] = yardstick
            else:
                print("oxigraph server: not installed, skipped", file=sys.stderr)
        for label, texts in queries.items():
            for clients in (levels if label != OVERHEAD else [n for n in levels if n <= 8]):
                row = {name: Cell(name, label, clients) for name in urls}
                # The servers take turns in short slices, so load from anything else on the
                # machine falls on both alike.
                for _ in range(args.rounds):
                    for name, url in urls.items():
                        asyncio.run(measure(url, texts, clients, args.duration / args.rounds,
                                            row[name]))
                for cell in row.values():
                    cells.append(cell)
                    print(f"{cell.server:20} {label:8} {clients:3} clients: {cell.rate:8,.0f} "
                          f"req/s p50 {cell.percentile(50):6.1f} ms  p99 "
                          f"{cell.percentile(99):6.1f} ms  errors {cell.errors}", file=sys.stderr)
    body = report(cells, dataset, args.duration, (load_before, os.getloadavg()[0]))
    if args.no_write:
        print(body)
    else:
        write_section("endpoint-load", "SPARQL endpoint under load", body,
                      "python -m bench.endpoint_load")
        print("wrote the endpoint-load section of docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
