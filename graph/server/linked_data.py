"""Dereferenceable IRIs: /entity/<id>, /claim/<id>, /source/<id> and the ontology.

Each resource is described by one CONSTRUCT (the resource, the claims and references around it,
and the labels a reader needs). Browsers get that description as an HTML page; RDF clients get it
as Turtle, JSON-LD, N-Triples or RDF/XML by ``Accept`` or ``?format=``.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.namespaces import data_prefixes, prefixes, sparql_prologue
from graph.rdf.iris import Iris

PREFIX_LINES = sparql_prologue(prefixes("ont", "rdf", "rdfs", "skos", "prov", "dcterms"))

# What a reader of a claim needs about each of its sources.
_SOURCE_TEMPLATE = """?src a ?skind ; dcterms:title ?stitle ; dcterms:issued ?sissued ;
    ont:datePrecision ?sprec ; dcterms:publisher ?pub . ?pub rdfs:label ?publabel ."""
_SOURCE_PATTERN = """?src dcterms:title ?stitle ; a ?skind .
    OPTIONAL {{ ?src dcterms:issued ?sissued OPTIONAL {{ ?src ont:datePrecision ?sprec }} }}
    OPTIONAL {{ ?src dcterms:publisher ?pub OPTIONAL {{ ?pub rdfs:label ?publabel }} }}"""


def _iri(iri: str) -> str:
    """``<iri>`` checked and escaped by pyoxigraph, safe to place in a query."""
    return str(ox.NamedNode(iri))


def entity_query(iri: str) -> str:
    e = _iri(iri)
    return PREFIX_LINES + f"""CONSTRUCT {{
  {e} ?p ?o . ?o rdfs:label ?olabel .
  ?in ?ip {e} . ?in rdfs:label ?inlabel .
  ?c ?cp ?co . ?co rdfs:label ?colabel .
  ?r ?rp ?ro .
  {_SOURCE_TEMPLATE}
}} WHERE {{
  {{ {e} ?p ?o OPTIONAL {{ ?o rdfs:label ?olabel }} }}
  UNION {{ ?in ?ip {e} FILTER(?ip NOT IN (rdf:subject, rdf:object))
           OPTIONAL {{ ?in rdfs:label ?inlabel }} }}
  UNION {{ ?c rdf:subject|rdf:object {e} ; ?cp ?co
           OPTIONAL {{ ?co rdfs:label ?colabel FILTER(isIRI(?co)) }} }}
  UNION {{ ?c rdf:subject|rdf:object {e} ; ont:hasReference ?r . ?r ?rp ?ro }}
  UNION {{ ?c rdf:subject|rdf:object {e} ; prov:wasDerivedFrom ?src .
           {_SOURCE_PATTERN.format()} }}
}}"""


def claim_query(iri: str) -> str:
    c = _iri(iri)
    return PREFIX_LINES + f"""CONSTRUCT {{
  {c} ?p ?o . ?o rdfs:label ?olabel .
  ?r ?rp ?ro .
  ?other ont:disputes {c} .
  {_SOURCE_TEMPLATE}
}} WHERE {{
  {{ {c} ?p ?o OPTIONAL {{ ?o rdfs:label ?olabel }} }}
  UNION {{ {c} ont:hasReference ?r . ?r ?rp ?ro }}
  UNION {{ ?other ont:disputes {c} }}
  UNION {{ {c} prov:wasDerivedFrom ?src . {_SOURCE_PATTERN.format()} }}
}}"""


def source_query(iri: str) -> str:
    s = _iri(iri)
    return PREFIX_LINES + f"""CONSTRUCT {{
  {s} ?p ?o . ?o rdfs:label ?olabel .
  ?citing ont:cites {s} ; rdfs:label ?citinglabel .
  ?c prov:wasDerivedFrom {s} ; rdf:subject ?cs ; rdf:predicate ?cp ; rdf:object ?co ;
     ont:date ?cdate ; ont:datePrecision ?cprec ; ont:hasReference ?r .
  ?cs rdfs:label ?cslabel . ?co rdfs:label ?colabel .
  ?r ont:source {s} ; ont:locator ?loc .
}} WHERE {{
  {{ {s} ?p ?o OPTIONAL {{ ?o rdfs:label ?olabel }} }}
  UNION {{ ?citing ont:cites {s} OPTIONAL {{ ?citing rdfs:label ?citinglabel }} }}
  UNION {{ ?c prov:wasDerivedFrom {s} ; rdf:subject ?cs ; rdf:predicate ?cp ; rdf:object ?co .
           OPTIONAL {{ ?c ont:date ?cdate OPTIONAL {{ ?c ont:datePrecision ?cprec }} }}
           OPTIONAL {{ ?cs rdfs:label ?cslabel }}
           OPTIONAL {{ ?co rdfs:label ?colabel FILTER(isIRI(?co)) }} }}
  UNION {{ ?c prov:wasDerivedFrom {s} ; ont:hasReference ?r .
           ?r ont:source {s} ; ont:locator ?loc }}
}}"""


QUERIES = {"entity": entity_query, "claim": claim_query, "source": source_query}


def turtle_prefixes(iris: Iris) -> tuple[tuple[str, str], ...]:
    """Prefixes that make a resource's Turtle readable (ent:, claim:, src:, ont: ...): the one
    prefix table (graph.namespaces) with the data's own namespaces under the base IRI."""
    return tuple(data_prefixes(iris.base).items())
