"""The `custodiet` commands as a maintainer uses them, on a real store in a temp folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from graph.cli import app
from tests.conftest import FIXTURE_LEDGER

COUNT_CLAIMS = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/custodiet/ontology#Claim> }"


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"CUSTODIET_STORE_DIR": str(tmp_path / "store")}

    def invoke(*args: str) -> object:
        return CliRunner().invoke(app, list(args), env=env)

    return invoke


def test_validate_clean_ledger_prints_summary(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", str(FIXTURE_LEDGER))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].rsplit(" (", 1)[0] == (
        "1 file, 8 entities, 1 sources, 7 claims: 0 errors, 0 shape violations, 0 warnings"
    )


def test_build_then_query_counts_claims(run) -> None:  # type: ignore[no-untyped-def]
    built = run("build", str(FIXTURE_LEDGER))
    assert built.exit_code == 0, built.output
    assert "7 claims" in built.output
    result = run("query", COUNT_CLAIMS, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["n", "7"]
    as_json = json.loads(run("query", COUNT_CLAIMS, "--format", "json").output)
    assert as_json == [{"n": "7"}]


def test_query_errors_are_readable(run) -> None:  # type: ignore[no-untyped-def]
    assert run("build", str(FIXTURE_LEDGER)).exit_code == 0
    result = run("query", "SELECT ?x WHERE { ?x")
    assert result.exit_code == 1
    assert "error:" in result.output and "Traceback" not in result.output


def test_query_before_build_says_so(run) -> None:  # type: ignore[no-untyped-def]
    result = run("query", COUNT_CLAIMS)
    assert result.exit_code == 1
    assert "custodiet build" in result.output


def test_two_builds_give_identical_nquads(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outputs = []
    for i in range(2):
        assert run("build", str(FIXTURE_LEDGER)).exit_code == 0
        target = tmp_path / f"export-{i}.nq"
        assert run("export", "--format", "nq", "-o", str(target)).exit_code == 0
        outputs.append(sorted(target.read_text().splitlines()))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 500


def test_failed_build_leaves_previous_store(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("build", str(FIXTURE_LEDGER)).exit_code == 0
    before = run("stats").output.splitlines()[0]
    broken = tmp_path / "ledger"
    shutil.copytree(FIXTURE_LEDGER, broken)
    text = (broken / "mini.yaml").read_text().replace("object: swedish-police", "object: nobody")
    (broken / "mini.yaml").write_text(text)
    failed = run("build", str(broken))
    assert failed.exit_code == 1
    assert "unknown entity id 'nobody'" in failed.output
    assert "the store was left as it was" in failed.output
    assert run("stats").output.splitlines()[0] == before
    assert run("query", COUNT_CLAIMS, "-f", "csv").output.splitlines() == ["n", "7"]


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [("ttl", ox.RdfFormat.TURTLE), ("trig", ox.RdfFormat.TRIG), ("nq", ox.RdfFormat.N_QUADS),
     ("jsonld", ox.RdfFormat.JSON_LD)],
)
def test_export_formats_parse_back(run, tmp_path: Path, fmt: str, rdf_format) -> None:  # type: ignore[no-untyped-def]
    assert run("build", str(FIXTURE_LEDGER)).exit_code == 0
    target = tmp_path / f"out.{fmt}"
    assert run("export", "--format", fmt, "-o", str(target)).exit_code == 0
    parsed = list(ox.parse(path=str(target), format=rdf_format))
    nq = run("export", "--format", "nq").output
    assert len(parsed) == len(nq.strip().splitlines())


def test_stats_lists_types_predicates_and_single_source(run) -> None:  # type: ignore[no-untyped-def]
    assert run("build", str(FIXTURE_LEDGER)).exit_code == 0
    result = run("stats")
    assert result.exit_code == 0
    for expected in ("single_source_claims", "DataProtectionAuthority", "fined", "contract_with"):
        assert expected in result.output


def test_locate_prints_a_locator(run) -> None:  # type: ignore[no-untyped-def]
    source = Path(__file__).resolve().parents[2] / "shared/sources/clearview-federal-contracts-fr.txt"
    if not source.exists():
        source = Path(__file__).resolve().parents[1] / "../shared/sources/clearview-federal-contracts-fr.txt"
    result = run("locate", str(source), "Fondée en 2017")
    assert result.exit_code == 0
    assert result.output.strip() == "locator: {line: 3, chars: [645, 659]}"
    assert run("locate", str(source), "absent fragment xyz").exit_code == 1
