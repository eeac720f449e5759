"""The one door into the graph: reader(s) → validator → sinks → ``Store.replace_file`` → live.

The YAML build and the bulk build are this same function with different readers (importers
and extraction hand their own). Every build writes its N-Quads to a staging file, checks them
with SHACL when asked, makes them live with one atomic ``replace_file``, and saves what sinks
derived from the same records (the search index). Progress is a callback the caller supplies:
the core draws nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from graph.derived.sink import DerivedSink
from graph.diagnostics import Report
from graph.ledger import BulkReader, Ledger, LedgerSink, Outcome, Sink, YamlReader, validate
from graph.ledger.raw import Progress, Reader
from graph.pipeline.parallel import (
    PARALLEL_MIN_BYTES,
    ParallelBuildError,
    ShardedBuild,
    default_workers,
    input_bytes,
    parallel_inputs,
    remove_shards,
    validate_sharded,
)
from graph.rdf.build import NQuadsSink
from graph.rdf.shacl import Violation, shacl_check
from graph.search import SearchSink
from graph.settings import Settings, get_settings
from graph.store import BuildInfo, open_store
from graph.vocabulary import Vocabulary, load_vocabulary

READERS: dict[str, Reader] = {"yaml": YamlReader(), "bulk": BulkReader()}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOutput:
    """A valid ledger's N-Quads in memory, with its build id and counts (small ledgers)."""

    nquads: str
    build_id: str
    counts: dict[str, int]
    inputs: tuple[tuple[Path, str | Reader], ...] = ()  # what it was read from, to publish it


@dataclass
class BuildResult:
    """What a run found and, when it published, the live build's description."""

    outcome: Outcome
    violations: list[Violation] = field(default_factory=list)
    info: BuildInfo | None = None
    ledger: Ledger | None = None
    nquads: str | None = None  # the built text, when asked for with ``keep_text``
    search: SearchSink | None = None
    shacl: bool = False  # whether SHACL ran (the summary then counts shape violations)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks
    inputs: tuple[tuple[Path, str | Reader], ...] = ()

    @property
    def report(self) -> Report:
        return self.outcome.report

    @property
    def files(self) -> list[str]:
        return self.outcome.files

    @property
    def counts(self) -> dict[str, int]:
        return self.outcome.counts

    @property
    def ok(self) -> bool:
        return self.outcome.ok and not self.violations

    @property
    def output(self) -> BuildOutput | None:
        """The built text of a valid run made with ``keep_text``, ready for ``publish``."""
        if not self.ok or self.nquads is None:
            return None
        build_id = hashlib.sha256(self.nquads.encode()).hexdigest()[:16]
        return BuildOutput(self.nquads, build_id, dict(self.outcome.counts), self.inputs)

    def summary(self) -> str:
        return self.outcome.summary(len(self.violations) if self.shacl else None)


