"""Entity, claim and source IRIs dereference: HTML for people, RDF by Accept; markup escaped."""

from __future__ import annotations

import re

import httpx
import pyoxigraph as ox
import pytest
from markupsafe import escape

from graph.vocabulary import ONTOLOGY_PATH, load_vocabulary

ENT = "https://w3id.org/custodiet/entity/"
CLAIM = "https://w3id.org/custodiet/claim/"
SOURCE = "https://w3id.org/custodiet/source/"
ONT = "https://w3id.org/custodiet/ontology#"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def get(url: str, accept: str | None = None, **params: str) -> httpx.Response:
    return httpx.get(url, headers={"Accept": accept} if accept else {}, params=params)


def triples(response: httpx.Response, fmt: ox.RdfFormat) -> set[ox.Triple]:
    assert response.status_code == 200, response.text
    return {q.triple for q in ox.parse(response.content, format=fmt)}


def links(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def test_entity_page_for_browsers(endpoint: str) -> None:
    response = get(f"{endpoint}/entity/clearview-ai", BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    assert "<h1>Clearview AI</h1>" in page
    # Claims in both directions, labelled from the vocabulary, with their sources.
    invested = load_vocabulary().predicates["invested_in"].inverse_label_in("en")
    assert invested in page
    assert "18,000 USD" in page
    assert {"/entity/fbi", "/entity/peter-thiel", "/entity/ico", "/source/fr-article",
            "/claim/fbi-licence-2021", "/ontology#Vendor"} <= links(page)


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_entity_as_rdf(endpoint: str, accept: str, fmt: ox.RdfFormat) -> None:
    response = get(f"{endpoint}/entity/clearview-ai", accept)
    assert response.headers["content-type"].startswith(accept)
    graph = triples(response, fmt)
    me = ox.NamedNode(f"{ENT}clearview-ai")
    assert ox.Triple(me, RDFS_LABEL, ox.Literal("Clearview AI", language="en")) in graph
    assert ox.Triple(ox.NamedNode(f"{ENT}peter-thiel"), ox.NamedNode(f"{ONT}invested_in"),
                     me) in graph
    claim = ox.NamedNode(f"{CLAIM}fbi-licence-2021")
    assert ox.Triple(claim, PROV_DERIVED, ox.NamedNode(f"{SOURCE}fr-article")) in graph


def test_format_parameter_on_resources(endpoint: str) -> None:
    response = get(f"{endpoint}/entity/fbi", BROWSER, format="ttl")
    assert response.headers["content-type"].startswith("text/turtle")
    assert ox.Triple(ox.NamedNode(f"{ENT}fbi"), ox.NamedNode(f"{ONT}country"),
                     ox.Literal("US")) in triples(response, ox.RdfFormat.TURTLE)


def test_claim_page_and_rdf(endpoint: str) -> None:
    page = get(f"{endpoint}/claim/fbi-licence-2021", BROWSER).text
    assert "Federal Bureau of Investigation" in page
    assert "18,000 USD" in page
    assert "line 15, chars 4211–4338" in page
    assert 'id="ref-1"' in page
    assert {"/entity/fbi", "/entity/clearview-ai", "/source/fr-article"} <= links(page)
    graph = triples(get(f"{endpoint}/claim/fbi-licence-2021", "text/turtle"),
                    ox.RdfFormat.TURTLE)
    claim = ox.NamedNode(f"{CLAIM}fbi-licence-2021")
    assert ox.Triple(claim, ox.NamedNode(f"{ONT}amount"),
                     ox.Literal("18000", datatype=ox.NamedNode(
                         "http://www.w3.org/2001/XMLSchema#decimal"))) in graph
    ref = ox.NamedNode(f"{CLAIM}fbi-licence-2021#ref-1")
    assert ox.Triple(claim, ox.NamedNode(f"{ONT}hasReference"), ref) in graph
    assert ox.Triple(ref, ox.NamedNode(f"{ONT}source"), ox.NamedNode(f"{SOURCE}fr-article")) \
        in graph


def test_source_page_and_rdf(endpoint: str) -> None:
    page = get(f"{endpoint}/source/fr-article", BROWSER).text
    assert "Clearview AI et les contrats fédéraux américains" in page
    assert "line 24, chars 7069–7138" in page  # where it backs the IMY fine
    assert {"/entity/imy", "/entity/swedish-police", "/claim/imy-fine-police"} <= links(page)
    graph = triples(get(f"{endpoint}/source/fr-article", "application/ld+json"),
                    ox.RdfFormat.JSON_LD)
    assert ox.Triple(ox.NamedNode(f"{CLAIM}imy-fine-police"), PROV_DERIVED,
                     ox.NamedNode(f"{SOURCE}fr-article")) in graph


def test_french_page(endpoint: str) -> None:
    page = get(f"{endpoint}/entity/fbi", BROWSER, lang="fr").text
    assert escape("Bureau fédéral d'enquête") in page
    assert '<html lang="fr">' in page
    by_header = httpx.get(f"{endpoint}/entity/fbi",
                          headers={"Accept": BROWSER, "Accept-Language": "fr-CA,fr;q=0.9"})
    assert escape("Bureau fédéral d'enquête") in by_header.text


def test_unknown_resources_are_404(endpoint: str) -> None:
    assert get(f"{endpoint}/entity/nobody", BROWSER).status_code == 404
    assert get(f"{endpoint}/entity/nobody", "text/turtle").status_code == 404
    assert get(f"{endpoint}/claim/none", "application/ld+json").status_code == 404
    assert get(f"{endpoint}/source/none", BROWSER).status_code == 404


def test_not_acceptable_resource_is_406(endpoint: str) -> None:
    assert get(f"{endpoint}/entity/fbi", "image/png").status_code == 406


def test_ontology_iri(endpoint: str) -> None:
    turtle = get(f"{endpoint}/ontology", "text/turtle")
    assert turtle.content == ONTOLOGY_PATH.read_bytes()
    as_jsonld = triples(get(f"{endpoint}/ontology", "application/ld+json"),
                        ox.RdfFormat.JSON_LD)
    assert len(as_jsonld) == len({q.triple for q in ox.parse(
        path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE)})
    page = get(f"{endpoint}/ontology", BROWSER).text
    vocab = load_vocabulary()
    for name, predicate in vocab.predicates.items():
        assert f'id="{name}"' in page
        assert escape(predicate.label_in("en")) in page


# -- markup in the data is text ------------------------------------------------------------
def test_markup_in_labels_is_escaped(federating_endpoint: str) -> None:
    page = get(f"{federating_endpoint}/entity/evil-corp", BROWSER).text
    assert "<script>" not in page.replace('<script src="/static', "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "<b>bold" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;claims&lt;/i&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    # On the neighbour's page, the label arrives as a link text, and the note as text.
    agency = get(f"{federating_endpoint}/entity/plain-agency", BROWSER).text
    assert "Agency &lt;u&gt;underlined&lt;/u&gt;" in agency
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a>" in agency
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in agency
    assert "<script>" not in agency and "<u>" not in agency


def test_markup_in_sources_and_claims_is_escaped(federating_endpoint: str) -> None:
    for path in ("/source/hostile-source", "/claim/hostile-claim"):
        page = get(f"{federating_endpoint}{path}", BROWSER).text
        assert "&lt;img src=x onerror=alert(3)&gt; headline" in page
        assert "<img" not in page and "<svg" not in page and "<script>" not in page
    claim = get(f"{federating_endpoint}/claim/hostile-claim", BROWSER).text
    assert "&lt;svg onload=alert(6)&gt;" in claim


def test_a_merged_id_redirects_to_the_entity_it_was_merged_into(endpoint: str) -> None:
    response = httpx.get(f"{endpoint}/entity/clearview-ai-inc", headers={"Accept": BROWSER},
                         follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"].endswith("/entity/clearview-ai")
    followed = httpx.get(f"{endpoint}/entity/clearview-ai-inc", params={"format": "ttl"},
                         follow_redirects=True)
    assert followed.status_code == 200
    assert "Clearview Al Inc." in followed.text  # the merged record's name, kept as an alias
