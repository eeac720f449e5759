"""HTTP handlers of the linked-data IRIs, the ontology and the query page.

HTML goes through jinja2 with autoescaping on, so every label, note and title from the data is
escaped; pages carry a Content-Security-Policy that allows scripts from this server only.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from graph.named_queries import named_queries
from graph.namespaces import DCTERMS, ONT
from graph.rdf.iris import Iris
from graph.server.endpoint import refusal_response, run_job
from graph.server.linked_data import QUERIES
from graph.server.ui_text import UI
from graph.server.views import Description, Pages, term_label
from graph.settings import Settings
from graph.sparql import negotiation as media
from graph.sparql.execute import GRAPH_FORMATS, QueryJob
from graph.sparql.guard import Refusal
from graph.vocabulary import ONTOLOGY_PATH, load_vocabulary

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
LANGS = ("en", "fr")
# Resource descriptions are queries the server writes, bounded by the time limit; the public row
# cap (max_rows) is for arbitrary queries and would cut a busy entity's page short.
PAGE_MAX_TRIPLES = 100_000


def safe_href(value: object) -> str:
    """Only http(s) and local links become hrefs: a ``javascript:`` URL in the data stays text."""
    text = str(value or "")
    return text if text.startswith(("http://", "https://", "/", "#")) else "#"


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("graph.server", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_href"] = safe_href
    return Jinja2Templates(env=env)


def language(request: Request) -> str:
    wanted = request.query_params.get("lang")
    if wanted in LANGS:
        return wanted
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "en"


def page(request: Request, template: str, context: dict[str, object], status: int = 200
         ) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    lang = language(request)
    response = templates.TemplateResponse(
        request, template, {"lang": lang, "t": UI[lang], "path": request.url.path, **context},
        status_code=status, headers={"Content-Security-Policy": CSP, "Vary": "Accept"},
    )
    return response


def _page_type(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt:
        chosen = media.PAGES.from_format(fmt)
        if chosen is None:
            raise Refusal(400, f"unknown format {fmt!r}; use html, ttl, jsonld, nt or rdfxml")
        return chosen
    chosen = media.negotiate(request.headers.get("accept"), media.PAGES)
    if chosen is None:
        raise Refusal(406, "this resource is available as " + ", ".join(media.PAGES.types))
    return chosen


def resource_route(kind: str) -> Callable[[Request], Awaitable[Response]]:
    """The handler of /<kind>/<id> for entity, claim (and its references) and source."""

    async def handler(request: Request) -> Response:
        return await _resource(request, kind)

    handler.__name__ = f"{kind}_page"
    return handler


async def _resource(request: Request, kind: str) -> Response:
    settings: Settings = request.app.state.settings
    iris = Iris(settings.base_iri)
    ident = request.path_params["ident"]
    try:
        wanted = _page_type(request)
        iri = {"entity": iris.entity, "claim": iris.claim, "source": iris.source}[kind](ident)
        if kind == "entity":
            moved = await _replaced_by(request, iri)
            if moved is not None:
                local = iris.local_id(moved)
                path = f"/entity/{local[1]}" if local else moved
                query = f"?{request.url.query}" if request.url.query else ""
                return RedirectResponse(path + query, status_code=301)
        query = QUERIES[kind](iri)
        graph_type = media.NTRIPLES if wanted == media.HTML else wanted
        result = await run_job(request.app.state.pages, QueryJob(
            query, results_type=None, graph_type=graph_type, max_rows=PAGE_MAX_TRIPLES,
            prefixes=request.app.state.prefixes), request.app.state.cache)
        if result.status != 200:
            raise Refusal(result.status, result.body.decode(errors="replace"))
        if result.count == 0:
            raise Refusal(404, f"no such {kind}: {iri}")
    except Refusal as refusal:
        if refusal.status == 404 and media.negotiate(
                request.headers.get("accept"), media.PAGES) == media.HTML:
            return page(request, "not_found.html", {"message": refusal.message}, 404)
        return refusal_response(refusal)
    if wanted != media.HTML:
        return Response(result.body, media_type=wanted, headers={"Vary": "Accept"})
    triples = [q.triple for q in ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)]
    desc = Description(triples)
    pages = Pages(iris, language(request))
    view = getattr(pages, kind)(desc, iri)
    return page(request, f"{kind}.html", {"view": view, "truncated": result.truncated,
                                          "alternates": _alternates(request)})


async def _replaced_by(request: Request, iri: str) -> str | None:
    """The entity a merged id now stands for (``dcterms:isReplacedBy``, written from the
    ledger's ``redirects:``), so links to merged ids keep working."""
    job = QueryJob(f"SELECT ?to WHERE {{ <{iri}> <{DCTERMS}isReplacedBy> ?to }} LIMIT 1",
                   results_type=media.JSON_RESULTS, max_rows=1)
    result = await run_job(request.app.state.pages, job, request.app.state.cache)
    if result.status != 200 or not result.count:
        return None
    bindings = json.loads(result.body).get("results", {}).get("bindings", [])
    return str(bindings[0]["to"]["value"]) if bindings else None


def _alternates(request: Request) -> list[tuple[str, str]]:
    path = request.url.path
    return [("Turtle", f"{path}?format=ttl"), ("JSON-LD", f"{path}?format=jsonld"),
            ("N-Triples", f"{path}?format=nt"), ("RDF/XML", f"{path}?format=rdfxml")]


@lru_cache(maxsize=8)
def ontology_bytes(media_type: str) -> bytes:
    if media_type == media.TURTLE:
        return Path(ONTOLOGY_PATH).read_bytes()
    triples = [q.triple for q in ox.parse(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE)]
    return ox.serialize(triples, format=GRAPH_FORMATS[media_type]) or b""


async def ontology(request: Request) -> Response:
    """The ontology IRI: the vocabulary file as RDF, or a readable page of its terms."""
    try:
        wanted = _page_type(request)
    except Refusal as refusal:
        return refusal_response(refusal)
    if wanted != media.HTML:
        return Response(ontology_bytes(wanted), media_type=wanted, headers={"Vary": "Accept"})
    lang = language(request)
    vocab = load_vocabulary()
    classes = [
        {"name": name, "label": term.label_in(lang), "definition": term.definition.get(lang)
         or term.definition.get("en", ""),
         "parents": sorted(vocab.parents.get(name, ()))}
        for name, term in sorted(vocab.classes.items())
    ]
    predicates = [
        {"name": name, "label": p.label_in(lang), "inverse": p.inverse_label_in(lang),
         "definition": p.definition.get(lang) or p.definition.get("en", ""),
         "value": p.is_value, "domain": p.domain, "range": p.range}
        for name, p in sorted(vocab.predicates.items())
    ]
    statuses = [{"name": n, "label": t.label_in(lang)} for n, t in sorted(vocab.statuses.items())]
    return page(request, "ontology.html", {
        "classes": classes, "predicates": predicates, "statuses": statuses,
        "alternates": _alternates(request), "term_label": term_label, "namespace": ONT,
    })


def examples(settings: Settings) -> list[dict[str, str]]:
    """The cookbook queries (then the others), rendered with their default parameters."""
    iris = Iris(settings.base_iri)
    queries = sorted(named_queries().values(),
                     key=lambda q: (not q.name.startswith("cookbook-"), q.name))
    return [{"name": q.name, "title": q.title, "description": q.description,
             "query": q.render(iris)} for q in queries]


async def query_page(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    return page(request, "query.html", {"examples": examples(settings),
                                        "max_rows": settings.max_rows,
                                        "base_iri": settings.base_iri,
                                        "timeout": settings.query_timeout})


async def health(request: Request) -> Response:
    """Ready (200) only with a live build and workers; 503 says which is missing, so a load
    balancer does not send queries to an endpoint that can only answer "no build"."""
    from graph.sparql.pool import PoolBusy, QueryTimeout, WorkerDied

    pool = request.app.state.pool
    pages = request.app.state.pages
    try:
        info = await pages.run("build-info")
    except (PoolBusy, QueryTimeout, WorkerDied) as exc:
        return PlainTextResponse(f"not ready: {exc}\n", status_code=503)
    cache = request.app.state.cache
    state = (f"workers={pool.size}+{pages.size} busy={pool.busy} slow={pool.slow} "
             f"replaced={pool.replaced + pages.replaced} crashed={pool.crashed + pages.crashed} "
             f"cached={len(cache)} hits={cache.hits} misses={cache.misses}")
    if not isinstance(info, dict) or not info.get("build_id"):
        return PlainTextResponse(f"not ready: no build (run `custodiet build`) {state}\n",
                                 status_code=503)
    return PlainTextResponse(f"ok build={info['build_id']} {state}\n")
