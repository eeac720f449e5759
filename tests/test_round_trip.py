"""Ledger -> RDF -> the same facts back through SPARQL, and the statement model's promises."""

from __future__ import annotations

from graph.ledger.model import claim_id
from graph.pipeline import validate_ledger
from graph.settings import Settings
from graph.store import open_store
from tests.conftest import FIXTURE_LEDGER

ONT = "https://w3id.org/custodiet/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV = "http://www.w3.org/ns/prov#"
PREFIX = f"PREFIX ont: <{ONT}> PREFIX rdf: <{RDF}> PREFIX prov: <{PROV}> "


def test_every_ledger_claim_comes_back(built_store: Settings) -> None:
    store = open_store(built_store)
    ledger = validate_ledger(FIXTURE_LEDGER, shacl=False).ledger
    assert ledger is not None
    rows = store.select(PREFIX + """
        SELECT ?claim ?s ?p ?o ?amount ?currency ?status WHERE {
          ?claim a ont:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
          OPTIONAL { ?claim ont:amount ?amount ; ont:currency ?currency }
          OPTIONAL { ?claim ont:status/<http://www.w3.org/2004/02/skos/core#notation> ?status }
        }""").rows
    back = {r["claim"].rsplit("/", 1)[1]: r for r in rows if r["claim"]}
    assert len(back) == len(ledger.claims)
    for cid, claim in ledger.claims.items():
        assert cid == claim_id(claim)
        row = back[cid]
        assert row["s"].endswith(f"/entity/{claim.subject}")
        assert row["p"] == ONT + claim.predicate
        if claim.object:
            assert row["o"].endswith(f"/entity/{claim.object}")
        else:
            assert float(row["o"]) == float(claim.value)  # type: ignore[arg-type]
        if claim.amount is not None:
            assert float(row["amount"]) == float(claim.amount)
            assert row["currency"] == claim.currency
        assert row["status"] == claim.status


def test_no_claim_lacks_a_source_or_locator(built_store: Settings) -> None:
    store = open_store(built_store)
    assert not store.ask(PREFIX + "ASK { ?c a ont:Claim FILTER NOT EXISTS { ?c prov:wasDerivedFrom ?s } }")
    assert not store.ask(PREFIX + "ASK { ?c a ont:Claim FILTER NOT EXISTS { ?c ont:hasReference/ont:locator ?l } }")


def test_direct_triple_and_claim_node_agree(built_store: Settings) -> None:
    store = open_store(built_store)
    assert not store.ask(PREFIX + """ASK { ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                                        FILTER NOT EXISTS { ?s ?p ?o } }""")


def test_partial_dates_keep_their_precision(built_store: Settings) -> None:
    rows = open_store(built_store).select(PREFIX + """
        SELECT ?date ?precision WHERE { ?c ont:date ?date ; ont:datePrecision ?precision ;
                                           rdf:subject <https://w3id.org/custodiet/entity/imy> }""").rows
    assert rows == [{"date": "2021-02-01", "precision": "month"}]


def test_entity_labels_in_both_languages(built_store: Settings) -> None:
    rows = open_store(built_store).select("""
        SELECT ?label (LANG(?label) AS ?lang) WHERE {
          <https://w3id.org/custodiet/entity/fbi> <http://www.w3.org/2000/01/rdf-schema#label> ?label }
        ORDER BY ?lang""").rows
    assert [r["lang"] for r in rows] == ["en", "fr"]
