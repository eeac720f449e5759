"""Start Debian's Virtuoso Open Source (`virtuoso-t`) on free loopback ports, for real.

A fresh database in a temporary folder, with a ``virtuoso.ini`` written here. Virtuoso's
defaults are unsafe for a test that compares answers: ``ResultSetMaxRows = 10000`` cuts every
result at 10,000 rows without an error, and ``MaxQueryExecutionTime`` turns a slow query into a
*partial* ("anytime") answer, again without an error. Both are raised or switched off below, with
the other limits that would otherwise refuse or cut our queries (see docs/scaling.md).

Tests call :func:`require_virtuoso`: without the binary they are skipped with one reason, and with
``CUSTODIET_REQUIRE_VIRTUOSO=1`` (set by ``.ci/run``, which installs the package) they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.oxigraph_server import free_port

REQUIRE_VIRTUOSO_ENV = "CUSTODIET_REQUIRE_VIRTUOSO"
NO_VIRTUOSO = ("needs Debian's virtuoso-opensource (apt-get install virtuoso-opensource; "
               ".ci/run installs it)")
GRAPH = "https://w3id.org/custodiet/graph"  # where builds go: Virtuoso's default graph is a union
DBA_PASSWORD = "dba"  # the password of a fresh database; the server listens on 127.0.0.1 only

# The limits raised, each with why (Virtuoso 7.2 defaults in brackets).
LIMITS = {
    "SPARQL": {
        "ResultSetMaxRows": "1000000000",  # [10000] rows cut silently past it
        "MaxQueryExecutionTime": "0",  # [60 s] past it, partial ("anytime") results; 0 = none
        "MaxQueryCostEstimationTime": "0",  # [400 s] refuses queries estimated slower; 0 = none
    },
    "Parameters": {
        "MaxSortedTopRows": "100000000",  # [10000] ORDER BY … LIMIT/OFFSET past it is an error
        "TransactionAfterImageLimit": "2000000000",  # [50 MB] one PUT is one transaction
    },
}


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def isql_binary() -> str | None:
    return shutil.which("isql-vt") or shutil.which("isql")


def require_virtuoso() -> str:
    """The server binary's path; without one, skip (or fail when Virtuoso is required)."""
    from tests.conftest import require_tool

    return require_tool(virtuoso_binary(), NO_VIRTUOSO, REQUIRE_VIRTUOSO_ENV)


@dataclass(frozen=True)
class Virtuoso:
    http: str  # http://127.0.0.1:PORT
    sql_port: int
    folder: Path

    @property
    def query_url(self) -> str:
        """The anonymous, read-only endpoint, reading our graph as its default graph."""
        return f"{self.http}/sparql?default-graph-uri={GRAPH}"

    @property
    def update_url(self) -> str:
        """SPARQL Update as the DBA (Digest authentication)."""
        return self.http.replace("://", f"://dba:{DBA_PASSWORD}@") + "/sparql-auth"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol as the DBA (Digest authentication)."""
        return self.http.replace("://", f"://dba:{DBA_PASSWORD}@") + "/sparql-graph-crud-auth"

    def isql(self, *statements: str, timeout: float = 3600) -> str:
        """Run SQL statements (e.g. the bulk loader's ``ld_dir``) through ``isql-vt``."""
        binary = isql_binary()
        if binary is None:
            raise RuntimeError("isql-vt not found (it comes with virtuoso-opensource)")
        script = "".join(f"{s.rstrip(';')};\n" for s in statements)
        done = subprocess.run(
            [binary, f"127.0.0.1:{self.sql_port}", "dba", DBA_PASSWORD, "VERBOSE=OFF",
             "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT"],
            input=script, capture_output=True, text=True, timeout=timeout, check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
        return done.stdout


def write_ini(folder: Path, http_port: int, sql_port: int, buffers: int = 20_000,
              dirs: tuple[Path, ...] = (), execution_seconds: int = 0) -> Path:
    """A virtuoso.ini for a database in ``folder``, on loopback only, with LIMITS raised.

    ``buffers`` are 8 kB pages of cache (20,000 ≈ 170 MB; Virtuoso suggests about 2/3 of free
    memory on a server: 170,000 for 2 GB). ``dirs``: more folders the bulk loader may read.
    ``execution_seconds``: a time limit per query (0: none); past it Virtuoso sends a partial
    result marked ``X-SQL-State: S1TAT``, which the remote backend turns into an error.
    """
    sections: dict[str, dict[str, str]] = {
        "Database": {
            "DatabaseFile": str(folder / "virtuoso.db"),
            "ErrorLogFile": str(folder / "virtuoso.log"),
            "LockFile": str(folder / "virtuoso.lck"),
            "TransactionFile": str(folder / "virtuoso.trx"),
            "xa_persistent_file": str(folder / "virtuoso.pxa"),
            "ErrorLogLevel": "7", "FileExtend": "200", "Striping": "0",
            "TempStorage": "TempDatabase",
        },
        "TempDatabase": {
            "DatabaseFile": str(folder / "virtuoso-temp.db"),
            "TransactionFile": str(folder / "virtuoso-temp.trx"), "Striping": "0",
        },
        "Parameters": {
            "ServerPort": f"127.0.0.1:{sql_port}",
            "DisableUnixSocket": "1",
            "CheckpointInterval": "0",  # no background checkpoints during a test or benchmark
            "CaseMode": "2",
            "DirsAllowed": ", ".join([".", str(folder), *map(str, dirs)]),  # bulk loader reads
            "NumberOfBuffers": str(buffers),
            "MaxDirtyBuffers": str(buffers * 3 // 4),
            "ThreadsPerQuery": str(os.cpu_count() or 2),
            "AsyncQueueMaxThreads": "10",
            **LIMITS["Parameters"],
        },
        "HTTPServer": {
            "ServerPort": f"127.0.0.1:{http_port}",
            "ServerRoot": str(folder),
            "ServerThreads": "10", "MaxClientConnections": "10", "Charset": "UTF-8",
            "EnabledGzipContent": "0",
        },
        "SPARQL": {**LIMITS["SPARQL"], "MaxQueryExecutionTime": str(execution_seconds)},
    }
    ini = folder / "virtuoso.ini"
    ini.write_text("".join(f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
                           for name, values in sections.items()), encoding="utf-8")
    return ini


@contextmanager
def virtuoso_server(folder: Path, buffers: int = 20_000, start_timeout: float = 60,
                    dirs: tuple[Path, ...] = (), execution_seconds: int = 0) -> Iterator[Virtuoso]:
    """Yield a running server on a fresh database in ``folder``; stopped on exit."""
    binary = require_virtuoso()
    folder = folder.resolve()  # the server runs in it: relative paths would not resolve
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = write_ini(folder, http_port, sql_port, buffers, dirs, execution_seconds)
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                               stdout=log, stderr=subprocess.STDOUT)
    server = Virtuoso(f"http://127.0.0.1:{http_port}", sql_port, folder)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                ready = httpx.get(f"{server.http}/sparql", params={"query": "ASK {}"}, timeout=2)
                if ready.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                text = (folder / "stdout.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"virtuoso did not start: {text}")
            time.sleep(0.25)
        yield server
    finally:
        process.terminate()  # Virtuoso checkpoints and exits on SIGTERM
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
