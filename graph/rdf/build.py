"""The statement model written as N-Quads by a validator sink, hashed into the build id.

This follows what SPARQL users know from Wikidata: ``ent:fbi ont:customer_of ent:clearview-ai``
for easy querying, and ``claim:… rdf:subject/rdf:predicate/rdf:object`` with dates, amounts,
statuses and ``prov:wasDerivedFrom`` for the evidence (the statements of each record are written
by ``graph.rdf.nquads``). Lines are written in the order the validator hands records over, which
is deterministic for the same ledger: the same ledger always gives the same bytes, hence the
same build id, without sorting millions of lines in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.evidence import contradictions, lifecycle
from graph.evidence.summary import case_statuses, claim_evidence, hidden_at
from graph.ledger.model import Claim, Entity, Known, Redirect, Source
from graph.namespaces import ONT, XSD
from graph.rdf.nquads import NQuadsWriter, lit
from graph.vocabulary import ONTOLOGY_PATH, Vocabulary

FLUSH_LINES = 50_000


@lru_cache(maxsize=1)
def ontology_lines() -> tuple[str, ...]:
    """The vocabulary's own triples, loaded into every build so labels are queryable."""
    return tuple(f"{t} ." for t in ox.parse(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE))


class NQuadsSink:
    """A validator sink: each valid record's statements, buffered, hashed as written.

    The file is removed when the ledger turns out invalid (``abandon``), so a half-written build
    never lies around; ``build_id`` is set only when the whole ledger was written.
    """

    def __init__(self, path: Path, vocab: Vocabulary, base_iri: str,
                 as_of: dt.date | None = None, *, whole: bool = True) -> None:
        # ``whole=False``: a fragment written by one process of a parallel build
        # (graph/pipeline/parallel.py): only the records' own lines, no ontology, no
        # whole-ledger statements, no hash; the assembling sink ``splice``s it in order.
        self.whole = whole
        self.path = path
        self.vocab = vocab
        self.base = base_iri
        self.as_of = as_of
        self.writer = NQuadsWriter(vocab, base_iri)
        # What the whole-ledger evidence rules need, kept small: lifecycle steps of claims
        # that have a stage, and the compared facts of dated claims (see graph.evidence).
        self.steps: list[lifecycle.Step] = []
        self.facts: dict[str, contradictions.Facts] = {}
        self.hidden: set[str] = set()  # claims not yet known at the as-of date
        self.file: IO[bytes] | None = path.open("wb")
        self.digest = hashlib.sha256()
        self.buffer: list[str] = []
        self.lines = 0
        self.build_id: str | None = None
        self.written = 0  # bytes written so far (fragments are located by byte ranges)
        if whole:
            self._add(list(ontology_lines()))

    def _add(self, lines: list[str]) -> None:
        if self.file is not None:
            self.buffer.extend(lines)
            if len(self.buffer) >= FLUSH_LINES:
                self._flush()

    def _flush(self) -> None:
        if self.file is None or not self.buffer:
            return
        data = ("\n".join(self.buffer) + "\n").encode("utf-8")
        if self.whole:
            self.digest.update(data)
        self.file.write(data)
        self.written += len(data)
        self.lines += len(self.buffer)
        self.buffer.clear()

    def mark(self) -> tuple[int, int]:
        """(bytes, lines) written so far, everything buffered flushed: a fragment's boundary."""
        self._flush()
        return self.written, self.lines

    def splice(self, data: bytes, lines: int) -> None:
        """Append ``lines`` lines of N-Quads another process wrote, in their place in the order."""
        if self.file is None or not data:
            return
        self._flush()
        self.digest.update(data)
        self.file.write(data)
        self.written += len(data)
        self.lines += lines

    def entity(self, entity: Entity) -> None:
        self._add(self.writer.entity(entity))

    def source(self, source: Source) -> None:
        self._add(self.writer.source(source))

    def claim(self, cid: str, claim: Claim, known: Known) -> None:
        since = claim_evidence(claim, known, self.vocab, self.as_of).known_since
        step = lifecycle.Step.of(cid, claim, self.vocab, since)
        if step.stage or step.follows:  # hidden steps too: they still link a case together
            self.steps.append(step)
        if hidden_at(claim, since, self.as_of):
            self.hidden.add(cid)
            return
        self._add(self.writer.claim(cid, claim, known, self.as_of))
        facts = contradictions.facts_of(cid, claim, self.vocab)
        if facts is not None:
            self.facts[cid] = facts
        for found in contradictions.declared(cid, claim):
            self._add(self._contradiction(found))

    def _contradiction(self, found: contradictions.Contradiction) -> list[str]:
        c = f"<{self.writer.clm}{found.claim}>"
        if found.kind == "denied":
            return [f"{c} <{ONT}contradiction> {lit(f'denied by {found.other} ({found.detail})')} ."]
        other = f"<{self.writer.clm}{found.other}>"
        return [f"{c} <{ONT}contradicts> {other} .", f"{other} <{ONT}contradicts> {c} ."]

    def _derived(self) -> list[str]:
        """Statements only the whole ledger can give: case statuses and found contradictions."""
        out = []
        case_of: dict[str, str] = {}
        for cid, root, status in case_statuses(self.steps, self.vocab, self.as_of):
            case_of[cid] = root
            if cid in self.hidden:
                continue
            c = f"<{self.writer.clm}{cid}>"
            out.append(f"{c} <{ONT}case> {lit(root)} .")
            if status is not None:
                out.append(f"{c} <{ONT}caseStatus> {self.writer.statuses[status]} .")
        for found in contradictions.incompatible(self.facts, case_of):
            out += self._contradiction(found)
            out.append(f"<{self.writer.clm}{found.claim}> <{ONT}contradiction> "
                       f"{lit(found.detail)} .")
        if self.as_of is not None:
            out.append(f'<{self.base}> <{ONT}asOf> "{self.as_of.isoformat()}"^^<{XSD}date> .')
        return out

    def redirect(self, redirect: Redirect) -> None:
        self._add(self.writer.redirect(redirect))

    def abandon(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
            self.path.unlink(missing_ok=True)
        self.buffer.clear()

    def close(self) -> None:
        if self.file is None:
            return
        if self.whole:
            self._add(self._derived())
        self._flush()
        self.file.close()
        self.file = None
        if self.whole:
            self.build_id = self.digest.hexdigest()[:16]
