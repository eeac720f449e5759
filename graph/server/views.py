"""Plain view models for the linked-data pages, read from the RDF description of one resource.

The pages show exactly the triples the Turtle/JSON-LD answer carries (one CONSTRUCT feeds both),
indexed here so templates receive plain values. Labels of classes, predicates, statuses and other
ontology terms come from the ontology file, so nothing here lists the vocabulary.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox

from graph.namespaces import DCTERMS as DCT
from graph.namespaces import ONT, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, compact
from graph.rdf.iris import Iris
from graph.vocabulary import ONTOLOGY_PATH, load_vocabulary

A = RDF + "type"
LABEL = RDFS + "label"
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@lru_cache(maxsize=1)
def ontology_labels() -> dict[str, dict[str, str]]:
    """rdfs:label / skos:prefLabel of every term the ontology file names, by language."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for quad in ox.parse(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE):
        if quad.predicate.value in (LABEL, SKOS + "prefLabel") and isinstance(
                quad.object, ox.Literal):
            labels[quad.subject.value][quad.object.language or "en"] = quad.object.value
    return dict(labels)


def term_label(iri: str, lang: str) -> str:
    labels = ontology_labels().get(iri, {})
    return labels.get(lang) or labels.get("en") or compact(iri)


def display_date(value: str, precision: str | None) -> str:
    """An xsd:date cut back to the precision the ledger knew (2021, 2021-02 or 2021-02-10)."""
    if precision == "year":
        return value[:4]
    if precision == "month":
        return value[:7]
    return value


def display_amount(amount: str | None, currency: str | None) -> str:
    if amount is None:
        return ""
    try:
        number = Decimal(amount)
        text = f"{number:,.2f}".rstrip("0").rstrip(".") if number % 1 else f"{number:,.0f}"
    except InvalidOperation:
        text = amount
    return f"{text} {currency or ''}".strip()


@dataclass(frozen=True)
class Link:
    """Something shown on a page: a label and, when it is a resource, where it leads."""

    label: str
    href: str | None = None
    external: bool = False


