"""How records become the live graph: ``run`` (see ``build.py``) and two small conveniences.

``validate_ledger`` + ``publish`` split ``run`` in two for small ledgers held in memory (tests,
benchmarks, the docs generators): the first validates and keeps the built text, the second makes
that text live through the very same ``Store.replace_file`` and search-index warming.
"""

from __future__ import annotations

from pathlib import Path

from graph.pipeline.build import READERS, BuildOutput, BuildResult, now, run
from graph.search import SearchSink
from graph.settings import Settings, get_settings
from graph.store import BuildInfo, open_store

Validation = BuildResult


def validate_ledger(path: Path, settings: Settings | None = None, *, shacl: bool = True,
                    reader: str = "yaml") -> BuildResult:
    """Validate a (small) ledger, keeping its records and built text; nothing is published."""
    result = run([(path, reader)], settings, publish=False, shacl=shacl, keep_ledger=True,
                 keep_text=True)
    if result.ledger is not None:
        sink = SearchSink()
        for entity in result.ledger.entities.values():
            sink.entity(entity)
        result.search = sink
    return result


def publish(output: BuildOutput | None, settings: Settings | None = None) -> BuildInfo:
    """Make a validated ledger live (atomically) and warm its search index."""
    if output is None:
        raise ValueError("only a valid ledger can be published")
    settings = settings or get_settings()
    info = BuildInfo(output.build_id, now(), dict(output.counts))
    open_store(settings).replace(output.nquads, info)
    if output.search is not None:
        output.search.save(settings, info.build_id)
    return info


__all__ = ["READERS", "BuildOutput", "BuildResult", "Validation", "publish", "run",
           "validate_ledger"]
