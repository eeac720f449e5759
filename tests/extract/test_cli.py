"""The commands as a user runs them: extract, review, apply, then validate/build/query; bad
input gives one clear line and exit status 1, never a traceback; URLs only with the flag (served
here from 127.0.0.1, never the network)."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from graph.cli import app
from graph.extract.mentions import Gazetteer
from graph.ledger import Ledger
from tests.extract.conftest import FRENCH, GOLD, ROOT

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    text = result.stdout + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in text
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, text


@pytest.fixture
def ledger_copy(tmp_path: Path, use_settings: object, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setenv("CUSTODIET_DATA_DIR", str(data))
    from graph.settings import get_settings

    get_settings.cache_clear()
    return data


def test_bad_input_is_one_clear_line(tmp_path: Path, known: tuple[Ledger, Gazetteer]) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    fake_pdf = tmp_path / "report.pdf"
    fake_pdf.write_bytes(b"%PDF-1.4 broken")
    cases = [
        (["extract", str(tmp_path / "missing.txt")], "no such file"),
        (["extract", "https://example.org/article"], "--allow-network"),
        (["extract", str(binary)], "not UTF-8"),
        (["extract", str(empty)], "no text"),
        (["extract", str(fake_pdf)], "PDF"),
        (["extract", str(FRENCH), "--language", "de"], "unsupported language"),
        (["extract"], "give a file or URL"),
        (["review", "show", "no-such-document", "--review-dir", str(tmp_path)], "no such review"),
    ]
    for args, message in cases:
        code, text = invoke(*args)
        assert code == 1, (args, text)
        assert "error:" in text and message in text, (args, text)


def _review(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _key(review: dict, subject: str, predicate: str, target: str) -> str:
    for c in review["claims"]:
        p = c["proposed"]
        if (p["subject"], p["predicate"], str(p.get("object") or p.get("value"))) == \
                (subject, predicate, target):
            return str(c["key"])
    raise AssertionError((subject, predicate, target))


def test_review_flow_end_to_end(tmp_path: Path, ledger_copy: Path,
                                known: tuple[Ledger, Gazetteer]) -> None:
    reviews = tmp_path / "review"
    code, text = invoke("extract", str(FRENCH), "--review-dir", str(reviews))
    assert code == 0, text
    path = reviews / "fr-clearview-federal-contracts-2022.yaml"
    review = _review(path)
    assert review["document"]["existing_source"] is True  # same sha256 as the curated source
    valued = _key(review, "clearview-ai", "valued_at", "130000000")
    fine = _key(review, "ico", "fined", "clearview-ai")
    contract = _key(review, "fbi", "contract_with", "clearview-ai")
    founded = _key(review, "peter-thiel", "founded", "paypal")
    assert invoke("review", "accept", str(path), valued, fine, "--by", "analyst-a")[0] == 0
    code, text = invoke("review", "edit", str(path), contract, "--date", "2021-12", "--by",
                        "analyst-b")
    assert code == 0 and "date 2021-12" in text
    assert invoke("review", "reject", str(path), founded, "--note", "not about Clearview")[0] == 0
    code, text = invoke("review", "apply", str(path))
    assert code == 0, text
    written = ledger_copy / "extracted" / "fr-clearview-federal-contracts-2022.yaml"
    claims = YAML(typ="safe").load(written.read_text(encoding="utf-8"))["claims"]
    assert len(claims) == 3 and "sources" not in YAML(typ="safe").load(written.read_text())
    by_pred = {c["predicate"]: c for c in claims}
    assert by_pred["contract_with"]["date"] == "2021-12"
    assert by_pred["fined"]["amount"] == 17000000 and by_pred["fined"]["currency"] == "GBP"
    decided = {c["key"]: c for c in _review(path)["claims"]}
    assert decided[contract]["history"][0]["by"] == "analyst-b"
    assert decided[contract]["history"][0]["at"]
    assert (ROOT / "data" / "extracted").exists() is False  # the real ledger is untouched
    assert invoke("validate", str(ledger_copy), "--no-shacl")[0] == 0
    assert invoke("build", str(ledger_copy), "--no-shacl")[0] == 0
    claim_iri = f"https://w3id.org/custodiet/claim/{by_pred['fined']['id']}"
    code, text = invoke("query", "--format", "csv",
                        "SELECT ?line ?start ?end WHERE { <" + claim_iri + "> "
                        "<https://w3id.org/custodiet/ontology#hasReference> ?r . "
                        "?r <https://w3id.org/custodiet/ontology#line> ?line ; "
                        "<https://w3id.org/custodiet/ontology#charStart> ?start ; "
                        "<https://w3id.org/custodiet/ontology#charEnd> ?end }")
    assert code == 0, text
    start, end = by_pred["fined"]["refs"][0]["locator"]["chars"]
    assert f"26,{start},{end}" in text
    # Extracting again keeps every decision: the rejected claim is not proposed again.
    assert invoke("extract", str(FRENCH), "--review-dir", str(reviews))[0] == 0
    again = _review(path)
    pending = [c["key"] for c in again["claims"] if c["decision"] == "pending"]
    assert founded not in pending and valued not in pending
    assert {c["key"]: c["decision"] for c in again["claims"]}[founded] == "rejected"
    code, text = invoke("review", "show", str(path))
    assert founded not in text and "pending" in text


def test_an_invalid_acceptance_writes_nothing(tmp_path: Path, ledger_copy: Path,
                                              known: tuple[Ledger, Gazetteer]) -> None:
    reviews = tmp_path / "review"
    assert invoke("extract", str(FRENCH), "--review-dir", str(reviews))[0] == 0
    path = reviews / "fr-clearview-federal-contracts-2022.yaml"
    key = _key(_review(path), "ico", "fined", "clearview-ai")
    assert invoke("review", "edit", str(path), key, "--object", "no-such-entity")[0] == 0
    code, text = invoke("review", "apply", str(path))
    assert code == 1 and "do not validate" in text and "no-such-entity" in text
    assert not (ledger_copy / "extracted").exists()


@pytest.fixture
def local_site(tmp_path: Path) -> Iterator[str]:
    """A recorded page (a public-domain press release) served on 127.0.0.1."""
    body = (GOLD / "en-house-science-clearview-ice-2020.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip())
    (tmp_path / "release.html").write_text(
        "<html><head><title>Chairs Johnson and Foster Issue Statement</title></head><body>"
        f"<nav>Home | News</nav><article>{paragraphs}</article></body></html>", encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_url_mode_needs_the_flag_and_reads_html(tmp_path: Path, local_site: str,
                                                known: tuple[Ledger, Gazetteer]) -> None:
    url = f"{local_site}/release.html"
    code, text = invoke("extract", url, "--review-dir", str(tmp_path))
    assert code == 1 and "--allow-network" in text
    code, text = invoke("extract", url, "--allow-network", "--review-dir", str(tmp_path))
    assert code == 0, text
    [path] = tmp_path.glob("*.yaml")
    review = _review(path)
    assert review["document"]["language"] == "en" and review["document"]["kind"] == "html"
    assert review["source"]["url"] == url and review["source"]["title"].startswith("Chairs")
    _key(review, "ice", "contract_with", "clearview-ai")
    code, text = invoke("extract", f"{local_site}/missing.html", "--allow-network")
    assert code == 1 and "404" in text
