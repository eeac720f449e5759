"""The bulk path: the same rules, messages and RDF as the YAML ledger, streamed from JSONL/CSV."""

from __future__ import annotations

import csv
import gzip
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.generate import Generator, write_csv, write_jsonl
from graph.cli import app
from graph.pipeline import publish, validate_ledger
from graph.store import open_store
from tests.conftest import FIXTURE_LEDGER
from tests.scale.conftest import build_bulk, quads, settings_for, validate_bulk, write_yaml, yaml_records

BROKEN = Path(__file__).parent.parent / "fixtures" / "broken"
MINI = FIXTURE_LEDGER / "mini.yaml"


def _yaml_build(path: Path, store: Path) -> set[str]:
    settings = settings_for(store)
    result = validate_ledger(path, settings, shacl=False)
    assert result.output is not None, [d.format() for d in result.report.errors]
    publish(result.output, settings)
    return quads(settings)


def _bulk_build(path: Path, store: Path) -> set[str]:
    settings = settings_for(store)
    result, info = build_bulk(path, settings)
    assert info is not None, [d.format() for d in result.report.items]
    assert result.report.items == []
    return quads(settings)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_bulk_build_equals_yaml_build_of_the_same_records(fmt: str, tmp_path: Path) -> None:
    records = yaml_records(MINI) + list(Generator(300, seed=11).records())
    yaml_file = write_yaml(records, tmp_path / "ledger.yaml")
    if fmt == "jsonl":
        bulk = tmp_path / "ledger.jsonl"
        write_jsonl(iter(records), bulk)
    else:
        bulk = tmp_path / "csv"
        write_csv(iter(records), bulk)
    expected = _yaml_build(yaml_file, tmp_path / "yaml-store")
    got = _bulk_build(bulk, tmp_path / "bulk-store")
    assert len(expected) > 6000
    assert got == expected


def test_records_in_any_order_give_the_same_graph(tmp_path: Path) -> None:
    records = list(Generator(200, seed=2).records())
    write_jsonl(iter(records), tmp_path / "in-order.jsonl")
    write_jsonl(iter(records[::-1]), tmp_path / "reversed.jsonl")  # claims before entities
    assert _bulk_build(tmp_path / "reversed.jsonl", tmp_path / "s2") == _bulk_build(
        tmp_path / "in-order.jsonl", tmp_path / "s1")


def _normalised(items: list) -> list[tuple[str, str, str]]:
    # Only where the first definition lives may differ (a YAML id line vs a JSONL record line).
    return sorted((d.severity, d.message, re.sub(r"at \S+:\d+;", "at …;", d.hint)) for d in items)


CASES = sorted(p for p in BROKEN.glob("*.yaml") if p.stem != "yaml-syntax")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_ledgers_get_the_same_diagnostics_as_yaml(case: Path, tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "store")
    yaml_result = validate_ledger(case, settings, shacl=False)
    write_jsonl(iter(yaml_records(case)), tmp_path / "case.jsonl")
    bulk_result = validate_bulk(tmp_path / "case.jsonl", settings)
    assert yaml_result.report.errors
    assert _normalised(bulk_result.report.items) == _normalised(yaml_result.report.items)


def _col(line: str, needle: str) -> int:
    return line.index(needle) + 1


def test_jsonl_errors_are_located_at_the_field(tmp_path: Path) -> None:
    lines = [
        {"entity": {"id": "acme", "types": ["Vendor", "Vendr"], "name": {"en": "Acme", "fr": "Acme"}}},
        {"source": {"id": "src", "kind": "NewsArticle", "title": "T"}},
        {"claim": {"subject": "acme", "predicate": "fined_by", "object": "acme",
                   "refs": [{"source": "src", "locator": {"line": 1}}]}},
        {"claim": {"id": "c2", "subject": "acme", "predicate": "develops", "object": "acme",
                   "colour": "red", "refs": [{"source": "nowhere", "locator": {"line": 1}}]}},
    ]
    texts = [json.dumps(item) for item in lines]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(texts[:2]) + "\n{not json\n" + "\n".join(texts[2:]) + "\n")
    result = validate_bulk(path, settings_for(tmp_path / "store"))
    found = {(d.line, d.col, d.message) for d in result.report.errors}
    assert (1, _col(texts[0], '"Vendr"'), "unknown entity type 'Vendr'") in found
    assert (3, 2, "invalid JSON: Expecting property name enclosed in double quotes") in found
    assert (4, _col(texts[2], '"fined_by"'), "unknown predicate 'fined_by'") in found
    assert (5, _col(texts[3], '"colour"'), "unknown field 'colour'") in found
    assert len(found) == 4, found  # the rejected claim is not checked further
    assert all(d.file.endswith("bad.jsonl") for d in result.report.items)


def test_csv_errors_are_located_at_the_cell_or_header(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    write_csv(iter(yaml_records(MINI)), folder)
    claims = folder / "claims.csv"
    rows = list(csv.reader(claims.open(encoding="utf-8")))
    rows[0].append("colour")
    rows[1].append("red")
    for row in rows[2:]:
        row.append("")
    rows[2][rows[0].index("predicate")] = "invests"
    with claims.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    text = claims.read_text(encoding="utf-8").splitlines()
    result = validate_bulk(folder, settings_for(tmp_path / "store"))
    found = {(Path(d.file).name, d.line, d.col, d.message) for d in result.report.errors}
    assert ("claims.csv", 1, _col(text[0], "colour"), "unknown field 'colour'") in found
    assert ("claims.csv", 3, _col(text[2], "invests"), "unknown predicate 'invests'") in found
    assert len(found) == 2, found


def test_cli_validate_and_build_bulk(tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = {"CUSTODIET_STORE_DIR": str(store)}
    good = tmp_path / "good.jsonl.gz"
    with gzip.open(good, "wt", encoding="utf-8") as out:
        for kind, record in Generator(300, seed=4).records():
            out.write(json.dumps({kind: record}) + "\n")
    runner = CliRunner()
    checked = runner.invoke(app, ["validate-bulk", str(good), "--no-progress"], env=env)
    assert checked.exit_code == 0, checked.output
    assert "300 claims: 0 errors, 0 warnings" in checked.output
    built = runner.invoke(app, ["build-bulk", str(good), "--no-progress"], env=env)
    assert built.exit_code == 0, built.output
    first = open_store(settings_for(store)).info()
    assert first is not None and first.counts["claims"] == 300
    count = runner.invoke(app, ["query", "--format", "csv", "SELECT (COUNT(?c) AS ?n) WHERE { ?c a "
                                "<https://w3id.org/custodiet/ontology#Claim> }"], env=env)
    assert count.output.split() == ["n", "300"], count.output

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"claim": {"subject": "ghost", "predicate": "sued",
                                         "object": "ghost", "refs": []}}) + "\n")
    failed = runner.invoke(app, ["build-bulk", str(bad), "--no-progress"], env=env)
    assert failed.exit_code == 1
    assert "bad.jsonl:1:23: error: unknown entity id 'ghost'" in failed.output
    assert "error: claim without a source" in failed.output
    after = open_store(settings_for(store)).info()
    assert after == first, "a failed bulk build leaves the live build alone"
    assert not list((store / "builds").glob(".staging-*")), "no staging folder left behind"


def test_failed_first_build_creates_no_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id\nx\n")
    store = tmp_path / "store"
    result, info = build_bulk(bad, settings_for(store))
    assert info is None
    assert result.report.errors[0].message == "cannot tell which records this CSV holds"
    assert not store.exists()
