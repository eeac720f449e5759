"""The /sparql route (SPARQL 1.1 Protocol) and the dataset description routes (/void).

Order of checks: the client's limits (429) -> protocol shape (400/413/414/415) -> a format both
sides accept (406) -> in a worker, under the time limit: nesting and chains the engine cannot
take (400), update refused (403), SERVICE refused (403), then the query with its row cap (503
past the time limit, 507 past the memory cap, 500 if the engine crashed; truncation is
announced in response headers). Every 5xx is logged with the query's hash.
"""

from __future__ import annotations

import logging
import time

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from graph.server.description import (
    STATS_QUERIES,
    DatasetStats,
    bindings,
    serialize,
    service_triples,
    stats_from,
    void_triples,
)
from graph.server.limits import ClientLimits, client_of, retry_after_header
from graph.server.protocol import read_request
from graph.settings import Settings
from graph.sparql import negotiation as media
from graph.sparql.cache import ResultCache
from graph.sparql.execute import JobResult, QueryJob, UpdateJob
from graph.sparql.guard import Refusal
from graph.sparql.pool import PoolBusy, QueryPool, QueryTimeout, WorkerDied, job_hash

TRUNCATED = "X-Custodiet-Truncated"
MAX_ROWS = "X-Custodiet-Max-Rows"
log = logging.getLogger("custodiet.server")


def refusal_response(refusal: Refusal) -> Response:
    headers = {"Vary": "Accept", **retry_after_header(refusal.retry_after)}
    return PlainTextResponse(refusal.message + "\n", status_code=refusal.status,
                             headers=headers)


async def run_job(pool: QueryPool, job: QueryJob | UpdateJob,
                  cache: ResultCache | None = None) -> JobResult:
    """Run a job, turning pool failures into HTTP answers; with ``cache``, an answer the live
    build gave before is returned without running the query again."""
    if cache is not None and isinstance(job, QueryJob):
        kept = cache.get(job)
        if kept is not None:
            return kept
    try:
        result = await pool.run(job)
    except QueryTimeout as exc:
        raise Refusal(503, str(exc)) from None
    except PoolBusy as exc:
        raise Refusal(503, str(exc), retry_after=pool.timeout / 2) from None
    except WorkerDied as exc:
        raise Refusal(exc.status, str(exc)) from None
    assert isinstance(result, JobResult)
    if result.status >= 500:
        log.warning("query %s answered %s: %s", job_hash(job), result.status,
                    result.body[:200].decode("utf-8", "replace").strip())
    if cache is not None and isinstance(job, QueryJob):
        cache.put(job, result)
    return result


def job_response(result: JobResult, max_rows: int) -> Response:
    headers = {"Vary": "Accept", MAX_ROWS: str(max_rows)}
    if result.truncated:
        headers[TRUNCATED] = "true"
    return Response(result.body, status_code=result.status, headers=headers,
                    media_type=result.content_type)


def choose(fmt: str | None, accept: str | None) -> tuple[str | None, str | None]:
    """(results type, graph type) from ``format`` if given, else from ``Accept``; a graph
    query asked for in a results-only format falls back to the nearest graph format."""
    if fmt:
        results, graph = media.RESULTS.from_format(fmt), media.GRAPHS.from_format(fmt)
        if results is None and graph is None:
            raise Refusal(400, f"unknown format {fmt!r}; use json, xml, csv, tsv, ttl, n3, nt, "
                               "rdfxml, jsonld or a media type")
    else:
        results, graph = media.negotiate(accept, media.RESULTS), media.negotiate(accept,
                                                                                 media.GRAPHS)
    if graph is None and results is not None:
        graph = media.GRAPH_FALLBACK[results]
    return results, graph


async def sparql(request: Request) -> Response:
    """The SPARQL 1.1 Protocol operation, under the client's limits."""
    settings: Settings = request.app.state.settings
    limits: ClientLimits = request.app.state.limits
    client = client_of(request, settings)
    try:
        limits.admit(client)
    except Refusal as refusal:
        return refusal_response(refusal)
    started = time.monotonic()
    response = await _sparql(request, settings)
    limits.release(client, time.monotonic() - started)
    if response.status_code >= 400 and response.status_code != 429:
        limits.failed(client)
    return response


async def _sparql(request: Request, settings: Settings) -> Response:
    pool: QueryPool = request.app.state.pool
    try:
        parsed = await read_request(request, settings)
        if parsed.operation == "description":
            return await description_response(request, parsed.format, service=True)
        if parsed.operation == "update":
            refused = await run_job(pool, UpdateJob(parsed.text, settings.allow_load))
            return job_response(refused, settings.max_rows)
        results_type, graph_type = choose(parsed.format, request.headers.get("accept"))
        if results_type is None and graph_type is None:
            raise Refusal(406, "nothing acceptable: this endpoint writes "
                               + ", ".join(media.RESULTS.types + media.GRAPHS.types))
        job = QueryJob(
            sparql=parsed.text,
            results_type=results_type,
            graph_type=graph_type,
            max_rows=settings.max_rows,
            default_graphs=tuple(parsed.default_graphs),
            named_graphs=tuple(parsed.named_graphs),
            prefixes=request.app.state.prefixes,
            refuse_service=not settings.allow_federation,
            base_iri=settings.base_iri,
            max_depth=settings.max_query_depth,
            max_terms=settings.max_query_terms,
        )
        result = await run_job(pool, job, request.app.state.cache)
    except Refusal as refusal:
        return refusal_response(refusal)
    return job_response(result, settings.max_rows)


async def dataset_stats(request: Request) -> DatasetStats:
    """Statistics of the live build, computed once per build id (on the pages lane)."""
    pool: QueryPool = request.app.state.pages
    try:
        info = await pool.run("build-info")
    except (QueryTimeout, PoolBusy, WorkerDied) as exc:
        raise Refusal(503, str(exc)) from None
    build_id = info.get("build_id") if isinstance(info, dict) else None
    built_at = info.get("built_at") if isinstance(info, dict) else None
    cached: DatasetStats | None = request.app.state.stats
    if cached is not None and build_id is not None and cached.build_id == build_id:
        return cached
    results = {}
    for name, query in STATS_QUERIES.items():
        answer = await run_job(pool, QueryJob(query, max_rows=100_000))
        if answer.status != 200:
            raise Refusal(answer.status, answer.body.decode(errors="replace"))
        results[name] = bindings(answer.body)
    stats = stats_from(str(build_id) if build_id else None,
                       str(built_at) if built_at else None, results)
    request.app.state.stats = stats
    return stats


async def description_response(request: Request, fmt: str | None, service: bool) -> Response:
    """Service Description (GET /sparql with no query) or VoID alone (/void)."""
    graph_type = (media.GRAPHS.from_format(fmt) if fmt
                  else media.negotiate(request.headers.get("accept"), media.GRAPHS))
    if graph_type is None:
        raise Refusal(406 if not fmt else 400,
                      "the description is available as " + ", ".join(media.GRAPHS.types))
    stats = await dataset_stats(request)
    settings: Settings = request.app.state.settings
    # The configured public URL, never the request's Host header (which the client chooses).
    endpoint = public_endpoint(settings)
    triples = (service_triples if service else void_triples)(settings, stats, endpoint)
    return Response(serialize(triples, graph_type), media_type=graph_type,
                    headers={"Vary": "Accept"})


def public_endpoint(settings: Settings) -> str:
    return settings.endpoint_url.rstrip("/") + "/sparql"


async def void(request: Request) -> Response:
    try:
        return await description_response(request, request.query_params.get("format"),
                                          service=False)
    except Refusal as refusal:
        return refusal_response(refusal)
