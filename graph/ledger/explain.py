"""Pydantic's structural errors in the ledger's own words, each located at its field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from graph.diagnostics import Diagnostic
from graph.ledger.positions import Where


def explain(exc: ValidationError, where: Where, model: type[BaseModel]) -> list[Diagnostic]:
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
