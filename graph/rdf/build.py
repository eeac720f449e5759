"""The statement model: a direct triple per claim plus a claim node with qualifiers and references.

This follows what SPARQL users know from Wikidata: ``ent:fbi ont:customer_of ent:clearview-ai``
for easy querying, and ``claim:… rdf:subject/rdf:predicate/rdf:object`` with dates, amounts,
statuses and ``prov:wasDerivedFrom`` for the evidence. The output is sorted N-Quads, so the same
ledger always gives the same bytes (and the same build id).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from graph.ledger.check import Ledger
from graph.ledger.dates import PartialDate
from graph.ledger.model import Claim, Entity, Source
from graph.rdf.iris import Iris
from graph.vocabulary import ONT, ONTOLOGY_PATH, RDF, RDFS, SKOS, XSD, Vocabulary

PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
OWL = "http://www.w3.org/2002/07/owl#"
WD = "http://www.wikidata.org/entity/"
DATE_TYPES = {"year": "gYear", "month": "gYearMonth", "day": "date"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


A = _n(RDF + "type")


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + datatype))


def _number(value: Decimal | int | float) -> ox.Literal:
    text = format(Decimal(str(value)).normalize(), "f")
    return _typed(text, "decimal")


def _date(value: PartialDate) -> ox.Literal:
    return _typed(value.start.isoformat(), "date")


@dataclass(frozen=True)
class BuildOutput:
    nquads: str
    build_id: str
    counts: dict[str, int]


class Builder:
    """Turns one validated ledger into triples; stateless apart from the IRI scheme."""

    def __init__(self, vocab: Vocabulary, iris: Iris | None = None) -> None:
        self.vocab = vocab
        self.iris = iris or Iris()

    def ontology(self) -> Iterator[ox.Triple]:
        yield from ox.parse(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE)

    def entity(self, entity: Entity) -> Iterator[ox.Triple]:
        s = _n(self.iris.entity(entity.id))
        yield ox.Triple(s, A, _n(ONT + "Entity"))
        for type_name in entity.types:
            yield ox.Triple(s, A, _n(ONT + type_name))
        for lang, text in entity.name.items():
            yield ox.Triple(s, _n(RDFS + "label"), ox.Literal(text, language=lang))
        for alias in entity.aliases:
            yield ox.Triple(s, _n(SKOS + "altLabel"), ox.Literal(alias))
        if entity.country:
            yield ox.Triple(s, _n(ONT + "country"), ox.Literal(entity.country))
        if entity.founded:
            yield ox.Triple(s, _n(ONT + "founded_on"),
                            _typed(str(entity.founded), DATE_TYPES[entity.founded.precision]))
        for scheme, value in sorted(entity.identifiers.items()):
            if scheme == "wikidata":
                yield ox.Triple(s, _n(ONT + "wikidata"), ox.Literal(value))
                yield ox.Triple(s, _n(OWL + "sameAs"), _n(WD + value))
            else:
                yield ox.Triple(s, _n(ONT + "identifier"), ox.Literal(f"{scheme}:{value}"))
        if entity.website:
            yield ox.Triple(s, _n(SCHEMA + "url"), _n(entity.website))
        if entity.description:
            for lang, text in entity.description.items():
                yield ox.Triple(s, _n(SCHEMA + "description"), ox.Literal(text, language=lang))

    def source(self, source: Source) -> Iterator[ox.Triple]:
        s = _n(self.iris.source(source.id))
        yield ox.Triple(s, A, _n(ONT + "Source"))
        yield ox.Triple(s, A, _n(ONT + source.kind))
        yield ox.Triple(s, _n(DCT + "title"), ox.Literal(source.title))
        yield ox.Triple(s, _n(RDFS + "label"), ox.Literal(source.title))
        if source.publisher:
            yield ox.Triple(s, _n(DCT + "publisher"), _n(self.iris.entity(source.publisher)))
        for author in source.author:
            yield ox.Triple(s, _n(DCT + "creator"), ox.Literal(author))
        if source.published:
            yield ox.Triple(s, _n(DCT + "issued"), _date(source.published))
            yield ox.Triple(s, _n(ONT + "datePrecision"), ox.Literal(source.published.precision))
        if source.language:
            yield ox.Triple(s, _n(DCT + "language"), ox.Literal(source.language))
        if source.url:
            yield ox.Triple(s, _n(SCHEMA + "url"), _n(source.url))
        if source.sha256:
            yield ox.Triple(s, _n(ONT + "sha256"), ox.Literal(source.sha256))
        if source.archive:
            yield ox.Triple(s, _n(SCHEMA + "archivedAt"), ox.Literal(source.archive))
        for cited in source.cites:
            yield ox.Triple(s, _n(ONT + "cites"), _n(self.iris.source(cited)))
        if source.reliability:
            yield ox.Triple(s, _n(ONT + "reliability"), ox.Literal(source.reliability))

    def claim(self, cid: str, claim: Claim, sources: dict[str, Source]) -> Iterator[ox.Triple]:
        c = _n(self.iris.claim(cid))
        subject = _n(self.iris.entity(claim.subject))
        predicate = _n(ONT + claim.predicate)
        obj: ox.NamedNode | ox.Literal
        if claim.object is not None:
            obj = _n(self.iris.entity(claim.object))
        elif isinstance(claim.value, PartialDate):
            obj = _date(claim.value)
        elif isinstance(claim.value, (int, float, Decimal)) and not isinstance(claim.value, bool):
            obj = _number(claim.value)
        else:
            obj = ox.Literal(str(claim.value))
        yield ox.Triple(subject, predicate, obj)
        yield ox.Triple(c, A, _n(ONT + "Claim"))
        yield ox.Triple(c, _n(RDF + "subject"), subject)
        yield ox.Triple(c, _n(RDF + "predicate"), predicate)
        yield ox.Triple(c, _n(RDF + "object"), obj)
        for prop, when in (("date", claim.date), ("startDate", claim.start), ("endDate", claim.end)):
            if when is not None:
                yield ox.Triple(c, _n(ONT + prop), _date(when))
        if claim.date is not None:
            yield ox.Triple(c, _n(ONT + "datePrecision"), ox.Literal(claim.date.precision))
        if claim.amount is not None:
            yield ox.Triple(c, _n(ONT + "amount"), _number(claim.amount))
        if claim.currency:
            yield ox.Triple(c, _n(ONT + "currency"), ox.Literal(claim.currency))
        if claim.status:
            yield ox.Triple(c, _n(ONT + "status"), _n(self.vocab.statuses[claim.status].iri))
        for prop in ("kind", "role", "confidence"):
            value = getattr(claim, prop)
            if value:
                yield ox.Triple(c, _n(ONT + prop), ox.Literal(value))
        if claim.note:
            for lang, text in claim.note.items():
                yield ox.Triple(c, _n(ONT + "note"), ox.Literal(text, language=lang))
        if claim.disputes:
            yield ox.Triple(c, _n(ONT + "disputes"), _n(self.iris.claim(claim.disputes)))
        distinct = sorted({ref.source for ref in claim.refs})
        publishers = {sources[s].publisher or s for s in distinct if s in sources}
        yield ox.Triple(c, _n(ONT + "sourceCount"), _typed(len(distinct), "integer"))
        yield ox.Triple(c, _n(ONT + "independentSourceCount"), _typed(len(publishers), "integer"))
        for source_id in distinct:
            yield ox.Triple(c, _n(PROV + "wasDerivedFrom"), _n(self.iris.source(source_id)))
        for index, ref in enumerate(claim.refs, start=1):
            r = _n(self.iris.reference(cid, index))
            yield ox.Triple(c, _n(ONT + "hasReference"), r)
            yield ox.Triple(r, A, _n(ONT + "Reference"))
            yield ox.Triple(r, _n(ONT + "source"), _n(self.iris.source(ref.source)))
            yield ox.Triple(r, _n(ONT + "locator"), ox.Literal(ref.locator.text()))
            loc = ref.locator
            for prop, value in (("paragraph", loc.paragraph), ("line", loc.line)):
                if value is not None:
                    yield ox.Triple(r, _n(ONT + prop), _typed(value, "integer"))
            if loc.page is not None:
                yield ox.Triple(r, _n(ONT + "page"), ox.Literal(str(loc.page)))
            if loc.section:
                yield ox.Triple(r, _n(ONT + "section"), ox.Literal(loc.section))
            if loc.chars:
                yield ox.Triple(r, _n(ONT + "charStart"), _typed(loc.chars[0], "integer"))
                yield ox.Triple(r, _n(ONT + "charEnd"), _typed(loc.chars[1], "integer"))

    def triples(self, ledger: Ledger) -> Iterator[ox.Triple]:
        yield from self.ontology()
        for entity in ledger.entities.values():
            yield from self.entity(entity)
        for source in ledger.sources.values():
            yield from self.source(source)
        for cid, claim in ledger.claims.items():
            yield from self.claim(cid, claim, ledger.sources)


def to_nquads(triples: Iterable[ox.Triple]) -> str:
    """Sorted, de-duplicated N-Quads (default graph): byte-identical for the same ledger."""
    lines = sorted({f"{t} ." for t in triples})
    return "\n".join(lines) + "\n" if lines else ""


def build_id_of(nquads: str) -> str:
    return hashlib.sha256(nquads.encode()).hexdigest()[:16]


def build(ledger: Ledger, vocab: Vocabulary, iris: Iris | None = None) -> BuildOutput:
    nquads = to_nquads(Builder(vocab, iris).triples(ledger))
    counts = {
        "entities": len(ledger.entities),
        "sources": len(ledger.sources),
        "claims": len(ledger.claims),
        "quads": nquads.count("\n"),
    }
    return BuildOutput(nquads, build_id_of(nquads), counts)
