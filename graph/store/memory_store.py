"""rdflib's in-memory store: the naive baseline, and a backend with no native dependencies."""

from __future__ import annotations

import threading
from pathlib import Path

import rdflib

from graph.store.base import BuildInfo, StoreError, Table, replace_text
from graph.store.builds import BuildDirectory

RDFLIB_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


class MemoryStore:
    backend = "memory"

    def __init__(self, root: Path) -> None:
        self.dirs = BuildDirectory(root)
        self._lock = threading.Lock()
        self._loaded: tuple[Path, rdflib.Graph] | None = None

    def info(self) -> BuildInfo | None:
        return self.dirs.info()

    def replace_file(self, path: Path, info: BuildInfo) -> None:
        try:  # parsed now, so a file rdflib cannot read never becomes the live build
            rdflib.Graph().parse(path, format="nt")
        except Exception as exc:  # rdflib raises many parser-specific types
            raise StoreError(f"the data could not be loaded: {exc}") from None
        self.dirs.publish(path, info, lambda folder: None)

    def replace(self, nquads: str, info: BuildInfo) -> None:
        replace_text(self, nquads, info)

    def raw(self) -> rdflib.Graph:
        live = self.dirs.live()
        if live is None:
            raise StoreError("no build yet: run `custodiet build` first")
        with self._lock:
            if self._loaded is None or self._loaded[0] != live:
                graph = rdflib.Graph()
                # Every quad is in the default graph, so the file is valid N-Triples.
                graph.parse(live / "data.nq", format="nt")
                self._loaded = (live, graph)
            return self._loaded[1]

    def _run(self, sparql: str) -> rdflib.query.Result:
        try:
            return self.raw().query(sparql)
        except Exception as exc:  # rdflib raises pyparsing and many other types
            raise StoreError(f"query failed: {exc}") from None

    def select(self, sparql: str) -> Table:
        result = self._run(sparql)
        if result.type != "SELECT":
            raise StoreError("not a SELECT query")
        columns = [str(v) for v in result.vars or []]
        rows: list[dict[str, str | None]] = [
            {c: (None if value is None else str(value)) for c, value in zip(columns, row, strict=True)}
            for row in result
            if isinstance(row, tuple)
        ]
        return Table(columns, rows)

    def ask(self, sparql: str) -> bool:
        result = self._run(sparql)
        if result.type != "ASK":
            raise StoreError("not an ASK query")
        return bool(result.askAnswer)

    def graph(self, sparql: str) -> str:
        result = self._run(sparql)
        if result.type not in {"CONSTRUCT", "DESCRIBE"} or result.graph is None:
            raise StoreError("not a CONSTRUCT or DESCRIBE query")
        return result.graph.serialize(format="nt")

    def serialize(self, sparql: str, media_type: str) -> bytes:
        fmt = RDFLIB_FORMATS.get(media_type)
        if fmt is None:
            raise StoreError(f"cannot write results as {media_type}")
        result = self._run(sparql)
        if result.type in {"CONSTRUCT", "DESCRIBE"}:
            assert result.graph is not None
            return result.graph.serialize(format=fmt, encoding="utf-8")
        return result.serialize(format=fmt) or b""

    def dump(self) -> str:
        live = self.dirs.live()
        if live is None:
            raise StoreError("no build yet: run `custodiet build` first")
        return (live / "data.nq").read_text(encoding="utf-8")
