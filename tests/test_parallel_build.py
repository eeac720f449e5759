"""A build spread over processes says and writes exactly what the in-process build does.

Through the CLI as a maintainer runs it, with ``CUSTODIET_BUILD_WORKERS`` 1 and 2. The size
threshold is lowered and the blocks made tiny (``BLOCK = 5`` events) so the bundled ledger is
cut into hundreds of blocks; a spy on ``validate_sharded`` proves which runs went parallel.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

import graph.pipeline.build as build
import graph.pipeline.parallel as parallel
from bench.generate import Generator
from graph.cli import app
from graph.settings import Settings, get_settings
from tests.conftest import DATA


@pytest.fixture
def sharded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Parallel even for small ledgers, in blocks of 5 events; returns the process counts used."""
    used: list[int] = []
    real = build.validate_sharded

    def spy(*args: Any, **kwargs: Any) -> parallel.ShardedBuild:
        used.append(args[5])
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "BLOCK", 5)
    monkeypatch.setattr(build, "validate_sharded", spy)
    return used


def cli(store: Path, workers: int, *args: str) -> tuple[int, str]:
    env = {"CUSTODIET_STORE_DIR": str(store), "CUSTODIET_BUILD_WORKERS": str(workers)}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, list(args), env=env)
    finally:
        get_settings.cache_clear()
    return result.exit_code, re.sub(r"in \d+\.\ds", "in <time>", result.output)


def tables(database: Path) -> dict[str, list[str]]:
    """Every derived table's rows (as text, sorted: the stored order is DuckDB's business)."""
    with duckdb.connect(str(database), read_only=True) as con:
        names = [row[0] for row in con.execute("SHOW TABLES").fetchall()]
        return {name: sorted(map(repr, con.execute(f'SELECT * FROM "{name}"').fetchall()))
                for name in names}


def built(store: Path) -> tuple[bytes, dict[str, list[str]], bytes]:
    """The live build's N-Quads bytes, derived tables and search index."""
    build_id = json.loads((store / "current" / "build.json").read_text())["build_id"]
    return ((store / "current" / "data.nq").read_bytes(),
            tables(store / "derived" / f"{build_id}.duckdb"),
            (store / "cache" / f"search-{build_id}.json").read_bytes())


def test_bundled_ledger_builds_the_same_bytes_with_two_processes(
        sharded: list[int], tmp_path: Path) -> None:
    one = cli(tmp_path / "one", 1, "build", "--no-shacl", str(DATA))
    two = cli(tmp_path / "two", 2, "build", "--no-shacl", str(DATA))
    assert sharded == [2]
    assert one[0] == two[0] == 0, one[1]
    assert one[1] == two[1]  # same warnings, same build id and counts
    nquads, derived, search = built(tmp_path / "one")
    assert built(tmp_path / "two") == (nquads, derived, search)
    assert b"<https://w3id.org/custodiet/ontology#caseStatus>" in nquads  # whole-ledger lines
    assert derived["cases"] and derived["claims"]


def broken_ledger(path: Path) -> Path:
    """A synthetic ledger with errors of every stage: unreadable lines, model errors, unknown
    and duplicate ids, a record waiting for a later one, and a source nobody uses."""
    lines = [json.dumps({kind: record}) for kind, record in Generator(150, seed=3).records()]
    claim = json.loads(lines[-1])["claim"]
    lines.insert(0, json.dumps({"claim": {**claim, "id": "early-claim"}}))  # waits for entities
    lines.insert(40, "{not json")
    lines.insert(80, json.dumps({"entity": json.loads(lines[5])["entity"]}))  # duplicate id
    lines.append(json.dumps({"claim": {**claim, "id": "bad-date", "date": "2021-13-01"}}))
    lines.append(json.dumps({"claim": {**claim, "id": "ghost", "subject": "nobody"}}))
    lines.append(json.dumps({"source": {"id": "lonely", "kind": "NewsArticle", "title": "x"}}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_errors_are_reported_identically_with_two_processes(
        sharded: list[int], tmp_path: Path) -> None:
    ledger = broken_ledger(tmp_path / "broken.jsonl")
    one = cli(tmp_path / "one", 1, "build-bulk", "--no-progress", str(ledger))
    two = cli(tmp_path / "two", 2, "build-bulk", "--no-progress", str(ledger))
    assert sharded == [2]
    assert one == two
    assert one[0] == 1
    for message in ("invalid JSON", "duplicate id", "unknown entity id 'nobody'", "date"):
        assert message in one[1]
    assert not (tmp_path / "two" / "current").exists()  # nothing published, nothing left


def test_a_failed_build_process_falls_back_to_one(sharded: list[int], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    def dies(connection: Any, *args: Any) -> None:
        error = 'Traceback (most recent call last):\n  File "x.py", line 1\nMemoryError\n'
        connection.send(parallel.ShardResult([], 0, False, error))
        connection.close()

    monkeypatch.setattr(parallel, "_child", dies)
    one = cli(tmp_path / "one", 1, "build", "--no-shacl", str(DATA))
    two = cli(tmp_path / "two", 2, "build", "--no-shacl", str(DATA))
    assert sharded == [2]
    assert one[0] == two[0] == 0
    assert one[1] == two[1]
    assert built(tmp_path / "one") == built(tmp_path / "two")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["parallel build failed, building in-process: build process "
                        "custodiet-build-1 failed (MemoryError)"]  # one line, no traceback


def test_a_killed_build_process_falls_back_and_frees_its_files(
        sharded: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that dies without a word (the OOM killer) is a fault of the machine: the build
    goes on in-process, after removing what the processes wrote (a full disk may be why)."""
    def killed(connection: Any, *args: Any) -> None:
        os._exit(9)

    left: list[list[str]] = []
    real = build.remove_shards

    def remove(staging: Path) -> None:
        real(staging)
        left.append(sorted(p.name for p in staging.glob("shard-*")))

    monkeypatch.setattr(parallel, "_child", killed)
    monkeypatch.setattr(build, "remove_shards", remove)
    code, output = cli(tmp_path / "store", 2, "build", "--no-shacl", str(DATA))
    assert code == 0, output
    assert "Traceback" not in output
    assert sharded == [2] and left == [[]]


def test_small_ledgers_stay_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[int] = []
    monkeypatch.setattr(build, "validate_sharded", lambda *a, **k: used.append(1))
    code, _output = cli(tmp_path / "store", 2, "build", "--no-shacl", str(DATA))
    assert code == 0
    assert used == []  # the bundled ledger (< PARALLEL_MIN_BYTES) never forks


def test_builds_from_other_threads_stay_in_one_process(sharded: list[int]) -> None:
    """Forking a process whose other threads may hold locks can hang the child: a build started
    from a thread (a dashboard's) runs in-process."""
    inputs = [(DATA, build.READERS["yaml"])]
    settings = Settings(build_workers=2)  # type: ignore[call-arg]
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(build.processes(inputs, settings)))
    thread.start()
    thread.join()
    assert seen == [1]
    assert build.processes(inputs, settings) == 2
