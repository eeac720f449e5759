"""Answers kept per build: the same query on the same build gives the same bytes.

A build never changes once published (its id is a hash of its content), so an answer is
valid for exactly as long as its build is live; keying entries on (build id, job) needs no
invalidation. The build that *answered* is the one the worker reports (``JobResult.build``),
not the one live when the request came in, so an answer from a build that was replaced while
the query ran is never served as the new build's.

Why it exists (measured with ``python -m bench.endpoint_load --clients 8 --queries profile``
on 2 cores): without it every request costs the engine's work plus a round trip to a worker
process and a second serialisation, and the endpoint reached 47 % of ``oxigraph serve``'s
throughput; repeated requests (entity profiles, linked-data pages, named queries: the bulk of
an exposed endpoint's traffic) are answered from memory in the server process, which also
keeps them fast while slow queries hold the workers. Only answers that depend on the query and
the data alone are kept: 200s of queries that call no volatile function (NOW, RAND, UUID,
STRUUID, BNODE) and ask no other server (SERVICE, when federation is allowed); never errors,
time-outs, crashes or rate limits.

Hand-written rather than ``functools.lru_cache``: entries are bounded by bytes, not count,
and the key's build comes from the answer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from graph.settings import Settings
from graph.sparql.execute import JobResult

KEPT_STATUSES = frozenset({200})
# Functions whose value changes from one run to the next: a query calling them is never kept.
VOLATILE = re.compile(r"(?i)\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(")
# Nor one asking another server (only possible where federation is allowed: elsewhere the
# endpoint refuses SERVICE before the engine).
FEDERATED = re.compile(r"(?i)\bSERVICE\b")
ENTRY_OVERHEAD = 400  # bytes a kept answer costs beyond its body and query text (measured)


class ResultCache:
    """A least-recently-used map (build id, job) -> answer, bounded in bytes.

    ``live_build`` says which build is live now (one system call on the local backends); an
    entry is used only while its build is live. One answer larger than an eighth of the
    budget is not kept, so a few big results cannot flush the many small ones.
    """

    def __init__(self, max_bytes: int, live_build: Callable[[], str | None]) -> None:
        self.max_bytes = max_bytes
        self.live_build = live_build
        self._entries: OrderedDict[tuple[str, Hashable], tuple[JobResult, int]] = OrderedDict()
        self._bytes = 0
        self._build: str | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def size(self) -> int:
        """Bytes held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, job: Hashable) -> JobResult | None:
        """The answer the live build gave to ``job`` before, if it is still kept."""
        if self.max_bytes <= 0:
            return None
        build = self.live_build()
        if build is None:
            return None
        with self._lock:
            if build != self._build:
                self._forget_other_builds(build)
            entry = self._entries.get((build, job))
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end((build, job))
            self.hits += 1
            return entry[0]

    def put(self, job: Hashable, result: JobResult) -> None:
        """Keep ``result`` if it can be given again: see the module's docstring for which."""
        if self.max_bytes <= 0 or result.build is None or result.status not in KEPT_STATUSES:
            return
        if self._build is not None and result.build != self._build:
            return  # a worker still on the replaced build answered: never servable again
        sparql = getattr(job, "sparql", "")
        if VOLATILE.search(sparql) or (not getattr(job, "refuse_service", True)
                                       and FEDERATED.search(sparql)):
            return
        cost = len(result.body) + len(sparql) + ENTRY_OVERHEAD
        if cost > self.max_bytes // 8:
            return
        key = (result.build, job)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (result, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes and self._entries:
                _, (_, freed) = self._entries.popitem(last=False)
                self._bytes -= freed

    def _forget_other_builds(self, build: str) -> None:
        """A new build went live: answers of the others can never be served again."""
        self._build = build
        for key in [k for k in self._entries if k[0] != build]:
            self._bytes -= self._entries.pop(key)[1]


def cache_for(settings: Settings) -> ResultCache:
    """The endpoint's cache: on for the embedded oxigraph backend, whose live build id is one
    ``readlink`` away; off for the others (a remote store can change under us unseen)."""
    if settings.backend != "oxigraph":
        return ResultCache(0, lambda: None)
    from graph.store.builds import BuildDirectory

    return ResultCache(settings.result_cache_mb * 1024 * 1024,
                       BuildDirectory(settings.store_dir).live_id)
