"""A build spread over processes: every process validates the whole ledger, each writes a share.

Why this shape. The records' own work splits in two: the validator's bookkeeping and rules
(parse, pydantic, ids, cross-record checks: 7.4 s of 18.6 s at 100k claims, one core) and the
sinks' writing (N-Quads text, evidence, derived rows: the other 11 s). Cross-record rules need
every id seen before a record, and a claim's N-Quads need the facts of the sources it cites, so
sharding the *input* would need a second, global pass that re-implements the validator's
ordering. Instead each of the N processes (forked: the vocabulary and settings are inherited)
runs the one ``Validator`` over the whole input — so every process reaches the same decisions,
in the same order — and hands the sinks only the records of its share: the stream of sink
events (entity, source, claim, redirect, in the validator's deterministic order) is cut into
blocks of ``BLOCK`` events, block *b* belonging to process *b mod N*. Each process writes its
blocks' N-Quads and derived rows to its own files and keeps the per-block state the
whole-ledger statements need (lifecycle steps, compared facts). The building process is
process 0: its report is the report (the same code on the same input, so the diagnostics are
identical by construction), and it splices the blocks back in order into the one N-Quads file
(hashed as it goes: the same bytes, hence the same build id, whatever N) and the derived CSV
files, then writes the whole-ledger statements from the merged state.

Measured (docs/benchmarks.md, *Build pipeline stages*; docs/scaling.md, "Parallel build"):
with 2 processes the busiest one spends 0.64–0.67× the CPU of a one-process validate+write
(100k and 1M claims), plus the splicing; the duplicated validation is the price of having one
validator. Small ledgers stay in-process (``PARALLEL_MIN_BYTES``): below a few MB, forking,
duplicated parsing and splicing cost more than they save.

Only the built-in readers (files, read again by each process) and plain builds (no ``as_of``,
no in-memory ledger, no extra sinks) go parallel; anything else runs in-process.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

from graph.derived.sink import COLUMNS, DerivedSink
from graph.evidence import contradictions, lifecycle
from graph.ledger import BulkReader, Claim, Entity, Known, Outcome, Redirect, Source, YamlReader
from graph.ledger.raw import Progress, Reader
from graph.ledger.validator import validate
from graph.rdf.build import NQuadsSink
from graph.search import SearchSink
from graph.vocabulary import Vocabulary

BLOCK = 2_000  # sink events per block: small enough to balance, large enough to splice cheaply
# Below this much input the build stays in-process. Measured with bench/build_bench.py: see
# docs/scaling.md ("Parallel build").
PARALLEL_MIN_BYTES = 8_000_000
MAX_DEFAULT_WORKERS = 2


@dataclass
class Block:
    """One block of sink events written by one process: where its bytes are, and its state."""

    index: int
    nquads: tuple[int, int, int] = (0, 0, 0)  # start byte, end byte, lines
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # derived CSV byte ranges
    steps: list[lifecycle.Step] = field(default_factory=list)
    facts: dict[str, contradictions.Facts] = field(default_factory=dict)


@dataclass
class ShardResult:
    """What one process hands back: its blocks, its event count and whether it saw errors."""

    blocks: list[Block]
    events: int
    ok: bool
    error: str | None = None
    cpu: float = 0.0  # the process's own CPU seconds


def _position(handle: IO[str]) -> int:
    handle.flush()
    return handle.buffer.tell()  # type: ignore[attr-defined]  # a text file opened by the sink


class ShardSink:
    """A validator sink standing for the real sinks of process ``index`` of ``count``.

    Every event is counted (so each process knows the same block boundaries); only the events
    of this process's blocks reach ``nquads`` and ``derived``. ``every`` sinks (the search index,
    kept by process 0) see every event.
    """

    def __init__(self, index: int, count: int, nquads: NQuadsSink,
                 derived: DerivedSink | None, every: Sequence[SearchSink] = ()) -> None:
        self.index, self.count = index, count
        self.nquads, self.derived, self.every = nquads, derived, every
        self.events = 0
        self.seq = 0  # the derived tables' row number: entities, sources and claims so far
        self.block: Block | None = None
        self.current = -1
        self.blocks: list[Block] = []
        self.failed = False

    def _mine(self) -> bool:
        number = self.events // BLOCK
        self.events += 1
        if number != self.current:
            self._seal()
            self.current = number
            if number % self.count == self.index:
                self._open(number)
        return self.block is not None and not self.failed

    def _open(self, number: int) -> None:
        start, _lines = self.nquads.mark()
        block = Block(number, (start, start, _lines))
        if self.derived is not None:
            block.tables = {name: (_position(handle), 0)
                            for name, handle in self.derived.files.items()}
        self.block = block

    def _seal(self) -> None:
        block, self.block = self.block, None
        if block is None or self.failed:
            return
        start, _end, lines_before = block.nquads
        end, lines = self.nquads.mark()
        block.nquads = (start, end, lines - lines_before)
        block.steps, self.nquads.steps = self.nquads.steps, []
        block.facts, self.nquads.facts = self.nquads.facts, {}
        if self.derived is not None:
            block.tables = {name: (begin, _position(self.derived.files[name]))
                            for name, (begin, _zero) in block.tables.items()}
            self.derived.steps, self.derived.facts = [], {}  # process 0 merges them at close
        self.blocks.append(block)

    def entity(self, entity: Entity) -> None:
        for sink in self.every:
            sink.entity(entity)
        if self._mine():
            self.nquads.entity(entity)
            if self.derived is not None:
                self.derived.seq = self.seq
                self.derived.entity(entity)
        self.seq += 1

    def source(self, source: Source) -> None:
        if self._mine():
            self.nquads.source(source)
            if self.derived is not None:
                self.derived.seq = self.seq
                self.derived.source(source)
        self.seq += 1

    def claim(self, cid: str, claim: Claim, known: Known) -> None:
        if self._mine():
            self.nquads.claim(cid, claim, known)
            if self.derived is not None:
                self.derived.seq = self.seq
                self.derived.claim(cid, claim, known)
        self.seq += 1

    def redirect(self, redirect: Redirect) -> None:
        for sink in self.every:
            sink.redirect(redirect)
        if self._mine():
            self.nquads.redirect(redirect)
            if self.derived is not None:
                self.derived.redirect(redirect)

    def abandon(self) -> None:
        self.failed = True
        self.block = None
        self.blocks.clear()
        for sink in (self.nquads, self.derived, *self.every):
            if sink is not None:
                sink.abandon()

    def close(self) -> None:
        self._seal()
        self.nquads.close()
        if self.derived is not None and not self.failed:
            self.derived.steps, self.derived.facts = [], {}
            self.derived.close()  # only closes its files: the whole-ledger rows are process 0's


def parallel_inputs(inputs: Sequence[tuple[Path, Reader]]) -> bool:
    """Whether every input is read by a built-in reader (files each process reads again)."""
    return all(isinstance(reader, (YamlReader, BulkReader)) for _path, reader in inputs)


def input_bytes(inputs: Sequence[tuple[Path, Reader]]) -> int:
    total = 0
    for path, reader in inputs:
        if path.exists():
            total += sum(f.stat().st_size for f in reader.files(path))
    return total


def _shard_files(staging: Path, index: int) -> tuple[Path, Path]:
    return staging / f"shard-{index}.nq", staging / f"shard-{index}-derived"


def remove_shards(staging: Path) -> None:
    """Every process's files, so an in-process retry (after a full disk, say) starts with the
    space they took."""
    for path in staging.glob("shard-*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _shard(index: int, count: int, inputs: Sequence[tuple[Path, Reader]], vocab: Vocabulary,
           source_root: Path, base_iri: str, staging: Path, derived: bool,
           progress: Progress | None = None, every: Sequence[SearchSink] = ()
           ) -> tuple[Outcome, ShardSink]:
    nq_path, derived_path = _shard_files(staging, index)
    sink = ShardSink(index, count, NQuadsSink(nq_path, vocab, base_iri, whole=False),
                     DerivedSink(derived_path, vocab) if derived else None, every)
    outcome = validate(inputs, vocab, source_root, sinks=[sink], progress=progress)
    return outcome, sink


def _child(connection: Connection, index: int, count: int,
           inputs: Sequence[tuple[Path, Reader]], vocab: Vocabulary, source_root: Path,
           base_iri: str, staging: Path, derived: bool) -> None:
    """A forked process's whole life: validate, write its blocks, send them, exit.

    Ctrl-C reaches the whole process group: the building process handles it, so the children
    ignore it (else each would print a traceback); a send to a building process that is gone
    is dropped for the same reason."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        outcome, sink = _shard(index, count, inputs, vocab, source_root, base_iri, staging,
                               derived)
        result = ShardResult(sink.blocks, sink.events, outcome.ok, cpu=time.process_time())
    except BaseException:  # anything, as text, to the building process
        result = ShardResult([], 0, False, traceback.format_exc())
    try:
        with contextlib.suppress(OSError):
            connection.send(result)
    finally:
        connection.close()
        # Leave at once: no exit handlers, and no flush of the stdio buffers copied from the
        # parent (their lock may have been held by another thread at fork time).
        os._exit(0)