class Description:
    """The triples describing one resource, indexed both ways."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.out: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.size = 0
        for t in triples:
            if isinstance(t.object, ox.Triple):  # RDF-star terms: the build makes none
                continue
            self.size += 1
            key = t.subject.value if isinstance(t.subject, ox.NamedNode | ox.BlankNode) else ""
            self.out[key][t.predicate.value].append(t.object)  # type: ignore[arg-type]
            if isinstance(t.object, ox.NamedNode):
                self.into[t.object.value][t.predicate.value].append(key)

    def has(self, iri: str) -> bool:
        return iri in self.out

    def values(self, s: str, p: str) -> list[Term]:
        return self.out.get(s, {}).get(p, [])

    def value(self, s: str, p: str) -> str | None:
        values = self.values(s, p)
        return values[0].value if values and hasattr(values[0], "value") else None

    def text(self, s: str, p: str, lang: str) -> str | None:
        """A literal in ``lang`` if there is one, else in English, else any."""
        literals = [v for v in self.values(s, p) if isinstance(v, ox.Literal)]
        for wanted in (lang, "en", None):
            for literal in literals:
                if wanted is None or literal.language == wanted:
                    return literal.value
        return None

    def subjects(self, p: str, o: str) -> list[str]:
        return self.into.get(o, {}).get(p, [])


class Pages:
    """Turns descriptions into view models, with links local to this server."""

    def __init__(self, iris: Iris, lang: str = "en") -> None:
        self.iris = iris
        self.lang = lang
        self.vocab = load_vocabulary()

    # -- links -----------------------------------------------------------------------------
    def href(self, iri: str) -> str | None:
        local = self.iris.local_id(iri)
        suffix = f"?lang={self.lang}" if self.lang != "en" else ""
        if local:
            return f"/{local[0]}/{local[1]}{suffix}"
        if iri.startswith(ONT):
            return f"/ontology{suffix}#{quote(iri[len(ONT):])}"
        if iri == ONT.rstrip("#"):
            return f"/ontology{suffix}"
        return None

    def label(self, desc: Description, iri: str) -> str:
        own = desc.text(iri, LABEL, self.lang)
        if own:
            return own
        local = self.iris.local_id(iri)
        return local[1] if local else term_label(iri, self.lang)

    def link(self, desc: Description, term: Term) -> Link:
        if isinstance(term, ox.NamedNode):
            href = self.href(term.value)
            if href:
                return Link(self.label(desc, term.value), href)
            external = term.value.startswith(("http://", "https://"))
            return Link(term_label(term.value, self.lang), term.value if external else None,
                        external)
        if isinstance(term, ox.Literal):
            return Link(term.value)
        return Link(str(term))

    def value_link(self, desc: Description, term: Term, currency: str | None) -> Link:
        """A claim's object: numbers read as amounts (with the claim's currency), dates as
        dates, resources as links."""
        if isinstance(term, ox.Literal) and term.datatype.value in (XSD + "decimal",
                                                                     XSD + "integer"):
            return Link(display_amount(term.value, currency))
        return self.link(desc, term)

    def facts(self, desc: Description, iri: str, skip: set[str]) -> list[tuple[str, list[Link]]]:
        """Every other property of ``iri``, labelled from the ontology, values as links."""
        rows = []
        for prop, values in sorted(desc.out.get(iri, {}).items()):
            if prop in skip:
                continue
            shown = [self.link(desc, v) for v in values
                     if not isinstance(v, ox.Literal) or v.language in (None, "", self.lang)]
            if shown:
                rows.append((term_label(prop, self.lang), shown))
        return rows

    # -- claims ----------------------------------------------------------------------------
    def claim_row(self, desc: Description, claim: str, focus: str | None = None) -> dict[str, object]:
        predicate = desc.value(claim, RDF + "predicate") or ""
        name = predicate[len(ONT):] if predicate.startswith(ONT) else predicate
        term = self.vocab.predicates.get(name)
        subject = desc.values(claim, RDF + "subject")
        obj = desc.values(claim, RDF + "object")
        inverse = focus is not None and bool(obj) and obj[0].value == focus and (
            not subject or subject[0].value != focus)
        if term:
            relation = term.inverse_label_in(self.lang) if inverse else term.label_in(self.lang)
        else:
            relation = term_label(predicate, self.lang)
        other = subject if inverse else obj
        status = desc.value(claim, ONT + "status")
        date = desc.value(claim, ONT + "date")
        start, end = desc.value(claim, ONT + "startDate"), desc.value(claim, ONT + "endDate")
        when = display_date(date, desc.value(claim, ONT + "datePrecision")) if date else ""
        if start or end:
            when = f"{start or '…'} – {end or '…'}"
        currency = desc.value(claim, ONT + "currency")
        shown_obj = self.value_link(desc, obj[0], currency) if obj else Link("?")
        shown_other = (self.link(desc, other[0]) if inverse else shown_obj) if other else Link("?")
        kind = desc.value(claim, ONT + "kind")
        order = self.vocab.order_kinds.get(kind or "")
        return {
            "id": (self.iris.local_id(claim) or ("", claim))[1],
            "href": self.href(claim),
            "relation": relation,
            "inverse": inverse,
            "subject": self.link(desc, subject[0]) if subject else Link("?"),
            "object": shown_obj,
            "other": shown_other,
            "when": when,
            "amount": display_amount(desc.value(claim, ONT + "amount"), currency),
            "status": term_label(status, self.lang) if status else "",
            "kind": order.label_in(self.lang) if order else (kind or ""),
            "role": desc.value(claim, ONT + "role") or "",
            "note": desc.text(claim, ONT + "note", self.lang) or "",
            "confidence": desc.value(claim, ONT + "confidence") or "",
            "source_count": desc.value(claim, ONT + "sourceCount") or "0",
            "independent": desc.value(claim, ONT + "independentSourceCount") or "0",
            "sources": [self.source_meta(desc, s.value)
                        for s in desc.values(claim, PROV + "wasDerivedFrom")
                        if isinstance(s, ox.NamedNode)],
            "disputes": [self.link(desc, c) for c in desc.values(claim, ONT + "disputes")],
            "disputed_by": [Link((self.iris.local_id(c) or ("", c))[1], self.href(c))
                            for c in desc.subjects(ONT + "disputes", claim)],
        }

    def references(self, desc: Description, claim: str) -> list[dict[str, object]]:
        refs = []
        for ref in desc.values(claim, ONT + "hasReference"):
            source = desc.value(ref.value, ONT + "source") if hasattr(ref, "value") else None
            refs.append({
                "id": ref.value.rpartition("#")[2] if hasattr(ref, "value") else "",
                "source": self.source_link(desc, source) if source else Link("?"),
                "locator": desc.value(ref.value, ONT + "locator") or "",
            })
        return sorted(refs, key=lambda r: str(r["id"]).zfill(6))

    def source_link(self, desc: Description, source: str) -> Link:
        title = desc.text(source, DCT + "title", self.lang) or self.label(desc, source)
        return Link(title, self.href(source))

    def source_meta(self, desc: Description, source: str) -> dict[str, object]:
        publisher = desc.values(source, DCT + "publisher")
        issued = desc.value(source, DCT + "issued")
        return {
            "link": self.source_link(desc, source),
            "publisher": self.link(desc, publisher[0]) if publisher else None,
            "issued": display_date(issued, desc.value(source, ONT + "datePrecision"))
            if issued else "",
        }

    # -- pages -----------------------------------------------------------------------------
    def types(self, desc: Description, iri: str, root: str) -> list[Link]:
        return [Link(term_label(t.value, self.lang), self.href(t.value))
                for t in desc.values(iri, A) if t.value != ONT + root]

    def entity(self, desc: Description, iri: str) -> dict[str, object]:
        claims = {c for c in desc.subjects(RDF + "subject", iri)} | {
            c for c in desc.subjects(RDF + "object", iri)}
        rows = [self.claim_row(desc, c, focus=iri) for c in claims]
        rows.sort(key=lambda r: (str(r["relation"]), str(r["other"].label), str(r["when"])))  # type: ignore[attr-defined]
        neighbours: dict[str, Link] = {}
        for row in rows:
            other = row["other"]
            assert isinstance(other, Link)
            if other.href:
                neighbours[other.href] = other
        direct = {ONT + name for name in self.vocab.predicates}
        skip = {A, LABEL, SKOS + "altLabel", SCHEMA + "description"} | direct
        return {
            "iri": iri,
            "label": self.label(desc, iri),
            "labels": {lit.language: lit.value for lit in desc.values(iri, LABEL)
                       if isinstance(lit, ox.Literal) and lit.language},
            "types": self.types(desc, iri, "Entity"),
            "aliases": [v.value for v in desc.values(iri, SKOS + "altLabel")
                        if isinstance(v, ox.Literal)],
            "description": desc.text(iri, SCHEMA + "description", self.lang) or "",
            "facts": self.facts(desc, iri, skip),
            "outgoing": [r for r in rows if not r["inverse"]],
            "incoming": [r for r in rows if r["inverse"]],
            "neighbours": sorted(neighbours.values(), key=lambda link: link.label.lower()),
            "published": sorted((self.source_link(desc, s)
                                 for s in desc.subjects(DCT + "publisher", iri)),
                                key=lambda link: link.label.lower()),
        }

    def claim(self, desc: Description, iri: str) -> dict[str, object]:
        row = self.claim_row(desc, iri)
        # What the heading and its tags already show is not repeated in the table.
        shown = {A, RDF + "subject", RDF + "predicate", RDF + "object", ONT + "hasReference",
                 PROV + "wasDerivedFrom", ONT + "datePrecision", ONT + "date", ONT + "startDate",
                 ONT + "endDate", ONT + "amount", ONT + "currency", ONT + "status", ONT + "note",
                 ONT + "kind", ONT + "role", ONT + "disputes"}
        return {
            "iri": iri,
            "row": row,
            "facts": self.facts(desc, iri, shown),
            "references": self.references(desc, iri),
        }

    def source(self, desc: Description, iri: str) -> dict[str, object]:
        claims = desc.subjects(PROV + "wasDerivedFrom", iri)
        rows = []
        for claim in claims:
            row = self.claim_row(desc, claim)
            row["locators"] = [
                desc.value(ref.value, ONT + "locator") or ""
                for ref in desc.values(claim, ONT + "hasReference")
                if isinstance(ref, ox.NamedNode) and desc.value(ref.value, ONT + "source") == iri
            ]
            rows.append(row)
        rows.sort(key=lambda r: (str(r["subject"].label), str(r["relation"])))  # type: ignore[attr-defined]
        shown = {A, LABEL, DCT + "title", ONT + "cites", ONT + "datePrecision", DCT + "issued",
                 DCT + "publisher"}
        return {
            "iri": iri,
            "meta": self.source_meta(desc, iri),
            "title": desc.text(iri, DCT + "title", self.lang) or self.label(desc, iri),
            "types": self.types(desc, iri, "Source"),
            "facts": self.facts(desc, iri, shown),
            "cites": sorted((self.source_link(desc, c.value) for c in desc.values(iri, ONT + "cites")),
                            key=lambda link: link.label.lower()),
            "cited_by": sorted((self.source_link(desc, c) for c in desc.subjects(ONT + "cites", iri)),
                               key=lambda link: link.label.lower()),
            "claims": rows,
        }
