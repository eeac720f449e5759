"""Rows + mapping → ledger records (entities, one Dataset source, claims), each located.

The records have exactly the shapes of the YAML ledger, so the one validator checks them; each
keeps the row and cells it came from, so its problems point at ``file:line:col`` of the table
and every claim's reference locates its row (``locator: {line: N, section: "row N"}``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.diagnostics import Diagnostic, display_path
from graph.importers.mapping import ClaimSpec, EntitySpec, Mapping, Template, TypeMap
from graph.importers.tables import Row
from graph.importers.values import AMOUNT_HINT, DATE_HINT, is_missing, parse_amount, parse_date, parse_number
from graph.ledger.positions import Where


@dataclass(frozen=True)
class RowWhere(Where):
    """A record made from a table row: each field's place is the cell it was read from."""

    line: int = 1
    cells: tuple[tuple[str, int, int], ...] = ()  # (record field, line, col)

    def of(self, path: Sequence[str | int] = (), *, key: bool = False) -> tuple[int, int]:
        if path:
            for name, line, col in self.cells:
                if name == str(path[0]):
                    return line, col
        return self.line, 1


@dataclass
class Record:
    """One ledger record being built, with where it came from (first row) and every row."""

    kind: str
    data: dict[str, Any]
    where: Where
    rows: set[int] = field(default_factory=set)


@dataclass
class Conversion:
    entities: dict[str, Record] = field(default_factory=dict)
    sources: dict[str, Record] = field(default_factory=dict)
    claims: dict[str, Record] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    rows: int = 0
    by_line: dict[int, Row] = field(default_factory=dict)  # to name a diagnostic's column

    def place(self, line: int, col: int) -> str | None:
        """"row 3, column 'signed'" for a position inside a table row, if it is one."""
        row = self.by_line.get(line)
        if row is None:
            return None
        for column in row.cells:
            if row.where(column) == (line, col):
                return f"{row.label}, column {column!r}"
        return row.label

    def records(self) -> Iterable[Record]:
        yield from self.entities.values()
        yield from self.sources.values()
        yield from self.claims.values()


