"""What every reader yields: one record's fields as read, where it stands, and its kind.

Readers (YAML, JSON Lines, CSV, importers) only parse and locate; the validator
(``graph.ledger.validator``) checks every record the same way whatever file it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from graph.diagnostics import Diagnostic
from graph.ledger.positions import Where

KINDS = {"entity": "entities", "source": "sources", "claim": "claims", "redirect": "redirects"}
SECTIONS = {v: k for k, v in KINDS.items()}
Progress = Callable[[int], None]  # called with the number of bytes just read


@dataclass(frozen=True)
class RawRecord:
    kind: str  # "entity" | "source" | "claim"
    data: dict[str, Any]
    where: Where
    line: int  # the line that identifies the record (its id), for "first defined at"


class Reader(Protocol):
    """A ledger format: which files of a path it reads, and how it reads one."""

    name: str
    hint: str  # what to give when a path holds none of its files

    def files(self, path: Path) -> list[Path]: ...

    def read(self, file: Path, diagnostics: list[Diagnostic],
             progress: Progress | None = None) -> Iterator[RawRecord]: ...
