"""The one namespace and prefix table, read from ``schema/prefixes.ttl``.

Every module that writes, queries or shows RDF takes its namespaces from here: the constants
below (``ONT``, ``RDF`` …) are looked up in the table, so the Turtle file is the only place a
namespace IRI is spelled. The prefixes of the data itself (``ent:``, ``claim:``, ``src:``) depend
on the configured base IRI and come from :func:`instance_prefixes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

PREFIXES_PATH = Path(__file__).parent / "schema" / "prefixes.ttl"

# The data's own namespaces, under the base IRI: prefix -> path segment (see graph.rdf.iris).
INSTANCE_SEGMENTS = {"ent": "entity/", "claim": "claim/", "src": "source/"}
# The vocabularies the built data uses (graph.rdf.nquads): the prefixes Turtle output declares.
DATA_PREFIXES = ("ont", "rdf", "rdfs", "owl", "xsd", "skos", "schema", "prov", "dcterms", "wd")


@lru_cache(maxsize=1)
def prefix_table() -> dict[str, str]:
    """Every prefix of ``schema/prefixes.ttl`` and its namespace IRI (sorted by prefix)."""
    parser = ox.parse(path=str(PREFIXES_PATH), format=ox.RdfFormat.TURTLE)
    for _ in parser:  # the prefixes are known once the document is read
        pass
    return dict(sorted(parser.prefixes.items()))


def namespace(prefix: str) -> str:
    """The namespace IRI of one prefix of the table; KeyError names the file to edit."""
    table = prefix_table()
    if prefix not in table:
        raise KeyError(f"prefix {prefix!r} is not declared in {PREFIXES_PATH}")
    return table[prefix]


def prefixes(*names: str) -> dict[str, str]:
    """The named prefixes (all of the table if none is named), in the order given."""
    table = prefix_table()
    return {name: namespace(name) for name in names} if names else dict(table)


def instance_prefixes(base_iri: str) -> dict[str, str]:
    """``ent:``, ``claim:`` and ``src:``: the namespaces of entities, claims and sources."""
    return {prefix: base_iri + segment for prefix, segment in INSTANCE_SEGMENTS.items()}


def data_prefixes(base_iri: str) -> dict[str, str]:
    """The prefixes of the data's RDF (``ent:`` … then ``DATA_PREFIXES``): what a Turtle or TriG
    export, a Linked Data page or a docs example declares."""
    return instance_prefixes(base_iri) | prefixes(*DATA_PREFIXES)


def sparql_prologue(table: Mapping[str, str]) -> str:
    """``PREFIX p: <ns>`` lines for a SPARQL query."""
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in table.items())


def compact(iri: str, table: Mapping[str, str] | None = None) -> str:
    """``prefix:local`` for an IRI in one of the namespaces (the longest match wins), else the
    IRI unchanged."""
    best: tuple[str, str] | None = None
    for prefix, ns in (table if table is not None else prefix_table()).items():
        if iri.startswith(ns) and (best is None or len(ns) > len(best[1])):
            best = (prefix, ns)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


ONT = namespace("ont")
SHAPES = namespace("shapes")
RDF = namespace("rdf")
RDFS = namespace("rdfs")
OWL = namespace("owl")
XSD = namespace("xsd")
SKOS = namespace("skos")
SCHEMA = namespace("schema")
PROV = namespace("prov")
DCTERMS = namespace("dcterms")
SH = namespace("sh")
SD = namespace("sd")
VOID = namespace("void")
FORMATS = namespace("formats")
WD = namespace("wd")
WDT = namespace("wdt")
ONTOLOGY_IRI = ONT.rstrip("#")  # the ontology document's own IRI

__all__ = [
    "DATA_PREFIXES", "DCTERMS", "FORMATS", "INSTANCE_SEGMENTS", "ONT", "ONTOLOGY_IRI", "OWL",
    "PREFIXES_PATH", "PROV", "RDF", "RDFS", "SCHEMA", "SD", "SH", "SHAPES", "SKOS", "VOID", "WD",
    "WDT", "XSD", "compact", "data_prefixes", "instance_prefixes", "namespace", "prefix_table",
    "prefixes", "sparql_prologue",
]
