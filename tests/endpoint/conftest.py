"""Real endpoint servers for the tests: `custodiet serve` in a subprocess on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from graph.pipeline import publish, validate_ledger
from graph.settings import Settings

# Short enough that the slow-query test is quick, long enough for any normal query on a busy CI.
TEST_TIMEOUT = 4.0
TEST_MAX_ROWS = 50
TEST_MAX_BYTES = 20_000

# A ledger whose labels, notes and titles carry markup: pages must show it as text.
HOSTILE_LEDGER = """\
entities:
  - id: evil-corp
    types: [Vendor]
    name: {en: "<script>alert(1)</script>", fr: "<script>alert('fr')</script>"}
    aliases: ["\\"><img src=x onerror=alert(2)>"]
    country: US
    description: {en: "<b>bold</b> & <i>claims</i>", fr: "<b>gras</b>"}
  - id: plain-agency
    types: [LawEnforcementAgency]
    name: {en: "Agency <u>underlined</u>", fr: "Agence"}
sources:
  - id: hostile-source
    kind: NewsArticle
    title: "<img src=x onerror=alert(3)> headline"
    published: 2023-05
    language: en
claims:
  - id: hostile-claim
    subject: plain-agency
    predicate: customer_of
    object: evil-corp
    date: 2023-05
    note: {en: "<script>alert(4)</script>", fr: "<script>alert(5)</script>"}
    refs:
      - source: hostile-source
        locator: {section: "<svg onload=alert(6)>"}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(ledger: Path, store_dir: Path) -> Settings:
    settings = Settings(store_dir=store_dir, data_dir=ledger)  # type: ignore[call-arg]
    result = validate_ledger(ledger, settings, shacl=False)
    assert result.output is not None, [d.format() for d in result.report.errors]
    publish(result.output, settings)
    return settings


@contextmanager
def running_server(settings: Settings, log: Path, **overrides: object) -> Iterator[str]:
    """`custodiet serve` on a free loopback port with ``settings`` (plus overrides) as env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTODIET_")}
    values = settings.model_dump() | {"query_timeout": TEST_TIMEOUT, "max_rows": TEST_MAX_ROWS,
                                      "max_request_bytes": TEST_MAX_BYTES, "query_workers": 2}
    values |= overrides
    for name, value in values.items():
        if value is not None:
            env[f"CUSTODIET_{name.upper()}"] = str(value).lower() if isinstance(value, bool) \
                else str(value)
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from graph.cli import main; main()", "serve",
             "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def endpoint(built_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a server over the fixture ledger (limits lowered for the tests)."""
    log = tmp_path_factory.mktemp("endpoint-log") / "server.log"
    with running_server(built_store, log) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("hostile-ledger")
    (folder / "ledger.yaml").write_text(textwrap.dedent(HOSTILE_LEDGER), encoding="utf-8")
    return build_store(folder, tmp_path_factory.mktemp("hostile-store"))


@pytest.fixture(scope="session")
def federating_endpoint(hostile_store: Settings, tmp_path_factory: pytest.TempPathFactory
                        ) -> Iterator[str]:
    """A second server, over the hostile ledger, with SERVICE enabled."""
    log = tmp_path_factory.mktemp("federating-log") / "server.log"
    with running_server(hostile_store, log, allow_federation=True) as url:
        yield url
