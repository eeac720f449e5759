"""Write one benchmark's results into its own section of ``docs/benchmarks.md``.

Several benchmarks share the file; each owns the text between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->`` and replaces only that, so running one never erases another's numbers.
Every section is stamped with the machine, the versions and the date it was measured on.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from importlib import metadata
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Numbers written by the scripts in `bench/` (never typed by hand). Each section says how to\n"
    "reproduce it, and the machine, versions and date it was measured on.\n"
)
PACKAGES = ("pyoxigraph", "rdflib", "networkx", "streamlit", "uvicorn", "starlette")


def machine() -> str:
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        + ", ".join(versions)
        + f"; {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}"
    )


def write_section(name: str, title: str, body: str, command: str, path: Path = BENCHMARKS) -> None:
    """Replace (or append) the section ``name`` with a title, the command, machine and body."""
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    section = (
        f"<!-- bench:{name} -->\n## {title}\n\n"
        f"Reproduce: `{command}`  \nMeasured on: {machine()}\n\n{body.strip()}\n"
        f"<!-- /bench:{name} -->"
    )
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->",
                         re.S)
    text = pattern.sub(lambda _m: section, text) if pattern.search(text) else (
        text.rstrip() + "\n\n" + section + "\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
