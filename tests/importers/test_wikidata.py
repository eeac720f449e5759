"""``custodiet import wikidata`` against a local server answering in Wikidata's format."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from tests.importers.conftest import FIXTURES

Cli = Callable[..., Result]
ITEMS = json.loads((FIXTURES / "wikidata" / "entities.json").read_text())


class _Api(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        ids = query.get("ids", [""])[0].split("|")
        body = {"entities": {i: ITEMS.get(i, {"id": i, "missing": ""}) for i in ids}}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    server.shutdown()
    server.server_close()


def test_import_items_with_revision_as_source(cli: Cli, data_dir: Path, api: str) -> None:
    result = cli("import", "wikidata", "Q900000001", "--api", api, "--data-dir", data_dir)
    assert result.exit_code == 0, result.output
    assert "merged acme-vision-systems-q900000001 into acme-vision-systems" in result.output
    ledger = yaml.safe_load((data_dir / "imports" / "wikidata" / "ledger.yaml").read_text())
    entities = {e["id"]: e for e in ledger["entities"]}
    assert entities["jane-roe"]["types"] == ["Person"]
    holding = entities["acme-holding"]
    assert (holding["country"], holding["identifiers"]) == ("GB", {"wikidata": "Q900000003"})
    (source,) = ledger["sources"]
    assert source["id"] == "wikidata-q900000001-r123456"
    assert source["url"] == api.replace("api.php", "index.php?oldid=123456")
    claims = {(c["subject"], c["predicate"], c["object"]): c for c in ledger["claims"]}
    assert ("jane-roe", "founded", "acme-vision-systems") in claims
    parent = claims[("acme-vision-systems", "subsidiary_of", "acme-holding")]
    assert parent["refs"][0]["locator"] == {"section": "P749 (parent organization)"}
    assert not any("q900000004" in c for c in {k[2] for k in claims})  # deprecated rank
    # the merged item's own facts are kept for the curated record
    imported = [json.loads(line) for line in
                (data_dir / "imports" / "wikidata" / "imported.jsonl").read_text().splitlines()]
    item = next(r["entity"] for r in imported if "entity" in r
                and r["entity"]["id"] == "acme-vision-systems-q900000001")
    assert (item["founded"], item["website"], item["name"]["fr"]) == (
        "2016-03", "https://acme.example/", "Acme Vision Systèmes")
    again = cli("import", "wikidata", "Q900000001", "--api", api, "--data-dir", data_dir)
    assert " 0 records added, 0 updated" in again.output


def test_offline_is_a_clear_message(cli: Cli, data_dir: Path) -> None:
    result = cli("import", "wikidata", "Q42", "--api", "http://127.0.0.1:9/w/api.php",
                 "--data-dir", data_dir)
    assert result.exit_code == 1
    assert "cannot reach http://127.0.0.1:9/w/api.php" in result.output
    assert "needs the network" in result.output and "Traceback" not in result.output
    assert not (data_dir / "imports").exists()
    wrong = cli("import", "wikidata", "q42", "--data-dir", data_dir)
    assert wrong.exit_code == 1 and "'q42' is not a Wikidata item id" in wrong.output


def test_unknown_item(cli: Cli, data_dir: Path, api: str) -> None:
    result = cli("import", "wikidata", "Q900000999", "--api", api, "--data-dir", data_dir)
    assert result.exit_code == 1 and "no such Wikidata item: Q900000999" in result.output
