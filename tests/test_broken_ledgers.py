"""A corpus of broken ledger files; each states, in `# expect:` lines, the exact diagnostics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app

BROKEN = Path(__file__).parent / "fixtures" / "broken"
CASES = sorted(BROKEN.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.*)$")


def expectations(path: Path) -> list[tuple[int, int, str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            message, _, hint = match.group(3).partition(" | ")
            out.append((int(match.group(1)), int(match.group(2)), message, hint))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_file_is_reported_exactly(case: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = CliRunner().invoke(app, ["validate", str(case), "--no-shacl"],
                                env={"CUSTODIET_STORE_DIR": str(store)})
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    errors = [line for line in lines if ": error: " in line]
    expected = expectations(case)
    assert expected, f"{case.name} has no # expect: lines"
    assert len(errors) == len(expected), result.output
    for line_no, col, message, hint in expected:
        wanted = f"{case.name}:{line_no}:{col}: error: {message}"
        found = [i for i, line in enumerate(lines) if line.endswith(wanted)]
        assert found, f"missing {wanted!r} in:\n{result.output}"
        if hint:
            assert hint in lines[found[0] + 1], lines[found[0] + 1]
    assert re.search(r"\d+ errors?", lines[-1]), "the last line is the summary"
    # nothing was written
    build = CliRunner().invoke(app, ["build", str(case), "--no-shacl"],
                               env={"CUSTODIET_STORE_DIR": str(store)})
    assert build.exit_code == 1
    assert not store.exists()


def test_all_errors_are_reported_not_only_the_first(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(BROKEN), "--no-shacl"])
    assert result.exit_code == 1
    reported = {line.split(":")[0] for line in result.output.splitlines() if ": error: " in line}
    assert {str(c.relative_to(Path.cwd())) if c.is_relative_to(Path.cwd()) else str(c)
            for c in CASES} == reported
