"""rdflib beyond ``graph.query``: its triple-pattern access and its updates (refused).

Every client x query form cell is in test_client_matrix.py."""

from __future__ import annotations

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

ENT = "https://w3id.org/custodiet/entity/"
ONT = "https://w3id.org/custodiet/ontology#"


def test_rdflib_sparqlstore_triple_patterns(endpoint: str) -> None:
    """``Graph`` methods over a SPARQLStore turn into queries rdflib writes itself."""
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=f"{endpoint}/sparql"))
    fbi = rdflib.URIRef(f"{ENT}fbi")
    labels = set(graph.objects(fbi, rdflib.RDFS.label))
    assert rdflib.Literal("Bureau fédéral d'enquête", lang="fr") in labels
    assert (fbi, rdflib.URIRef(f"{ONT}contract_with"), rdflib.URIRef(f"{ENT}clearview-ai")) \
        in graph
    assert len(graph) > 100


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
