"""The known entities, read from the validated ledger (the same records a build would publish)."""

from __future__ import annotations

from graph.extract.document import ExtractError
from graph.extract.mentions import Gazetteer
from graph.ledger import Ledger
from graph.pipeline import run
from graph.settings import Settings


def load_ledger(settings: Settings) -> Ledger:
    """The whole validated ledger of ``settings.data_dir``; an error when it does not validate."""
    if not settings.data_dir.exists():
        raise ExtractError(f"{settings.data_dir}: no ledger folder (set CUSTODIET_DATA_DIR)")
    result = run([(settings.data_dir, "yaml")], settings, publish=False, shacl=False,
                 keep_ledger=True)
    if not result.outcome.ok or result.ledger is None:
        raise ExtractError(f"the ledger in {settings.data_dir} does not validate: run "
                           "`custodiet validate` and fix it first")
    return result.ledger


def load_known(settings: Settings) -> tuple[Ledger, Gazetteer]:
    ledger = load_ledger(settings)
    return ledger, Gazetteer.from_ledger(ledger)
