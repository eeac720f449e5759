"""The ledger: readers that parse and locate records, and the one validator that checks them.

Layer rule: this package knows the vocabulary and nothing above it (no RDF, store, search or
faces); valid records leave it only through the sinks the caller hands to the validator.
"""

from graph.ledger.model import (
    Claim,
    Entity,
    Known,
    Ledger,
    Redirect,
    Source,
    SourceFacts,
    claim_id,
)
from graph.ledger.read_bulk import BulkReader
from graph.ledger.read_yaml import YamlReader
from graph.ledger.validator import LedgerSink, Outcome, Sink, Validator, validate

__all__ = [
    "BulkReader", "Claim", "Entity", "Known", "Ledger", "LedgerSink", "Outcome", "Redirect", "Sink",
    "Source",
    "SourceFacts", "Validator", "YamlReader", "claim_id", "validate",
]
