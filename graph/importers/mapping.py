"""The declarative mapping: which columns make which entities, claims, qualifiers and source.

A mapping is a YAML file (format and a complete example in docs/import.md). Cell values enter
through templates — ``"{name}"``, ``"nc-{name|slug}"``, ``"{relevant-countries|first|upper}"`` —
so a mapping never needs code. Errors in the mapping itself are located in the mapping file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.diagnostics import Diagnostic, did_you_mean, display_path
from graph.ledger.model import ID_PATTERN
from graph.ledger.positions import Where, read_yaml
from graph.ledger.read_yaml import _plain


class MappingError(Exception):
    """The mapping cannot be used; carries every located problem."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _country_name(code: str, lang: str) -> str:
    country = pycountry.countries.get(alpha_2=code.strip().upper())
    if country is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    if lang == "en":
        return str(country.name)
    import gettext

    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                      fallback=True)
    return translation.gettext(str(country.name))


FILTERS: dict[str, Callable[[str], str]] = {
    "slug": _slug,
    "upper": str.upper,
    "lower": str.lower,
    "strip": str.strip,
    "title": str.title,
    "first": lambda s: s.split("|")[0].strip(),
    "unparen": lambda s: re.sub(r"\s*\([^)]*\)", "", s).strip(),
    "paren": lambda s: (m[1].strip() if (m := re.search(r"\(([^)]*)\)", s)) else ""),
    "country_en": lambda s: _country_name(s, "en"),
    "country_fr": lambda s: _country_name(s, "fr"),
    "domain": lambda s: re.sub(r"^https?://(www\.)?", "", s.strip()).split("/")[0].lower(),
}
_FIELD = re.compile(r"\{([^{}|]+)((?:\|[a-z_]+)*)\}")


