"""The bulk path: JSON Lines / CSV ledgers streamed through validation into the store.

Same rules and messages as the YAML ledger (the per-record checks of ``check.py``), located as
``file:line:col``, but record by record: what stays in memory is the set of ids, each entity's
classes and each source's publisher (about 200 bytes a record), never the records themselves.
Records whose references are not known yet when they are read (a claim before its entities,
a dispute of a later claim) wait in a small queue and are checked at the end, so any order
works and the usual order (entities, sources, claims) streams in constant memory.

Valid records are written straight to N-Quads text; the store then ingests the file with its
own bulk loader (``pyoxigraph.Store.bulk_load``: parallel parsing, no transactions), in a
staging folder, and the build is switched live atomically like every other build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from pydantic import BaseModel, ValidationError

from graph.diagnostics import Diagnostic, Report, display_path
from graph.ledger.bulk_read import RawRecord, bulk_files, read_file
from graph.ledger.check import (
    check_claim,
    check_entity,
    check_source,
    check_source_links,
    claim_id,
    duplicate,
    unused_source,
)
from graph.ledger.load import _explain
from graph.ledger.model import Claim, Entity, Source
from graph.ledger.positions import Where
from graph.rdf.build import ontology_lines
from graph.rdf.nquads import NQuadsWriter
from graph.settings import Settings, get_settings
from graph.store import BuildInfo
from graph.vocabulary import Vocabulary, load_vocabulary

MODELS: dict[str, type[BaseModel]] = {"entity": Entity, "source": Source, "claim": Claim}
FLUSH_LINES = 50_000
Progress = Callable[[int], None]


@dataclass(slots=True)
class EntityFacts:
    types: list[str]


@dataclass(slots=True)
class SourceFacts:
    publisher: str | None
    archive: str | None


@dataclass
class Known:
    """What the stream has seen so far; satisfies ``check.Known``."""

    entities: dict[str, EntityFacts] = field(default_factory=dict)
    sources: dict[str, SourceFacts] = field(default_factory=dict)
    claims: set[str] = field(default_factory=set)
    places: dict[str, int] = field(default_factory=dict)  # id -> file index << 32 | line


@dataclass
class BulkResult:
    """The outcome of one pass: diagnostics, counts, and the N-Quads file when valid."""

    report: Report
    files: list[str]
    counts: dict[str, int]
    nquads: Path | None = None
    build_id: str | None = None
    search_rows: tuple[list[tuple[str, tuple[str, ...]]], list[tuple[str, str, str]]] | None = None
    seconds: float = 0.0
    loaded: Path | None = None  # an Oxigraph store already holding the N-Quads (piped load)

    @property
    def ok(self) -> bool:
        return not self.report.errors and self.nquads is not None

    def summary(self) -> str:
        errors, warnings = len(self.report.errors), len(self.report.warnings)
        c = self.counts
        return (
            f"{len(self.files)} file{'s' * (len(self.files) != 1)}, {c['entities']} entities, "
            f"{c['sources']} sources, {c['claims']} claims: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}"
        )


class _Sink:
    """N-Quads lines to a file, hashed as written (the build id), buffered for speed.

    With ``tee`` the same bytes also go to a second stream: the pipe an Oxigraph bulk loader
    reads from in another thread, so parsing and indexing (Rust, without the GIL) run on the
    second core while Python validates the next records.
    """

    def __init__(self, path: Path | None, tee: IO[bytes] | None = None) -> None:
        self.path = path
        self.file: IO[bytes] | None = path.open("wb") if path else None
        self.tee = tee
        self.digest = hashlib.sha256()
        self.buffer: list[str] = []
        self.lines = 0

    def add(self, lines: list[str]) -> None:
        if self.file is None:
            return
        self.buffer.extend(lines)
        if len(self.buffer) >= FLUSH_LINES:
            self.flush()

    def flush(self) -> None:
        if self.file is None or not self.buffer:
            return
        data = ("\n".join(self.buffer) + "\n").encode("utf-8")
        self.digest.update(data)
        self.file.write(data)
        if self.tee is not None:
            try:
                self.tee.write(data)
            except OSError:  # the loader failed and closed the pipe; ``_PipedLoad`` reports it
                self._close_tee()
        self.lines += len(self.buffer)
        self.buffer.clear()

    def abandon(self) -> None:
        """An error was found: stop writing (the build will not happen) but keep validating."""
        if self.file is not None:
            self.file.close()
            self.file = None
            if self.path:
                self.path.unlink(missing_ok=True)
        self.buffer.clear()
        self._close_tee()

    def _close_tee(self) -> None:
        if self.tee is not None:
            with suppress(OSError):  # the loader stopped reading: its error is reported instead
                self.tee.close()
            self.tee = None

    def close(self) -> str | None:
        if self.file is None:
            self._close_tee()
            return None
        self.flush()
        self.file.close()
        self.file = None
        self._close_tee()
        return self.digest.hexdigest()[:16]


class BulkValidator:
    """One streaming pass over bulk files; see the module docstring."""

    def __init__(self, settings: Settings, vocab: Vocabulary, output: Path | None,
                 tee: IO[bytes] | None = None) -> None:
        self.settings = settings
        self.vocab = vocab
        self.report = Report()
        self.known = Known()
        self.writer = NQuadsWriter(vocab, settings.base_iri)
        self.sink = _Sink(output, tee)
        self.files: list[Path] = []
        self.used: set[str] = set()
        self.rejected = 0
        self.failed = False
        self.waiting_sources: list[tuple[Source, Where]] = []
        self.waiting_claims: list[tuple[str, Claim, Where]] = []
        self.search_entities: list[tuple[str, tuple[str, ...]]] = []
        self.search_texts: list[tuple[str, str, str]] = []

    # -- bookkeeping -------------------------------------------------------------------------
    def _errors_since(self, before: int) -> None:
        if not self.failed and any(d.severity == "error" for d in self.report.items[before:]):
            self.failed = True
            self.sink.abandon()

    def _emit(self, lines: list[str]) -> None:
        if not self.failed:
            self.sink.add(lines)

    def _register(self, record_id: str, where: Where, path: list[str | int], file: int,
                  line: int) -> bool:
        first = self.known.places.get(record_id)
        if first is not None:
            first_file = display_path(self.files[first >> 32])
            self.report.add(duplicate(record_id, where, path, first_file, first & 0xFFFFFFFF))
            return False
        self.known.places[record_id] = file << 32 | line
        return True

    # -- records -----------------------------------------------------------------------------
    def feed(self, raw: RawRecord, file: int) -> None:
        before = len(self.report.items)
        model = MODELS[raw.kind]
        try:
            record = model.model_validate(raw.data)
        except ValidationError as exc:
            self.report.extend(_explain(exc, raw.where, model))
            self.rejected += 1
            self._errors_since(before)
            return
        if isinstance(record, Entity):
            self._entity(record, raw, file)
        elif isinstance(record, Source):
            self._source(record, raw, file)
        elif isinstance(record, Claim):
            self._claim(record, raw, file)
        self._errors_since(before)

    def _entity(self, entity: Entity, raw: RawRecord, file: int) -> None:
        if not self._register(entity.id, raw.where, ["id"], file, raw.line):
            return
        self.known.entities[entity.id] = EntityFacts(list(entity.types))
        check_entity(entity, raw.where, self.vocab, self.report)
        if entity.website and not _valid_iri(entity.website):
            self.report.add(raw.where.diag(["website"], f"website {entity.website!r} is not a "
                                           "valid IRI", "percent-encode spaces, quotes and <>"))
        self.search_entities.append((entity.id, tuple(entity.types)))
        self.search_texts.extend((entity.id, text, lang) for lang, text in entity.name.items())
        self.search_texts.extend((entity.id, alias, "") for alias in entity.aliases)
        self._emit(self.writer.entity(entity))

    def _source(self, source: Source, raw: RawRecord, file: int) -> None:
        if not self._register(source.id, raw.where, ["id"], file, raw.line):
            return
        self.known.sources[source.id] = SourceFacts(source.publisher, source.archive)
        check_source(source, raw.where, self.vocab, self.report, self.settings.source_root)
        if source.url and not _valid_iri(source.url):
            self.report.add(raw.where.diag(["url"], f"url {source.url!r} is not a valid IRI",
                                           "percent-encode spaces, quotes and <>"))
        self.used.update(source.cites)
        known = self.known
        if ((source.publisher is None or source.publisher in known.entities)
                and all(c in known.sources for c in source.cites)):
            check_source_links(source, raw.where, known, self.report)
            self._emit(self.writer.source(source))
        else:
            self.waiting_sources.append((source, raw.where))

    def _claim(self, claim: Claim, raw: RawRecord, file: int) -> None:
        cid = claim_id(claim)
        if not self._register(cid, raw.where, ["id"] if claim.id else [], file, raw.line):
            return
        known = self.known
        known.claims.add(cid)
        if (claim.subject in known.entities
                and (claim.object is None or claim.object in known.entities)
                and (claim.disputes is None or claim.disputes in known.claims)
                and all(ref.source in known.sources for ref in claim.refs)):
            self._check_and_emit(cid, claim, raw.where)
        else:
            self.waiting_claims.append((cid, claim, raw.where))

    def _check_and_emit(self, cid: str, claim: Claim, where: Where) -> None:
        before = len(self.report.items)
        check_claim(cid, claim, where, self.known, self.vocab, self.report, self.used,
                    self.settings.source_root)
        if len(self.report.items) != before:
            self._errors_since(before)
        self._emit(self.writer.claim(cid, claim, self.known.sources))

    # -- end of input ------------------------------------------------------------------------
    def finish(self) -> None:
        """Check what waited for later records, then warn about sources nobody uses."""
        for source, where in self.waiting_sources:
            before = len(self.report.items)
            check_source_links(source, where, self.known, self.report)
            self._errors_since(before)
            self._emit(self.writer.source(source))
        for cid, claim, where in self.waiting_claims:
            self._check_and_emit(cid, claim, where)
        self.waiting_sources.clear()
        self.waiting_claims.clear()
        if self.rejected:
            return  # as for YAML: a rejected record may be the one that used the source
        unused = [s for s in self.known.sources if s not in self.used]
        by_file: dict[int, dict[int, str]] = defaultdict(dict)
        for source_id in unused:
            place = self.known.places[source_id]
            by_file[place >> 32][place & 0xFFFFFFFF] = source_id
        for index, lines in by_file.items():
            ignored: list[Diagnostic] = []
            for raw in read_file(self.files[index], ignored):
                if raw.line in lines and raw.kind == "source":
                    self.report.add(unused_source(lines[raw.line], raw.where))


def _valid_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr, fed in bytes read; updates are batched to stay cheap."""
    if not enabled:
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from graph.cli.output import err

    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=err, transient=False) as bar:
        task = bar.add_task("validating", total=total or None)
        pending = [0]

        def advance(n: int) -> None:
            pending[0] += n
            if pending[0] >= 1 << 20:
                bar.update(task, advance=pending[0])
                pending[0] = 0

        yield advance
        bar.update(task, advance=pending[0])


