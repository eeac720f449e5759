"""A query worker process: ``python -m graph.sparql.worker``, driven by graph.sparql.pool.

pyoxigraph cannot interrupt a running query, so each query runs in a process the server can
kill. The protocol is length-prefixed pickles on stdin/stdout (stdout is moved aside first so a
stray print cannot corrupt it): the first frame is the settings as JSON, the worker answers
``"ready"``, then each frame is a job and each answer its result. EOF on stdin, or the server
process going away, ends the worker.

Before answering ``"ready"`` the worker caps its own address space (RLIMIT_AS) at what it uses
once warmed up plus ``query_memory_mb``: a query that needs more fails alone (Python raises
MemoryError; the engine's Rust allocator aborts the process, which the pool reports as 507),
instead of pushing the machine into swap or the OOM killer's choice of victim.
"""

from __future__ import annotations

import json
import os
import pickle
import struct
import sys
import threading
import time
from typing import BinaryIO

HEADER = struct.Struct("!I")


def read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


def write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def _exit_with_parent() -> None:
    """A worker busy with a long query does not read stdin, so it watches its parent too."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def address_space() -> int:
    """This process's virtual memory size in bytes (Linux), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cap_memory(megabytes: int) -> None:
    """Limit the address space to the current size plus ``megabytes`` (no-op if unsupported)."""
    if megabytes <= 0:
        return
    try:
        import resource
    except ImportError:  # not POSIX
        return
    base = address_space()
    if base:
        limit = base + megabytes * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main() -> None:
    from graph.settings import Settings
    from graph.sparql.execute import (
        JobResult,
        QueryJob,
        UpdateJob,
        error,
        make_executor,
        out_of_memory,
        run_job,
    )

    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed from here on goes to stderr, never into the protocol
    _exit_with_parent()
    first = read_frame(requests)
    if first is None:
        return
    settings = Settings(**json.loads(first))
    executor = make_executor(settings)
    run_job(executor, QueryJob("ASK {}"))  # opens the store and warms the engine up
    cap_memory(settings.query_memory_mb)
    write_frame(answers, pickle.dumps("ready"))
    while (frame := read_frame(requests)) is not None:
        job = pickle.loads(frame)
        result: JobResult | dict[str, object] | None
        try:
            if isinstance(job, QueryJob | UpdateJob):
                result = run_job(executor, job)
            elif job == "build-info":
                result = executor.build_info()
            else:
                result = error(500, f"unknown job {job!r}")
        except MemoryError:
            result = out_of_memory(settings.query_memory_mb)
        except Exception as exc:  # a worker must answer every job, whatever went wrong
            result = error(500, f"query failed: {type(exc).__name__}: {exc}")
        write_frame(answers, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
