"""The RDF of the worked example in docs/data-model.md, generated so it can never drift."""

from __future__ import annotations

import re

import pyoxigraph as ox

from graph.cli.query_commands import PREFIXES as COMMON_PREFIXES
from graph.ledger.check import check
from graph.ledger.load import load_ledger
from graph.rdf.nquads import NQuadsWriter
from graph.settings import ROOT, get_settings
from graph.vocabulary import load_vocabulary

EXAMPLE = ROOT / "docs" / "examples" / "worked-example.yaml"
PREFIXES = COMMON_PREFIXES | {
    "ent": "https://w3id.org/custodiet/entity/",
    "claim": "https://w3id.org/custodiet/claim/",
    "src": "https://w3id.org/custodiet/source/",
    "owl": "http://www.w3.org/2002/07/owl#",
}
MARKER = re.compile(r"(<!-- generated:example-rdf -->\n).*?(<!-- /generated -->)", re.S)


def example_turtle() -> str:
    """The worked example's own triples (the ontology left out) as Turtle."""
    loaded = load_ledger(EXAMPLE)
    ledger = check(loaded, get_settings().source_root)
    if loaded.report.errors:
        raise ValueError(f"{EXAMPLE} does not validate: {loaded.report.errors[0].format()}")
    writer = NQuadsWriter(load_vocabulary(), get_settings().base_iri)
    lines: list[str] = []
    for entity in ledger.entities.values():
        lines += writer.entity(entity)
    for source in ledger.sources.values():
        lines += writer.source(source)
    for cid, claim in ledger.claims.items():
        lines += writer.claim(cid, claim, ledger.sources)
    triples = list(ox.parse("\n".join(sorted(set(lines))), format=ox.RdfFormat.N_TRIPLES))
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert data is not None
    return data.decode()


def fill(document: str) -> str:
    """Replace the generated block of data-model.md with the current Turtle."""
    return MARKER.sub(lambda m: f"{m.group(1)}```turtle\n{example_turtle()}```\n{m.group(2)}", document)
