"""The endpoint answers the clients researchers already use: SPARQLWrapper and rdflib."""

from __future__ import annotations

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

ENT = "https://w3id.org/custodiet/entity/"
ONT = "https://w3id.org/custodiet/ontology#"
INVESTORS = f"""PREFIX ont: <{ONT}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?investor ?label WHERE {{
  ?investor ont:invested_in <{ENT}clearview-ai> ; rdfs:label ?label FILTER(LANG(?label) = "en")
}}"""


def wrapper(endpoint: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_select_json(endpoint: str) -> None:
    client = wrapper(endpoint, JSON)
    client.setQuery(INVESTORS)
    data = client.queryAndConvert()
    assert isinstance(data, dict)
    assert [b["label"]["value"] for b in data["results"]["bindings"]] == ["Peter Thiel"]


def test_sparqlwrapper_select_by_post_as_xml(endpoint: str) -> None:
    client = wrapper(endpoint, XML)
    client.setMethod(POST)
    client.setQuery(INVESTORS)
    document = client.queryAndConvert()
    values = [node.firstChild.data for node in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert values == ["Peter Thiel"]


def test_sparqlwrapper_csv_and_ask(endpoint: str) -> None:
    client = wrapper(endpoint, CSV)
    client.setQuery(INVESTORS)
    text = client.queryAndConvert()
    assert isinstance(text, bytes)
    assert text.decode().splitlines()[1] == f"{ENT}peter-thiel,Peter Thiel"
    ask = wrapper(endpoint, JSON)
    ask.setQuery(f"ASK {{ <{ENT}peter-thiel> <{ONT}invested_in> <{ENT}clearview-ai> }}")
    assert ask.queryAndConvert() == {"head": {}, "boolean": True}


def test_sparqlwrapper_construct(endpoint: str) -> None:
    client = wrapper(endpoint, TURTLE)
    client.setQuery(f"CONSTRUCT {{ ?s <{ONT}fined> ?o }} WHERE {{ ?s <{ONT}fined> ?o }}")
    data = client.queryAndConvert()
    assert isinstance(data, bytes)
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert set(graph) == {
        (rdflib.URIRef(f"{ENT}ico"), rdflib.URIRef(f"{ONT}fined"),
         rdflib.URIRef(f"{ENT}clearview-ai")),
        (rdflib.URIRef(f"{ENT}imy"), rdflib.URIRef(f"{ONT}fined"),
         rdflib.URIRef(f"{ENT}swedish-police")),
    }


def test_sparqlwrapper_default_rdf_for_describe(endpoint: str) -> None:
    client = SPARQLWrapper(f"{endpoint}/sparql")  # asks for RDF/XML by default
    client.setQuery(f"DESCRIBE <{ENT}fbi>")
    graph = client.queryAndConvert()
    assert isinstance(graph, rdflib.Graph)
    assert (rdflib.URIRef(f"{ENT}fbi"), rdflib.URIRef(f"{ONT}country"),
            rdflib.Literal("US")) in graph


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=f"{endpoint}/sparql"))
    rows = list(graph.query(INVESTORS))
    assert [(str(r[0]), str(r[1])) for r in rows] == [(f"{ENT}peter-thiel", "Peter Thiel")]  # type: ignore[index]
    fbi = rdflib.URIRef(f"{ENT}fbi")
    labels = set(graph.objects(fbi, rdflib.RDFS.label))
    assert rdflib.Literal("Bureau fédéral d'enquête", lang="fr") in labels
    assert (fbi, rdflib.URIRef(f"{ONT}contract_with"), rdflib.URIRef(f"{ENT}clearview-ai")) \
        in graph
    assert graph.query(f"ASK {{ <{ENT}fbi> ?p ?o }}").askAnswer is True


def test_rdflib_sparqlstore_is_read_only(endpoint: str) -> None:
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    store = SPARQLUpdateStore(query_endpoint=f"{endpoint}/sparql",
                              update_endpoint=f"{endpoint}/sparql")
    graph = rdflib.Graph(store=store, identifier=DATASET_DEFAULT_GRAPH_ID)
    try:
        graph.add((rdflib.URIRef(f"{ENT}fbi"), rdflib.URIRef(f"{ONT}country"),
                   rdflib.Literal("XX")))
        refused = False
    except Exception as exc:  # rdflib raises urllib's HTTPError for the 403
        refused = "403" in str(exc)
    assert refused
    assert (rdflib.URIRef(f"{ENT}fbi"), rdflib.URIRef(f"{ONT}country"), rdflib.Literal("XX")) \
        not in rdflib.Graph(store=SPARQLStore(query_endpoint=f"{endpoint}/sparql"))