class ParallelBuildError(RuntimeError):
    """A build process failed or disagreed with the others (a bug, never bad input); the
    message is one line, ``detail`` the failed process's traceback (for the debug log)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


@dataclass
class ShardedBuild:
    """The assembled sinks of a parallel run, as ``run`` uses them."""

    outcome: Outcome
    nquads: NQuadsSink
    derived: DerivedSink | None
    search: SearchSink | None
    seconds: dict[str, float]


def validate_sharded(inputs: Sequence[tuple[Path, Reader]], vocab: Vocabulary, source_root: Path,
                     base_iri: str, staging: Path, count: int, *, publish: bool,
                     progress: Progress | None = None) -> ShardedBuild:
    """Validate with ``count`` processes (this one included) and assemble their output."""
    context = multiprocessing.get_context("fork")  # inherit vocabulary, settings, imports
    children: list[tuple[Any, Connection]] = []
    for stream in (sys.stdout, sys.stderr):  # else a child would print its copy of the buffer
        stream.flush()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        for index in range(1, count):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_child, name=f"custodiet-build-{index}", daemon=True,
                args=(send, index, count, inputs, vocab, source_root, base_iri, staging, publish))
            process.start()
            send.close()
            children.append((process, receive))
        search = SearchSink() if publish else None
        outcome, own = _shard(0, count, inputs, vocab, source_root, base_iri, staging, publish,
                              progress, [search] if search is not None else [])
        validated, own_cpu = time.perf_counter(), time.process_time() - cpu
        results = [ShardResult(own.blocks, own.events, outcome.ok)]
        for process, receive in children:
            try:
                result: ShardResult = receive.recv()
            except EOFError:
                raise ParallelBuildError(
                    f"build process {process.name} ended without a result (exit code "
                    f"{process.exitcode}); build again with CUSTODIET_BUILD_WORKERS=1") from None
            process.join()
            if result.error is not None:
                last = result.error.strip().splitlines()[-1:] or ["?"]
                raise ParallelBuildError(f"build process {process.name} failed ({last[0]})",
                                         result.error)
            if result.events != own.events or result.ok != outcome.ok:
                raise ParallelBuildError("build processes disagree about the ledger "
                                         f"({result.events} events against {own.events})")
            results.append(result)
        waited = time.perf_counter()
        # CPU seconds of the busiest process: the validation's wall time on idle cores (wall
        # times on a shared machine depend on what else runs; see docs/scaling.md).
        seconds = {"validate": validated - started, "wait": waited - validated,
                   "cpu_longest": max([own_cpu, *(r.cpu for r in results[1:])])}
        if not outcome.ok:
            return ShardedBuild(outcome, own.nquads, None, search, seconds)
        nquads, derived = _assemble(results, vocab, base_iri, staging, publish)
        seconds["assemble"] = time.perf_counter() - waited
        return ShardedBuild(outcome, nquads, derived, search, seconds)
    finally:
        for process, receive in children:
            receive.close()
            if process.is_alive():
                process.terminate()
            process.join()


def _assemble(results: list[ShardResult], vocab: Vocabulary, base_iri: str, staging: Path,
              publish: bool) -> tuple[NQuadsSink, DerivedSink | None]:
    """Splice every block back in order into one N-Quads file and the derived CSV files."""
    count = len(results)
    nquads = NQuadsSink(staging / "data.nq", vocab, base_iri)
    derived = DerivedSink(staging / "derived", vocab) if publish else None
    by_index = {block.index: block for result in results for block in result.blocks}
    if sorted(by_index) != list(range(len(by_index))):
        raise ParallelBuildError("build processes lost a block of records")
    nq_files = [_shard_files(staging, i)[0].open("rb") for i in range(count)]
    table_files = [{name: (_shard_files(staging, i)[1] / f"{name}.csv").open("rb")
                    for name in COLUMNS} if publish else {} for i in range(count)]
    blocks = [(by_index[number], number % count) for number in sorted(by_index)]

    def splice_nquads() -> None:
        for block, owner in blocks:
            start, end, lines = block.nquads
            nquads.splice(_read(nq_files[owner], start, end), lines)

    def splice_tables(sink: DerivedSink) -> None:
        for block, owner in blocks:
            for name, (begin, stop) in block.tables.items():
                table = cast(io.TextIOWrapper, sink.files[name])  # a text file: add its bytes
                table.flush()
                table.buffer.write(_read(table_files[owner][name], begin, stop))

    try:
        # Two threads: reading, hashing and writing release the GIL, and the N-Quads (hashed)
        # and the CSV files (not) are independent, so both cores work while the shards are
        # spliced (22 s for 4.3 GB of N-Quads at 1M claims in one thread).
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="custodiet-splice") as pool:
            jobs = [pool.submit(splice_nquads)]
            if derived is not None:
                jobs.append(pool.submit(splice_tables, derived))
            for job in jobs:
                job.result()
        for block, _owner in blocks:
            nquads.steps.extend(block.steps)
            nquads.facts.update(block.facts)
    finally:
        for shard in nq_files:
            shard.close()
        for tables in table_files:
            for shard in tables.values():
                shard.close()
    for index in range(count):  # the shards' files are no longer needed: free the disk
        nq_path, derived_path = _shard_files(staging, index)
        nq_path.unlink(missing_ok=True)
        shutil.rmtree(derived_path, ignore_errors=True)
    if derived is not None:
        derived.steps, derived.facts = nquads.steps, nquads.facts
    nquads.close()
    if derived is not None:
        derived.close()
    return nquads, derived


def _read(handle: IO[bytes], start: int, end: int) -> bytes:
    handle.seek(start)
    return handle.read(end - start)


def default_workers() -> int:
    """One process per core this process may use, at most ``MAX_DEFAULT_WORKERS``: every
    process validates the whole ledger and keeps its own ids (≈ +0.6 GB each at 1M claims),
    and only two were measured (docs/scaling.md)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_DEFAULT_WORKERS)


__all__ = ["BLOCK", "PARALLEL_MIN_BYTES", "ParallelBuildError", "ShardSink", "ShardedBuild",
           "default_workers", "input_bytes", "parallel_inputs", "remove_shards",
           "validate_sharded"]
