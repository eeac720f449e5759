"""``custodiet serve``: the SPARQL endpoint, linked-data pages and query page over HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from graph.settings import get_settings


def serve(
    host: Annotated[str | None, typer.Option(
        help="Address to listen on (default: CUSTODIET_HOST, else 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(
        help="Port to listen on (default: CUSTODIET_PORT, else 8000).")] = None,
    access_log: Annotated[bool, typer.Option(
        help="Log every request (costs throughput under load).")] = False,
) -> None:
    """Serve the built store: SPARQL 1.1 at /sparql, linked data, a query page at /."""
    from graph.server import create_app
    from graph.server.http import serve as run

    settings = get_settings()
    host = host or settings.host
    port = port if port is not None else settings.port
    typer.echo(f"Custodiet SPARQL endpoint on http://{host}:{port}/sparql "
               f"(query page http://{host}:{port}/)", err=True)
    run(create_app(settings), settings, host, port, access_log)


def register(app: typer.Typer) -> None:
    app.command()(serve)
