"""Precision and recall against hand-labelled gold files (``tests/extract/gold/*.yaml``).

Entities are compared as the set of entities a document mentions (known ids, and new names by
their folded spelling); claims as (subject, predicate, object or value) triples, then again with
their qualifiers (date, amount, currency, status, kind), each of which must be equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from graph.extract.document import ExtractError, read_document
from graph.extract.engine import Extraction, extract
from graph.extract.mentions import Gazetteer, new_key

GOLD_DIR = Path(__file__).resolve().parents[2] / "tests" / "extract" / "gold"
QUALIFIERS = ("date", "amount", "currency", "status", "kind")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, predicted: set[Any], gold: set[Any]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)


@dataclass
class DocumentResult:
    name: str
    language: str
    words: int
    entities: Score
    claims: Score
    claims_q: Score
    missed: list[Any] = field(default_factory=list)
    extra: list[Any] = field(default_factory=list)


def _num(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return str(Decimal(str(value)).normalize())
    except InvalidOperation:
        return str(value)


def _triple(c: dict[str, Any]) -> tuple[str, str, str]:
    obj = c.get("object")
    return (str(c["subject"]), str(c["predicate"]),
            str(obj) if obj is not None else f"={_num(c.get('value'))}")


def _with_q(c: dict[str, Any]) -> tuple[Any, ...]:
    q = tuple(_num(c.get(k)) if k == "amount" else (str(c[k]) if c.get(k) is not None else None)
              for k in QUALIFIERS)
    return (*_triple(c), *q)


def load_gold(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "document" not in data:
        raise ExtractError(f"{path}: not a gold file (needs document:, entities:, claims:)")
    return data


def gold_entities(gold: dict[str, Any]) -> set[str]:
    out = set()
    for e in gold.get("entities") or []:
        out.add(new_key(e["new"]) if isinstance(e, dict) else str(e))
    return out


def predicted(ex: Extraction) -> tuple[set[str], list[dict[str, Any]]]:
    entities = {m.entity for m in ex.mentions if m.kind == "known" and m.entity}
    entities |= {n.key for n in ex.new_entities}
    claims = [{"subject": c.subject, "predicate": c.predicate, "object": c.object,
               "value": c.value, **c.qualifiers()} for c in ex.claims]
    return entities, claims


def evaluate_file(path: Path, gaz: Gazetteer) -> DocumentResult:
    gold = load_gold(path)
    doc_path = (path.parent / gold["document"]).resolve()
    doc = read_document(str(doc_path), language=gold.get("language"))
    if gold.get("sha256") and doc.sha256 != gold["sha256"]:
        raise ExtractError(f"{path}: the document's sha256 changed; relabel it")
    ex = extract(doc, gaz)
    entities, claims = predicted(ex)
    result = DocumentResult(path.stem, doc.language, doc.words, Score(), Score(), Score())
    result.entities.add(entities, gold_entities(gold))
    gold_claims = gold.get("claims") or []
    result.claims.add({_triple(c) for c in claims}, {_triple(c) for c in gold_claims})
    result.claims_q.add({_with_q(c) for c in claims}, {_with_q(c) for c in gold_claims})
    result.missed = sorted({_triple(c) for c in gold_claims} - {_triple(c) for c in claims})
    result.extra = sorted({_triple(c) for c in claims} - {_triple(c) for c in gold_claims})
    return result


def evaluate(gold_dir: Path, gaz: Gazetteer) -> list[DocumentResult]:
    files = sorted(gold_dir.glob("*.yaml"))
    if not files:
        raise ExtractError(f"{gold_dir}: no gold files (*.yaml)")
    return [evaluate_file(f, gaz) for f in files]


def by_language(results: list[DocumentResult]) -> dict[str, dict[str, Score]]:
    out: dict[str, dict[str, Score]] = {}
    for r in results:
        scores = out.setdefault(r.language, {"entities": Score(), "claims": Score(),
                                             "claims with qualifiers": Score()})
        for name, s in (("entities", r.entities), ("claims", r.claims),
                        ("claims with qualifiers", r.claims_q)):
            scores[name].tp += s.tp
            scores[name].fp += s.fp
            scores[name].fn += s.fn
    return out


def report_markdown(results: list[DocumentResult], command: str) -> str:
    lines = [f"Reproduce: `{command}`", "",
             "| language | documents | words | measure | precision | recall | TP | FP | FN |",
             "|---|---|---|---|---|---|---|---|---|"]
    for lang, scores in sorted(by_language(results).items()):
        docs = [r for r in results if r.language == lang]
        words = sum(r.words for r in docs)
        for name, s in scores.items():
            lines.append(f"| {lang} | {len(docs)} | {words} | {name} | {s.precision:.2f} | "
                         f"{s.recall:.2f} | {s.tp} | {s.fp} | {s.fn} |")
    lines += ["", "Per document (claims without qualifiers; missed and extra triples):", ""]
    for r in results:
        lines.append(f"- `{r.name}` ({r.language}): P {r.claims.precision:.2f}, "
                     f"R {r.claims.recall:.2f}; entities P {r.entities.precision:.2f}, "
                     f"R {r.entities.recall:.2f}")
        for t in r.missed:
            lines.append(f"  - missed: {' '.join(t)}")
        for t in r.extra:
            lines.append(f"  - extra: {' '.join(t)}")
    return "\n".join(lines)


def write_docs(markdown: str, path: Path) -> None:
    """Replace the text between the evaluation markers of ``docs/extraction.md``."""
    start, end = "<!-- evaluation -->", "<!-- /evaluation -->"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Extraction\n\n{start}\n{end}\n"
    if start not in text:
        text = text.rstrip() + f"\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{markdown.strip()}\n{end}{tail}", encoding="utf-8")
