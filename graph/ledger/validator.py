"""The one validator: every record from every reader through every rule, once.

Records stream through: what stays in memory is ``Known`` (the ids, each entity's classes and
each source's publisher, about 200 bytes a record), never the records themselves. Records whose
references are not known yet when they are read (a claim before its entities, a dispute of a
later claim) wait in a small queue and are checked at the end, so any order works and the usual
order (entities, sources, claims) streams in constant memory.

Valid records are handed to the sinks the caller gives (the N-Quads writer, the search index,
an in-memory ledger …) in a deterministic order: the order read, waiting records last. At the
first error every sink is told to ``abandon``: nothing of an invalid ledger is ever built, but
validation goes on so the user sees every problem at once.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ValidationError

from graph.diagnostics import Diagnostic, Report, display_path
from graph.ledger.explain import explain
from graph.ledger.model import (
    UNKNOWN_PUBLISHER,
    Claim,
    Entity,
    EntityFacts,
    Known,
    Ledger,
    Redirect,
    Source,
    SourceFacts,
    claim_id,
)
from graph.ledger.positions import Where
from graph.ledger.raw import Progress, RawRecord, Reader
from graph.ledger.rules import (
    check_claim,
    check_entity,
    check_redirect,
    check_source,
    check_source_links,
    duplicate,
    tracking_removed,
    unused_source,
)
from graph.vocabulary import Vocabulary

MODELS: dict[str, type[BaseModel]] = {"entity": Entity, "source": Source, "claim": Claim,
                                      "redirect": Redirect}
FUNDING_ROUND = "raised_funding"  # the predicate whose claims investor claims' `round:` names


class Sink(Protocol):
    """Receives valid records; ``abandon`` when the ledger turns out invalid, ``close`` at the end."""

    def entity(self, entity: Entity) -> None: ...

    def source(self, source: Source) -> None: ...

    def claim(self, cid: str, claim: Claim, known: Known) -> None: ...

    def redirect(self, redirect: Redirect) -> None: ...

    def abandon(self) -> None: ...

    def close(self) -> None: ...


class LedgerSink:
    """Keeps the whole valid ledger in memory (small ledgers: reports, examples, tests)."""

    def __init__(self) -> None:
        self.ledger: Ledger | None = Ledger()

    def entity(self, entity: Entity) -> None:
        if self.ledger is not None:
            self.ledger.entities[entity.id] = entity

    def source(self, source: Source) -> None:
        if self.ledger is not None:
            self.ledger.sources[source.id] = source

    def claim(self, cid: str, claim: Claim, known: Known) -> None:
        if self.ledger is not None:
            self.ledger.claims[cid] = claim

    def redirect(self, redirect: Redirect) -> None:
        if self.ledger is not None:
            self.ledger.redirects[redirect.id] = redirect

    def abandon(self) -> None:
        self.ledger = None

    def close(self) -> None:
        pass


@dataclass
class Outcome:
    """What one validation found: every diagnostic, the files read, the record counts."""

    report: Report
    files: list[str]
    counts: dict[str, int]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.report.errors

    def summary(self, violations: int | None = None) -> str:
        """One line for the CLI; ``violations`` is the SHACL count when SHACL ran."""
        errors, warnings = len(self.report.errors), len(self.report.warnings)
        c = self.counts
        files = len(self.files)
        shapes = "" if violations is None else (
            f"{violations} shape violation{'s' * (violations != 1)}, ")
        return (
            f"{files} file{'s' * (files != 1)}, {c['entities']} entities, "
            f"{c['sources']} sources, {c['claims']} claims: {errors} error{'s' * (errors != 1)}, "
            f"{shapes}{warnings} warning{'s' * (warnings != 1)}"
        )


@dataclass
class Validator:
    """One pass over the records of one or more readers; see the module docstring."""

    vocab: Vocabulary
    source_root: Path
    sinks: Sequence[Sink] = ()
    report: Report = field(default_factory=Report)
    known: Known = field(default_factory=Known)
    files: list[tuple[Path, Reader]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    rejected: int = 0
    failed: bool = False
    waiting_sources: list[tuple[Source, Where]] = field(default_factory=list)
    waiting_claims: list[tuple[str, Claim, Where]] = field(default_factory=list)
    waiting_redirects: list[tuple[Redirect, Where]] = field(default_factory=list)

    # -- reading -----------------------------------------------------------------------------
    def read(self, path: Path, reader: Reader, progress: Progress | None = None) -> None:
        """Feed every record of ``path`` (a file or a folder) as ``reader`` reads it."""
        if not path.exists():
            self._add(Diagnostic(str(path), 1, 1, "no such file or folder", reader.hint))
            return
        files = reader.files(path)
        if not files:
            self._add(Diagnostic(display_path(path), 1, 1, f"no {reader.name} ledger files found",
                                 reader.hint))
        for file in files:
            index = len(self.files)
            self.files.append((file, reader))
            problems: list[Diagnostic] = []
            for raw in reader.read(file, problems, progress):
                if problems:
                    self._reader_problems(problems)
                self.feed(raw, index)
            self._reader_problems(problems)

    def _reader_problems(self, problems: list[Diagnostic]) -> None:
        if problems:
            self.rejected += sum(d.severity == "error" for d in problems)
            for problem in problems:
                self._add(problem)
            problems.clear()

    def feed(self, raw: RawRecord, file: int) -> None:
        model = MODELS[raw.kind]
        try:
            record = model.model_validate(raw.data)
        except ValidationError as exc:
            for diagnostic in explain(exc, raw.where, model):
                self._add(diagnostic)
            self.rejected += 1
            return
        if isinstance(record, Entity):
            self._entity(record, raw, file)
        elif isinstance(record, Source):
            self._source(record, raw, file)
        elif isinstance(record, Claim):
            self._claim(record, raw, file)
        elif isinstance(record, Redirect):
            self._redirect(record, raw, file)

    # -- bookkeeping -------------------------------------------------------------------------
    def _add(self, diagnostic: Diagnostic) -> None:
        before = len(self.report.items)
        self.report.add(diagnostic)
        self._since(before)

    def _since(self, before: int) -> None:
        """Abandon the sinks if a rule just added an error (rules write to the report directly)."""
        items = self.report.items
        if not self.failed and len(items) != before and any(
                d.severity == "error" for d in items[before:]):
            self.failed = True
            for sink in self.sinks:
                sink.abandon()

    def _register(self, record_id: str, raw: RawRecord, path: list[str | int], file: int) -> bool:
        first = self.known.places.get(record_id)
        if first is not None:
            first_file = display_path(self.files[first >> 32][0])
            self._add(duplicate(record_id, raw.where, path, first_file, first & 0xFFFFFFFF))
            return False
        self.known.places[record_id] = file << 32 | raw.line
        return True

    # -- records -----------------------------------------------------------------------------
    def _entity(self, entity: Entity, raw: RawRecord, file: int) -> None:
        if not self._register(entity.id, raw, ["id"], file):
            return
        self.known.entities[entity.id] = EntityFacts(list(entity.types))
        before = len(self.report.items)
        check_entity(entity, raw.where, self.vocab, self.report)
        self._since(before)
        if not self.failed:
            for sink in self.sinks:
                sink.entity(entity)

    def _source(self, source: Source, raw: RawRecord, file: int) -> None:
        if not self._register(source.id, raw, ["id"], file):
            return
        before = len(self.report.items)
        source = tracking_removed(source, raw.where, self.report)
        self.known.sources[source.id] = SourceFacts.of(source)
        check_source(source, raw.where, self.vocab, self.report, self.source_root)
        self._since(before)
        self.used.update(source.cites)
        if source.copy_of:
            self.used.add(source.copy_of)
        if self._source_ready(source):
            self._link_and_emit(source, raw.where)
        else:
            self.waiting_sources.append((source, raw.where))

    def _source_ready(self, source: Source) -> bool:
        """A source goes to the sinks once what it copies and cites went before it, so every
        chain of copies and citations is complete when a claim's evidence is weighed."""
        known = self.known
        return ((source.publisher is None or source.publisher in known.entities
                 or source.publisher == UNKNOWN_PUBLISHER)
                and all(c in known.emitted for c in source.cites)
                and (source.copy_of is None or source.copy_of in known.emitted))

    def _link_and_emit(self, source: Source, where: Where) -> None:
        before = len(self.report.items)
        check_source_links(source, where, self.known, self.report)
        self._since(before)
        self.known.emitted.add(source.id)
        if not self.failed:
            for sink in self.sinks:
                sink.source(source)

    def _claim(self, claim: Claim, raw: RawRecord, file: int) -> None:
        cid = claim_id(claim)
        if not self._register(cid, raw, ["id"] if claim.id else [], file):
            return
        known = self.known
        known.claims.add(cid)
        if claim.predicate == FUNDING_ROUND:
            known.rounds[cid] = claim.subject
        if (claim.subject in known.entities
                and (claim.object is None or claim.object in known.entities)
                and all(link is None or link in known.claims
                        for link in (claim.disputes, claim.follows, claim.round))
                and all(ref.source in known.emitted for ref in claim.refs)):
            self._check_and_emit(cid, claim, raw.where)
        else:
            self.waiting_claims.append((cid, claim, raw.where))

    def _check_and_emit(self, cid: str, claim: Claim, where: Where) -> None:
        before = len(self.report.items)
        check_claim(cid, claim, where, self.known, self.vocab, self.report, self.used,
                    self.source_root)
        self._since(before)
        if not self.failed:
            for sink in self.sinks:
                sink.claim(cid, claim, self.known)

    def _redirect(self, redirect: Redirect, raw: RawRecord, file: int) -> None:
        if not self._register(redirect.id, raw, ["id"], file):
            return
        if redirect.to in self.known.entities:
            self._emit_redirect(redirect, raw.where)
        else:
            self.waiting_redirects.append((redirect, raw.where))

    def _emit_redirect(self, redirect: Redirect, where: Where) -> None:
        before = len(self.report.items)
        check_redirect(redirect, where, self.known, self.report)
        self._since(before)
        if not self.failed:
            for sink in self.sinks:
                sink.redirect(redirect)

    # -- end of input ------------------------------------------------------------------------
    def finish(self) -> None:
        """Check what waited for later records, warn about unused sources, close the sinks."""
        waiting = self.waiting_sources
        while waiting:  # sources whose chains completed later, in dependency order
            ready = [(s, w) for s, w in waiting if self._source_ready(s)]
            if not ready:
                break
            for source, where in ready:
                self._link_and_emit(source, where)
            waiting = [(s, w) for s, w in waiting if s.id not in self.known.emitted]
        for source, where in waiting:  # unknown or circular links: reported by the link check
            self._link_and_emit(source, where)
        for cid, claim, where in self.waiting_claims:
            self._check_and_emit(cid, claim, where)
        for redirect, place in self.waiting_redirects:
            self._emit_redirect(redirect, place)
        self.waiting_redirects.clear()
        self.waiting_sources.clear()
        self.waiting_claims.clear()
        if not self.rejected:  # a rejected record may be the one that used the source
            self._warn_unused()
        for sink in self.sinks:
            sink.close()

    def _warn_unused(self) -> None:
        """Unused sources are located by reading their files again: positions are not kept."""
        by_file: dict[int, dict[int, str]] = defaultdict(dict)
        for source_id in self.known.sources:
            if source_id not in self.used:
                place = self.known.places[source_id]
                by_file[place >> 32][place & 0xFFFFFFFF] = source_id
        for index, lines in sorted(by_file.items()):
            file, reader = self.files[index]
            for raw in reader.read(file, []):
                if raw.kind == "source" and raw.line in lines:
                    self._add(unused_source(lines[raw.line], raw.where))

    def outcome(self, started: float) -> Outcome:
        known = self.known
        counts = {"entities": len(known.entities), "sources": len(known.sources),
                  "claims": len(known.claims)}
        return Outcome(self.report, [display_path(f) for f, _ in self.files], counts,
                       time.perf_counter() - started)


def validate(inputs: Sequence[tuple[Path, Reader]], vocab: Vocabulary, source_root: Path, *,
             sinks: Sequence[Sink] = (), progress: Progress | None = None) -> Outcome:
    """Validate the ``(path, reader)`` inputs as one ledger, handing valid records to ``sinks``."""
    started = time.perf_counter()
    validator = Validator(vocab, source_root, sinks)
    for path, reader in inputs:
        validator.read(path, reader, progress)
    validator.finish()
    return validator.outcome(started)
