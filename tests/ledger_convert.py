"""A YAML ledger file as JSON Lines, with a map from every YAML place to the same place in JSONL.

The broken-ledger fixtures state their diagnostics as ``line:col`` of the YAML file; the bulk
path reports the same problems as ``line:col`` of the JSON Lines file. ``yaml_to_jsonl`` writes
one record per line (``{"claim": {...}}``) and remembers, for each key and value of each record,
where it sits in both files, so an expectation written for YAML can be checked on JSONL.

Deliberately independent of ``graph.ledger``: it reads YAML with ruamel (keeping dates as text,
as the ledger does) and writes the JSON itself, so the conversion cannot share a bug with the
code under test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor

KIND = {"entities": "entity", "sources": "source", "claims": "claim", "redirects": "redirect"}
Path_ = tuple[str | int, ...]
Place = tuple[int, int]  # 1-based (line, col)


class _TextDates(RoundTripConstructor):
    """Dates stay text, as in the ledger reader (``2021-13-01`` must reach the validator)."""


_TextDates.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
)


def read_yaml(path: Path) -> Any:
    yaml = YAML(typ="rt")
    yaml.Constructor = _TextDates
    return yaml.load(path.read_text(encoding="utf-8"))


def plain(node: Any) -> Any:
    """ruamel's containers and scalars as plain JSON-able Python."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)


class _JsonText:
    """JSON written piece by piece, noting the 0-based offset of every key and value."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.values: dict[Path_, int] = {}
        self.keys: dict[Path_, int] = {}

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def value(self, node: Any, path: Path_) -> None:
        self.values[path] = self.size
        if isinstance(node, dict):
            self.put("{")
            for i, (key, child) in enumerate(node.items()):
                if i:
                    self.put(",")
                self.keys[(*path, key)] = self.size
                self.put(json.dumps(key, ensure_ascii=False) + ":")
                self.value(child, (*path, key))
            self.put("}")
        elif isinstance(node, list):
            self.put("[")
            for i, child in enumerate(node):
                if i:
                    self.put(",")
                self.value(child, (*path, i))
            self.put("]")
        else:
            self.put(json.dumps(node, ensure_ascii=False))

    def text(self) -> str:
        return "".join(self.parts)


def _yaml_places(node: Any, path: Path_, line: int, col: int,
                 values: dict[Path_, Place], keys: dict[Path_, Place]) -> None:
    """Where ruamel puts each key and value (0-based in, 1-based out), as ``Where.of`` reads it."""
    values[path] = (line + 1, col + 1)
    if isinstance(node, CommentedMap):
        for key in node:
            kline, kcol = node.lc.key(key)
            keys[(*path, str(key))] = (kline + 1, kcol + 1)
            vline, vcol = node.lc.value(key)
            _yaml_places(node[key], (*path, str(key)), vline, vcol, values, keys)
    elif isinstance(node, CommentedSeq):
        for i, child in enumerate(node):
            iline, icol = node.lc.item(i)
            _yaml_places(child, (*path, i), iline, icol, values, keys)


@dataclass
class Converted:
    """The JSONL file and how YAML places map onto it."""

    yaml: Path
    jsonl: Path
    places: dict[Place, set[Place]] = field(default_factory=dict)
    records: list[tuple[int, int]] = field(default_factory=list)  # (first YAML line, JSONL line)

    def place(self, line: int, col: int) -> set[Place]:
        """The JSONL places a YAML place may stand for (a record's start is also its first key)."""
        return self.places.get((line, col), set())

    def line(self, yaml_line: int) -> int:
        """The JSONL line of the record that holds a YAML line."""
        found = 0
        for first, jsonl_line in self.records:
            if first <= yaml_line:
                found = jsonl_line
        return found

    def same_hint(self, hint: str) -> str:
        """A hint with ``file:line`` references to the YAML file moved onto the JSONL file."""
        name = re.escape(self.yaml.name)
        return re.sub(rf"\S*{name}:(\d+)", lambda m: f"{self.jsonl}:{self.line(int(m.group(1)))}",
                      hint)


def yaml_to_jsonl(source: Path, target: Path) -> Converted:
    """Write the records of one YAML ledger file to ``target``, in file order."""
    doc = read_yaml(source)
    converted = Converted(source, target)
    lines: list[str] = []
    for section, items in doc.items():
        kind = KIND[str(section)]
        for index, item in enumerate(items or []):
            number = len(lines) + 1
            line, col = items.lc.item(index)
            converted.records.append((line + 1, number))
            if isinstance(item, CommentedMap) and item.lc.line is not None:
                line, col = item.lc.line, item.lc.col  # where ``Where`` starts a record
            writer = _JsonText()
            writer.put("{" + json.dumps(kind) + ":")
            writer.value(plain(item), ())
            writer.put("}")
            lines.append(writer.text())
            yaml_values: dict[Path_, Place] = {}
            yaml_keys: dict[Path_, Place] = {}
            _yaml_places(item, (), line, col, yaml_values, yaml_keys)
            for places, offsets in ((yaml_values, writer.values), (yaml_keys, writer.keys)):
                for path, place in places.items():
                    if path in offsets:
                        converted.places.setdefault(place, set()).add((number, offsets[path] + 1))
    target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return converted
