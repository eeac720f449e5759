"""The SPARQL 1.1 Service Description of the endpoint and the VoID description of the dataset.

Statistics (triples, class and property partitions) come from queries on the live build and are
cached per build id, so a crawler asking for ``/void`` repeatedly costs one small query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.namespaces import DCTERMS as DCT
from graph.namespaces import FORMATS, ONT, ONTOLOGY_IRI, RDF, RDFS, SD, VOID, XSD, prefixes
from graph.settings import Settings
from graph.sparql import negotiation as media
from graph.sparql.execute import GRAPH_FORMATS

PREFIXES = prefixes("sd", "void", "dcterms", "formats", "xsd", "rdfs", "ont")
RESULT_FORMAT_IRIS = {
    media.JSON_RESULTS: "SPARQL_Results_JSON",
    media.XML_RESULTS: "SPARQL_Results_XML",
    media.CSV: "SPARQL_Results_CSV",
    media.TSV: "SPARQL_Results_TSV",
    media.TURTLE: "Turtle",
    media.NTRIPLES: "N-Triples",
    media.RDFXML: "RDF_XML",
    media.JSONLD: "JSON-LD",
}

TOTALS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
  (COUNT(DISTINCT ?o) AS ?objects) (COUNT(DISTINCT ?p) AS ?properties) WHERE { ?s ?p ?o }"""
CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"
PROPERTIES = "SELECT ?property (COUNT(*) AS ?n) WHERE { ?s ?property ?o } GROUP BY ?property"
EXAMPLES = f"SELECT ?e WHERE {{ ?e a <{ONT}Vendor> }} ORDER BY ?e LIMIT 3"
STATS_QUERIES = {"totals": TOTALS, "classes": CLASSES, "properties": PROPERTIES,
                 "examples": EXAMPLES}


@dataclass
class DatasetStats:
    build_id: str | None
    built_at: str | None = None
    totals: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


def bindings(body: bytes) -> list[dict[str, str]]:
    """Rows of a SPARQL JSON result as {variable: lexical value}."""
    data = json.loads(body)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def stats_from(build_id: str | None, built_at: str | None,
               results: dict[str, list[dict[str, str]]]) -> DatasetStats:
    totals = results["totals"][0] if results["totals"] else {}
    return DatasetStats(
        build_id=build_id,
        built_at=built_at,
        totals={k: int(v) for k, v in totals.items()},
        classes={r["class"]: int(r["n"]) for r in results["classes"] if "class" in r},
        properties={r["property"]: int(r["n"]) for r in results["properties"]
                    if "property" in r},
        examples=[r["e"] for r in results["examples"] if "e" in r],
    )


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


def dataset_iri(settings: Settings) -> str:
    return f"{settings.base_iri}dataset"


def void_triples(settings: Settings, stats: DatasetStats, endpoint: str) -> list[ox.Triple]:
    """VoID: size, partitions by class and property, URI space, vocabulary, endpoint."""
    d = _n(dataset_iri(settings))
    a = _n(RDF + "type")
    out = [
        ox.Triple(d, a, _n(VOID + "Dataset")),
        ox.Triple(d, _n(DCT + "title"), ox.Literal("Custodiet", language="en")),
        ox.Triple(d, _n(DCT + "description"), ox.Literal(
            "A sourced knowledge graph of the surveillance-technology and surveillance-policy "
            "landscape: entities, claims with their qualifiers, and the sources behind them.",
            language="en")),
        ox.Triple(d, _n(VOID + "sparqlEndpoint"), _n(endpoint)),
        ox.Triple(d, _n(VOID + "uriSpace"), ox.Literal(settings.base_iri)),
        ox.Triple(d, _n(VOID + "vocabulary"), _n(ONTOLOGY_IRI)),
        ox.Triple(d, _n(VOID + "feature"), _n(FORMATS + "Turtle")),
        ox.Triple(d, _n(VOID + "feature"), _n(FORMATS + "JSON-LD")),
    ]
    if stats.build_id:
        out.append(ox.Triple(d, _n(DCT + "identifier"), ox.Literal(stats.build_id)))
    if stats.built_at:
        out.append(ox.Triple(d, _n(DCT + "modified"),
                             ox.Literal(stats.built_at, datatype=_n(XSD + "dateTime"))))
    names = {"triples": "triples", "subjects": "distinctSubjects",
             "objects": "distinctObjects", "properties": "properties"}
    for key, prop in names.items():
        if key in stats.totals:
            out.append(ox.Triple(d, _n(VOID + prop), _int(stats.totals[key])))
    out.append(ox.Triple(d, _n(VOID + "classes"), _int(len(stats.classes))))
    if ONT + "Entity" in stats.classes:
        out.append(ox.Triple(d, _n(VOID + "entities"), _int(stats.classes[ONT + "Entity"])))
    for example in stats.examples:
        out.append(ox.Triple(d, _n(VOID + "exampleResource"), _n(example)))
    for index, (cls, count) in enumerate(sorted(stats.classes.items()), start=1):
        part = _n(f"{dataset_iri(settings)}/class/{index}")
        out += [ox.Triple(d, _n(VOID + "classPartition"), part),
                ox.Triple(part, _n(VOID + "class"), _n(cls)),
                ox.Triple(part, _n(VOID + "entities"), _int(count))]
    for index, (prop_iri, count) in enumerate(sorted(stats.properties.items()), start=1):
        part = _n(f"{dataset_iri(settings)}/property/{index}")
        out += [ox.Triple(d, _n(VOID + "propertyPartition"), part),
                ox.Triple(part, _n(VOID + "property"), _n(prop_iri)),
                ox.Triple(part, _n(VOID + "triples"), _int(count))]
    return out


def service_triples(settings: Settings, stats: DatasetStats, endpoint: str) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description, with the default graph described by VoID."""
    s = _n(endpoint)
    a = _n(RDF + "type")
    dataset = _n(f"{dataset_iri(settings)}/sparql-dataset")
    graph = _n(dataset_iri(settings))
    out = [
        ox.Triple(s, a, _n(SD + "Service")),
        ox.Triple(s, _n(SD + "endpoint"), s),
        ox.Triple(s, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(s, _n(SD + "defaultDataset"), dataset),
        ox.Triple(s, _n(RDFS + "comment"), ox.Literal(
            f"Read-only. Each query may run {settings.query_timeout:g} s and return at most "
            f"{settings.max_rows} rows; requests are limited to {settings.max_request_bytes} "
            "bytes. SPARQL Update is refused; SERVICE is "
            + ("enabled." if settings.allow_federation else "disabled."), language="en")),
        ox.Triple(dataset, a, _n(SD + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), graph),
        ox.Triple(graph, a, _n(SD + "Graph")),
    ]
    for media_type in RESULT_FORMAT_IRIS.values():
        out.append(ox.Triple(s, _n(SD + "resultFormat"), _n(FORMATS + media_type)))
    if settings.allow_federation:
        out.append(ox.Triple(s, _n(SD + "feature"), _n(SD + "BasicFederatedQuery")))
    return out + void_triples(settings, stats, endpoint)


def serialize(triples: list[ox.Triple], media_type: str) -> bytes:
    prefixes = PREFIXES if media_type == media.TURTLE else None
    return ox.serialize(triples, format=GRAPH_FORMATS[media_type], prefixes=prefixes) or b""
