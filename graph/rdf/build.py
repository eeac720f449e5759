"""The statement model written as N-Quads by a validator sink, hashed into the build id.

This follows what SPARQL users know from Wikidata: ``ent:fbi ont:customer_of ent:clearview-ai``
for easy querying, and ``claim:… rdf:subject/rdf:predicate/rdf:object`` with dates, amounts,
statuses and ``prov:wasDerivedFrom`` for the evidence (the statements of each record are written
by ``graph.rdf.nquads``). Lines are written in the order the validator hands records over, which
is deterministic for the same ledger: the same ledger always gives the same bytes, hence the
same build id, without sorting millions of lines in memory.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.ledger.model import Claim, Entity, Known, Source
from graph.rdf.nquads import NQuadsWriter
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

    def __init__(self, path: Path, vocab: Vocabulary, base_iri: str) -> None:
        self.path = path
        self.writer = NQuadsWriter(vocab, base_iri)
        self.file: IO[bytes] | None = path.open("wb")
        self.digest = hashlib.sha256()
        self.buffer: list[str] = []
        self.lines = 0
        self.build_id: str | None = None
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
        self.digest.update(data)
        self.file.write(data)
        self.lines += len(self.buffer)
        self.buffer.clear()

    def entity(self, entity: Entity) -> None:
        self._add(self.writer.entity(entity))

    def source(self, source: Source) -> None:
        self._add(self.writer.source(source))

    def claim(self, cid: str, claim: Claim, known: Known) -> None:
        self._add(self.writer.claim(cid, claim, known.sources))

    def abandon(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
            self.path.unlink(missing_ok=True)
        self.buffer.clear()

    def close(self) -> None:
        if self.file is None:
            return
        self._flush()
        self.file.close()
        self.file = None
        self.build_id = self.digest.hexdigest()[:16]
