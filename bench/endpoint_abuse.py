"""Abuse under load: do crash floods, slow queries and memory hogs leave other clients alone?

``custodiet serve`` runs on the bundled data (defaults, except the time limit); 16 well-behaved
clients, each from its own loopback address, cycle through cheap requests (entity pages as
Turtle, named queries at /queries/<name>, the profile query on /sparql) for the whole run.
The run has two halves of equal length: quiet, then under attack by three more clients: one
repeating a query nested 10,000 levels deep (which segfaults the engine if it gets there), one
sending two slow cross joins at a time, one sending a sorted cross join that needs gigabytes.
Reported: requests, unexpected errors (any non-200 for a well-behaved client), and the cheap
requests' p50/p95 in each half; the attackers' answers by status.

    python -m bench.endpoint_abuse                  # 60 s, writes docs/benchmarks.md
    python -m bench.endpoint_abuse --duration 20 --no-write
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlparse

from bench.endpoint_load import Cell, build_store, custodiet_server, read_response, workload
from bench.report import markdown_table, write_section

CLIENTS = 16
DEEP = "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g ?c ?f ?i"


def get(path: str, host: str, accept: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\n\r\n").encode()


def post(path: str, host: str, query: str) -> bytes:
    body = query.encode()
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query"
            f"\r\nAccept: application/sparql-results+json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


async def loop(base: str, requests: list[bytes], address: str, until: float, cell: Cell,
               statuses: Counter[int]) -> None:
    """Send ``requests`` in turn until ``until``, reconnecting whenever the server closes."""
    parsed = urlparse(base)
    index = 0
    while time.perf_counter() < until:
        reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port,
                                                       local_addr=(address, 0))
        try:
            while time.perf_counter() < until:
                started = time.perf_counter()
                writer.write(requests[index % len(requests)])
                status = await read_response(reader)
                index += 1
                statuses[status] += 1
                if status == 200:
                    cell.latencies.append(time.perf_counter() - started)
                else:
                    cell.errors += 1
                    if status == 429:
                        await asyncio.sleep(1.0)  # what Retry-After asks of a polite client
        except (ConnectionError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.05)
        finally:
            writer.close()


async def half(base: str, cheap: list[bytes], attack: bool, seconds: float
               ) -> tuple[Cell, Counter[int]]:
    host = urlparse(base).netloc
    cell = Cell("custodiet serve", "cheap", CLIENTS)
    good: Counter[int] = Counter()
    bad: Counter[int] = Counter()
    until = time.perf_counter() + seconds
    tasks = [loop(base, cheap[i:] + cheap[:i], f"127.0.0.{10 + i}", until, cell, good)
             for i in range(CLIENTS)]
    if attack:
        ignored = Cell("attacker", "", 1)
        tasks += [
            loop(base, [post("/sparql", host, DEEP)], "127.0.1.1", until, ignored, bad),
            loop(base, [post("/sparql", host, SLOW)], "127.0.1.2", until, ignored, bad),
            loop(base, [post("/sparql", host, SLOW)], "127.0.1.2", until, ignored, bad),
            loop(base, [post("/sparql", host, HOG)], "127.0.1.3", until, ignored, bad),
        ]
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    cell.seconds = time.perf_counter() - started
    return cell, (bad if attack else good)


def cheap_requests(base: str, profiles: list[str]) -> list[bytes]:
    host = urlparse(base).netloc
    entities = ["clearview-ai", "peter-thiel", "fbi", "ico", "cnil", "palantir"]
    out = []
    for i, entity in enumerate(entities):
        out.append(get(f"/entity/{entity}", host, "text/turtle"))
        out.append(get(f"/queries/cookbook-who-funds?{urlencode({'entity': entity})}", host,
                       "application/sparql-results+json"))
        out.append(post("/sparql", host, profiles[i % len(profiles)]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds, both halves")
    parser.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    parser.add_argument("--cache", choices=["on", "off", "both"], default="both",
                        help="run with the result cache on (the default setting), off, or both")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    modes = {"on": [True], "off": [False], "both": [True, False]}[args.cache]
    rows: list[list[object]] = []
    attacked: dict[bool, Counter[int]] = {}
    with tempfile.TemporaryDirectory(prefix="custodiet-abuse-") as tmp:
        settings, dataset = build_store(Path(tmp))
        profiles = workload(settings)["profile"]
        for cache in modes:
            with custodiet_server(settings, cache=cache) as url:
                base = url.rsplit("/sparql", 1)[0]
                cheap = cheap_requests(base, profiles)
                quiet, _ = asyncio.run(half(base, cheap, False, args.duration / 2))
                loud, attacked[cache] = asyncio.run(half(base, cheap, True, args.duration / 2))
            rows += [[f"cache {'on' if cache else 'off'}", name, f"{len(c.latencies):,}",
                      c.errors, f"{c.percentile(50):.1f}", f"{c.percentile(95):.1f}"]
                     for name, c in (("quiet", quiet), ("under attack", loud))]
    text = (f"Dataset: {dataset}. {CLIENTS} well-behaved clients for {args.duration / 2:g} s "
            f"quiet, then {args.duration / 2:g} s with a crash flood (10,000 nested braces), two "
            "slow cross joins at a time and a memory-hungry sorted cross join from three other "
            "addresses; default settings, with the result cache on (the default: the cheap "
            "requests repeat, so they are answered from memory after their first time) and off "
            "(`RESULT_CACHE_MB=0`: every cheap request runs on the pages lane or a query worker). "
            "Latencies of the cheap requests in milliseconds; 1-minute load average before the "
            f"run: {load:.1f}, after: {os.getloadavg()[0]:.1f}.\n\n")
    text += markdown_table(["result cache", "phase", "cheap requests", "unexpected errors",
                            "p50", "p95"], rows)
    for cache, statuses in attacked.items():
        text += (f"\n\nAnswers to the attackers, cache {'on' if cache else 'off'}: "
                 + ", ".join(f"{status}: {count:,}" for status, count in sorted(statuses.items())))
    text += "\n"
    if args.no_write:
        print(text)
    else:
        write_section("endpoint-abuse", "SPARQL endpoint under abuse", text,
                      "python -m bench.endpoint_abuse")
        print("wrote the endpoint-abuse section of docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
