"""FollowTheMoney in and out, read and written by the ``followthemoney`` library itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from followthemoney import model
from typer.testing import Result

from tests.importers.conftest import FIXTURES

Cli = Callable[..., Result]


def _ledger(data_dir: Path, name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((data_dir / "imports" / name / "ledger.yaml").read_text())


def test_import_ftm_stream(cli: Cli, data_dir: Path) -> None:
    result = cli("import", "ftm", FIXTURES / "funding.ftm.jsonl", "--name", "funding",
                 "--dataset-id", "test-funding", "--data-dir", data_dir)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "funding.ftm.jsonl:10:1: error: invalid JSON" in out
    assert "funding.ftm.jsonl:11:1: warning: Ownership: its owner is not a person" in out
    assert "1 Vessel entity not imported" in out
    ledger = _ledger(data_dir, "funding")
    entities = {e["id"]: e for e in ledger["entities"]}
    # "Acme Vision Systems Inc." is the curated acme-vision-systems (legal form aside)
    assert "acme-vision-systems" not in entities
    holding = entities["ofac-acme-holding"]
    assert holding["country"] == "GB" and holding["identifiers"] == {"registration": "01234567"}
    roe = next(e for e in entities.values() if e["name"]["en"] == "Jane Roe")
    assert roe["types"] == ["Person"] and roe["identifiers"]["ftm"] == "NK-3xYz"
    claims = {c["predicate"]: c for c in ledger["claims"]}
    assert claims["invested_in"] | {"id": "-", "refs": "-"} == {
        "id": "-", "subject": "ofac-acme-holding", "predicate": "invested_in",
        "object": "acme-vision-systems", "start": "2019-05", "note": {"en": "share: 60%"},
        "refs": "-"}
    assert (claims["leads"]["subject"], claims["leads"]["role"]) == (roe["id"],
                                                                     "chief executive officer")
    pay = claims["contract_with"]
    assert (pay["amount"], pay["currency"], pay["date"]) == (125000, "USD", "2021-07-15")
    assert pay["refs"][0]["locator"] == {"line": 8}
    source = ledger["sources"][0]
    assert source["kind"] == "Dataset" and pay["refs"][0]["source"] == source["id"]


def test_round_trip_through_followthemoney(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    exported = tmp_path / "out.ftm.jsonl"
    result = cli("export-ftm", data_dir, "-o", exported)
    assert result.exit_code == 0, result.output
    lines = exported.read_text().splitlines()
    proxies = [model.get_proxy(json.loads(line)) for line in lines]  # FtM reads every line
    by_id = {p.id: p for p in proxies}
    assert by_id["clearview-ai"].schema.name == "Company"
    assert by_id["cnil"].schema.name == "PublicBody"
    assert by_id["clearview-ai"].get("alias") == ["Clearview"]
    fine = next(p for p in proxies if p.schema.name == "UnknownLink")
    assert fine.get("role") == ["fined"] and fine.get("subject") == ["cnil"]
    # and back: into an empty ledger, the same entities and claims
    empty = tmp_path / "empty"
    empty.mkdir()
    back = cli("import", "ftm", exported, "--name", "round-trip", "--dataset-id", "round-trip",
               "--data-dir", empty)
    assert back.exit_code == 0, back.output
    ledger = _ledger(empty, "round-trip")
    original = yaml.safe_load((data_dir / "ledger.yaml").read_text())
    exported_ids = {e["id"] for e in original["entities"]}
    assert {e["id"] for e in ledger["entities"]} == exported_ids
    names = {e["id"]: e["name"]["en"] for e in ledger["entities"]}
    assert names["clearview-ai"] == "Clearview AI"
    (claim,) = ledger["claims"]
    assert (claim["subject"], claim["predicate"], claim["object"]) == (
        "cnil", "fined", "clearview-ai")
