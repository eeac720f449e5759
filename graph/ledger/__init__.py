"""The curated ledger: YAML files in, validated records and located diagnostics out."""

from graph.ledger.load import LoadResult, load_ledger

__all__ = ["LoadResult", "load_ledger"]
