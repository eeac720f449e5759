"""A pool of query worker processes: the time limit is enforced by killing the one that runs over.

pyoxigraph has no query timeout and a Rust query cannot be interrupted from Python, so queries
run in child processes (graph.sparql.worker). A request takes an idle worker, sends its job over
the worker's stdin and awaits the answer on its stdout with asyncio; if the answer is late the
worker is killed and a fresh one started in the background, so one runaway query costs one
worker for at most ``query_timeout`` seconds while the others keep serving.

Slow queries give their seat back: once a job has run ``slow_query_seconds`` an extra worker is
started (at most ``max_slow_queries`` of them), so two slow queries on a two-worker pool do not
make every quick query wait for them; the extra workers stop when the pool is idle enough.

A slow query's worker also runs at a lower CPU priority (nice 15) until it answers: on a
two-core machine, two slow queries would otherwise halve everyone else's speed. The ad-hoc
lane's workers run a little below the server process and the pages lane even when quick
(``query_niceness``), so answering a cached or bounded request never waits for the CPU behind
arbitrary queries.

A worker that dies (the engine segfaulting, or aborting on the memory cap) fails only the job
it ran; the death is logged with the job's hash and the worker's last lines on stderr.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import logging
import os
import pickle
import signal
import sys
import time

from graph.settings import Settings
from graph.sparql.worker import HEADER

log = logging.getLogger("custodiet.sparql")


class QueryTimeout(RuntimeError):
    """The query ran past the time limit; its worker was killed."""


class PoolBusy(RuntimeError):
    """No worker became free within the time limit."""


class WorkerDied(RuntimeError):
    """The worker exited while running a job (the engine crashed, or hit the memory cap)."""

    def __init__(self, message: str, status: int = 500) -> None:
        super().__init__(message)
        self.status = status


def job_hash(job: object) -> str:
    """A short, stable name for a job in logs (the query text itself may be large or private)."""
    text = getattr(job, "sparql", None) or getattr(job, "text", None) or repr(job)
    return hashlib.sha256(str(text).encode()).hexdigest()[:12]


class Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=5)
        self._reader: asyncio.Task[None] | None = None

    niceness = 0  # the CPU priority (absolute nice value) it runs at while it is not slow

    @classmethod
    async def start(cls, settings_json: bytes, niceness: int = 0) -> Worker:
        """A ready worker, ``niceness`` steps below the server's own CPU priority."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "graph.sparql.worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        worker = cls(process)
        worker.niceness = below_server(0)
        if niceness:
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, process.pid, below_server(niceness))
                worker.niceness = below_server(niceness)
        worker._reader = asyncio.get_running_loop().create_task(worker._read_stderr())
        try:
            await worker._send(settings_json)
            ready = await worker._receive()
        except BaseException:
            worker.kill()
            raise
        if ready != "ready":
            worker.kill()
            raise WorkerDied(f"worker answered {ready!r} instead of 'ready'")
        return worker

    async def _read_stderr(self) -> None:
        """Forward the worker's stderr to the log, keeping its last lines for a death report."""
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            text = line.decode("utf-8", "replace").rstrip()
            self.stderr_tail.append(text)
            log.warning("query worker %s: %s", self.process.pid, text)

    async def _send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(HEADER.pack(len(data)) + data)
        await self.process.stdin.drain()

    async def _receive(self) -> object:
        assert self.process.stdout is not None
        try:
            (size,) = HEADER.unpack(await self.process.stdout.readexactly(HEADER.size))
            data = await self.process.stdout.readexactly(size)
        except (asyncio.IncompleteReadError, ConnectionError):
            raise WorkerDied("the query worker exited") from None
        return pickle.loads(data)

    async def call(self, job: object) -> object:
        await self._send(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        return await self._receive()

    async def death(self, memory_mb: int) -> WorkerDied:
        """Why the worker exited, as the error its job answers with."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                await self.process.wait()
                if self._reader is not None:
                    await self._reader
        code = self.process.returncode
        tail = " ".join(self.stderr_tail)
        if "memory allocation" in tail or "MemoryError" in tail or (
                code == -signal.SIGABRT and memory_mb > 0):
            return WorkerDied(f"the query needed more memory than the limit of {memory_mb} MB "
                              "per query (CUSTODIET_QUERY_MEMORY_MB) and was stopped", 507)
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else \
            f"exit status {code}"
        return WorkerDied(f"the query engine crashed on this query ({how}); the query was not "
                          "run to the end, and other queries were not affected")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()

    demoted = False

    def demote(self) -> None:
        """Lower a slow query's CPU priority, so on a small machine the quick queries and pages
        of other clients get the cores first (the slow one still runs, in the gaps)."""
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, self.process.pid, below_server(SLOW_NICENESS))
            self.demoted = True

    def promote(self) -> bool:
        """Back to its usual priority; False when the OS does not let this process do it."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, self.niceness)
        except (OSError, AttributeError):
            return False
        self.demoted = False
        return True


SLOW_NICENESS = 15


def below_server(steps: int) -> int:
    """The absolute nice value ``steps`` below this (server) process's own priority, at most
    19: relative, so the order holds when the server itself runs under ``nice`` or systemd's
    ``Nice=`` (an absolute value could then be refused, or raise a worker above it)."""
    try:
        own = os.getpriority(os.PRIO_PROCESS, 0)
    except (OSError, AttributeError):
        own = 0
    return min(19, own + steps)


class QueryPool:
    def __init__(self, settings: Settings, size: int | None = None,
                 name: str = "queries", niceness: int = 0) -> None:
        self.settings = settings
        self.name = name
        self.niceness = niceness
        self.size = size or settings.query_workers or max(2, os.cpu_count() or 2)
        self.timeout = settings.query_timeout
        self.slow_after = settings.slow_query_seconds
        self.max_slow = settings.max_slow_queries or self.size
        self._settings_json = settings.model_dump_json().encode()
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._workers: set[Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._extra = 0  # workers started for slow queries, on top of ``size``
        self.slow = 0  # jobs running past slow_after right now
        self.replaced = 0  # workers killed and replaced so far (reported by /health)
        self.crashed = 0  # workers that died running a job

    @property
    def busy(self) -> int:
        """Workers running a job right now."""
        return len(self._workers) - self._idle.qsize()

    async def start(self) -> None:
        workers = await asyncio.gather(
            *(Worker.start(self._settings_json, self.niceness) for _ in range(self.size))
        )
        for worker in workers:
            self._workers.add(worker)
            self._idle.put_nowait(worker)

    async def run(self, job: object) -> object:
        """Run ``job`` on a worker within the time limit (waiting for a free worker included
        in a separate limit of the same length)."""
        try:
            async with asyncio.timeout(self.timeout):
                worker = await self._idle.get()
        except TimeoutError:
            raise PoolBusy("every query worker is busy; try again shortly") from None
        started = time.monotonic()
        call = asyncio.ensure_future(worker.call(job))
        marked_slow = False
        try:
            done, _ = await asyncio.wait({call}, timeout=min(self.slow_after, self.timeout))
            if not done:
                marked_slow = self._mark_slow()
                worker.demote()
                remaining = self.timeout - (time.monotonic() - started)
                done, _ = await asyncio.wait({call}, timeout=max(0.0, remaining))
            if not done:
                call.cancel()
                self._retire(worker)
                log.warning("%s: query %s stopped at the time limit of %g s", self.name,
                            job_hash(job), self.timeout)
                raise QueryTimeout(
                    f"the query ran longer than the limit of {self.timeout:g} s and was stopped")
            try:
                result = call.result()
            except WorkerDied:
                died = await worker.death(self.settings.query_memory_mb)
                self.crashed += 1
                self._retire(worker)
                log.error("%s: query %s: worker %s died: %s", self.name, job_hash(job),
                          worker.process.pid, died)
                raise died from None
        except BaseException:
            if not call.done():  # the request was cancelled mid-answer
                call.cancel()
                self._retire(worker)
            raise
        finally:
            if marked_slow:
                self.slow -= 1
        if worker.demoted and not worker.promote():
            self._retire(worker)  # cannot lower its niceness again without privileges
        else:
            self._give_back(worker)
        return result

    def _mark_slow(self) -> bool:
        """Count a job as slow and, within max_slow, start a worker to take its seat."""
        if self.slow >= self.max_slow or self._closing:
            return False
        self.slow += 1
        if self._extra < self.max_slow:
            self._extra += 1
            self._spawn()
        return True

    def _give_back(self, worker: Worker) -> None:
        """Back to the idle queue, unless the pool is above its size with no slow job left
        to make up for: then the extra worker stops."""
        if self._extra > self.slow and len(self._workers) > self.size:
            self._extra -= 1
            self._workers.discard(worker)
            self._stop(worker)
            return
        self._idle.put_nowait(worker)

    def _stop(self, worker: Worker) -> None:
        if worker.process.stdin is not None:
            worker.process.stdin.close()  # EOF ends it once it is done

    def _retire(self, worker: Worker) -> None:
        worker.kill()
        self._workers.discard(worker)
        self.replaced += 1
        if self._extra > self.slow and len(self._workers) >= self.size:
            self._extra -= 1  # an extra worker died or was killed: no replacement needed
            return
        self._spawn(after=worker)

    def _spawn(self, after: Worker | None = None) -> None:
        if self._closing:
            return
        task = asyncio.get_running_loop().create_task(self._replace(after))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, old: Worker | None) -> None:
        if old is not None:
            with contextlib.suppress(ProcessLookupError):
                await old.process.wait()
        delay = 0.1
        while not self._closing:
            try:
                worker = await Worker.start(self._settings_json, self.niceness)
            except (OSError, WorkerDied) as exc:
                log.warning("could not start a query worker (%s); retrying", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            if self._closing:
                worker.kill()
                return
            self._workers.add(worker)
            self._idle.put_nowait(worker)
            return

    async def close(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            self._stop(worker)
        for worker in list(self._workers):
            try:
                async with asyncio.timeout(2):
                    await worker.process.wait()
            except TimeoutError:
                worker.kill()
                await worker.process.wait()
        self._workers.clear()
