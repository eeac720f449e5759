"""How records become the live graph: ``run`` (see ``build.py``) and two small conveniences.

``validate_ledger`` + ``publish`` split ``run`` in two for small ledgers (tests, benchmarks, the
docs generators): the first validates and keeps the records and the built text, the second makes
the same inputs live through ``run`` itself — the one door, with its sinks (search index,
derived tables) — so nothing reaches a store by another path.
"""

from __future__ import annotations

from pathlib import Path

from graph.pipeline.build import READERS, BuildOutput, BuildResult, run
from graph.settings import Settings
from graph.store import BuildInfo

Validation = BuildResult


def validate_ledger(path: Path, settings: Settings | None = None, *, shacl: bool = True,
                    reader: str = "yaml") -> BuildResult:
    """Validate a (small) ledger, keeping its records and built text; nothing is published."""
    return run([(path, reader)], settings, publish=False, shacl=shacl, keep_ledger=True,
               keep_text=True)


def publish(output: BuildOutput | None, settings: Settings | None = None) -> BuildInfo:
    """Make a validated ledger live (atomically) through ``run``, with every sink."""
    if output is None or not output.inputs:
        raise ValueError("only a ledger validated by validate_ledger can be published")
    result = run(list(output.inputs), settings, shacl=False)
    if result.info is None:
        problems = [d.format() for d in result.report.errors[:3]]
        raise ValueError(f"the ledger no longer validates: {problems}")
    return result.info


__all__ = ["READERS", "BuildOutput", "BuildResult", "Validation", "publish", "run",
           "validate_ledger"]
