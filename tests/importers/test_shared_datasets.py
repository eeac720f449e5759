"""The two shared datasets, imported into the bundled ledger: known counts, claims traced to
their rows, and a re-import that changes nothing (when ``../shared`` is there: a user's clone
has only the committed records, which is the point)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared" / "datasets"
MAPPINGS = ROOT / "importers" / "mappings"
Cli = Callable[..., Result]


def _ledger(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DATA / "imports" / name / "ledger.yaml").read_text(encoding="utf-8"))


def test_nc_survey_resolved_and_traced() -> None:
    ledger = _ledger("nc-alpr-survey")
    # 121 agencies + 6 vendors + the newsroom; Flock is the curated flock-safety
    assert (len(ledger["entities"]), len(ledger["claims"])) == (128, 120)
    objects = [c["object"] for c in ledger["claims"]]
    assert objects.count("flock-safety") == 103 and "flock" not in objects
    source = ledger["sources"][0]
    assert source["kind"] == "Dataset" and source["sha256"] == (
        "2b05ec010de623f59cfc400522120e369f00bcc3d0c7b3643144374bd36c6b1f")
    wilson = next(c for c in ledger["claims"] if c["subject"] == "wilson-nc-pd")
    assert wilson["refs"] == [{"source": source["id"],
                               "locator": {"line": 2, "section": "row 1"}}]


def test_dpas_resolved_against_curated_authorities() -> None:
    ledger = _ledger("datenanfragen-dpas")
    # 57 authorities, 9 of them already curated; 25 new countries; the publisher
    assert (len(ledger["entities"]), len(ledger["claims"])) == (74, 57)
    subjects = {c["subject"] for c in ledger["claims"]}
    assert {"cnil", "ico", "garante-privacy", "hellenic-dpa", "dutch-dpa", "imy",
            "hamburg-dpa", "austrian-dsb", "lfdi-bw"} <= subjects
    cnil = next(c for c in ledger["claims"] if c["subject"] == "cnil")
    assert (cnil["object"], cnil["refs"][0]["locator"]) == (
        "france", {"line": 680, "section": "record 37"})


def test_bundled_ledger_with_imports_validates(cli: Cli) -> None:
    result = cli("validate", DATA, "--no-shacl")
    assert result.exit_code == 0, result.output[-2000:]


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/datasets (not in a clone)")
def test_reimport_of_the_shared_files_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    before = {p: p.read_bytes() for p in {*(data / "imports").rglob("*")}
              | {*(data / "resolution").glob("*")} if p.is_file()}
    for table, mapping in (("nc_agency_survey20240430.csv", "nc-alpr-survey.yaml"),
                           ("datenanfragen_supervisory_authorities.json",
                            "datenanfragen-dpas.yaml")):
        result = cli("import", "table", SHARED / table, "--mapping", MAPPINGS / mapping,
                     "--data-dir", data)
        assert result.exit_code == 0, result.output
        assert "records added, 0 updated" in result.output
        assert " 0 records added" in result.output
    after = {p: p.read_bytes() for p in before}
    assert after == before
