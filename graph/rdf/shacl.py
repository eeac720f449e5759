"""Validating the built RDF with pySHACL, reported in the same readable form as the ledger."""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from pyshacl import validate

from graph.namespaces import SH as SH_NAMESPACE
from graph.vocabulary import SHAPES_PATH

SH = rdflib.Namespace(SH_NAMESPACE)


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str

    def format(self) -> str:
        where = f" (at {self.path})" if self.path else ""
        return f"shape violation: {self.focus}{where}: {self.message}"


def shacl_check(nquads: str) -> list[Violation]:
    """Every shape violation of the built graph; the ontology is part of the data graph."""
    data = rdflib.Graph().parse(data=nquads, format="nt")
    shapes = rdflib.Graph().parse(SHAPES_PATH, format="turtle")
    conforms, report, _text = validate(data, shacl_graph=shapes, advanced=True,
                                       allow_warnings=True)
    if conforms:
        return []
    assert isinstance(report, rdflib.Graph)
    out = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        out.append(Violation(str(focus), str(path or ""), str(message or "does not conform")))
    return sorted(out, key=lambda v: (v.focus, v.path, v.message))