class _PipedLoad:
    """An Oxigraph bulk load reading from a named pipe in a thread (it releases the GIL)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fifo = folder.parent / f"{folder.name}.pipe"
        self.fifo.unlink(missing_ok=True)
        os.mkfifo(self.fifo)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bulk-load", daemon=True)
        self.thread.start()
        self.stream: IO[bytes] = self.fifo.open("wb")

    def _run(self) -> None:
        try:
            load_oxigraph(self.fifo, self.folder)
        except BaseException as exc:  # reported by ``wait`` in the caller's thread
            self.error = exc
            try:  # unblock the writer, which would otherwise wait on a full pipe forever
                with self.fifo.open("rb") as drain:
                    while drain.read(1 << 20):
                        pass
            except OSError:
                pass

    def wait(self) -> BaseException | None:
        self.thread.join()
        self.fifo.unlink(missing_ok=True)
        return self.error


def validate_bulk(path: Path, settings: Settings | None = None, *, output: Path | None = None,
                  progress: bool = False, load_into: Path | None = None) -> BulkResult:
    """Validate a bulk ledger (file or folder); with ``output``, also write its N-Quads there.

    The N-Quads file is kept only when the ledger has no errors. With ``load_into`` (and
    ``output``), an Oxigraph store is bulk-loaded there at the same time, through a pipe.
    """
    settings = settings or get_settings()
    vocab = load_vocabulary()
    started = time.perf_counter()
    piped = _PipedLoad(load_into) if load_into is not None and output is not None else None
    validator = BulkValidator(settings, vocab, output, piped.stream if piped else None)
    report = validator.report
    if not path.exists():
        report.add(Diagnostic(str(path), 1, 1, "no such file or folder",
                              "give a .jsonl or .csv ledger, or a folder of them"))
        validator.sink.abandon()
        return BulkResult(report, [], {"entities": 0, "sources": 0, "claims": 0})
    files = bulk_files(path)
    if not files:
        report.add(Diagnostic(display_path(path), 1, 1, "no .jsonl or .csv files found"))
    validator.files = files
    validator._emit(list(ontology_lines()))
    total = sum(f.stat().st_size for f in files if not f.name.endswith(".gz"))
    with _progress_bar(total, progress) as advance:
        for index, file in enumerate(files):
            problems: list[Diagnostic] = []
            for raw in read_file(file, problems, advance):
                validator.feed(raw, index)
                if problems:
                    report.extend(problems)
                    problems.clear()
                    validator._errors_since(0)
            if problems:
                report.extend(problems)
                validator._errors_since(0)
    validator.finish()
    if report.errors and not validator.failed:
        validator.failed = True
        validator.sink.abandon()
    build_id = validator.sink.close()
    loaded = None
    if piped is not None:
        failure = piped.wait()
        if failure is not None and build_id is not None:
            report.add(Diagnostic(display_path(path), 1, 1, f"the store refused the data: {failure}"))
            build_id = None
        loaded = load_into if build_id else None
    known = validator.known
    counts = {"entities": len(known.entities), "sources": len(known.sources),
              "claims": len(known.claims), "quads": validator.sink.lines}
    return BulkResult(
        report, [display_path(f) for f in files], counts,
        nquads=output if build_id else None, build_id=build_id,
        search_rows=(validator.search_entities, validator.search_texts) if build_id else None,
        seconds=time.perf_counter() - started, loaded=loaded,
    )


# -- publishing ------------------------------------------------------------------------------
def staging_dir(settings: Settings) -> Path:
    """A private folder next to the builds, on the same file system (so moves are renames)."""
    folder = settings.store_dir / "builds" / f".bulk-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def load_oxigraph(nquads: Path, folder: Path) -> None:
    """The engine's own bulk loader straight from the file: parallel parse, no transactions."""
    store = ox.Store(str(folder))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store


