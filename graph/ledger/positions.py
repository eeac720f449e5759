"""YAML with line and column numbers, so every diagnostic can point into the file.

ruamel.yaml keeps the position of every key and value of its round-trip documents; PyYAML
forgets them after parsing, which is why this module exists and uses ruamel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from graph.diagnostics import Diagnostic, display_path


@dataclass(frozen=True)
class Where:
    """A record's place: its file and the YAML node it came from."""

    file: str
    node: Any

    def of(self, path: Sequence[str | int] = (), *, key: bool = False) -> tuple[int, int]:
        """1-based (line, col) of the value at ``path`` below the record, or of its key.

        When the path does not exist (a missing field) the position of the deepest existing
        node is returned, which is where the user has to add it.
        """
        node = self.node
        line, col = _start(node)
        for step in path:
            if isinstance(node, CommentedMap) and step in node:
                kline, kcol = node.lc.key(step)
                vline, vcol = node.lc.value(step)
                line, col = (kline, kcol) if key else (vline, vcol)
                node = node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
                line, col = node.lc.item(step)
                node = node[step]
            else:
                break
        return line + 1, col + 1

    def diag(
        self, path: Sequence[str | int], message: str, hint: str = "", *, key: bool = False,
        severity: str = "error",
    ) -> Diagnostic:
        line, col = self.of(path, key=key)
        return Diagnostic(self.file, line, col, message, hint, severity)  # type: ignore[arg-type]


class _TextDates(RoundTripConstructor):
    """Keep dates as text: YAML's own timestamp parsing would turn `2021-13-01` into a
    syntax error far from the field, while ``PartialDate`` explains it at the field."""


_TextDates.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
)


def _start(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        return lc.line, lc.col
    return 0, 0


def read_yaml(path: Path) -> tuple[Any, list[Diagnostic]]:
    """Parse one file; a syntax error becomes a located diagnostic instead of a traceback."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Diagnostic(shown, 1, 1, f"file is not UTF-8 text ({exc.reason})",
                                 "save the file as UTF-8")]
    except OSError as exc:
        return None, [Diagnostic(shown, 1, 1, f"cannot read file: {exc.strerror}")]
    yaml = YAML(typ="rt")
    yaml.Constructor = _TextDates
    try:
        return yaml.load(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [Diagnostic(shown, line, col, f"YAML syntax error: {problem}",
                                 "check indentation, quotes and colons around this place")]
    except YAMLError as exc:
        return None, [Diagnostic(shown, 1, 1, f"YAML syntax error: {exc}")]
    except Exception as exc:  # ruamel raises a few non-YAMLError types on odd input
        return None, [Diagnostic(shown, 1, 1, f"YAML syntax error: {exc}")]
