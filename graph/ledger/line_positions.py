"""``file:line:col`` for records of line-based ledgers (JSON Lines and CSV).

A YAML record remembers its node (``positions.Where``); a bulk record remembers only its line
number and raw text, and the column of a field is found by re-scanning that one line when a
diagnostic is actually reported, so the fast path pays nothing for positions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]

from graph.ledger.positions import Where

_WS = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()


def json_offset(text: str, path: Sequence[str | int], *, key: bool = False) -> int:
    """0-based offset in one JSON text of the value at ``path`` (or of its key).

    When the path does not exist, the offset of the deepest node that does is returned, which
    is where the missing field has to be added (the same rule as for YAML).
    """
    def ws(text: str, pos: int) -> re.Match[str]:
        return _WS.match(text, pos)  # type: ignore[return-value]  # [ \t]* always matches

    found = pos = ws(text, 0).end()
    try:
        for step in path:
            if pos >= len(text):
                break
            if text[pos] == "{" and isinstance(step, str):
                i = ws(text, pos + 1).end()
                hit: tuple[int, int] | None = None
                while i < len(text) and text[i] == '"':
                    name, j = scanstring(text, i + 1)
                    j = ws(text, ws(text, j).end() + 1).end()  # past ':' to the value
                    if name == step:
                        hit = (i, j)
                        break
                    _value, j = _DECODER.raw_decode(text, j)
                    j = ws(text, j).end()
                    if j >= len(text) or text[j] != ",":
                        break
                    i = ws(text, j + 1).end()
                if hit is None:
                    break
                found, pos = (hit[0] if key else hit[1]), hit[1]
            elif text[pos] == "[" and isinstance(step, int):
                i, n = ws(text, pos + 1).end(), 0
                item: int | None = None
                while i < len(text) and text[i] != "]":
                    if n == step:
                        item = i
                        break
                    _value, j = _DECODER.raw_decode(text, i)
                    j = ws(text, j).end()
                    if j >= len(text) or text[j] != ",":
                        break
                    i, n = ws(text, j + 1).end(), n + 1
                if item is None:
                    break
                found = pos = item
            else:
                break
    except (ValueError, IndexError):
        pass  # a line that parsed once always re-scans; this only guards odd input
    return found


@dataclass(frozen=True)
class JsonLineWhere(Where):
    """A record on one line of a JSON Lines file, below ``prefix`` (e.g. ``["claim"]``)."""

    line: int = 1
    text: str = ""
    prefix: tuple[str, ...] = ()

    def of(self, path: Sequence[str | int] = (), *, key: bool = False) -> tuple[int, int]:
        return self.line, json_offset(self.text, [*self.prefix, *path], key=key) + 1


def cell_starts(line: str) -> list[int]:
    """0-based offsets where each CSV cell of a physical line begins (quote-aware)."""
    starts, quoted = [0], False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(i + 1)
    return starts


@dataclass(frozen=True)
class CsvRowWhere(Where):
    """A record on one CSV row; a field's place is its cell, an unknown field's its header."""

    line: int = 1
    text: str = ""
    header: tuple[str, ...] = ()
    header_text: str = ""
    filled: frozenset[str] = field(default_factory=frozenset)

    def _column(self, path: Sequence[str | int]) -> int | None:
        """The header column a field path lives in: exact dotted name, or the first below it."""
        for size in range(len(path), 0, -1):
            dotted = ".".join(str(p) for p in path[:size])
            candidates = [i for i, name in enumerate(self.header)
                          if name == dotted or name.startswith(dotted + ".")]
            if candidates:
                filled = [i for i in candidates if self.header[i] in self.filled]
                return (filled or candidates)[0]
        return None

    def of(self, path: Sequence[str | int] = (), *, key: bool = False) -> tuple[int, int]:
        column = self._column(path) if path else None
        if column is None:
            return self.line, 1
        if key:
            starts = cell_starts(self.header_text)
            return 1, (starts[column] + 1) if column < len(starts) else 1
        starts = cell_starts(self.text)
        return self.line, (starts[column] + 1) if column < len(starts) else 1
