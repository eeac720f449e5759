"""The storage interface every backend implements, and the plain results it returns.

Results are plain Python (strings, booleans, N-Triples text) so callers never depend on which
RDF library a backend uses; the endpoint asks for native serialisations through
``serialize`` because re-encoding millions of rows in Python would be the bottleneck.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable


class StoreError(RuntimeError):
    """A query or load the backend refused; the message is meant for the user."""


@dataclass
class Table:
    """SELECT results: column names and rows of lexical values (None where unbound)."""

    columns: list[str]
    rows: list[dict[str, str | None]] = field(default_factory=list)

    def column(self, name: str) -> list[str | None]:
        return [row.get(name) for row in self.rows]


@dataclass(frozen=True)
class BuildInfo:
    build_id: str
    built_at: str
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@runtime_checkable
class Store(Protocol):
    backend: str

    def info(self) -> BuildInfo | None:
        """The live build, or None when nothing was built yet."""

    def replace_file(self, path: Path, info: BuildInfo) -> None:
        """Atomically make the N-Quads file at ``path`` the whole dataset; on failure the old
        data stays. The file is read, never moved or changed: the caller removes it."""

    def replace(self, nquads: str, info: BuildInfo) -> None:
        """``replace_file`` for N-Quads held in memory (small ledgers, tests)."""

    def select(self, sparql: str) -> Table:
        """Run a SELECT query."""

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""

    def graph(self, sparql: str) -> str:
        """Run a CONSTRUCT or DESCRIBE query; N-Triples text."""

    def serialize(self, sparql: str, media_type: str) -> bytes:
        """Run any query and serialise its results natively in ``media_type``."""

    def dump(self) -> str:
        """The whole dataset as N-Quads."""


def replace_text(store: Store, nquads: str, info: BuildInfo) -> None:
    """Every backend's ``replace``: the text goes through a file, so there is one load path."""
    with tempfile.TemporaryDirectory(prefix="custodiet-") as folder:
        path = Path(folder) / "data.nq"
        path.write_text(nquads, encoding="utf-8")
        store.replace_file(path, info)
