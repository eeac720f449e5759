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
    page_workers: int = Field(
        1,
        description="Worker processes reserved for bounded requests (linked-data pages, named "
        "queries at /queries/<name>, the service description), so ad-hoc queries never starve "
        "them.",
    )
    query_memory_mb: int = Field(
        1024,
        description="Memory one query may use above its worker's baseline (MB; RLIMIT_AS); past "
        "it the query alone fails with 507. 0: no cap.",
    )
    max_query_depth: int = Field(
        100,
        description="Deepest nesting of brackets and prefix operators accepted in a query; deeper "
        "input is refused with 400 before the engine, whose parser crashes on it.",
    )
    max_query_terms: int = Field(
        1000,
        description="Most operators in one expression or path (a long && or + chain) accepted "
        "in a query; refused with 400 past it, for the same reason.",
    )
    slow_query_seconds: float = Field(
        1.0,
        description="A query running longer than this gives its seat back: an extra worker "
        "starts so quick queries keep flowing (see max_slow_queries).",
    )
    max_slow_queries: int = Field(
        0,
        description="Most slow queries running at once on extra workers; 0 means as many as "
        "query_workers.",
    )
    client_concurrency: int = Field(
        4,
        description="Ad-hoc queries one client (IP address) may have running or waiting; "
        "more answer 429 with Retry-After. 0: no limit.",
    )
    client_query_seconds: float = Field(
        120.0,
        description="Worker time one client may use per minute (seconds, a sliding budget); "
        "past it its queries answer 429 with Retry-After until the budget refills. 0: no limit.",
    )
    client_errors_per_minute: int = Field(
        60,
        description="Failed requests (4xx/5xx) one client may make per minute before its "
        "requests answer 429; stops floods of crafted or crashing queries. 0: no limit.",
    )
    trust_forwarded_for: bool = Field(
        False,
        description="Identify clients by the first address of X-Forwarded-For (only behind a "
        "reverse proxy you run; otherwise clients could pick their own identity).",
    )
    header_timeout: float = Field(
        10.0, description="Seconds a client has to send a request's headers (slow-loris guard)."
    )
    body_timeout: float = Field(
        30.0, description="Seconds a client has to send a request's body."
    )
    max_connections: int = Field(
        1000, description="Open connections the endpoint accepts; more answer 503."
    )
    query_niceness: int = Field(
        5, ge=0, le=19,
        description="How many steps below the server's own CPU priority (nice) the ad-hoc query "
        "workers run, so pages, named queries and cached answers get the cores first; a slow "
        "query drops to 15 steps below until it answers.",
    )
    result_cache_mb: int = Field(
        64,
        description="Memory for answers the endpoint keeps (MB): the same query on the same "
        "build is answered again without running it; a new build starts afresh. Only the "
        "embedded oxigraph backend (whose builds are known) uses it. 0: off.",
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
    build_workers: int = Field(
        0,
        description="Processes a build validates and writes with (0: one per CPU core, at most "
        "2; 1: in the building process). Each validates the whole ledger, so memory grows with "
        "their number. Ledgers under 8 MB are always built in-process (start-up would cost "
        "more than it saves).",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    return Settings()
