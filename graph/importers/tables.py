"""Tables as analysts have them — CSV, TSV, XLSX, JSON Lines, a JSON array — read row by row.

Every row keeps where it stands (file line, data row number, each column's position) so that a
problem found later, in a mapping template or in validation, points at the cell. Unreadable
rows (too many or too few cells: a shifted column, an unquoted delimiter) become diagnostics
and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.diagnostics import Diagnostic, display_path
from graph.ledger.line_positions import cell_starts

FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".json": "json"}


class TableError(Exception):
    """The file cannot be read at all; carries the located diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass
class Row:
    """One data row: its cells as text (``None`` when absent) and where each one is."""

    number: int  # 1-based data row (the header is not counted)
    line: int  # file line where the row starts (XLSX: the sheet row)
    cells: dict[str, str | None]
    cols: dict[str, int] = field(default_factory=dict)  # column -> 1-based position on the line
    label: str = ""  # how a locator names the row: "row 12", "Sheet1 row 12", "record 3"
    cell_lines: dict[str, int] = field(default_factory=dict)  # multi-line records (JSON)

    def where(self, column: str | None) -> tuple[int, int]:
        """(line, col) of a column's cell, or of the row's start."""
        if column is None:
            return self.line, 1
        return self.cell_lines.get(column, self.line), self.cols.get(column, 1)


def table_format(path: Path, declared: str | None = None) -> str:
    if declared:
        return declared
    name = path.name.lower()
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt
    raise TableError(Diagnostic(display_path(path), 1, 1, f"unknown table format {path.suffix!r}",
                                "use .csv, .tsv, .xlsx, .jsonl or .json, or set `format:` "
                                "in the mapping"))


def read_table(path: Path, fmt: str, diagnostics: list[Diagnostic], *, delimiter: str | None = None,
               sheet: str | None = None, header_row: int = 1) -> Iterator[Row]:
    """Rows of ``path``; unreadable rows are reported in ``diagnostics`` and skipped."""
    shown = display_path(path)
    if not path.is_file():
        raise TableError(Diagnostic(shown, 1, 1, "no such file", "check the path"))
    if fmt in {"csv", "tsv"}:
        yield from _delimited(path, shown, delimiter or ("\t" if fmt == "tsv" else ","),
                              diagnostics, header_row)
    elif fmt == "xlsx":
        yield from _xlsx(path, shown, sheet, diagnostics, header_row)
    elif fmt == "jsonl":
        yield from _jsonl(path, shown, diagnostics)
    elif fmt == "json":
        yield from _json_array(path, shown)
    else:
        raise TableError(Diagnostic(shown, 1, 1, f"unknown table format {fmt!r}",
                                    "one of csv, tsv, xlsx, jsonl, json"))


def _text(path: Path, shown: str, diagnostics: list[Diagnostic]) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        diagnostics.append(Diagnostic(shown, line, 1, "file is not UTF-8; read as Windows-1252",
                                      "check accented names, then save the file as UTF-8",
                                      "warning"))
        return data.decode("cp1252", errors="replace")


def _delimited(path: Path, shown: str, delimiter: str, diagnostics: list[Diagnostic],
               header_row: int) -> Iterator[Row]:
    text = _text(path, shown, diagnostics)
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    start = 1
    number = 0
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                if line < header_row or not any(c.strip() for c in cells):
                    continue
                header = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            number += 1
            if len(cells) != len(header):
                diagnostics.append(Diagnostic(
                    shown, line, 1,
                    f"row {number} has {len(cells)} cells but the header has {len(header)} "
                    "columns", "a shifted column or an unquoted delimiter: quote cells that "
                    f"contain {delimiter!r} and check the row against the header"))
                continue
            physical = lines[line - 1] if line - 1 < len(lines) else ""
            starts = cell_starts(physical) if delimiter == "," else _tab_starts(physical)
            cols = {h: (starts[i] + 1 if i < len(starts) else 1) for i, h in enumerate(header)}
            yield Row(number, line, dict(zip(header, cells, strict=True)), cols, f"row {number}")
    except csv.Error as exc:
        raise TableError(Diagnostic(shown, reader.line_num, 1, f"CSV syntax error: {exc}",
                                    "close the quote that opens on this line")) from None
    if header is None:
        raise TableError(Diagnostic(shown, 1, 1, "the file has no header row",
                                    "the first non-empty row must name the columns"))


