"""A pool of query worker processes: the time limit is enforced by killing the one that runs over.

pyoxigraph has no query timeout and a Rust query cannot be interrupted from Python, so queries
run in child processes (graph.sparql.worker). A request takes an idle worker, sends its job over
the worker's stdin and awaits the answer on its stdout with asyncio; if the answer is late the
worker is killed and a fresh one started in the background, so one runaway query costs one
worker for at most ``query_timeout`` seconds while the others keep serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import sys

from graph.settings import Settings
from graph.sparql.worker import HEADER

log = logging.getLogger("custodiet.sparql")


class QueryTimeout(RuntimeError):
    """The query ran past the time limit; its worker was killed."""


class PoolBusy(RuntimeError):
    """No worker became free within the time limit."""


class WorkerDied(RuntimeError):
    """The worker exited while running a job (for instance killed by the OS for memory)."""


class Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, settings_json: bytes) -> Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "graph.sparql.worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(process)
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

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()


class QueryPool:
    def __init__(self, settings: Settings, size: int | None = None) -> None:
        self.settings = settings
        self.size = size or settings.query_workers or max(2, os.cpu_count() or 2)
        self.timeout = settings.query_timeout
        self._settings_json = settings.model_dump_json().encode()
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._workers: set[Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self.replaced = 0  # workers killed and replaced so far (reported by /health)

    @property
    def busy(self) -> int:
        """Workers running a job right now."""
        return len(self._workers) - self._idle.qsize()

    async def start(self) -> None:
        workers = await asyncio.gather(
            *(Worker.start(self._settings_json) for _ in range(self.size))
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
        try:
            async with asyncio.timeout(self.timeout):
                result = await worker.call(job)
        except TimeoutError:
            self._retire(worker)
            raise QueryTimeout(
                f"the query ran longer than the limit of {self.timeout:g} s and was stopped"
            ) from None
        except BaseException:  # died, or the request was cancelled mid-answer
            self._retire(worker)
            raise
        self._idle.put_nowait(worker)
        return result

    def _retire(self, worker: Worker) -> None:
        worker.kill()
        self._workers.discard(worker)
        self.replaced += 1
        if not self._closing:
            task = asyncio.get_running_loop().create_task(self._replace(worker))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _replace(self, old: Worker) -> None:
        with contextlib.suppress(ProcessLookupError):
            await old.process.wait()
        delay = 0.1
        while not self._closing:
            try:
                worker = await Worker.start(self._settings_json)
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
            if worker.process.stdin is not None:
                worker.process.stdin.close()
        for worker in list(self._workers):
            try:
                async with asyncio.timeout(2):
                    await worker.process.wait()
            except TimeoutError:
                worker.kill()
                await worker.process.wait()
        self._workers.clear()
