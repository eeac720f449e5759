"""Read ledger files into validated records, collecting every structural problem."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from graph.diagnostics import Diagnostic, Report, display_path
from graph.ledger.model import Claim, Entity, Source
from graph.ledger.positions import Where, read_yaml

SECTIONS: dict[str, type[BaseModel]] = {"entities": Entity, "sources": Source, "claims": Claim}
T = TypeVar("T", bound=BaseModel)


@dataclass
class LoadResult:
    """Records with their places, plus every diagnostic met while reading them."""

    entities: list[tuple[Entity, Where]] = field(default_factory=list)
    sources: list[tuple[Source, Where]] = field(default_factory=list)
    claims: list[tuple[Claim, Where]] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    files: list[str] = field(default_factory=list)
    rejected: int = 0  # records that failed structural checks (their references are unknown)


def ledger_files(path: Path) -> list[Path]:
    """Every ``.yaml``/``.yml`` file below ``path`` in a stable order (or the file itself)."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def load_ledger(path: Path) -> LoadResult:
    result = LoadResult()
    if not path.exists():
        result.report.add(Diagnostic(str(path), 1, 1, "no such file or folder",
                                     "give the ledger folder, e.g. data/"))
        return result
    files = ledger_files(path)
    if not files:
        result.report.add(Diagnostic(display_path(path), 1, 1, "no .yaml files found"))
    for file in files:
        load_file(file, result)
    return result


def load_file(path: Path, result: LoadResult) -> None:
    shown = display_path(path)
    result.files.append(shown)
    doc, problems = read_yaml(path)
    result.report.extend(problems)
    if problems or doc is None:
        return
    top = Where(shown, doc)
    if not isinstance(doc, CommentedMap):
        result.report.add(top.diag([], "a ledger file must be a mapping",
                                   "start the file with `entities:`, `sources:` or `claims:`"))
        return
    for section, items in doc.items():
        if section not in SECTIONS:
            result.report.add(top.diag([section], f"unknown section {section!r}",
                                       "use entities:, sources: or claims:", key=True))
            continue
        if items is None:
            continue
        if not isinstance(items, CommentedSeq):
            result.report.add(top.diag([section], f"{section} must be a list",
                                       "write each record as a `- ` item"))
            continue
        target: list[Any] = getattr(result, section)
        before = len(result.report.items)
        for record, where in _records(shown, items, SECTIONS[section], result.report):
            target.append((record, where))
        result.rejected += len(result.report.items) > before


def _records(
    shown: str, items: CommentedSeq, model: type[T], report: Report
) -> Iterator[tuple[T, Where]]:
    for index, item in enumerate(items):
        line, col = items.lc.item(index)
        where = Where(shown, item)
        if not isinstance(item, CommentedMap):
            report.add(Diagnostic(shown, line + 1, col + 1,
                                  f"each {model.__name__.lower()} must be a mapping of fields"))
            continue
        try:
            yield model.model_validate(_plain(item)), where
        except ValidationError as exc:
            report.extend(_explain(exc, where, model))


def _plain(node: Any) -> Any:
    """ruamel containers to plain Python, so pydantic sees ordinary dicts and lists."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _explain(exc: ValidationError, where: Where, model: type[BaseModel]) -> list[Diagnostic]:
    """Pydantic's errors in the ledger's words, each at the field it concerns."""
    out = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and "[" in p)]
        dotted = ".".join(str(p) for p in loc) or model.__name__.lower()
        kind, msg = err["type"], err["msg"].removeprefix("Value error, ")
        hint = ""
        if kind == "missing":
            if loc and loc[-1] == "refs":
                continue  # reported with a better message by the checker
            message = f"missing required field {dotted!r}"
            hint = "see docs/ledger-format.md for the fields of each record"
        elif kind == "extra_forbidden":
            message = f"unknown field {dotted!r}"
            allowed = _allowed_fields(model, loc[:-1])
            hint = f"allowed here: {', '.join(allowed)}" if allowed else ""
            out.append(where.diag(loc, message, hint, key=True))
            continue
        elif kind == "string_pattern_mismatch" and loc and loc[-1] in {"id", "subject", "object",
                                                                         "source", "publisher",
                                                                         "disputes"}:
            message = f"{dotted}: {err.get('input')!r} is not a valid id"
            hint = "ids are lower-case letters, digits and - . _, e.g. clearview-ai"
        elif kind == "string_pattern_mismatch" and loc and loc[-1] == "currency":
            message = f"currency {err.get('input')!r} is not an ISO 4217 code"
            hint = "use three capital letters such as EUR, GBP, USD, CAD"
        elif kind == "string_pattern_mismatch" and loc and loc[-1] in {"url", "website"}:
            message = f"{dotted}: {err.get('input')!r} is not an http(s) URL"
            hint = "give the URL exactly as published, starting with https://"
        else:
            message = f"{dotted}: {msg}"
        out.append(where.diag(loc, message, hint))
    return out


def _allowed_fields(model: type[BaseModel], path: list[Any]) -> list[str]:
    current: Any = model
    for step in path:
        if isinstance(step, int):
            continue
        info = getattr(current, "model_fields", {}).get(step)
        if info is None:
            return []
        annotation = info.annotation
        inner = [a for a in getattr(annotation, "__args__", (annotation,)) if hasattr(a, "model_fields")]
        if not inner:
            args = [getattr(a, "__args__", ()) for a in getattr(annotation, "__args__", ())]
            inner = [x for group in args for x in group if hasattr(x, "model_fields")]
        if not inner:
            return []
        current = inner[0]
    return list(getattr(current, "model_fields", {}))
