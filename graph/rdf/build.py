"""The statement model: a direct triple per claim plus a claim node with qualifiers and references.

This follows what SPARQL users know from Wikidata: ``ent:fbi ont:customer_of ent:clearview-ai``
for easy querying, and ``claim:… rdf:subject/rdf:predicate/rdf:object`` with dates, amounts,
statuses and ``prov:wasDerivedFrom`` for the evidence (the statements of each record are written
by ``graph.rdf.nquads``). The output is sorted N-Quads, so the same ledger always gives the same
bytes (and the same build id).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from graph.ledger.check import Ledger
from graph.rdf.iris import Iris
from graph.rdf.nquads import NQuadsWriter
from graph.vocabulary import ONTOLOGY_PATH, Vocabulary


@dataclass(frozen=True)
class BuildOutput:
    nquads: str
    build_id: str
    counts: dict[str, int]


@lru_cache(maxsize=1)
def ontology_lines() -> tuple[str, ...]:
    """The vocabulary's own triples, loaded into every build so labels are queryable."""
    return tuple(f"{t} ." for t in ox.parse(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE))


def statements(ledger: Ledger, vocab: Vocabulary, iris: Iris | None = None) -> Iterator[str]:
    """Every line of the build, unsorted: the ontology, then entities, sources and claims."""
    writer = NQuadsWriter(vocab, (iris or Iris()).base)
    yield from ontology_lines()
    for entity in ledger.entities.values():
        yield from writer.entity(entity)
    for source in ledger.sources.values():
        yield from writer.source(source)
    for cid, claim in ledger.claims.items():
        yield from writer.claim(cid, claim, ledger.sources)


def to_nquads(lines: Iterable[str]) -> str:
    """Sorted, de-duplicated N-Quads (default graph): byte-identical for the same ledger."""
    unique = sorted(set(lines))
    return "\n".join(unique) + "\n" if unique else ""


def build_id_of(nquads: str) -> str:
    return hashlib.sha256(nquads.encode()).hexdigest()[:16]


def build(ledger: Ledger, vocab: Vocabulary, iris: Iris | None = None) -> BuildOutput:
    nquads = to_nquads(statements(ledger, vocab, iris))
    counts = {
        "entities": len(ledger.entities),
        "sources": len(ledger.sources),
        "claims": len(ledger.claims),
        "quads": nquads.count("\n"),
    }
    return BuildOutput(nquads, build_id_of(nquads), counts)
