"""The YAML ledger reader: ``entities:``, ``sources:`` and ``claims:`` lists, located by ruamel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from graph.diagnostics import Diagnostic, display_path
from graph.ledger.positions import Where, read_yaml
from graph.ledger.raw import SECTIONS, Progress, RawRecord


class YamlReader:
    name = "YAML"
    hint = "give the ledger folder, e.g. data/"

    def files(self, path: Path) -> list[Path]:
        """Every ``.yaml``/``.yml`` file below ``path`` in a stable order (or the file itself)."""
        if path.is_file():
            return [path]
        return sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())

    def read(self, file: Path, diagnostics: list[Diagnostic],
             progress: Progress | None = None) -> Iterator[RawRecord]:
        shown = display_path(file)
        doc, problems = read_yaml(file)
        if progress:
            progress(file.stat().st_size)
        diagnostics.extend(problems)
        if problems or doc is None:
            return
        top = Where(shown, doc)
        if not isinstance(doc, CommentedMap):
            diagnostics.append(top.diag([], "a ledger file must be a mapping",
                                        "start the file with `entities:`, `sources:` or `claims:`"))
            return
        for section, items in doc.items():
            if section not in SECTIONS:
                diagnostics.append(top.diag([section], f"unknown section {section!r}",
                                            "use entities:, sources: or claims:", key=True))
                continue
            if items is None:
                continue
            if not isinstance(items, CommentedSeq):
                diagnostics.append(top.diag([section], f"{section} must be a list",
                                            "write each record as a `- ` item"))
                continue
            kind = SECTIONS[section]
            for index, item in enumerate(items):
                line, col = items.lc.item(index)
                if not isinstance(item, CommentedMap):
                    diagnostics.append(Diagnostic(shown, line + 1, col + 1,
                                                  f"each {kind} must be a mapping of fields"))
                    continue
                where = Where(shown, item)
                yield RawRecord(kind, _plain(item), where, where.of(["id"])[0])


def _plain(node: Any) -> Any:
    """ruamel containers to plain Python, so pydantic sees ordinary dicts and lists."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node
