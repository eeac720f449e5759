"""A validator sink that streams each valid record's row into CSV files in the staging folder.

Nothing is held per record but the few lifecycle steps and compared facts the whole-ledger
rules need (as the N-Quads sink keeps them): rows go to disk as they come, and
``graph.derived.tables`` turns the files into one DuckDB database at publish time. Evidence
(visible references, independent lines, grade, known-since, case status) comes from
``graph.evidence.summary``, the same function the N-Quads sink writes into the RDF.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from graph.evidence import contradictions, lifecycle
from graph.evidence.summary import case_statuses, claim_evidence, hidden_at
from graph.ledger.dates import PartialDate
from graph.ledger.model import UNKNOWN_PUBLISHER, Claim, Entity, Known, Redirect, Source
from graph.ledger.urls import host
from graph.settings import Settings
from graph.vocabulary import Vocabulary

NULL = "\\N"  # how a missing value is written (read back with ``nullstr``)

COLUMNS: dict[str, dict[str, str]] = {
    "entities": {"id": "VARCHAR", "seq": "BIGINT", "label_en": "VARCHAR", "label_fr": "VARCHAR",
                 "types": "VARCHAR", "country": "VARCHAR", "aliases": "VARCHAR",
                 "founded": "VARCHAR"},
    "sources": {"id": "VARCHAR", "seq": "BIGINT", "kind": "VARCHAR", "title": "VARCHAR",
                "publisher": "VARCHAR", "publisher_unknown": "VARCHAR", "issued": "DATE",
                "precision": "VARCHAR", "language": "VARCHAR", "url": "VARCHAR",
                "host": "VARCHAR", "copy_of": "VARCHAR", "reliability": "VARCHAR",
                "sha256": "VARCHAR", "archive": "VARCHAR", "cites": "VARCHAR"},
    "claims": {"id": "VARCHAR", "seq": "BIGINT", "subject": "VARCHAR", "predicate": "VARCHAR",
               "object": "VARCHAR", "value": "VARCHAR", "value_type": "VARCHAR",
               "date": "DATE", "precision": "VARCHAR", "start": "DATE",
               "start_precision": "VARCHAR", "end": "DATE", "end_precision": "VARCHAR",
               "published": "DATE", "recorded": "DATE", "amount_text": "VARCHAR",
               "amount": "DOUBLE", "currency": "VARCHAR", "status": "VARCHAR",
               "kind": "VARCHAR", "role": "VARCHAR", "confidence": "VARCHAR",
               "note_en": "VARCHAR", "note_fr": "VARCHAR", "disputes": "VARCHAR",
               "follows": "VARCHAR", "round": "VARCHAR", "stage": "VARCHAR",
               "outcome": "VARCHAR", "source_count": "INTEGER", "lines": "INTEGER",
               "grade": "VARCHAR", "grade_reason": "VARCHAR", "known_since": "DATE"},
    "refs": {"claim": "VARCHAR", "idx": "INTEGER", "source": "VARCHAR", "locator": "VARCHAR",
             "stance": "VARCHAR"},
    "cases": {"claim": "VARCHAR", "case_id": "VARCHAR", "case_status": "VARCHAR"},
    "contradictions": {"claim": "VARCHAR", "other": "VARCHAR", "kind": "VARCHAR",
                       "detail": "VARCHAR"},
    "redirects": {"id": "VARCHAR", "target": "VARCHAR", "aliases": "VARCHAR"},
}


def _cell(value: Any) -> Any:
    return NULL if value is None else value


def _day(value: PartialDate | None) -> str | None:
    return value.start.isoformat() if value is not None else None


def _precision(value: PartialDate | None) -> str | None:
    return value.precision if value is not None else None


def decimal_text(value: Decimal | int | float) -> str:
    """A number as the RDF writes it (``xsd:decimal``, normalised, no exponent)."""
    return format(Decimal(str(value)).normalize(), "f")


def _value(claim: Claim) -> tuple[str | None, str | None]:
    """(the literal object as text, its XSD datatype) of a value claim; (None, None) otherwise."""
    value = claim.value
    if claim.object is not None or value is None:
        return None, None
    if isinstance(value, PartialDate):
        return value.start.isoformat(), "date"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return decimal_text(value), "decimal"
    return str(value), "string"


class DerivedSink:
    """Rows of every valid record, streamed to CSV files in ``folder`` (see the module doc)."""

    def __init__(self, folder: Path, vocab: Vocabulary, as_of: dt.date | None = None) -> None:
        self.folder = folder
        self.vocab = vocab
        self.as_of = as_of
        folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        for name, columns in COLUMNS.items():
            handle = (folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
            self.files[name] = handle
            self.writers[name] = csv.writer(handle)
            self.writers[name].writerow(columns)
        self.steps: list[lifecycle.Step] = []
        self.facts: dict[str, contradictions.Facts] = {}
        self.hidden: set[str] = set()
        self.seq = 0
        self.valid = True
        self.closed = False

    def _row(self, table: str, values: list[Any]) -> None:
        if self.valid:
            self.writers[table].writerow([_cell(v) for v in values])

    def entity(self, e: Entity) -> None:
        self.seq += 1
        self._row("entities", [e.id, self.seq, e.name.en or None, e.name.fr or None,
                               " ".join(e.types), e.country, "\t".join(e.aliases) or None,
                               str(e.founded) if e.founded else None])

    def source(self, s: Source) -> None:
        self.seq += 1
        unknown = s.publisher == UNKNOWN_PUBLISHER
        self._row("sources", [
            s.id, self.seq, s.kind, s.title, None if unknown else s.publisher,
            (s.publisher_reason or "") if unknown else None, _day(s.published),
            _precision(s.published), s.language, s.url, host(s.url) if s.url else None,
            s.copy_of, s.reliability, s.sha256, s.archive, " ".join(s.cites) or None])

    def redirect(self, redirect: Redirect) -> None:
        """A merged id; its names join the target's aliases when the tables are built (the
        target's row was written before redirects arrive)."""
        self._row("redirects", [redirect.id, redirect.to, "\t".join(redirect.aliases) or None])

    def claim(self, cid: str, claim: Claim, known: Known) -> None:
        if not self.valid:
            return
        evidence = claim_evidence(claim, known, self.vocab, self.as_of)
        since = evidence.known_since
        step = lifecycle.Step.of(cid, claim, self.vocab, since)
        if step.stage or step.follows:
            self.steps.append(step)
        if hidden_at(claim, since, self.as_of):
            self.hidden.add(cid)
            return
        facts = contradictions.facts_of(cid, claim, self.vocab)
        if facts is not None:
            self.facts[cid] = facts
        for found in contradictions.declared(cid, claim):
            self._row("contradictions", [found.claim, found.other, found.kind, found.detail])
        self.seq += 1
        value, value_type = _value(claim)
        note = claim.note
        grade = evidence.grade
        stage = claim.stage if claim.stage in self.vocab.stages else None
        outcome = claim.outcome if claim.outcome in self.vocab.outcomes else None
        self._row("claims", [
            cid, self.seq, claim.subject, claim.predicate, claim.object, value, value_type,
            _day(claim.date), _precision(claim.date), _day(claim.start),
            _precision(claim.start), _day(claim.end), _precision(claim.end),
            _day(claim.published), _day(claim.recorded),
            decimal_text(claim.amount) if claim.amount is not None else None,
            float(decimal_text(claim.amount)) if claim.amount is not None else None,
            claim.currency, claim.status, claim.kind, claim.role, claim.confidence,
            (note.en or None) if note else None, (note.fr or None) if note else None,
            claim.disputes, claim.follows, claim.round, stage, outcome,
            len(evidence.distinct), evidence.lines, grade.notation if grade else None,
            grade.explain() if grade else None, _day(since)])
        writer = self.writers["refs"]
        for index in evidence.shown:
            ref = claim.refs[index]
            writer.writerow([cid, index + 1, ref.source, ref.locator.text(),
                             ref.stance or "supports"])

    def abandon(self) -> None:
        self.valid = False
        self._close_files()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _close_files(self) -> None:
        for handle in self.files.values():
            handle.close()
        self.files.clear()

    def close(self) -> None:
        if not self.valid or self.closed:
            return
        self.closed = True
        case_of: dict[str, str] = {}
        for cid, root, status in case_statuses(self.steps, self.vocab, self.as_of):
            case_of[cid] = root
            if cid not in self.hidden:
                self._row("cases", [cid, root, status])
        for found in contradictions.incompatible(self.facts, case_of):
            self._row("contradictions", [found.claim, found.other, found.kind, found.detail])
        self._close_files()

    def save(self, settings: Settings, build_id: str) -> Path | None:
        """Write the build's DuckDB database beside the store (before the store switches to
        the build, so whoever reads the live build id finds it) and prune old ones."""
        if not self.valid or not self.closed:
            return None
        from graph.derived.tables import publish  # the SQL lives beside the read side

        return publish(self.folder, settings, build_id, self.as_of)
