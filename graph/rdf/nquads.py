"""The statement model as N-Quads text: one writer for the YAML build and the bulk path.

Statements are formatted as strings rather than built as pyoxigraph objects: an object per term
and per triple costs about 4 µs a triple, 90 s of the 3-minute budget at a million claims (20 M
triples); text is ~8× faster. Escaping follows the N-Triples grammar (only ``\\``, ``"``, LF
and CR must be escaped in a string; IRIs are validated by the ledger model). Ids are validated
against ``ID_PATTERN`` (characters IRIs keep as they are), so ``Iris``'s percent-encoding is a
no-op and is skipped; the IRI shapes are read off ``Iris`` once, so a change there applies here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from graph.evidence.summary import claim_evidence
from graph.ledger.dates import PartialDate
from graph.ledger.model import UNKNOWN_PUBLISHER, Claim, Entity, Known, LangText, Redirect, Source
from graph.ledger.urls import host
from graph.namespaces import DCTERMS as DCT
from graph.namespaces import ONT, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, WD, XSD
from graph.rdf.iris import Iris
from graph.vocabulary import Vocabulary

DATE_TYPES = {"year": "gYear", "month": "gYearMonth", "day": "date"}

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def lit(text: str) -> str:
    """A plain string literal in N-Triples syntax."""
    return f'"{text.translate(_ESCAPES)}"'


def lang_lit(text: str, lang: str) -> str:
    return f'"{text.translate(_ESCAPES)}"@{lang.lower()}'


def typed(value: object, datatype: str) -> str:
    return f'"{str(value).translate(_ESCAPES)}"^^<{XSD}{datatype}>'


def number(value: Decimal | int | float) -> str:
    return typed(format(Decimal(str(value)).normalize(), "f"), "decimal")


def date(value: PartialDate) -> str:
    return typed(value.start.isoformat(), "date")


def _lang_items(text: LangText) -> list[tuple[str, str]]:
    return text.items()


def _prefix(sample: str) -> str:
    assert sample.endswith("zz"), sample
    return sample[:-2]


class NQuadsWriter:
    """Each record's statements as lines of N-Quads text (default graph); see docs/data-model.md."""

    def __init__(self, vocab: Vocabulary, base: str) -> None:
        self.vocab = vocab
        iris = Iris(base)
        self.ent = _prefix(iris.entity("zz"))
        self.src = _prefix(iris.source("zz"))
        self.clm = _prefix(iris.claim("zz"))
        sample = iris.reference("zz", 12345)
        cut, index_at = sample.index("zz"), sample.index("12345")
        self.ref_parts = (sample[:cut], sample[cut + 2:index_at], sample[index_at + 5:])
        p = {name: f"<{ONT}{name}>" for name in (
            "date", "startDate", "endDate", "datePrecision", "amount", "currency", "status",
            "kind", "role", "confidence", "note", "disputes", "sourceCount",
            "independentSourceCount", "hasReference", "source", "locator", "paragraph", "line",
            "page", "section", "charStart", "charEnd", "country", "founded_on", "wikidata",
            "identifier", "sha256", "cites", "reliability", "copyOf", "host",
            "publisherUnknownReason", "stance", "evidenceGrade", "evidenceReason", "knownSince",
            "publishedDate", "recorded", "follows", "stage", "outcome", "round",
            "startDatePrecision", "endDatePrecision", "publishedDatePrecision")}
        self.p = p
        self.a = f"<{RDF}type>"
        self.statuses = {name: f"<{term.iri}>" for name, term in vocab.statuses.items()}
        self.concepts = {scheme: {name: f"<{term.iri}>" for name, term in terms.items()}
                         for scheme, terms in (("stance", vocab.stances), ("stage", vocab.stages),
                                               ("outcome", vocab.outcomes), ("grade", vocab.grades))}

    def entity(self, e: Entity) -> list[str]:
        s, p, a = f"<{self.ent}{e.id}>", self.p, self.a
        out = [f"{s} {a} <{ONT}Entity> .", *(f"{s} {a} <{ONT}{t}> ." for t in e.types)]
        out += [f"{s} <{RDFS}label> {lang_lit(text, lang)} ." for lang, text in e.name.items()]
        out += [f"{s} <{SKOS}altLabel> {lit(alias)} ." for alias in e.aliases]
        if e.country:
            out.append(f"{s} {p['country']} {lit(e.country)} .")
        if e.founded:
            out.append(f"{s} {p['founded_on']} {typed(e.founded, DATE_TYPES[e.founded.precision])} .")
        for scheme, value in sorted(e.identifiers.items()):
            if scheme == "wikidata":
                out.append(f"{s} {p['wikidata']} {lit(value)} .")
                out.append(f"{s} <{OWL}sameAs> <{WD}{value}> .")
            else:
                out.append(f"{s} {p['identifier']} {lit(f'{scheme}:{value}')} .")
        if e.website:
            out.append(f"{s} <{SCHEMA}url> <{e.website}> .")
        if e.description:
            out += [f"{s} <{SCHEMA}description> {lang_lit(text, lang)} ."
                    for lang, text in e.description.items()]
        return out

    def source(self, src: Source) -> list[str]:
        s, p, a = f"<{self.src}{src.id}>", self.p, self.a
        title = lit(src.title)
        out = [f"{s} {a} <{ONT}Source> .", f"{s} {a} <{ONT}{src.kind}> .",
               f"{s} <{DCT}title> {title} .", f"{s} <{RDFS}label> {title} ."]
        if src.publisher == UNKNOWN_PUBLISHER:
            out.append(f"{s} {p['publisherUnknownReason']} {lit(src.publisher_reason or '')} .")
        elif src.publisher:
            out.append(f"{s} <{DCT}publisher> <{self.ent}{src.publisher}> .")
        out += [f"{s} <{DCT}creator> {lit(author)} ." for author in src.author]
        if src.published:
            out.append(f"{s} <{DCT}issued> {date(src.published)} .")
            out.append(f"{s} {p['datePrecision']} {lit(src.published.precision)} .")
        if src.language:
            out.append(f"{s} <{DCT}language> {lit(src.language)} .")
        if src.url:
            out.append(f"{s} <{SCHEMA}url> <{src.url}> .")
            out.append(f"{s} {p['host']} {lit(host(src.url))} .")
        if src.copy_of:
            out.append(f"{s} {p['copyOf']} <{self.src}{src.copy_of}> .")
        if src.sha256:
            out.append(f"{s} {p['sha256']} {lit(src.sha256)} .")
        if src.archive:
            out.append(f"{s} <{SCHEMA}archivedAt> {lit(src.archive)} .")
        out += [f"{s} {p['cites']} <{self.src}{cited}> ." for cited in src.cites]
        if src.reliability:
            out.append(f"{s} {p['reliability']} {lit(src.reliability)} .")
        return out

    def redirect(self, redirect: Redirect) -> list[str]:
        """A merged id: ``owl:sameAs`` and ``dcterms:isReplacedBy`` its target (the endpoint
        answers the old IRI with a redirect), and the merged record's names on the target."""
        old, new = f"<{self.ent}{redirect.id}>", f"<{self.ent}{redirect.to}>"
        out = [f"{old} <{OWL}sameAs> {new} .", f"{old} <{DCT}isReplacedBy> {new} ."]
        out += [f"{new} <{SKOS}altLabel> {lit(alias)} ." for alias in redirect.aliases]
        return out

    def claim(self, cid: str, claim: Claim, known: Known, as_of: dt.date | None = None
              ) -> list[str]:
        """The claim's statements; with ``as_of``, only the references published by then."""
        p, a = self.p, self.a
        c = f"<{self.clm}{cid}>"
        subject = f"<{self.ent}{claim.subject}>"
        predicate = f"<{ONT}{claim.predicate}>"
        value = claim.value
        if claim.object is not None:
            obj = f"<{self.ent}{claim.object}>"
        elif isinstance(value, PartialDate):
            obj = date(value)
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            obj = number(value)
        else:
            obj = lit(str(value))
        out = [f"{subject} {predicate} {obj} .", f"{c} {a} <{ONT}Claim> .",
               f"{c} <{RDF}subject> {subject} .", f"{c} <{RDF}predicate> {predicate} .",
               f"{c} <{RDF}object> {obj} ."]
        if claim.date is not None:
            out.append(f"{c} {p['date']} {date(claim.date)} .")
        if claim.start is not None:
            out.append(f"{c} {p['startDate']} {date(claim.start)} .")
        if claim.end is not None:
            out.append(f"{c} {p['endDate']} {date(claim.end)} .")
        if claim.date is not None:
            out.append(f"{c} {p['datePrecision']} {lit(claim.date.precision)} .")
        if claim.start is not None:
            out.append(f"{c} {p['startDatePrecision']} {lit(claim.start.precision)} .")
        if claim.end is not None:
            out.append(f"{c} {p['endDatePrecision']} {lit(claim.end.precision)} .")
        if claim.published is not None:
            out.append(f"{c} {p['publishedDate']} {date(claim.published)} .")
            out.append(f"{c} {p['publishedDatePrecision']} {lit(claim.published.precision)} .")
        if claim.recorded is not None:
            out.append(f"{c} {p['recorded']} {date(claim.recorded)} .")
        if claim.follows:
            out.append(f"{c} {p['follows']} <{self.clm}{claim.follows}> .")
        if claim.round:
            out.append(f"{c} {p['round']} <{self.clm}{claim.round}> .")
        stage = self.concepts["stage"].get(claim.stage or "")
        if stage:
            out.append(f"{c} {p['stage']} {stage} .")
        outcome = self.concepts["outcome"].get(claim.outcome or "")
        if outcome:
            out.append(f"{c} {p['outcome']} {outcome} .")
        if claim.amount is not None:
            out.append(f"{c} {p['amount']} {number(claim.amount)} .")
        if claim.currency:
            out.append(f"{c} {p['currency']} {lit(claim.currency)} .")
        if claim.status:
            out.append(f"{c} {p['status']} {self.statuses[claim.status]} .")
        if claim.kind:
            out.append(f"{c} {p['kind']} {lit(claim.kind)} .")
        if claim.role:
            out.append(f"{c} {p['role']} {lit(claim.role)} .")
        if claim.confidence:
            out.append(f"{c} {p['confidence']} {lit(claim.confidence)} .")
        if claim.note:
            out += [f"{c} {p['note']} {lang_lit(text, lang)} ." for lang, text in claim.note.items()]
        if claim.disputes:
            out.append(f"{c} {p['disputes']} <{self.clm}{claim.disputes}> .")
        evidence = claim_evidence(claim, known, self.vocab, as_of)
        shown = evidence.shown
        distinct = evidence.distinct
        out.append(f"{c} {p['sourceCount']} {typed(len(distinct), 'integer')} .")
        out.append(f"{c} {p['independentSourceCount']} {typed(evidence.lines, 'integer')} .")
        grade = evidence.grade
        if grade is not None:
            out.append(f"{c} {p['evidenceGrade']} {self.concepts['grade'][grade.notation]} .")
            out.append(f"{c} {p['evidenceReason']} {lit(grade.explain())} .")
        since = evidence.known_since
        if since is not None:
            out.append(f"{c} {p['knownSince']} {date(since)} .")
        out += [f"{c} <{PROV}wasDerivedFrom> <{self.src}{s}> ." for s in distinct]
        for index, ref in ((i + 1, claim.refs[i]) for i in shown):
            before, between, after = self.ref_parts
            r = f"<{before}{cid}{between}{index}{after}>"
            loc = ref.locator
            out += [f"{c} {p['hasReference']} {r} .", f"{r} {a} <{ONT}Reference> .",
                    f"{r} {p['source']} <{self.src}{ref.source}> .",
                    f"{r} {p['locator']} {lit(loc.text())} .",
                    f"{r} {p['stance']} {self.concepts['stance'][ref.stance or 'supports']} ."]
            if loc.paragraph is not None:
                out.append(f"{r} {p['paragraph']} {typed(loc.paragraph, 'integer')} .")
            if loc.line is not None:
                out.append(f"{r} {p['line']} {typed(loc.line, 'integer')} .")
            if loc.page is not None:
                out.append(f"{r} {p['page']} {lit(str(loc.page))} .")
            if loc.section:
                out.append(f"{r} {p['section']} {lit(loc.section)} .")
            if loc.chars:
                out.append(f"{r} {p['charStart']} {typed(loc.chars[0], 'integer')} .")
                out.append(f"{r} {p['charEnd']} {typed(loc.chars[1], 'integer')} .")
        return out