class Template:
    """A text with ``{column|filter|…}`` fields; renders to ``None`` when a cell is missing."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.fields = [(m[1].strip(), [f for f in m[2].split("|") if f]) for m in
                       _FIELD.finditer(text)]
        unknown = [f for _c, fs in self.fields for f in fs if f not in FILTERS]
        if unknown:
            raise ValueError(f"unknown filter {unknown[0]!r}: "
                             f"{did_you_mean(unknown[0], FILTERS) or 'one of ' + ', '.join(FILTERS)}")

    @property
    def columns(self) -> list[str]:
        return [column for column, _f in self.fields]

    def render(self, cells: dict[str, str | None], missing: Callable[[str | None], bool]
               ) -> str | None:
        """The text, or ``None`` if a referenced cell is blank; filters may raise ValueError."""
        def one(match: re.Match[str]) -> str:
            value = cells.get(match[1].strip())
            if missing(value):
                raise _Blank
            text = str(value).strip()
            for name in (f for f in match[2].split("|") if f):
                text = FILTERS[name](text)
            return text
        try:
            out = _FIELD.sub(one, self.text).strip()
        except _Blank:
            return None
        return out or None


class _Blank(Exception):
    pass


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TypeMap(Spec):
    column: str
    map: dict[str, list[str]]
    default: list[str] | None = None


class EntitySpec(Spec):
    types: list[str] | TypeMap
    id: str
    name: str | dict[str, str]
    aliases: list[str] = Field(default_factory=list)
    country: str | None = None
    website: str | None = None
    founded: str | None = None
    identifiers: dict[str, str] = Field(default_factory=dict)


class PublisherSpec(Spec):
    id: str = Field(pattern=ID_PATTERN)
    types: list[str]
    name: str | dict[str, str]
    aliases: list[str] = Field(default_factory=list)
    country: str | None = None
    website: str | None = None


class DatasetSpec(Spec):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    publisher: str | PublisherSpec | None = None
    author: list[str] = Field(default_factory=list)
    published: str | None = None
    url: str | None = None
    licence: str | None = None
    attribution: str | None = None
    retrieved: str | None = None
    language: str | None = None
    reliability: str | None = None
    archive: str | None = None  # where the raw file lives, relative to the source root


class ClaimSpec(Spec):
    subject: str
    predicate: str
    object: str | None = None
    value: str | None = None
    value_type: Literal["text", "number", "date"] = "text"
    date: str | None = None
    start: str | None = None
    end: str | None = None
    amount: str | None = None
    currency: str | None = None
    status: str | None = None
    kind: str | None = None
    role: str | None = None
    confidence: str | None = None
    note: dict[str, str] | None = None


class Mapping(Spec):
    name: str = Field(pattern=ID_PATTERN)
    format: Literal["csv", "tsv", "xlsx", "jsonl", "json"] | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = Field(1, ge=1)
    day_first: bool = False
    missing: list[str] = Field(default_factory=list)
    dataset: DatasetSpec
    entities: dict[str, EntitySpec]
    claims: list[ClaimSpec] = Field(default_factory=list)


TEMPLATE_FIELDS = {"id", "name", "aliases", "country", "website", "founded", "identifiers",
                   "value", "date", "start", "end", "amount", "status", "kind", "role", "note"}


def load_mapping(path: Path) -> tuple[Mapping, Where]:
    """The mapping and its YAML positions; raises ``MappingError`` with located problems."""
    shown = display_path(path)
    doc, problems = read_yaml(path) if path.is_file() else (None, [
        Diagnostic(shown, 1, 1, "no such mapping file", "give the path of a mapping .yaml")])
    if problems:
        raise MappingError(problems)
    where = Where(shown, doc)
    if not isinstance(doc, dict):
        raise MappingError([where.diag([], "a mapping must be a YAML mapping",
                                       "see docs/import.md for a complete example")])
    try:
        mapping = Mapping.model_validate(_plain(doc))
    except ValidationError as exc:
        raise MappingError([_explain(err, where) for err in exc.errors(include_url=False)]
                           ) from None
    problems = []
    for i, claim in enumerate(mapping.claims):
        for role in ("subject", "object"):
            key = getattr(claim, role)
            if key is not None and key not in mapping.entities:
                problems.append(where.diag(["claims", i, role], f"no entity {key!r} in entities:",
                                           did_you_mean(key, mapping.entities)
                                           or f"one of {', '.join(mapping.entities)}"))
        if (claim.object is None) == (claim.value is None):
            problems.append(where.diag(["claims", i], "a claim needs either object: or value:"))
    for path_, text in _templates(mapping):
        try:
            Template(text)
        except ValueError as exc:
            problems.append(where.diag(path_, str(exc)))
    if problems:
        raise MappingError(problems)
    return mapping, where


def _explain(err: Any, where: Where) -> Diagnostic:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p in {
        "str", "list[str]", "TypeMap", "PublisherSpec", "dict[str,str]"}))]
    dotted = ".".join(str(p) for p in loc) or "mapping"
    if err["type"] == "missing":
        return where.diag(loc, f"missing required field {dotted!r}",
                          "see docs/import.md for a complete mapping")
    if err["type"] == "extra_forbidden":
        return where.diag(loc, f"unknown field {dotted!r}", "see docs/import.md for the fields",
                          key=True)
    return where.diag(loc, f"{dotted}: {err['msg']}")


def _templates(mapping: Mapping) -> list[tuple[list[str | int], str]]:
    """Every template of the mapping with its path in the mapping file."""
    out: list[tuple[list[str | int], str]] = []
    for key, spec in mapping.entities.items():
        base: list[str | int] = ["entities", key]
        out.append(([*base, "id"], spec.id))
        names = spec.name if isinstance(spec.name, dict) else {"": spec.name}
        out += [([*base, "name", *([lang] if lang else [])], t) for lang, t in names.items()]
        out += [([*base, "aliases", i], t) for i, t in enumerate(spec.aliases)]
        out += [([*base, f], t) for f in ("country", "website", "founded")
                if (t := getattr(spec, f)) is not None]
        out += [([*base, "identifiers", k], t) for k, t in spec.identifiers.items()]
    for i, claim in enumerate(mapping.claims):
        for f in ("value", "date", "start", "end", "amount", "status", "kind", "role"):
            if (t := getattr(claim, f)) is not None:
                out.append((["claims", i, f], t))
        for lang, t in (claim.note or {}).items():
            out.append((["claims", i, "note", lang], t))
    return out


def mapping_columns(mapping: Mapping) -> list[tuple[list[str | int], str]]:
    """(path in the mapping, column) for every column the mapping reads."""
    out = [(path, column) for path, text in _templates(mapping) for column in Template(text).columns]
    for key, spec in mapping.entities.items():
        if isinstance(spec.types, TypeMap):
            out.append((["entities", key, "types", "column"], spec.types.column))
    return out
