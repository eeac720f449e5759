"""The ASGI application: SPARQL endpoint, linked data, dataset description and query page.

``create_app(settings)`` is what ``custodiet serve`` runs under uvicorn; the worker pool starts
with the application and stops with it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlparse

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.rdf.iris import Iris
from graph.server.endpoint import sparql, void
from graph.server.limits import ClientLimits
from graph.server.linked_data import turtle_prefixes
from graph.server.named import named_query
from graph.server.resources import health, make_templates, ontology, query_page, resource_route
from graph.settings import Settings, get_settings
from graph.sparql.cache import cache_for
from graph.sparql.pool import QueryPool

STATIC = Path(__file__).parent / "static"


class SecurityHeaders:
    """``nosniff`` on every answer, so a browser never runs a CSV or a result as a page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"].append((b"x-content-type-options", b"nosniff"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def linked_data_routes() -> list[BaseRoute]:
    return [
        Route("/entity/{ident:path}", resource_route("entity"), methods=["GET"]),
        Route("/claim/{ident:path}", resource_route("claim"), methods=["GET"]),
        Route("/source/{ident:path}", resource_route("source"), methods=["GET"]),
        Route("/ontology", ontology, methods=["GET"]),
    ]


def routes(settings: Settings) -> list[BaseRoute]:
    table: list[BaseRoute] = [
        Route("/", query_page, methods=["GET"], name="query_page"),
        Route("/sparql", sparql, methods=["GET", "POST"], name="sparql"),
        Route("/void", void, methods=["GET"], name="void"),
        Route("/.well-known/void", void, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/queries/{name}", named_query, methods=["GET"], name="named_query"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *linked_data_routes(),
    ]
    # IRIs minted under a base with a path (https://w3id.org/custodiet/entity/x) also resolve
    # under that path, for a proxy that forwards the base as it is.
    prefix = urlparse(settings.base_iri).path.rstrip("/")
    if prefix:
        table.append(Mount(prefix, routes=linked_data_routes()))
    return table


def create_app(settings: Settings | None = None, workers: int | None = None) -> Starlette:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Two lanes: ad-hoc queries, and bounded requests (pages, named queries, descriptions)
        # on workers of their own, so a burst of heavy queries cannot starve an entity page.
        pool = QueryPool(settings, workers, niceness=settings.query_niceness)
        pages = QueryPool(settings, max(1, settings.page_workers), name="pages")
        await asyncio.gather(pool.start(), pages.start())
        app.state.pool, app.state.pages = pool, pages
        try:
            yield
        finally:
            await asyncio.gather(pool.close(), pages.close())

    app = Starlette(
        routes=routes(settings),
        middleware=[
            Middleware(SecurityHeaders),
            # The endpoint is read-only and serves public data: any site may query it, with
            # whatever headers its client library adds (X-Requested-With, Authorization ...).
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                       allow_headers=["*"], max_age=86400,
                       expose_headers=["X-Custodiet-Truncated", "X-Custodiet-Max-Rows",
                                       "Retry-After"]),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.limits = ClientLimits(settings)
    app.state.cache = cache_for(settings)
    app.state.templates = make_templates()
    app.state.stats = None
    app.state.prefixes = turtle_prefixes(Iris(settings.base_iri))
    return app
