"""The bulk ledger reader: JSON Lines and CSV record by record, plain or gzip-compressed.

JSON Lines: one object per line, ``{"entity": {...}}``, ``{"source": {...}}`` or
``{"claim": {...}}``, the record in the same shape as in YAML. CSV: one file per kind of record
(its name starts with ``entities``, ``sources`` or ``claims``), one record per row; columns are
field names, dotted for nested fields (``name.en``, ``refs.0.source``,
``refs.0.locator.chars.1``); lists of text (``types``, ``aliases``, ``author``, ``cites``) are
one cell joined with ``|``. See docs/scaling.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from graph.diagnostics import Diagnostic, display_path
from graph.ledger.line_positions import CsvRowWhere, JsonLineWhere
from graph.ledger.model import Claim, Entity, Source
from graph.ledger.raw import KINDS, SECTIONS, Progress, RawRecord

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
CSV_SUFFIXES = (".csv", ".csv.gz")
# Text-list fields are the ``list[str]`` fields of the models: asked of pydantic, not listed.
LIST_FIELDS = {
    name for model in (Entity, Source, Claim) for name, info in model.model_fields.items()
    if info.annotation == list[str]
}
CSV_FIELD_LIMIT = 131_072  # characters in one cell: the csv module's own default
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$")


class BulkReader:
    name = "bulk"
    hint = "give a .jsonl or .csv ledger, or a folder of them"

    def files(self, path: Path) -> list[Path]:
        return bulk_files(path)

    def read(self, file: Path, diagnostics: list[Diagnostic],
             progress: Progress | None = None) -> Iterator[RawRecord]:
        return read_file(file, diagnostics, progress)


def bulk_files(path: Path) -> list[Path]:
    """The bulk files of a path; CSV files in entities, sources, claims order (streams best)."""
    if path.is_file():
        return [path]
    files = [p for p in path.rglob("*") if p.is_file() and _suffix(p)]
    rank = {"entities": 0, "sources": 1, "claims": 2}
    return sorted(files, key=lambda p: (rank.get(_csv_section(p) or "", 3), str(p)))


def _suffix(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in (*JSONL_SUFFIXES, *CSV_SUFFIXES):
        if name.endswith(suffix):
            return "csv" if suffix in CSV_SUFFIXES else "jsonl"
    return None


def _csv_section(path: Path) -> str | None:
    if _suffix(path) != "csv":
        return None
    name = path.name.lower()
    return next((s for s in SECTIONS if name.startswith(s)), None)


def _open(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def read_file(path: Path, diagnostics: list[Diagnostic], progress: Progress | None = None
              ) -> Iterator[RawRecord]:
    """Records of one file; unreadable lines become diagnostics instead of exceptions."""
    shown = display_path(path)
    kind = _suffix(path)
    if kind is None:
        diagnostics.append(Diagnostic(shown, 1, 1, "not a bulk ledger file",
                                      "use .jsonl (JSON Lines) or .csv, optionally .gz"))
        return
    try:
        with _open(path) as stream:
            if kind == "jsonl":
                yield from _jsonl(shown, stream, diagnostics, progress)
            else:
                yield from _csv(shown, path, stream, diagnostics, progress)
    except OSError as exc:
        diagnostics.append(Diagnostic(shown, 1, 1, f"cannot read file: {exc}"))


def _jsonl(shown: str, stream: IO[bytes], diagnostics: list[Diagnostic],
           progress: Progress | None) -> Iterator[RawRecord]:
    hint = 'write one record per line: {"entity": {...}}, {"source": {...}} or {"claim": {...}}'
    loads = json.loads
    for number, raw in enumerate(stream, start=1):
        if progress:
            progress(len(raw))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            diagnostics.append(Diagnostic(shown, number, exc.start + 1,
                                          "line is not UTF-8 text", "save the file as UTF-8"))
            continue
        if not text.strip():
            continue
        try:
            item = loads(text)
        except json.JSONDecodeError as exc:
            diagnostics.append(Diagnostic(shown, number, exc.colno, f"invalid JSON: {exc.msg}",
                                          "each line must be one complete JSON object"))
            continue
        if not isinstance(item, dict) or len(item) != 1:
            diagnostics.append(Diagnostic(shown, number, 1, "a line must hold exactly one record",
                                          hint))
            continue
        ((kind, data),) = item.items()
        if kind not in KINDS or not isinstance(data, dict):
            where = JsonLineWhere(shown, None, line=number, text=text)
            line, col = where.of([kind], key=True)
            diagnostics.append(Diagnostic(
                shown, line, col, f"unknown record kind {kind!r}" if kind not in KINDS
                else f"the {kind} must be an object of fields", hint))
            continue
        yield RawRecord(kind, data, JsonLineWhere(shown, None, line=number, text=text,
                                                  prefix=(kind,)), number)


def csv_value(name: str, cell: str) -> Any:
    """A cell as YAML would have read it: numbers for ``value``, lists for text-list fields."""
    if name in LIST_FIELDS:
        return [part.strip() for part in cell.split("|") if part.strip()]
    if name == "value":
        if _INT.match(cell):
            return int(cell)
        if _FLOAT.match(cell):
            return float(cell)
    return cell


def unflatten(row: dict[str, str]) -> dict[str, Any]:
    """Dotted column names to nested records; digits index lists (``refs.0.source``)."""
    record: dict[str, Any] = {}
    for name, cell in row.items():
        if cell == "" or name is None:
            continue
        parts = name.split(".")
        node: Any = record
        for part, following in itertools.pairwise(parts):
            key: Any = int(part) if part.isdigit() and isinstance(node, list) else part
            if isinstance(node, list):
                while len(node) <= key:
                    node.append(None)
                if node[key] is None:
                    node[key] = [] if following.isdigit() else {}
                node = node[key]
            else:
                node = node.setdefault(key, [] if following.isdigit() else {})
        last = parts[-1]
        if isinstance(node, list) and last.isdigit():
            index = int(last)
            while len(node) <= index:
                node.append(None)
            node[index] = csv_value(last, cell)
        elif isinstance(node, dict):
            node[last] = csv_value(last, cell)
    return record


@dataclass
class _Cursor:
    """The physical line the csv module last consumed, to locate rows and their cells."""

    line: int = 0
    raw: str = ""


def _csv(shown: str, path: Path, stream: IO[bytes], diagnostics: list[Diagnostic],
         progress: Progress | None) -> Iterator[RawRecord]:
    # The csv module's cell limit is one process-wide setting that libraries change on import
    # (followthemoney raises it to 30 MB): a ledger's rule must not depend on what else was
    # imported, so the reader sets the limit it documents while it reads, and puts it back.
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        yield from _csv_rows(shown, path, stream, diagnostics, progress)
    finally:
        csv.field_size_limit(previous)


def _csv_rows(shown: str, path: Path, stream: IO[bytes], diagnostics: list[Diagnostic],
              progress: Progress | None) -> Iterator[RawRecord]:
    section = _csv_section(path)
    if section is None:
        diagnostics.append(Diagnostic(shown, 1, 1, "cannot tell which records this CSV holds",
                                      "name it entities*.csv, sources*.csv or claims*.csv"))
        return
    kind = SECTIONS[section]
    text_stream = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    state = _Cursor()

    def lines() -> Iterator[str]:
        for raw in text_stream:
            state.line += 1
            state.raw = raw
            if progress:
                progress(len(raw))
            yield raw

    reader = csv.reader(lines())
    try:
        header = next(reader)
    except StopIteration:
        return
    except (csv.Error, UnicodeDecodeError) as exc:
        diagnostics.append(Diagnostic(shown, 1, 1, f"unreadable CSV header: {exc}"))
        return
    header_text = state.raw.rstrip("\r\n")
    columns = tuple(h.strip() for h in header)
    while True:
        start = state.line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            diagnostics.append(Diagnostic(shown, start, 1, f"unreadable CSV row: {exc}",
                                          "quote cells that hold commas, quotes or newlines"))
            continue
        if not any(cells):
            continue
        row_text = state.raw.rstrip("\r\n") if state.line == start else ""
        if len(cells) != len(columns):
            diagnostics.append(Diagnostic(shown, start, 1,
                                          f"row has {len(cells)} cells, the header {len(columns)}",
                                          "every row needs one cell per header column"))
            continue
        row = dict(zip(columns, cells, strict=True))
        filled = frozenset(name for name, cell in row.items() if cell != "")
        where = CsvRowWhere(shown, None, line=start, text=row_text, header=columns,
                            header_text=header_text, filled=filled)
        yield RawRecord(kind, unflatten(row), where, start)
