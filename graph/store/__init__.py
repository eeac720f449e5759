"""Where the RDF lives: one small interface, three backends chosen by ``CUSTODIET_BACKEND``."""

from __future__ import annotations

from graph.settings import Settings, get_settings
from graph.store.base import BuildInfo, Store, StoreError, Table, replace_text


def open_store(settings: Settings | None = None) -> Store:
    """The configured backend. Imports are local so each backend's library loads only if used."""
    settings = settings or get_settings()
    if settings.backend == "oxigraph":
        from graph.store.oxigraph_store import OxigraphStore

        return OxigraphStore(settings.store_dir)
    if settings.backend == "memory":
        from graph.store.memory_store import MemoryStore

        return MemoryStore(settings.store_dir)
    from graph.store.remote_store import RemoteStore

    return RemoteStore(settings)


__all__ = ["BuildInfo", "Store", "StoreError", "Table", "open_store", "replace_text"]
