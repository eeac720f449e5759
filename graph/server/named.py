"""``/queries/<name>``: a named query (graph/queries/*.rq) run with its parameters.

Named queries are written, bounded and reviewed in the repository, so they run on the pages
lane with linked-data pages rather than among ad-hoc queries: an entity profile stays quick
however busy the ad-hoc workers are. Parameters come from the query string
(``?entity=clearview-ai``); the format is chosen as on /sparql.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from graph.named_queries import named_queries
from graph.rdf.iris import Iris
from graph.server.endpoint import choose, job_response, refusal_response, run_job
from graph.server.protocol import one_format, parse_params
from graph.settings import Settings
from graph.sparql.execute import QueryJob
from graph.sparql.guard import Refusal

# Parameter values are short ids, dates or words; a longer one is a mistake or an attack.
MAX_VALUE = 200


async def named_query(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    name = request.path_params["name"]
    try:
        query = named_queries().get(name)
        if query is None:
            raise Refusal(404, f"no named query {name!r}; see / for the list")
        raw = request.scope.get("query_string", b"")
        try:
            pairs = parse_params(raw.decode("utf-8"), "query string")
        except UnicodeDecodeError:
            raise Refusal(400, "the query string is not valid UTF-8") from None
        params = dict(pairs)
        known = {p.name for p in query.params} | {"format", "output"}
        unknown = sorted(set(params) - known)
        if unknown:
            raise Refusal(400, f"{name} has no parameter {', '.join(unknown)}; it takes "
                               + (", ".join(sorted(known - {'format', 'output'})) or "none"))
        if any(len(v) > MAX_VALUE for v in params.values()):
            raise Refusal(400, f"a parameter value is longer than {MAX_VALUE} characters")
        values = {k: v for k, v in params.items() if k not in ("format", "output")}
        try:
            text = query.render(Iris(settings.base_iri), **values)
        except ValueError as exc:
            raise Refusal(400, f"bad parameter value: {exc}") from None
        # repeated format/output values that agree, as on /sparql
        fmt = one_format([v for k, v in pairs if k in ("format", "output")])
        results_type, graph_type = choose(fmt, request.headers.get("accept"))
        if results_type is None and graph_type is None:
            raise Refusal(406, "no acceptable format")
        result = await run_job(request.app.state.pages, QueryJob(
            text, results_type=results_type, graph_type=graph_type, max_rows=settings.max_rows,
            prefixes=request.app.state.prefixes, base_iri=settings.base_iri),
            request.app.state.cache)
    except Refusal as refusal:
        return refusal_response(refusal)
    return job_response(result, settings.max_rows)
