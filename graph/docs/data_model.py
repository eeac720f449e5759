"""The RDF of the worked example in docs/data-model.md, generated so it can never drift."""

from __future__ import annotations

import re

import pyoxigraph as ox

from graph.ledger.model import EntityFacts, Known, SourceFacts
from graph.namespaces import data_prefixes
from graph.pipeline import validate_ledger
from graph.rdf.nquads import NQuadsWriter
from graph.settings import ROOT, get_settings
from graph.vocabulary import load_vocabulary

EXAMPLE = ROOT / "docs" / "examples" / "worked-example.yaml"
MARKER = re.compile(r"(<!-- generated:example-rdf -->\n).*?(<!-- /generated -->)", re.S)


def example_turtle() -> str:
    """The worked example's own triples (the ontology left out) as Turtle."""
    result = validate_ledger(EXAMPLE, shacl=False)
    ledger = result.ledger
    if ledger is None:
        raise ValueError(f"{EXAMPLE} does not validate: {result.report.errors[0].format()}")
    known = Known(entities={e.id: EntityFacts(list(e.types)) for e in ledger.entities.values()},
                  sources={sid: SourceFacts.of(s) for sid, s in ledger.sources.items()})
    base_iri = get_settings().base_iri
    writer = NQuadsWriter(load_vocabulary(), base_iri)
    lines: list[str] = []
    for entity in ledger.entities.values():
        lines += writer.entity(entity)
    for source in ledger.sources.values():
        lines += writer.source(source)
    for cid, claim in ledger.claims.items():
        lines += writer.claim(cid, claim, known)
    triples = list(ox.parse("\n".join(sorted(set(lines))), format=ox.RdfFormat.N_TRIPLES))
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=data_prefixes(base_iri))
    assert data is not None
    return data.decode()


def fill(document: str) -> str:
    """Replace the generated block of data-model.md with the current Turtle."""
    return MARKER.sub(lambda m: f"{m.group(1)}```turtle\n{example_turtle()}```\n{m.group(2)}", document)