def _tab_starts(line: str) -> list[int]:
    starts = [0]
    starts += [i + 1 for i, c in enumerate(line) if c == "\t"]
    return starts


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx(path: Path, shown: str, sheet: str | None, diagnostics: list[Diagnostic],
          header_row: int) -> Iterator[Row]:
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException …
        raise TableError(Diagnostic(shown, 1, 1, f"cannot open the workbook: {exc}",
                                    "save it as .xlsx from Excel or LibreOffice")) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TableError(Diagnostic(shown, 1, 1, f"no sheet named {sheet!r}",
                                        f"sheets: {', '.join(book.sheetnames)}"))
        ws = book[sheet] if sheet else book.worksheets[0]
        header: list[str] | None = None
        number = 0
        for index, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in values]
            if header is None:
                if index < header_row or not any(cells):
                    continue
                header = [(c or "").strip() for c in cells]
                continue
            if not any(c and c.strip() for c in cells):
                continue
            number += 1
            extra = [c for c in cells[len(header):] if c]
            if extra:
                diagnostics.append(Diagnostic(shown, index, len(header) + 1,
                                              f"row {index} has cells right of the last column",
                                              "a shifted row: move the cells under their header"))
                continue
            cells += [None] * (len(header) - len(cells))
            row = {h: cells[i] for i, h in enumerate(header) if h}
            cols = {h: i + 1 for i, h in enumerate(header) if h}
            yield Row(number, index, row, cols, f"sheet {ws.title}, row {index}")
        if header is None:
            raise TableError(Diagnostic(shown, 1, 1, "the sheet has no header row",
                                        "the first non-empty row must name the columns"))
    finally:
        book.close()


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    """Nested JSON as columns: ``a.b`` for objects, lists of scalars joined with ``|``."""
    out: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list):
            if all(not isinstance(v, (dict, list)) for v in value):
                out[name] = "|".join(str(v) for v in value if v is not None) or None
            else:
                out[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = _cell(value)
    return out


def _jsonl(path: Path, shown: str, diagnostics: list[Diagnostic]) -> Iterator[Row]:
    text = _text(path, shown, diagnostics)
    number = 0
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            diagnostics.append(Diagnostic(shown, line_no, exc.colno, f"invalid JSON: {exc.msg}",
                                          "each line must be one complete JSON object"))
            continue
        if not isinstance(record, dict):
            diagnostics.append(Diagnostic(shown, line_no, 1, "a line must hold a JSON object",
                                          'write {"column": "value", ...}'))
            continue
        number += 1
        cells = flatten(record)
        cols = {k: max(line.find(json.dumps(k.split(".")[0])), 0) + 1 for k in cells}
        yield Row(number, line_no, cells, cols, f"record {number}")


def _json_array(path: Path, shown: str) -> Iterator[Row]:
    """A JSON array of objects; each object's line is found by decoding element by element."""
    diagnostics: list[Diagnostic] = []
    text = _text(path, shown, diagnostics)
    decoder = json.JSONDecoder()
    pos = len(text) - len(text.lstrip())
    if not text[pos:pos + 1] == "[":
        raise TableError(Diagnostic(shown, 1, 1, "expected a JSON array of objects",
                                    "for one object per line, name the file .jsonl"))
    pos += 1
    number = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        line = text.count("\n", 0, pos) + 1
        try:
            record, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise TableError(Diagnostic(shown, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}",
                                        "check commas and quotes around this place")) from None
        number += 1
        if not isinstance(record, dict):
            raise TableError(Diagnostic(shown, line, 1, f"element {number} is not an object",
                                        "the array must hold one object per row"))
        cells = flatten(record)
        cols: dict[str, int] = {}
        cell_lines: dict[str, int] = {}
        for key in cells:
            found = text.find(json.dumps(key.split(".")[0], ensure_ascii=False), pos, end)
            if found >= 0:
                cell_lines[key] = text.count("\n", 0, found) + 1
                cols[key] = found - (text.rfind("\n", 0, found) + 1) + 1
        row = Row(number, line, cells, cols, f"record {number}", cell_lines)
        yield row
        pos = end
