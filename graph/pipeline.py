"""validate -> build -> publish: the one path from ledger files to a live store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from graph.diagnostics import Report
from graph.ledger.check import Ledger, check
from graph.ledger.load import load_ledger
from graph.rdf.build import BuildOutput, build
from graph.rdf.iris import Iris
from graph.rdf.shacl import Violation, shacl_check
from graph.settings import Settings, get_settings
from graph.store import BuildInfo, open_store
from graph.vocabulary import load_vocabulary


@dataclass
class Validation:
    ledger: Ledger
    report: Report
    files: list[str]
    output: BuildOutput | None = None
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.report.errors and not self.violations


def validate_ledger(path: Path, settings: Settings | None = None, *, shacl: bool = True
                    ) -> Validation:
    """Check the ledger; when it is clean, build the RDF and check it with SHACL too."""
    settings = settings or get_settings()
    vocab = load_vocabulary()
    loaded = load_ledger(path)
    ledger = check(loaded, settings.source_root, vocab)
    result = Validation(ledger, loaded.report, loaded.files)
    if not loaded.report.errors:
        result.output = build(ledger, vocab, Iris(settings.base_iri))
        if shacl:
            result.violations = shacl_check(result.output.nquads)
    return result


def publish(output: BuildOutput, settings: Settings | None = None) -> BuildInfo:
    """Make a built dataset live in the configured backend (atomically)."""
    settings = settings or get_settings()
    info = BuildInfo(
        build_id=output.build_id,
        built_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        counts=output.counts,
    )
    open_store(settings).replace(output.nquads, info)
    return info
