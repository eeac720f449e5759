"""A corpus of broken ledger files; each states, in `# expect:` lines, the exact diagnostics.

Three kinds of fixtures, all under ``tests/fixtures/broken/``:

- ``*.yaml`` (errors) and ``warnings/*.yaml`` (only warnings): ledgers whose records are fine
  as YAML; each is replayed through BOTH paths: ``custodiet validate FILE`` and, converted to
  JSON Lines (``tests/ledger_convert.py``), ``custodiet validate-bulk``. Both must report the
  same messages and hints, at the same field.
- ``readers/``: what only one reader can meet (YAML syntax, JSON, CSV, unreadable files).
  A YAML file there states its expectations inline; any other target has a sidecar
  ``NAME.expect`` (the target is ``NAME``, or ``# target: PATH``; the command follows from the
  suffix, or ``# command: validate|validate-bulk``).

Expectation lines: ``# expect: LINE:COL: MESSAGE | HINT`` for an error and
``# expect-warning: LINE:COL: MESSAGE | HINT`` for a warning; the hint part is optional and
matched as a substring, the message exactly. Every reported diagnostic must be expected.
``tests/test_rule_manifest.py`` checks that every message the validator can emit has a fixture.
"""

from __future__ import annotations

import re
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from graph.cli import app
from tests.ledger_convert import yaml_to_jsonl

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).parent / "fixtures" / "broken"
READERS = BROKEN / "readers"
SHARED = sorted(BROKEN.glob("*.yaml")) + sorted((BROKEN / "warnings").glob("*.yaml"))
EXPECT = re.compile(r"^# expect(-warning)?: (\d+):(\d+): (.*)$")
DIRECTIVE = re.compile(r"^# (target|command): (.*)$")
REPORTED = re.compile(r"^(.*):(\d+):(\d+): (error|warning): (.*)$")
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Expected:
    line: int
    col: int
    severity: str
    message: str
    hint: str


@dataclass(frozen=True)
class Reported:
    file: str
    line: int
    col: int
    severity: str
    message: str
    hint: str


@dataclass(frozen=True)
class ReaderCase:
    """A reader-specific fixture: what to run on which path, and what it must report."""

    name: str
    target: Path
    command: str
    expected: tuple[Expected, ...]


def expectations(text: str) -> list[Expected]:
    out = []
    for line in text.splitlines():
        match = EXPECT.match(line)
        if match:
            message, _, hint = match.group(4).partition(" | ")
            out.append(Expected(int(match.group(2)), int(match.group(3)),
                                "warning" if match.group(1) else "error", message, hint))
    return out


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")  # some fixtures are not UTF-8


def reader_cases() -> list[ReaderCase]:
    cases = []
    sidecars = sorted(READERS.glob("*.expect"))
    for sidecar in sidecars:
        text = _text(sidecar)
        directives = dict(m.groups() for m in map(DIRECTIVE.match, text.splitlines()) if m)
        target = READERS / directives.get("target", sidecar.name.removesuffix(".expect"))
        command = directives.get("command") or (
            "validate" if target.name.endswith(YAML_SUFFIXES) else "validate-bulk")
        cases.append(ReaderCase(sidecar.name, target, command, tuple(expectations(text))))
    described = {case.target for case in cases}
    for path in sorted(READERS.glob("*.y*ml")):
        if path not in described:
            cases.append(ReaderCase(path.name, path, "validate", tuple(expectations(_text(path)))))
    return cases


def fixture_expectations() -> dict[str, list[Expected]]:
    """Every fixture's expectations, by fixture name (for the rule manifest)."""
    found = {str(p.relative_to(BROKEN)): expectations(_text(p)) for p in SHARED}
    found.update({f"readers/{case.name}": list(case.expected) for case in reader_cases()})
    return found


READER_CASES = reader_cases()


def reported(output: str) -> list[Reported]:
    """The diagnostics a command printed (``file:line:col: severity: message``, then a hint)."""
    lines = output.splitlines()
    out = []
    for i, line in enumerate(lines):
        match = REPORTED.match(line)
        if match:
            following = lines[i + 1] if i + 1 < len(lines) else ""
            hint = following.strip().removeprefix("hint: ") if following.startswith("    hint:") else ""
            out.append(Reported(match.group(1), int(match.group(2)), int(match.group(3)),
                                match.group(4), match.group(5), hint))
    return out


