"""Every evidence rule on a hand-made ledger with known answers, read back through SPARQL and the CLI.

tests/fixtures/evidence/ledger.yaml is small enough to check by eye: two copies of one story,
an article citing an audit, a fine set aside on appeal, a denial, two incompatible image
counts, a funding round with its lead investor.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.pipeline import run
from graph.settings import Settings
from graph.store import Store, open_store

LEDGER = Path(__file__).parent.parent / "fixtures" / "evidence" / "ledger.yaml"
PREFIX = """PREFIX ont: <https://w3id.org/custodiet/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX claim: <https://w3id.org/custodiet/claim/>
PREFIX src: <https://w3id.org/custodiet/source/>
PREFIX schema: <https://schema.org/>
"""


def _build(tmp: Path, as_of: dt.date | None = None) -> tuple[Settings, Store]:
    settings = Settings(store_dir=tmp / f"store-{as_of}", data_dir=LEDGER)  # type: ignore[call-arg]
    result = run([(LEDGER, "yaml")], settings, shacl=True, as_of=as_of)
    assert result.info is not None, [d.format() for d in result.report.errors] + [
        v.format() for v in result.violations]
    return settings, open_store(settings)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return _build(tmp_path_factory.mktemp("evidence"))[1]


def _one(store: Store, sparql: str) -> dict[str, str | None]:
    rows = store.select(PREFIX + sparql).rows
    assert len(rows) == 1, rows
    return rows[0]


def _lines(store: Store, cid: str) -> int:
    return int(_one(store, f"SELECT ?n WHERE {{ claim:{cid} ont:independentSourceCount ?n }}")["n"]
               or 0)


def test_two_copies_of_one_article_are_one_line(store: Store) -> None:
    assert _lines(store, "copies-only") == 1
    row = _one(store, "SELECT ?n WHERE { claim:copies-only ont:sourceCount ?n }")
    assert row["n"] == "2"  # both sources are still shown, but they are one line


def test_an_article_citing_a_report_is_one_line_with_it(store: Store) -> None:
    assert _lines(store, "citing-and-cited") == 1


def test_unrelated_sources_are_two_lines(store: Store) -> None:
    assert _lines(store, "two-lines") == 2


def test_copy_links_host_and_clean_url_are_in_rdf(store: Store) -> None:
    row = _one(store, "SELECT ?original ?host ?url WHERE { src:copy-one ont:copyOf ?original ; "
                      "ont:host ?host ; schema:url ?url }")
    assert row["original"].endswith("/source/original-story")  # type: ignore[union-attr]
    assert row["host"] == "mirror.example.org"
    assert row["url"] == "https://mirror.example.org/story"  # tracking parameters removed
    reason = _one(store, "SELECT ?why WHERE { src:copy-two ont:publisherUnknownReason ?why }")
    assert reason["why"] == "the copy names no site owner"


def test_grades_follow_the_original_source_kind(store: Store) -> None:
    def grade(cid: str) -> str | None:
        return _one(store, f"SELECT ?g WHERE {{ claim:{cid} ont:evidenceGrade/skos:notation ?g }}")["g"]

    assert grade("fine") == "A"  # an official decision
    assert grade("citing-and-cited") == "B"  # a report published by a public body
    assert grade("copies-only") == "E"  # copies of a news story are graded as the story
    reason = _one(store, "SELECT ?r WHERE { claim:citing-and-cited ont:evidenceReason ?r }")["r"]
    assert reason is not None and "audit-report (Report)" in reason


def test_a_fine_set_aside_on_appeal_derives_its_status(store: Store) -> None:
    rows = store.select(PREFIX + """SELECT ?c ?case ?status WHERE {
        ?c ont:case ?case ; ont:caseStatus/skos:notation ?status }""").rows
    assert {r["c"].rsplit("/", 1)[1] for r in rows} == {"fine", "vendor-appeal", "ruling"}  # type: ignore[union-attr]
    assert {(r["case"], r["status"]) for r in rows} == {("fine", "overturned")}


def test_as_of_before_the_appeal_the_fine_is_decided(tmp_path: Path) -> None:
    _settings, before = _build(tmp_path, dt.date(2023, 1, 1))
    status = _one(before, "SELECT ?s WHERE { claim:fine ont:caseStatus/skos:notation ?s }")
    assert status["s"] == "final"
    asof = _one(before, "SELECT ?d WHERE { ?x ont:asOf ?d }")
    assert asof["d"] == "2023-01-01"


def test_as_of_before_publication_the_claim_is_absent(tmp_path: Path) -> None:
    _settings, early = _build(tmp_path, dt.date(2022, 5, 20))  # decided on the 18th, public on the 23rd
    claims = {r["c"].rsplit("/", 1)[1] for r in early.select(  # type: ignore[union-attr]
        PREFIX + "SELECT ?c WHERE { ?c a ont:Claim }").rows}
    assert "fine" not in claims and "ruling" not in claims
    assert "copies-only" in claims and "images-again" not in claims  # reported only in 2024
    since = _one(early, "SELECT ?d WHERE { claim:copies-only ont:knownSince ?d }")
    assert since["d"] == "2020-03-01"  # the original's date, not the copy's


def test_disputes_lists_denials_and_incompatible_claims(tmp_path: Path) -> None:
    settings, _store = _build(tmp_path)
    result = CliRunner().invoke(app, ["disputes", "-f", "csv"],
                                env={"CUSTODIET_STORE_DIR": str(settings.store_dir)})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("denied,") and "/claim/denied-use" in line
               and "vendor-denial" in line for line in lines), lines
    assert any(line.startswith("incompatible,") and "/claim/copies-only" in line
               and "/claim/images-again" in line for line in lines), lines


def test_changes_between_two_dates(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["changes", "2022-01-01", "2024-12-31", "-f", "csv"],
                                env={"CUSTODIET_DATA_DIR": str(LEDGER),
                                     "CUSTODIET_STORE_DIR": str(tmp_path / "s")})
    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()
    assert "status,fine,,overturned" in rows
    assert "new claim,ruling,," in rows and "new claim,images-again,," in rows
    assert any(r.startswith("new dispute (incompatible),copies-only") for r in rows), rows
    bad = CliRunner().invoke(app, ["changes", "2024-12-31", "2022-01-01"])
    assert bad.exit_code == 1 and "TO is before FROM" in bad.output


def test_investors_point_at_their_round(store: Store) -> None:
    row = _one(store, """SELECT ?round ?role WHERE {
        claim:investor-in-seed ont:round ?round ; ont:role ?role }""")
    assert row["round"].endswith("/claim/seed-round") and row["role"] == "lead"  # type: ignore[union-attr]