def run(inputs: Sequence[tuple[Path, str | Reader]], settings: Settings | None = None, *,
        publish: bool = True, shacl: bool = True, keep_ledger: bool = False,
        keep_text: bool = False, keep_nquads: Path | None = None,
        progress: Progress | None = None, extra_sinks: Sequence[Sink] = (),
        as_of: dt.date | None = None, workers: int | None = None) -> BuildResult:
    """Validate ``inputs`` as one ledger and, when valid and ``publish`` is set, make it live.

    Nothing is published unless every record passed (and SHACL, with ``shacl``); a failed run
    leaves the live store as it was and, on a first build, no store folder at all. With
    ``as_of``, the graph is built as it was known on that date (see graph/evidence/timing.py).
    ``workers`` (default: the ``build_workers`` setting) spreads validation and writing over
    processes (graph/pipeline/parallel.py) when the ledger is big enough: the same diagnostics
    and the same bytes either way.
    """
    settings = settings or get_settings()
    vocab = load_vocabulary()
    resolved = [(path, READERS[r] if isinstance(r, str) else r) for path, r in inputs]
    needs_rdf = publish or shacl or keep_text or keep_nquads is not None
    count = processes(resolved, settings, workers) if (
        needs_rdf and not keep_ledger and not extra_sinks and as_of is None) else 1
    with _staging(settings, publish) as staging:
        ledger = LedgerSink() if keep_ledger else None
        nquads: NQuadsSink | None
        sharded = _sharded(resolved, vocab, settings, staging, count, publish, progress)
        if sharded is not None:
            outcome, nquads, derived = sharded.outcome, sharded.nquads, sharded.derived
            search: SearchSink | None = sharded.search
            timings = {**sharded.seconds, "processes": float(count)}
        else:
            nquads = NQuadsSink(staging / "data.nq", vocab, settings.base_iri,
                                as_of) if needs_rdf else None
            search = SearchSink() if publish else None
            derived = DerivedSink(staging / "derived", vocab, as_of) if publish else None
            sinks: list[Sink] = [s for s in (nquads, search, derived, ledger) if s is not None]
            sinks.extend(extra_sinks)
            cpu = time.process_time()
            outcome = validate(resolved, vocab, settings.source_root, sinks=sinks,
                               progress=progress)
            timings = {"validate": outcome.seconds, "processes": 1.0,
                       "cpu_longest": time.process_time() - cpu}
        result = BuildResult(outcome, ledger=ledger.ledger if ledger and outcome.ok else None,
                             search=search, shacl=shacl, timings=timings, inputs=tuple(inputs))
        if nquads is None or nquads.build_id is None or not outcome.ok:
            return result
        outcome.counts["quads"] = nquads.lines
        if shacl or keep_text:
            text = nquads.path.read_text(encoding="utf-8")
            result.nquads = text if keep_text else None
            if shacl:
                started = time.perf_counter()
                result.violations = shacl_check(text)
                result.timings["shacl"] = time.perf_counter() - started
        if keep_nquads is not None:
            shutil.copyfile(nquads.path, keep_nquads)
        if publish and result.ok:
            started = time.perf_counter()
            info = BuildInfo(nquads.build_id, now(), dict(outcome.counts))
            if derived is not None:  # before the switch: the live build's tables always exist
                derived.save(settings, info.build_id)
                result.timings["derived"] = time.perf_counter() - started
                started = time.perf_counter()
            open_store(settings).replace_file(nquads.path, info)
            result.timings["load"] = time.perf_counter() - started
            if search is not None:
                search.save(settings, info.build_id)
            result.timings["search"] = time.perf_counter() - started - result.timings["load"]
            result.info = info
        return result


def processes(inputs: Sequence[tuple[Path, Reader]], settings: Settings,
              workers: int | None = None) -> int:
    """How many processes a build of ``inputs`` uses: ``workers``, else the setting, else one
    per core; one for small ledgers (under ``PARALLEL_MIN_BYTES``), custom readers, and
    builds started from a thread other than the main one (a dashboard's: forking a process
    whose other threads may hold locks is how children hang)."""
    count = workers if workers is not None else settings.build_workers
    count = count if count > 0 else default_workers()
    if (count <= 1 or threading.current_thread() is not threading.main_thread()
            or not parallel_inputs(inputs) or input_bytes(inputs) < PARALLEL_MIN_BYTES):
        return 1
    return count


def _sharded(inputs: Sequence[tuple[Path, Reader]], vocab: Vocabulary, settings: Settings,
             staging: Path, count: int, publish: bool, progress: Progress | None
             ) -> ShardedBuild | None:
    """The parallel run, or None when it is not used or a process failed: a build process that
    dies (out of memory, killed) or disagrees is a fault of the machine or a bug, never of the
    ledger, so the build goes on in-process (the reference path) rather than stopping."""
    if count <= 1:
        return None
    try:
        return validate_sharded(inputs, vocab, settings.source_root, settings.base_iri, staging,
                                count, publish=publish, progress=progress)
    except ParallelBuildError as exc:
        log.warning("parallel build failed, building in-process: %s", exc)
        log.debug("%s", exc.detail)
        remove_shards(staging)
        return None


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@contextmanager
def _staging(settings: Settings, publish: bool) -> Iterator[Path]:
    """A private folder for the build's files, removed afterwards whatever happens.

    A publishing run stages beside the builds, on the same file system, so the store can
    take the N-Quads by hard link; a first build that fails leaves no store folder behind.
    """
    if not publish:
        with tempfile.TemporaryDirectory(prefix="custodiet-") as scratch:
            yield Path(scratch)
        return
    root = settings.store_dir
    created = [p for p in (root, root / "builds") if not p.exists()]
    staging = root / "builds" / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        for made in reversed(created):
            with suppress(OSError):  # only empty folders go: a published build stays
                made.rmdir()


__all__ = ["READERS", "BuildOutput", "BuildResult", "now", "processes", "run"]