def run(command: str, path: Path, store: Path) -> Result:
    options = ["--no-shacl"] if command in {"validate", "build"} else ["--no-progress"]
    env = {"CUSTODIET_STORE_DIR": str(store), "CUSTODIET_SOURCE_ROOT": str(ROOT)}
    return CliRunner().invoke(app, [command, str(path), *options], env=env)


def assert_reported_exactly(
    expected: Iterable[Expected], result: Result, file_suffix: str,
    places: Callable[[int, int], set[tuple[int, int]]] = lambda line, col: {(line, col)},
) -> list[Reported]:
    """Each expectation matches one reported diagnostic, and nothing else is reported."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"the command crashed:\n{result.output}\n{trace}")
    got = reported(result.output)
    left = list(got)
    for want in expected:
        wanted = places(want.line, want.col)
        match = next((r for r in left if r.severity == want.severity and r.message == want.message
                      and (r.line, r.col) in wanted and r.file.endswith(file_suffix)), None)
        assert match is not None, (
            f"missing {want.severity} {want.message!r} at {want.line}:{want.col} "
            f"(looked at {sorted(wanted)}) in:\n{result.output}")
        assert want.hint in match.hint, f"hint {match.hint!r} lacks {want.hint!r}"
        left.remove(match)
    assert not left, f"unexpected diagnostics {left} in:\n{result.output}"
    errors = [r for r in got if r.severity == "error"]
    assert result.exit_code == (1 if errors else 0), result.output
    return got


@pytest.mark.parametrize("case", SHARED, ids=[str(c.relative_to(BROKEN)) for c in SHARED])
def test_yaml_path_reports_exactly(case: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    expected = expectations(_text(case))
    assert expected, f"{case.name} has no # expect: lines"
    result = run("validate", case, store)
    assert_reported_exactly(expected, result, case.name)
    assert re.search(r"\d+ errors?", result.output.splitlines()[-1]), "the last line is the summary"
    if any(e.severity == "error" for e in expected):  # nothing is written
        build = run("build", case, store)
        assert build.exit_code == 1
        assert not store.exists()


def _same_messages(items: list[Reported], hint: Callable[[str], str]) -> Counter[tuple[str, ...]]:
    return Counter((r.severity, r.message, hint(r.hint)) for r in items)


@pytest.mark.parametrize("case", SHARED, ids=[str(c.relative_to(BROKEN)) for c in SHARED])
def test_bulk_path_reports_the_same(case: Path, tmp_path: Path) -> None:
    converted = yaml_to_jsonl(case, tmp_path / f"{case.stem}.jsonl")
    bulk = run("validate-bulk", converted.jsonl, tmp_path / "store")
    got = assert_reported_exactly(expectations(_text(case)), bulk, converted.jsonl.name,
                                  converted.place)
    yaml = reported(run("validate", case, tmp_path / "store").output)
    assert _same_messages(got, str) == _same_messages(yaml, converted.same_hint)


@pytest.mark.parametrize("case", READER_CASES, ids=[c.name for c in READER_CASES])
def test_reader_fixture_is_reported_exactly(case: ReaderCase, tmp_path: Path) -> None:
    assert case.expected, f"{case.name} has no # expect: lines"
    result = run(case.command, case.target, tmp_path / "store")
    assert_reported_exactly(case.expected, result, case.target.name)


def test_all_errors_are_reported_not_only_the_first(tmp_path: Path) -> None:
    result = run("validate", BROKEN, tmp_path / "store")
    assert result.exit_code == 1
    files = {r.file for r in reported(result.output) if r.severity == "error"}
    wanted = [c for c in SHARED if any(e.severity == "error" for e in expectations(_text(c)))]
    for case in wanted + [c.target for c in READER_CASES if c.target.suffix in YAML_SUFFIXES
                          and c.target.is_file() and c.target.is_relative_to(BROKEN)]:
        assert any(f.endswith(str(case.relative_to(ROOT))) for f in files), case
