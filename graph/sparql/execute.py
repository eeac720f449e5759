"""Running one query inside a worker process: row cap, serialisation, errors as HTTP answers.

Results are always produced by pyoxigraph's native writers. The row cap means a solution
sequence must be cut after ``max_rows``, and pyoxigraph can only serialise a whole result, so the
kept rows are written as SPARQL TSV (each term's ``str`` is exactly its TSV encoding), parsed
back natively and serialised in the requested format; measured at ~4 µs a row, it costs less
than a hand-written writer per format would.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Protocol

import pyoxigraph as ox

from graph.settings import Settings
from graph.sparql import negotiation as media

RESULT_FORMATS = {
    media.JSON_RESULTS: ox.QueryResultsFormat.JSON,
    media.XML_RESULTS: ox.QueryResultsFormat.XML,
    media.CSV: ox.QueryResultsFormat.CSV,
    media.TSV: ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    media.TURTLE: ox.RdfFormat.TURTLE,
    media.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    media.RDFXML: ox.RdfFormat.RDF_XML,
    media.JSONLD: ox.RdfFormat.JSON_LD,
}
CHARSET = {media.CSV, media.TSV, media.TURTLE, media.NTRIPLES}


@dataclass(frozen=True)
class QueryJob:
    """One query to run: the media type to use for each kind of result it may turn out to be."""

    sparql: str
    results_type: str | None = media.JSON_RESULTS
    graph_type: str | None = media.TURTLE
    max_rows: int = 10_000
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    refuse_service: bool = False  # the endpoint sets it unless federation is allowed
    base_iri: str | None = None  # resolves relative IRIs in the query (CONSTRUCT { <s> ... })
    max_depth: int = 100  # nesting the engine's parser is trusted with (graph.sparql.guard)
    max_terms: int = 1_000


@dataclass(frozen=True)
class UpdateJob:
    """A request on the update operation: parsed only to say precisely why it is refused."""

    text: str
    allow_load: bool = False


@dataclass(frozen=True)
class JobResult:
    status: int
    media_type: str
    body: bytes
    truncated: bool = False
    kind: str = ""  # "solutions", "boolean" or "graph" when the query ran
    count: int = 0  # rows or triples written
    headers: dict[str, str] = field(default_factory=dict)
    build: str | None = None  # the build that answered, when known (graph.sparql.cache)

    @property
    def content_type(self) -> str:
        if self.media_type in CHARSET or self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


def error(status: int, message: str) -> JobResult:
    return JobResult(status, "text/plain", (message.rstrip() + "\n").encode())


def not_acceptable(kind: str) -> JobResult:
    offers = media.GRAPHS if kind == "graph" else media.RESULTS
    return error(406, f"cannot write {kind} results in any format the request accepts; "
                      f"available: {', '.join(offers.types)}")


class Executor(Protocol):
    def run(self, job: QueryJob) -> JobResult: ...

    def build_info(self) -> dict[str, object] | None: ...


def tsv_term(term: object) -> str:
    """A term as SPARQL TSV writes it; ``str`` is that already, except for an RDF 1.2 triple
    term, which ``str`` prints without its ``<<( )>>`` brackets."""
    if isinstance(term, ox.Triple):
        return (f"<<( {tsv_term(term.subject)} {tsv_term(term.predicate)} "
                f"{tsv_term(term.object)} )>>")
    return "" if term is None else str(term)


def _solutions(variables: list[str], rows: list[ox.QuerySolution], fmt: str) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join(tsv_term(term) for term in row))
    tsv = ("\n".join(lines) + "\n").encode()
    if fmt == media.TSV:
        return tsv
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=RESULT_FORMATS[fmt]) or b""


def write_boolean(answer: ox.QueryBoolean, job: QueryJob) -> JobResult:
    if job.results_type is None:
        return not_acceptable("boolean")
    # CSV and TSV define no boolean: SPARQL JSON instead (rdflib reads the answer by its type)
    fmt = media.BOOLEAN_FALLBACK.get(job.results_type, job.results_type)
    body = answer.serialize(format=RESULT_FORMATS[fmt]) or b""
    return JobResult(200, fmt, body, kind="boolean", count=1)


def write_solutions(variables: list[str], solutions: Iterable[ox.QuerySolution], job: QueryJob
                    ) -> JobResult:
    if job.results_type is None:
        return not_acceptable("solutions")
    rows = list(islice(solutions, job.max_rows + 1))
    truncated = len(rows) > job.max_rows
    body = _solutions(variables, rows[: job.max_rows], job.results_type)
    return JobResult(200, job.results_type, body, truncated, "solutions",
                     min(len(rows), job.max_rows))


def write_graph(triples: Iterable[ox.Triple], job: QueryJob) -> JobResult:
    if job.graph_type is None:
        return not_acceptable("graph")
    kept = list(islice(triples, job.max_rows + 1))
    truncated = len(kept) > job.max_rows
    prefixes = dict(job.prefixes) if job.graph_type == media.TURTLE else None
    try:
        body = ox.serialize(kept[: job.max_rows], format=GRAPH_FORMATS[job.graph_type],
                            prefixes=prefixes) or b""
    except (ValueError, OSError) as exc:
        if "RDF 1.2" in str(exc) or any(isinstance(t.object, ox.Triple) for t in kept):
            return error(406, f"the result holds RDF 1.2 triple terms, which {job.graph_type} "
                              "cannot express; ask for text/turtle, application/n-triples or "
                              "application/rdf+xml")
        raise
    return JobResult(200, job.graph_type, body, truncated, "graph", min(len(kept), job.max_rows))


def write_result(result: object, job: QueryJob) -> JobResult:
    """Serialise a pyoxigraph result; evaluation is lazy, so its errors surface here too."""
    try:
        if isinstance(result, ox.QueryBoolean):
            return write_boolean(result, job)
        if isinstance(result, ox.QuerySolutions):
            return write_solutions([v.value for v in result.variables], result, job)
        if isinstance(result, ox.QueryTriples):
            return write_graph(result, job)
    except SyntaxError as exc:
        return error(400, f"SPARQL syntax error: {exc}")
    except MemoryError:
        return out_of_memory()
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        return engine_error(exc)
    return error(500, f"unexpected result type {type(result).__name__}")


# Errors the engine raises while evaluating that are the query's fault, not the server's.
_CLIENT_ERRORS = ("is not supported", "not implemented", "unsupported")


def engine_error(exc: Exception) -> JobResult:
    """An evaluation error as an answer: 400 when the query asked for something the engine does
    not offer (a custom function), 500 otherwise."""
    message = str(exc)
    if any(marker in message for marker in _CLIENT_ERRORS):
        return error(400, f"the query uses something this endpoint does not support: {message}")
    return error(500, f"query failed: {message}")


def out_of_memory(limit_mb: int | None = None) -> JobResult:
    cap = f" of {limit_mb} MB" if limit_mb else ""
    return error(507, f"the query needed more memory than the limit{cap} per query "
                      "(CUSTODIET_QUERY_MEMORY_MB) and was stopped; narrow it or add a LIMIT")


class OxigraphExecutor:
    """Queries the live build natively; the store is reopened when a new build goes live."""

    RECHECK_SECONDS = 0.5  # how soon a newly published build is picked up

    def __init__(self, settings: Settings) -> None:
        from graph.store.oxigraph_store import OxigraphStore

        self.store = OxigraphStore(settings.store_dir)
        self._raw: tuple[str, ox.Store] | None = None
        self._checked = 0.0

    def build_info(self) -> dict[str, object] | None:
        info = self.store.info()
        return info.to_dict() if info else None

    def raw(self) -> tuple[str, ox.Store]:
        """(build id, store) of the live build; which build is live is re-checked at most
        twice a second, since the check costs a few file-system calls per query."""
        now = time.monotonic()
        if self._raw is None or now - self._checked > self.RECHECK_SECONDS:
            self._raw = self.store.live_store()
            self._checked = now
        return self._raw

    def run(self, job: QueryJob) -> JobResult:
        from graph.store import StoreError

        try:
            build, store = self.raw()
        except StoreError as exc:
            return error(503, str(exc))
        return replace(self._query(store, job), build=build)

    @staticmethod
    def _query(store: ox.Store, job: QueryJob) -> JobResult:
        options: dict[str, object] = {}
        if job.default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        if job.named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        if job.base_iri:
            options["base_iri"] = job.base_iri
        try:
            result = store.query(job.sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            return error(400, f"SPARQL syntax error: {exc}")
        except MemoryError:
            return out_of_memory()
        except (OSError, ValueError, RuntimeError) as exc:
            return engine_error(exc)
        return write_result(result, job)


class GenericExecutor:
    """Any other backend (rdflib in memory, a remote server) through the Store interface.

    The backend writes SPARQL JSON or N-Triples; pyoxigraph parses them so the cap and the output
    formats work exactly as on the native path.
    """

    def __init__(self, settings: Settings) -> None:
        from graph.store import open_store

        self.store = open_store(settings)

    def build_info(self) -> dict[str, object] | None:
        info = self.store.info()
        return info.to_dict() if info else None

    def run(self, job: QueryJob) -> JobResult:
        from graph.store import StoreError

        if job.default_graphs or job.named_graphs:
            return error(400, f"default-graph-uri and named-graph-uri are not supported by the "
                              f"{self.store.backend} backend; use FROM in the query")
        # The configured base comes first; a BASE in the query itself still overrides it.
        sparql = f"BASE <{job.base_iri}>\n{job.sparql}" if job.base_iri else job.sparql
        try:
            if query_form(job.sparql) in {"CONSTRUCT", "DESCRIBE"}:
                data = self.store.serialize(sparql, media.NTRIPLES)
                quads = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
                return write_graph((q.triple for q in quads), job)
            data = self.store.serialize(sparql, media.JSON_RESULTS)
            return write_result(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON),
                                job)
        except StoreError as exc:
            return error(400, str(exc))
        except (SyntaxError, ValueError, OSError) as exc:
            return error(500, f"query failed: {exc}")


def query_form(sparql: str) -> str:
    """SELECT/ASK/CONSTRUCT/DESCRIBE after the prologue; enough to ask a foreign backend for
    the right serialisation (the native path learns the form from the result itself)."""
    body = re.sub(r"#[^\n]*", "", sparql)
    body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    word = body.strip().split(None, 1)
    return word[0].upper() if word else ""


def run_job(executor: Executor, job: QueryJob | UpdateJob) -> JobResult:
    """What a worker does with a job: the safety checks, then the query."""
    from graph.sparql.guard import Refusal, check_query, check_update

    if isinstance(job, UpdateJob):
        refusal = check_update(job.text, job.allow_load)
        return error(refusal.status, refusal.message)
    try:
        check_query(job.sparql, not job.refuse_service, job.max_depth, job.max_terms)
    except Refusal as refusal:
        return error(refusal.status, refusal.message)
    return executor.run(job)


def make_executor(settings: Settings) -> Executor:
    if settings.backend == "oxigraph":
        return OxigraphExecutor(settings)
    return GenericExecutor(settings)
