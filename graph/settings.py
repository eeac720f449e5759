"""Every runtime setting in one place, declared as data with a default and a help text.

Settings come from environment variables prefixed ``CUSTODIET_`` (or a ``.env`` file), so the
same code serves a laptop, CI and a deployment on a remote triple store. ``docs/settings.md`` is
generated from these declarations and a test fails when it falls out of date.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration; see ``docs/settings.md`` for the generated reference."""

    model_config = SettingsConfigDict(env_prefix="CUSTODIET_", env_file=".env", extra="ignore")

    data_dir: Path = Field(ROOT / "data", description="Folder of the YAML ledger to validate and build.")
    store_dir: Path = Field(
        ROOT / "var" / "store",
        description="Folder holding the built stores; `current` points at the live build.",
    )
    backend: Literal["oxigraph", "memory", "remote"] = Field(
        "oxigraph",
        description="Storage backend: embedded Oxigraph (default), rdflib in memory, or a remote "
        "SPARQL 1.1 server.",
    )
    base_iri: str = Field(
        "https://w3id.org/custodiet/",
        description="Base of every IRI minted: entity/, claim/, source/ and ontology# hang below it.",
    )
    remote_query_url: str | None = Field(
        None, description="SPARQL query endpoint of the remote backend."
    )
    remote_update_url: str | None = Field(
        None, description="SPARQL update endpoint of the remote backend (used by `build`)."
    )
    remote_store_url: str | None = Field(
        None,
        description="Graph Store Protocol endpoint of the remote backend; when set, `build` "
        "replaces the default graph with one PUT instead of SPARQL updates.",
    )
    query_timeout: float = Field(
        10.0, description="Seconds a single SPARQL query may run before it is cut off."
    )
    max_rows: int = Field(10_000, description="Most result rows a query returns.")
    max_request_bytes: int = Field(
        100_000, description="Largest query or request body accepted by the endpoint (bytes)."
    )
    allow_federation: bool = Field(
        False, description="Allow SPARQL SERVICE (federated) queries; off by default."
    )
    allow_load: bool = Field(False, description="Allow LOAD of remote URLs; off by default.")
    query_workers: int = Field(
        0,
        description="Worker processes that run the endpoint's queries (one is killed and replaced "
        "when a query passes the time limit); 0 means one per CPU core, at least 2.",
    )
    host: str = Field("127.0.0.1", description="Address the SPARQL endpoint listens on.")
    port: int = Field(8000, description="Port of the SPARQL endpoint.")
    ui_port: int = Field(8501, description="Port of the Streamlit dashboard.")
    endpoint_url: str = Field(
        "http://127.0.0.1:8000", description="Public URL of the endpoint, linked from the dashboard."
    )
    source_root: Path = Field(
        ROOT, description="Folder against which `archive:` paths of sources are resolved."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    return Settings()
