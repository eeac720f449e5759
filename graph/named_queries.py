"""Named SPARQL queries stored as ``queries/*.rq``, shared by the CLI, endpoint, UI and docs.

Each file starts with comment headers::

    # title: Who funds a vendor
    # description: Investors of an entity, with amounts and sources.
    # param: entity = clearview-ai   (an entity id; the default is used by docs and tests)

and uses ``$entity`` where the parameter goes. Parameters are bound by substituting a safely
serialised RDF term, which works on every backend (rdflib and remote servers included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from graph.namespaces import XSD
from graph.rdf.iris import Iris

QUERY_DIR = Path(__file__).parent / "queries"
_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*=\s*(\S+)\s*(?:\((.*)\))?$")


@dataclass(frozen=True)
class Param:
    name: str
    default: str
    kind: str  # "entity" (an id -> IRI), "date" (xsd:date) or "text"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def render(self, iris: Iris | None = None, /, **values: str) -> str:
        iris = iris or Iris()
        sparql = self.text
        for param in self.params:
            raw = values.get(param.name, param.default)
            term: ox.NamedNode | ox.Literal
            if param.kind == "entity":
                term = ox.NamedNode(iris.entity(raw))
            elif param.kind == "date":
                term = ox.Literal(raw, datatype=ox.NamedNode(XSD + "date"))
            else:
                term = ox.Literal(raw)
            # doubled for re.sub, so the literal's own escapes reach SPARQL unchanged
            sparql = re.sub(rf"\${param.name}\b", str(term).replace("\\", "\\\\"), sparql)
        return sparql


def _parse(path: Path) -> NamedQuery:
    headers: dict[str, list[str]] = {"title": [], "description": [], "param": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line.strip())
        if match:
            headers[match.group(1)].append(match.group(2).strip())
    params = []
    for spec in headers["param"]:
        m = _PARAM.match(spec)
        if m:
            kind = (m.group(3) or "entity").split()[0]
            params.append(Param(m.group(1), m.group(2), kind))
    return NamedQuery(
        name=path.stem,
        title=" ".join(headers["title"]) or path.stem,
        description=" ".join(headers["description"]),
        text=path.read_text(encoding="utf-8"),
        params=tuple(params),
    )


@lru_cache(maxsize=1)
def named_queries() -> dict[str, NamedQuery]:
    return {p.stem: _parse(p) for p in sorted(QUERY_DIR.glob("*.rq"))}


def get_query(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        raise KeyError(f"no named query {name!r}; known: {', '.join(queries)}")
    return queries[name]