def publish_bulk(result: BulkResult, settings: Settings | None = None) -> BuildInfo:
    """Make a validated bulk build live in the configured backend, atomically."""
    from graph.store.builds import BuildDirectory

    settings = settings or get_settings()
    if not result.ok or result.nquads is None or result.build_id is None:
        raise ValueError("only a valid bulk ledger can be published")
    info = BuildInfo(result.build_id, dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                     dict(result.counts))
    nquads = result.nquads
    if settings.backend == "remote":
        from graph.store.remote_store import RemoteStore

        RemoteStore(settings).replace_file(nquads, info)
    else:
        staging = nquads.parent
        if settings.backend == "oxigraph" and result.loaded is None:
            load_oxigraph(nquads, staging / "oxigraph")
        elif result.loaded is not None and result.loaded != staging / "oxigraph":
            os.replace(result.loaded, staging / "oxigraph")

        def fill(folder: Path) -> None:
            os.replace(nquads, folder / "data.nq")
            if (staging / "oxigraph").exists():
                os.replace(staging / "oxigraph", folder / "oxigraph")

        BuildDirectory(settings.store_dir).publish("", info, fill)
    _save_search_index(result, settings)
    return info


def _save_search_index(result: BulkResult, settings: Settings) -> None:
    """Build the search index now, so the first keystroke after a big build is instant."""
    if result.search_rows is None or result.build_id is None:
        return
    from graph.search import SearchIndex, cache_file, save_index

    entities, texts = result.search_rows
    save_index(SearchIndex.from_rows(sorted(entities), texts), cache_file(settings, result.build_id))


