"""Read-only SPARQL for the dashboard, with the endpoint's own guards and limits.

The dashboard does not run user queries in its own process: pyoxigraph cannot interrupt a query,
so it shares the endpoint's machinery (``graph.sparql``): ``guard.check_query`` refuses SERVICE
(unless federation is allowed), the request-size limit applies, and the query runs in a
``QueryPool`` worker process that is killed past ``settings.query_timeout``, with the row cap of
``settings.max_rows``. The pool lives on a private asyncio loop in a background thread, so the
synchronous Streamlit script can wait on it. Updates cannot run: the worker only calls
``query()``, and an update is reported as such.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd
import pyoxigraph as ox

from graph.settings import Settings
from graph.sparql import negotiation as media
from graph.sparql.execute import JobResult, QueryJob
from graph.sparql.guard import UPDATE_ON_QUERY, Refusal, check_query, is_update
from graph.sparql.pool import PoolBusy, QueryPool, QueryTimeout, WorkerDied

T = TypeVar("T")


@dataclass
class Answer:
    """What the page shows: a table, a yes/no, or an error message; plus the downloads."""

    kind: str  # "solutions", "boolean", "graph" or "error"
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    boolean: bool | None = None
    message: str = ""
    truncated: bool = False
    downloads: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)  # fmt: data, mime, ext


class GuardedRunner:
    """A one-worker query pool on its own event loop (one per dashboard process)."""

    def __init__(self, settings: Settings, workers: int = 1) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                       name="custodiet-sparql-pool")
        self.thread.start()
        self.pool = QueryPool(settings, size=workers)
        self._started = False
        self._lock = threading.Lock()

    def _call(self, coroutine: Coroutine[Any, Any, T], wait: float) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=wait)

    def run(self, sparql: str) -> Answer:
        limit = self.settings.max_request_bytes
        if len(sparql.encode("utf-8")) > limit:
            return Answer("error", message=f"the query is larger than the limit of {limit} bytes")
        try:
            check_query(sparql, self.settings)
        except Refusal as refusal:
            return Answer("error", message=refusal.message)
        job = QueryJob(sparql, results_type=media.JSON_RESULTS, graph_type=media.NTRIPLES,
                       max_rows=self.settings.max_rows)
        # Twice the limit: a busy pool may make a job wait one limit, then run one more.
        wait = 2 * self.settings.query_timeout + 30
        try:
            with self._lock:
                if not self._started:
                    self._call(self.pool.start(), wait)
                    self._started = True
            result = self._call(self.pool.run(job), wait)
        except (QueryTimeout, PoolBusy, WorkerDied) as exc:
            return Answer("error", message=str(exc))
        assert isinstance(result, JobResult)
        return to_answer(sparql, result)

    def close(self) -> None:
        if self._started:
            self._call(self.pool.close(), 10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def to_answer(sparql: str, result: JobResult) -> Answer:
    """Turn the worker's serialised result into a table and CSV/JSON downloads (natively)."""
    if result.status != 200:
        message = result.body.decode("utf-8", "replace").strip()
        if result.status == 400 and is_update(sparql):
            message = UPDATE_ON_QUERY
        return Answer("error", message=message)
    if result.kind == "graph":
        triples = list(ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES))
        table = pd.DataFrame([(str(t.subject), str(t.predicate), str(t.object)) for t in triples],
                             columns=["subject", "predicate", "object"])
        jsonld = ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b""
        turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE) or b""
        return Answer("graph", table=table, truncated=result.truncated, downloads={
            "csv": (table.to_csv(index=False).encode("utf-8"), "text/csv", "csv"),
            "json": (jsonld, media.JSONLD, "jsonld"),
            "turtle": (turtle, media.TURTLE, "ttl"),
        })
    parsed = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return Answer("boolean", boolean=bool(parsed), downloads={
            "json": (result.body, media.JSON_RESULTS, "srj")})
    assert isinstance(parsed, ox.QuerySolutions)
    columns = [v.value for v in parsed.variables]
    rows = [[None if term is None else getattr(term, "value", str(term)) for term in solution]
            for solution in parsed]
    table = pd.DataFrame(rows, columns=columns)
    csv = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)
    buffer = io.BytesIO()
    csv.serialize(buffer, format=ox.QueryResultsFormat.CSV)
    return Answer("solutions", table=table, truncated=result.truncated, downloads={
        "csv": (buffer.getvalue(), media.CSV, "csv"),
        "json": (result.body, media.JSON_RESULTS, "srj"),
    })
