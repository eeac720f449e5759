"""``custodiet import table``: messy files in, located problems out, provenance kept."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import yaml
from typer.testing import Result

from tests.importers.conftest import FIXTURES

Cli = Callable[..., Result]


def _ledger(data_dir: Path, name: str = "test-contracts") -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((data_dir / "imports" / name / "ledger.yaml").read_text())


def _import(cli: Cli, data_dir: Path, table: Path, *extra: str) -> Result:
    return cli("import", "table", table, "--mapping", FIXTURES / "contracts.yaml",
               "--data-dir", data_dir, "--retrieved", "2024-03-01", *extra)


def test_messy_csv_imports_good_rows_and_locates_bad_ones(cli: Cli, data_dir: Path) -> None:
    result = _import(cli, data_dir, FIXTURES / "contracts.csv")
    assert result.exit_code == 0, result.output
    out = result.output
    # the impossible date: its row, its column, what is wrong and what would be right
    assert "contracts.csv:6:30: error: row 4, column 'signed'" in out
    assert "'31.13.2024' is not a real date" in out and "hint: write YYYY" in out
    # the shifted row: more cells than the header
    assert "contracts.csv:7:1: error: row 5 has 7 cells but the header has 6 columns" in out
    assert "6 rows read, 2 skipped" in out
    assert "Traceback" not in out
    ledger = _ledger(data_dir)
    ids = {e["id"] for e in ledger["entities"]}
    # "Clearview AI Inc." and "Clearview Al Inc." (lower-case L) are the curated clearview-ai
    assert "clearview-ai" not in ids and "clearview-ai-inc" not in ids
    assert {"springfield-police", "gendarmerie-test", "town-police", "river-police",
            "acme-vision"} <= ids
    claims = {c["subject"]: c for c in ledger["claims"]}
    assert claims["springfield-police"]["object"] == "clearview-ai"
    assert claims["gendarmerie-test"]["object"] == "clearview-ai"
    assert claims["town-police"]["object"] == "flock-safety"
    # qualifiers parsed: day-first dotted date, month precision, currency from the cell
    assert claims["springfield-police"]["date"] == "2024-01-31"
    assert (claims["springfield-police"]["amount"], claims["springfield-police"]["currency"]) \
        == (10000, "RON")
    assert (claims["gendarmerie-test"]["amount"], claims["gendarmerie-test"]["date"]) \
        == (20000000, "2024-01")
    assert "amount" not in claims["town-police"] and claims["town-police"]["date"] == "2020"
    # each claim traced to its row: the quoted newline makes row 2 start on line 4
    assert claims["gendarmerie-test"]["refs"] == [
        {"source": next(s["id"] for s in ledger["sources"] if s["kind"] == "Dataset"),
         "locator": {"line": 4, "section": "row 2"}}]
    source = next(s for s in ledger["sources"] if s["kind"] == "Dataset")
    assert len(source["sha256"]) == 64 and source["publisher"] == "test-procurement-office"
    # the ledger with the import validates and builds as one
    check = cli("validate", data_dir, "--no-shacl")
    assert check.exit_code == 0, check.output


def test_strict_writes_nothing(cli: Cli, data_dir: Path) -> None:
    result = _import(cli, data_dir, FIXTURES / "contracts.csv", "--strict")
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert not (data_dir / "imports").exists()
    assert not (data_dir / "resolution").exists()


def test_reimport_changes_nothing_and_new_version_is_tracked(cli: Cli, data_dir: Path,
                                                              tmp_path: Path) -> None:
    table = tmp_path / "contracts.csv"
    shutil.copy(FIXTURES / "contracts.csv", table)
    assert _import(cli, data_dir, table).exit_code == 0
    folder = data_dir / "imports" / "test-contracts"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = _import(cli, data_dir, table)
    assert again.exit_code == 0 and "0 records added, 0 updated" in again.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # a newer version: River Police gone, a new row, Town Police's date corrected
    text = table.read_text(encoding="utf-8-sig")
    text = text.replace("River Police,Acme Vision,https://acme.example/,,,\n", "")
    text = text.replace("Town Police,Flock,,2020,", "Town Police,Flock,,2021,")
    table.write_text(text + "Lake Police,Acme Vision,,2024-06-30,1.5m EUR,\n", encoding="utf-8")
    newer = _import(cli, data_dir, table)
    assert newer.exit_code == 0, newer.output
    history = json.loads((folder / "history.json").read_text())
    first, second = (v["source"] for v in history["versions"])
    records = history["records"]
    river = next(k for k in records if k.startswith("river-police.contract_with"))
    assert records[river] == {"first_seen": first, "last_seen": first}  # ended
    lake = next(k for k in records if k.startswith("lake-police.contract_with"))
    assert records[lake] == {"first_seen": second, "last_seen": second}  # added
    spring = next(k for k in records if k.startswith("springfield-police.contract_with"))
    assert records[spring] == {"first_seen": first, "last_seen": second}
    claims = {c["id"]: c for c in _ledger(data_dir)["claims"]}
    assert [r["source"] for r in claims[spring]["refs"]] == [first, second]
    assert [r["source"] for r in claims[river]["refs"]] == [first]  # kept, with its old source
    assert "1 no longer in the file" in newer.output or "no longer" in newer.output


def test_xlsx_jsonl_and_tsv(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Contracts"
    sheet.append(["agency", "vendor", "vendor_site", "signed", "amount", "notes"])
    sheet.append(["North Police", "Acme Vision", None, "2023-05-02", "1,200.50 USD", None])
    sheet.append(["South Police", "Acme Vision", None, "soon", "12 USD", None])
    book.save(tmp_path / "contracts.xlsx")
    result = _import(cli, data_dir, tmp_path / "contracts.xlsx")
    assert result.exit_code == 0, result.output
    assert "contracts.xlsx:3:4: error: sheet Contracts, row 3, column 'signed'" in result.output
    claim = next(c for c in _ledger(data_dir)["claims"] if c["subject"] == "north-police")
    assert claim["amount"] == "1200.5" and claim["currency"] == "USD"
    assert claim["refs"][0]["locator"] == {"line": 2, "section": "sheet Contracts, row 2"}

    rows = [{"agency": "East Police", "vendor": "Acme Vision", "signed": "March 2022",
             "amount": "$3k"}]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    result = _import(cli, data_dir, tmp_path / "c.jsonl")
    assert "c.jsonl:2:1: error: invalid JSON" in result.output
    east = next(c for c in _ledger(data_dir)["claims"] if c["subject"] == "east-police")
    assert (east["date"], east["amount"], east["currency"]) == ("2022-03", 3000, "USD")

    (tmp_path / "c.tsv").write_text("agency\tvendor\tvendor_site\tsigned\tamount\tnotes\n"
                                    "West Police\tAcme Vision\t\t2019\t7 GBP\t\n")
    assert _import(cli, data_dir, tmp_path / "c.tsv").exit_code == 0
    assert any(c["subject"] == "west-police" for c in _ledger(data_dir)["claims"])


def test_mapping_errors_are_located(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    mapping = (FIXTURES / "contracts.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(mapping.replace('"{signed}"', '"{signd}"').replace("object: vendor",
                                                                     "object: vendr"))
    result = cli("import", "table", FIXTURES / "contracts.csv", "--mapping", bad,
                 "--data-dir", data_dir)
    assert result.exit_code == 1
    assert "bad.yaml:" in result.output and "no entity 'vendr'" in result.output
    assert "did you mean 'vendor'" in result.output
    bad.write_text(mapping.replace('"{signed}"', '"{signd}"'))
    result = cli("import", "table", FIXTURES / "contracts.csv", "--mapping", bad,
                 "--data-dir", data_dir)
    assert "column 'signd' is not in the file" in result.output and "'signed'" in result.output
    assert not (data_dir / "imports").exists()
    missing = cli("import", "table", tmp_path / "nope.csv", "--mapping",
                  FIXTURES / "contracts.yaml", "--data-dir", data_dir)
    assert missing.exit_code == 1 and "nope.csv:1:1: error: no such file" in missing.output