def build_bulk(path: Path, settings: Settings | None = None, *, progress: bool = False,
               piped: bool = False) -> tuple[BulkResult, BuildInfo | None]:
    """Validate, write N-Quads, bulk-load and publish; on any error nothing is published.

    ``piped`` loads Oxigraph while validating (see ``_PipedLoad``). It is off by default: on
    the 2-core benchmark machine it was not faster (docs/scaling.md), as both halves compete
    for the same cores; it pays on machines with idle cores.
    """
    settings = settings or get_settings()
    created = [p for p in (settings.store_dir, settings.store_dir / "builds") if not p.exists()]
    staging = staging_dir(settings)
    try:
        # The Oxigraph backend loads while validating (see ``_PipedLoad``); others load after.
        into = staging / "oxigraph" if piped and settings.backend == "oxigraph" else None
        result = validate_bulk(path, settings, output=staging / "data.nq", progress=progress,
                               load_into=into)
        if not result.ok:
            return result, None
        return result, publish_bulk(result, settings)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(created):  # a failed first build leaves no empty store behind
            with suppress(OSError):
                folder.rmdir()


def iter_records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Raw (kind, fields) of a bulk ledger, for tools that convert or sample it."""
    problems: list[Diagnostic] = []
    for file in bulk_files(path):
        for raw in read_file(file, problems):
            yield raw.kind, raw.data
