"""The default backend: an embedded, persistent Oxigraph (RocksDB) store per build."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox

from graph.store.base import BuildInfo, StoreError, Table, replace_text
from graph.store.builds import BuildDirectory

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


# Whether ``Store.optimize()`` (a RocksDB full compaction) runs after the bulk load. Measured on
# the 100k-claim synthetic ledger (bench/build_bench.py, docs/benchmarks.md "Build pipeline stages and optimize()"): see
# there for the numbers behind this choice (it halves whole-graph query times at 100k claims
# and costs no measurable build time).
OPTIMIZE_AFTER_LOAD = True


def load(folder: Path) -> None:
    """The engine's own bulk loader, straight from the build's file: parallel parsing, no
    transactions, the fastest path into RocksDB for a fresh store."""
    store = ox.Store(str(folder / "oxigraph"))
    store.bulk_load(path=str(folder / "data.nq"), format=ox.RdfFormat.N_QUADS)
    if OPTIMIZE_AFTER_LOAD:
        store.optimize()
    store.flush()
    del store


def lexical(term: object) -> str | None:
    if term is None:
        return None
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


class OxigraphStore:
    """Reads the live build read-only, so a dashboard, an endpoint and the CLI can share it."""

    backend = "oxigraph"

    def __init__(self, root: Path) -> None:
        self.dirs = BuildDirectory(root)
        self._lock = threading.Lock()
        self._opened: tuple[Path, ox.Store] | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def info(self) -> BuildInfo | None:
        return self.dirs.info()

    def replace_file(self, path: Path, info: BuildInfo) -> None:
        try:
            self.dirs.publish(path, info, load)
        except (OSError, ValueError, SyntaxError) as exc:
            raise StoreError(f"the data could not be loaded: {exc}") from None

    def replace(self, nquads: str, info: BuildInfo) -> None:
        replace_text(self, nquads, info)

    def raw(self) -> ox.Store:
        """The live pyoxigraph store, reopened when ``current`` points at a new build."""
        return self.live_store()[1]

    def live_store(self) -> tuple[str, ox.Store]:
        """(build id, store) of the live build: the id says which build an answer came from
        (the endpoint's result cache keys on it)."""
        live = self.dirs.live()
        if live is None:
            raise StoreError("no build yet: run `custodiet build` first")
        with self._lock:
            if self._opened is None or self._opened[0] != live:
                self._opened = (live, ox.Store.read_only(str(live / "oxigraph")))
            return self._opened[0].name, self._opened[1]

    # -- queries ---------------------------------------------------------------------------
    def _run(self, sparql: str) -> object:
        try:
            return self.raw().query(sparql)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise StoreError(str(exc)) from None

    def select(self, sparql: str) -> Table:
        result = self._run(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("not a SELECT query")
        columns = [v.value for v in result.variables]
        # Reading terms in order rather than by name halves the per-row cost on large results.
        rows = []
        for solution in result:
            try:
                values = [None if t is None else t.value for t in solution]
            except AttributeError:  # an RDF-star triple term has no .value
                values = [lexical(t) for t in solution]
            rows.append(dict(zip(columns, values, strict=True)))
        return Table(columns, rows)

    def ask(self, sparql: str) -> bool:
        result = self._run(sparql)
        if not isinstance(result, ox.QueryBoolean):
            raise StoreError("not an ASK query")
        return bool(result)

    def graph(self, sparql: str) -> str:
        result = self._run(sparql)
        if not isinstance(result, ox.QueryTriples):
            raise StoreError("not a CONSTRUCT or DESCRIBE query")
        return "".join(f"{t} .\n" for t in result)

    def serialize(self, sparql: str, media_type: str) -> bytes:
        result = self._run(sparql)
        if isinstance(result, ox.QueryTriples):
            fmt = GRAPH_FORMATS.get(media_type)
            if fmt is None:
                raise StoreError(f"cannot write graph results as {media_type}")
            return result.serialize(format=fmt) or b""
        fmt_r = RESULT_FORMATS.get(media_type)
        if fmt_r is None:
            raise StoreError(f"cannot write query results as {media_type}")
        return result.serialize(format=fmt_r) or b""  # type: ignore[attr-defined]

    def dump(self) -> str:
        live = self.dirs.live()
        if live is None:
            raise StoreError("no build yet: run `custodiet build` first")
        return (live / "data.nq").read_text(encoding="utf-8")
