"""The SPARQL 1.1 endpoint, linked-data pages and query page (``custodiet serve``).

The package import stays light because every query worker process imports it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from graph.settings import Settings


def create_app(settings: Settings | None = None, workers: int | None = None) -> Starlette:
    """The ASGI application (see graph.server.app)."""
    from graph.server.app import create_app as make

    return make(settings, workers)


__all__ = ["create_app"]