class CellError(Exception):
    def __init__(self, column: str | None, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.column, self.message, self.hint = column, message, hint


def claim_key(data: dict[str, Any]) -> str:
    """A claim id from its content (not its references), stable across versions of the file."""
    basis = json.dumps([data.get(k) for k in ("subject", "predicate", "object", "value", "date",
                                               "start", "end", "amount", "currency", "kind",
                                               "role")], ensure_ascii=False, default=str)
    target = data.get("object") or "value"
    return f"{data['subject']}.{data['predicate']}.{target}.{hashlib.sha256(basis.encode()).hexdigest()[:8]}"


class Converter:
    """Turns rows into records for one mapping and one version of one file."""

    def __init__(self, mapping: Mapping, mapping_where: Where, table: Path, sha256: str,
                 source_id: str, archive: str | None) -> None:
        self.mapping = mapping
        self.shown = display_path(table)
        self.source_id = source_id
        self.missing_set = {m.strip() for m in mapping.missing}
        self.out = Conversion()
        self.templates: dict[str, Template] = {}
        self._dataset(mapping_where, sha256, archive)

    def missing(self, value: str | None) -> bool:
        return is_missing(value, self.missing_set)

    def t(self, text: str) -> Template:
        if text not in self.templates:
            self.templates[text] = Template(text)
        return self.templates[text]

    # -- the dataset as a source ------------------------------------------------------------
    def _dataset(self, where: Where, sha256: str, archive: str | None) -> None:
        ds = self.mapping.dataset
        dwhere = Where(where.file, where.node["dataset"] if isinstance(where.node, dict)
                       and "dataset" in where.node else where.node)
        publisher = ds.publisher
        publisher_id = None
        if publisher is not None and not isinstance(publisher, str):
            name = publisher.name if isinstance(publisher.name, dict) else {
                "en": publisher.name, "fr": publisher.name}
            data: dict[str, Any] = {"id": publisher.id, "types": list(publisher.types),
                                    "name": dict(name)}
            for key in ("aliases", "country", "website"):
                if getattr(publisher, key):
                    data[key] = getattr(publisher, key)
            pwhere = Where(dwhere.file, dwhere.node.get("publisher") if isinstance(
                dwhere.node, dict) else dwhere.node)
            self.out.entities[publisher.id] = Record("entity", data, pwhere)
            publisher_id = publisher.id
        elif isinstance(publisher, str):
            publisher_id = publisher
        source: dict[str, Any] = {"id": self.source_id, "kind": "Dataset", "title": ds.title,
                                  "sha256": sha256}
        for key, value in (("publisher", publisher_id), ("author", ds.author),
                           ("published", ds.published), ("url", ds.url),
                           ("language", ds.language), ("reliability", ds.reliability),
                           ("archive", archive)):
            if value:
                source[key] = value
        self.out.sources[self.source_id] = Record("source", source, dwhere)

    # -- rows ------------------------------------------------------------------------------
    def add(self, row: Row) -> None:
        self.out.rows += 1
        self.out.by_line[row.line] = row
        made: dict[str, tuple[str, dict[str, Any], dict[str, str]]] = {}
        problems: list[Diagnostic] = []
        for key, spec in self.mapping.entities.items():
            try:
                entity = self._entity(spec, row)
            except CellError as exc:
                problems.append(self._diag(row, exc))
                continue
            if entity is not None:
                made[key] = entity
        claims = []
        for claim_spec in self.mapping.claims:
            try:
                claim = self._claim(claim_spec, row, made)
            except CellError as exc:
                problems.append(self._diag(row, exc))
                continue
            if claim is not None:
                claims.append(claim)
        if problems:
            self.out.diagnostics.extend(problems)
            self.out.bad_rows.add(row.number)
            return
        for entity_id, data, origins in made.values():
            self._merge_entity(entity_id, data, origins, row)
        for data, origins in claims:
            self._merge_claim(data, origins, row)

    def _diag(self, row: Row, exc: CellError, severity: str = "error") -> Diagnostic:
        line, col = row.where(exc.column)
        place = f"{row.label}, column {exc.column!r}" if exc.column else row.label
        return Diagnostic(self.shown, line, col, f"{place}: {exc.message}", exc.hint,
                          severity)  # type: ignore[arg-type]

    def _render(self, text: str, row: Row, origins: dict[str, str], fld: str) -> str | None:
        template = self.t(text)
        try:
            value = template.render(row.cells, self.missing)
        except ValueError as exc:
            raise CellError(template.columns[0] if template.columns else None, str(exc)) from None
        if value is not None and template.columns:
            origins.setdefault(fld, template.columns[0])
        return value

    def _entity(self, spec: EntitySpec, row: Row
                ) -> tuple[str, dict[str, Any], dict[str, str]] | None:
        origins: dict[str, str] = {}
        entity_id = self._render(spec.id, row, origins, "id")
        names = spec.name if isinstance(spec.name, dict) else {"en": spec.name, "fr": spec.name}
        rendered = {lang: self._render(t, row, origins, "name") for lang, t in names.items()}
        if entity_id is None or not any(rendered.values()):
            return None  # its cells are blank: no such entity on this row
        name = {lang: v for lang, v in rendered.items() if v}
        fallback = next(iter(name.values()))
        name.setdefault("en", fallback)
        name.setdefault("fr", name["en"])
        data: dict[str, Any] = {"id": entity_id, "types": self._types(spec, row), "name": name}
        aliases = [a for t in spec.aliases if (a := self._render(t, row, origins, "aliases"))
                   and a not in name.values()]
        if aliases:
            data["aliases"] = list(dict.fromkeys(aliases))
        for key in ("country", "website"):
            text = getattr(spec, key)
            if text is not None and (value := self._render(text, row, origins, key)):
                data[key] = value.upper() if key == "country" else value
        if spec.founded is not None and (text := self._render(spec.founded, row, origins,
                                                              "founded")):
            data["founded"] = self._date(text, origins.get("founded"))
        identifiers = {k: v for k, t in spec.identifiers.items()
                       if (v := self._render(t, row, origins, "identifiers"))}
        if identifiers:
            data["identifiers"] = identifiers
        return entity_id, data, origins

    def _types(self, spec: EntitySpec, row: Row) -> list[str]:
        if not isinstance(spec.types, TypeMap):
            return list(spec.types)
        tm = spec.types
        value = (row.cells.get(tm.column) or "").strip()
        if value in tm.map:
            return list(tm.map[value])
        if tm.default is not None:
            return list(tm.default)
        raise CellError(tm.column, f"{value!r} is not in the mapping's types map",
                        f"add it under types.map (known: {', '.join(map(repr, tm.map))}) "
                        "or give types.default")

    def _date(self, text: str, column: str | None) -> str:
        try:
            value = parse_date(text, day_first=self.mapping.day_first)
        except ValueError as exc:
            raise CellError(column, str(exc), DATE_HINT) from None
        if value is None:
            raise CellError(column, f"{text!r} is not a date", DATE_HINT)
        return value

    def _claim(self, spec: ClaimSpec, row: Row,
               made: dict[str, tuple[str, dict[str, Any], dict[str, str]]]
               ) -> tuple[dict[str, Any], dict[str, str]] | None:
        subject = made.get(spec.subject)
        target = made.get(spec.object) if spec.object else None
        if subject is None or (spec.object and target is None):
            absent = spec.subject if subject is None else spec.object
            missing = self.mapping.entities[absent or ""]
            columns = self.t(missing.id).columns
            self.out.diagnostics.append(self._diag(row, CellError(
                columns[0] if columns else None,
                f"no {absent} on this row (blank or unknown): the {spec.predicate} claim is "
                "skipped", "fill the cell if the value is known"), "warning"))
            return None
        origins: dict[str, str] = {"subject": subject[2].get("id", ""),
                                   "object": target[2].get("id", "") if target else ""}
        data: dict[str, Any] = {"subject": subject[0], "predicate": spec.predicate}
        if target is not None:
            data["object"] = target[0]
        if spec.value is not None:
            text = self._render(spec.value, row, origins, "value")
            if text is None:
                return None
            data["value"] = self._typed_value(text, spec, origins.get("value"))
        for key in ("date", "start", "end"):
            text = getattr(spec, key)
            if text is not None and (value := self._render(text, row, origins, key)):
                data[key] = self._date(value, origins.get(key))
        if spec.amount is not None and (text := self._render(spec.amount, row, origins,
                                                             "amount")):
            try:
                parsed = parse_amount(text, spec.currency)
            except ValueError as exc:
                raise CellError(origins.get("amount"), str(exc), AMOUNT_HINT) from None
            if parsed is not None:
                amount, currency = parsed
                if currency is None:
                    raise CellError(origins.get("amount"), f"{text!r} has no currency",
                                    "write it in the cell (10000 RON) or give `currency:` in "
                                    "the mapping's claim")
                data["amount"] = int(amount) if amount == amount.to_integral() else str(amount)
                data["currency"] = currency
                origins["currency"] = origins["amount"]
        for key in ("status", "kind", "role"):
            text = getattr(spec, key)
            if text is not None and (value := self._render(text, row, origins, key)):
                data[key] = value
        if spec.confidence:
            data["confidence"] = spec.confidence
        if spec.note:
            note = {lang: v for lang, t in spec.note.items()
                    if (v := self._render(t, row, origins, "note"))}
            if note:
                note.setdefault("en", next(iter(note.values())))
                data["note"] = note
        return data, origins

    def _typed_value(self, text: str, spec: ClaimSpec, column: str | None) -> Any:
        if spec.value_type == "date":
            return self._date(text, column)
        if spec.value_type == "number":
            try:
                number = parse_number(text)
            except ValueError as exc:
                raise CellError(column, str(exc), "write a plain number such as 1200") from None
            return number if isinstance(number, int) or number is None else float(number)
        return text

    # -- merging rows that describe the same record -----------------------------------------
    def _where(self, row: Row, origins: dict[str, str]) -> RowWhere:
        cells = tuple((fld, *row.where(column)) for fld, column in origins.items() if column)
        return RowWhere(self.shown, None, row.line, cells)

    def _merge_entity(self, entity_id: str, data: dict[str, Any], origins: dict[str, str],
                      row: Row) -> None:
        known = self.out.entities.get(entity_id)
        if known is None:
            self.out.entities[entity_id] = Record("entity", data, self._where(row, origins),
                                                  {row.number})
            return
        known.rows.add(row.number)
        old = known.data
        names = set(old["name"].values()) | set(old.get("aliases", []))
        extra = [n for n in [*data["name"].values(), *data.get("aliases", [])] if n not in names]
        if extra:
            old["aliases"] = list(dict.fromkeys([*old.get("aliases", []), *extra]))
        for key in ("country", "website", "founded"):
            if key in data and key not in old:
                old[key] = data[key]
            elif key in data and old[key] != data[key]:
                column = origins.get(key)
                line, col = row.where(column)
                self.out.diagnostics.append(Diagnostic(
                    self.shown, line, col,
                    f"{row.label}: {entity_id} has {key} {data[key]!r} here but {old[key]!r} "
                    "on an earlier row; the first is kept",
                    "make the rows agree, or give each its own id", "warning"))
        for scheme, value in data.get("identifiers", {}).items():
            old.setdefault("identifiers", {}).setdefault(scheme, value)
        old["types"] = list(dict.fromkeys([*old["types"], *data["types"]]))

    def _merge_claim(self, data: dict[str, Any], origins: dict[str, str], row: Row) -> None:
        cid = claim_key(data)
        ref = {"source": self.source_id, "locator": {"line": row.line, "section": row.label}}
        known = self.out.claims.get(cid)
        if known is None:
            data = {"id": cid, **data, "refs": [ref]}
            self.out.claims[cid] = Record("claim", data, self._where(row, origins), {row.number})
        else:
            known.rows.add(row.number)
            known.data["refs"].append(ref)
