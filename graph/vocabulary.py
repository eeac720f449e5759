"""The vocabulary, read from ``schema/ontology.ttl`` at run time.

Nothing here names a class or a predicate: the validator, the build and the user interfaces ask
this object instead, so adding a predicate to the Turtle file is the whole change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

# The namespaces come from the one prefix table (schema/prefixes.ttl); re-exported here for the
# modules that read them with the vocabulary.
from graph.namespaces import ONT, OWL, RDF, RDFS, SCHEMA, SKOS, XSD  # noqa: F401 (re-exported)

SCHEMA_DIR = Path(__file__).parent / "schema"
ONTOLOGY_PATH = SCHEMA_DIR / "ontology.ttl"
SHAPES_PATH = SCHEMA_DIR / "shapes.ttl"



@dataclass
class Term:
    """A class, predicate or concept of the vocabulary with its bilingual labels."""

    name: str
    iri: str
    label: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    inverse_label: dict[str, str] = field(default_factory=dict)

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.name

    def inverse_label_in(self, lang: str) -> str:
        return self.inverse_label.get(lang) or self.inverse_label.get("en") or self.label_in(lang)


@dataclass
class Predicate(Term):
    is_value: bool = False
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    requires_currency: bool = False
    default_stage: str | None = None  # the lifecycle stage a claim records when it does not say
    functional: bool = False  # one value per subject (and object) at a date: differences contradict


@dataclass
class Concept(Term):
    """A member of a controlled list (status, stage, grade …) with what the ontology adds."""

    resulting_status: str | None = None  # stages and outcomes: the case's status afterwards
    rank: int = 0  # grades: 1 is the strongest


@dataclass
class Vocabulary:
    classes: dict[str, Term]
    parents: dict[str, set[str]]
    predicates: dict[str, Predicate]
    statuses: dict[str, Concept]
    order_kinds: dict[str, Concept]
    confidences: dict[str, Concept]
    stances: dict[str, Concept] = field(default_factory=dict)
    stages: dict[str, Concept] = field(default_factory=dict)
    outcomes: dict[str, Concept] = field(default_factory=dict)
    grades: dict[str, Concept] = field(default_factory=dict)
    kind_grades: dict[str, str] = field(default_factory=dict)  # source kind -> grade notation

    def ancestors(self, name: str) -> set[str]:
        """The class and all its superclasses within the ontology."""
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.parents.get(current, ()))
        return seen

    def subclasses_of(self, root: str) -> list[str]:
        return sorted(c for c in self.classes if root in self.ancestors(c))

    @property
    def entity_classes(self) -> list[str]:
        return self.subclasses_of("Entity")

    @property
    def source_kinds(self) -> list[str]:
        return [c for c in self.subclasses_of("Source") if c != "Source"]

    def allows(self, types: list[str], allowed: list[str]) -> bool:
        """True when any of the entity's types is, or specialises, an allowed class."""
        return any(set(allowed) & self.ancestors(t) for t in types)


def _local(iri: str) -> str | None:
    return iri[len(ONT) :] if iri.startswith(ONT) else None


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = ONTOLOGY_PATH) -> Vocabulary:
    """Parse the ontology once per process (it is small; the cache keeps start-up cheap)."""
    by_subject: dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]] = {}
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if isinstance(triple.subject, ox.NamedNode):
            props = by_subject.setdefault(triple.subject.value, {})
            props.setdefault(triple.predicate.value, []).append(triple.object)  # type: ignore[arg-type]

    def texts(props: dict[str, list], prop: str) -> dict[str, str]:
        return {
            o.language or "en": o.value
            for o in props.get(prop, [])
            if isinstance(o, ox.Literal)
        }

    def iris(props: dict[str, list], prop: str) -> list[str]:
        return [o.value for o in props.get(prop, []) if isinstance(o, ox.NamedNode)]

    classes: dict[str, Term] = {}
    parents: dict[str, set[str]] = {}
    predicates: dict[str, Predicate] = {}
    schemes: dict[str, dict[str, Concept]] = {
        name: {} for name in ("Status", "OrderKind", "Confidence", "Stance", "Stage", "Outcome",
                              "Grade")}
    notations: dict[str, str] = {}  # concept IRI -> notation, to resolve links between concepts
    links: dict[str, dict[str, str]] = {"defaultStage": {}, "evidenceGrade": {},
                                        "resultingStatus": {}}
    for iri, props in by_subject.items():
        name = _local(iri)
        if name is None:
            continue
        types = set(iris(props, RDF + "type"))
        label = texts(props, RDFS + "label") or texts(props, SKOS + "prefLabel")
        definition = texts(props, SKOS + "definition")
        for link, targets in links.items():
            found = iris(props, ONT + link)
            if found:
                targets[name] = found[0]
        if OWL + "Class" in types:
            classes[name] = Term(name, iri, label, definition)
            parents[name] = {p for p in map(_local, iris(props, RDFS + "subClassOf")) if p}
        if ONT + "Relation" in types or ONT + "ValuePredicate" in types:
            predicates[name] = Predicate(
                name,
                iri,
                label,
                definition,
                texts(props, ONT + "inverseLabel"),
                is_value=ONT + "ValuePredicate" in types,
                domain=[d for d in map(_local, iris(props, SCHEMA + "domainIncludes")) if d],
                range=[r for r in map(_local, iris(props, SCHEMA + "rangeIncludes")) if r],
                requires_currency=any(
                    isinstance(o, ox.Literal) and o.value == "true"
                    for o in props.get(ONT + "requiresCurrency", [])
                ),
                functional=any(isinstance(o, ox.Literal) and o.value == "true"
                               for o in props.get(ONT + "functional", [])),
            )
        for scheme, members in schemes.items():
            if ONT + scheme in types:
                notation = texts(props, SKOS + "notation").get("en", name)
                rank = next((int(o.value) for o in props.get(ONT + "rank", [])
                             if isinstance(o, ox.Literal)), 0)
                members[notation] = Concept(notation, iri, label, definition, rank=rank)
                notations[iri] = notation
    for scheme in ("Stage", "Outcome"):
        for concept in schemes[scheme].values():
            target = links["resultingStatus"].get(_local(concept.iri) or "")
            concept.resulting_status = notations.get(target) if target else None
    for name, target in links["defaultStage"].items():
        if name in predicates:
            predicates[name].default_stage = notations.get(target)
    kind_grades = {name: notations[target] for name, target in links["evidenceGrade"].items()
                   if name in classes and target in notations}
    return Vocabulary(
        classes=classes,
        parents=parents,
        predicates=predicates,
        statuses=schemes["Status"],
        order_kinds=schemes["OrderKind"],
        confidences=schemes["Confidence"],
        stances=schemes["Stance"],
        stages=schemes["Stage"],
        outcomes=schemes["Outcome"],
        grades=schemes["Grade"],
        kind_grades=kind_grades,
    )
