"""``custodiet dedupe``: candidates, decisions stored beside the data, undo, redirects."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from typer.testing import Result

from tests.importers.conftest import FIXTURES

Cli = Callable[..., Result]


def _ledger(data_dir: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((data_dir / "imports" / "test-contracts" / "ledger.yaml").read_text())


def test_decide_undo_round_trip(cli: Cli, data_dir: Path) -> None:
    imported = cli("import", "table", FIXTURES / "contracts.csv", "--mapping",
                   FIXTURES / "contracts.yaml", "--data-dir", data_dir)
    assert imported.exit_code == 0, imported.output
    assert "merged clearview-ai-inc into clearview-ai" in imported.output
    before = (data_dir / "imports" / "test-contracts" / "imported.jsonl").read_bytes()
    listed = cli("dedupe", "--data-dir", data_dir, "--format", "json")
    pairs = {(c["left"], c["right"]): c for c in json.loads(listed.output)}
    assert ("acme-vision", "acme-vision-systems") in pairs  # for review, not merged
    assert "clearview-ai" not in {x for pair in pairs for x in pair}  # already decided

    decided = cli("dedupe", "decide", "acme-vision", "acme-vision-systems", "same",
                  "--why", "same company, short name", "--who", "tester",
                  "--data-dir", data_dir)
    assert decided.exit_code == 0, decided.output
    ledger = _ledger(data_dir)
    assert "acme-vision" not in {e["id"] for e in ledger["entities"]}
    objects = {c["subject"]: c["object"] for c in ledger["claims"]}
    assert objects["river-police"] == "acme-vision-systems"
    redirects = yaml.safe_load((data_dir / "resolution" / "redirects.yaml").read_text())["redirects"]
    moved = {r["id"]: r for r in redirects}
    assert moved["acme-vision"]["to"] == "acme-vision-systems"  # the old id keeps resolving
    # the merged entity's names are kept (as aliases of the curated record)
    assert "Acme Vision" in moved["acme-vision"]["aliases"]
    # imported records are never rewritten by a decision
    assert (data_dir / "imports" / "test-contracts" / "imported.jsonl").read_bytes() == before
    decisions = [json.loads(line) for line in
                 (data_dir / "resolution" / "decisions.jsonl").read_text().splitlines()]
    assert decisions[-1] | {"when": "-"} == {
        "left": "acme-vision", "right": "acme-vision-systems", "judgement": "positive",
        "who": "tester", "when": "-", "why": "same company, short name"}
    assert cli("dedupe", "--data-dir", data_dir, "--format", "json").output.count(
        "acme-vision-systems") == 0

    undone = cli("dedupe", "undo", "acme-vision", "acme-vision-systems", "--who", "tester",
                 "--data-dir", data_dir)
    assert undone.exit_code == 0, undone.output
    ledger = _ledger(data_dir)
    assert "acme-vision" in {e["id"] for e in ledger["entities"]}
    assert {c["subject"]: c["object"] for c in ledger["claims"]}["river-police"] == "acme-vision"
    history = cli("dedupe", "history", "--data-dir", data_dir).output
    assert history.count("acme-vision-systems") == 2 and "no_judgement" in history
    # an unknown id is a clear error, not a traceback
    wrong = cli("dedupe", "decide", "acme-visoin", "acme-vision-systems", "same",
                "--data-dir", data_dir)
    assert wrong.exit_code == 2 and "did you mean 'acme-vision'" in wrong.output


def test_different_is_remembered(cli: Cli, data_dir: Path) -> None:
    cli("import", "table", FIXTURES / "contracts.csv", "--mapping",
        FIXTURES / "contracts.yaml", "--data-dir", data_dir)
    result = cli("dedupe", "decide", "acme-vision", "acme-vision-systems", "different",
                 "--data-dir", data_dir)
    assert result.exit_code == 0
    listed = json.loads(cli("dedupe", "--data-dir", data_dir, "--format", "json").output)
    assert not any(c["left"] == "acme-vision" for c in listed)
    assert "acme-vision" in {e["id"] for e in _ledger(data_dir)["entities"]}


def test_quality_on_labelled_pairs(cli: Cli, data_dir: Path) -> None:
    result = cli("dedupe", "evaluate", FIXTURES / "name_pairs.csv", "--data-dir", data_dir)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    review = next(line for line in lines if line.startswith("listed for review"))
    auto = next(line for line in lines if line.startswith("merged automatically"))
    precision, recall = (float(x) for x in
                         review.split("precision ")[1].split(" (")[0].split(", recall "))
    assert precision >= 0.8 and recall >= 0.8, review
    assert "precision 1.00" in auto  # automatic merges are never wrong on this list


def test_undone_automatic_merge_is_not_redone(cli: Cli, data_dir: Path) -> None:
    args = ("import", "table", FIXTURES / "contracts.csv", "--mapping",
            FIXTURES / "contracts.yaml", "--data-dir", data_dir)
    assert "merged flock into flock-safety" in cli(*args).output
    assert cli("dedupe", "undo", "flock", "flock-safety", "--data-dir", data_dir).exit_code == 0
    assert "flock" in {e["id"] for e in _ledger(data_dir)["entities"]}
    again = cli(*args)
    assert again.exit_code == 0 and "merged flock" not in again.output
    assert "flock" in {e["id"] for e in _ledger(data_dir)["entities"]}
