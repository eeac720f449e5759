"""Problems found in the ledger, located as ``file:line:col`` with a hint of what would be right."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import process


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem. Lines and columns are 1-based, like every editor shows them."""

    file: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: Literal["error", "warning"] = "error"

    def format(self) -> str:
        text = f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class Report:
    """Collects every diagnostic of a run so users see all problems at once, not only the first."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items))


def nearest(word: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The known names closest to a misspelt one, for 'did you mean' hints."""
    found = process.extract(word, list(choices), limit=limit, score_cutoff=50)
    return [match for match, _score, _index in found]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = nearest(word, choices)
    return f"did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def display_path(path: Path) -> str:
    """Paths relative to the working directory when possible, as compilers print them."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
