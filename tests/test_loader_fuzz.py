"""Arbitrary YAML never crashes the loader: it yields diagnostics, not tracebacks."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from graph.ledger import YamlReader, validate
from graph.vocabulary import load_vocabulary

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
    st.sampled_from(["2021-13-01", "clearview-ai", "fined", "EUR", "Vendor", "2021", "x: y"]),
)
keys = st.sampled_from(["id", "types", "name", "subject", "predicate", "object", "value", "refs",
                        "date", "amount", "currency", "source", "locator", "kind", "en", "fr",
                        "entities", "claims", "sources", "cites", "chars", "junk"])
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)), max_leaves=25)
ledger_like = st.dictionaries(st.sampled_from(["entities", "sources", "claims", "other"]),
                              st.lists(documents, max_size=3), max_size=3)


def _validate(path: Path) -> list:
    """The one validator over the YAML reader, as `custodiet validate` runs it."""
    return validate([(path, YamlReader())], load_vocabulary(), path.parent).report.items


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=st.one_of(ledger_like, documents))
def test_structured_garbage_gives_diagnostics(tmp_path: Path, document: object) -> None:
    path = tmp_path / "fuzz.yaml"
    with path.open("w") as handle:
        YAML().dump(document, handle)
    for item in _validate(path):
        assert item.line >= 1 and item.col >= 1 and item.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_raw_text_gives_diagnostics(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    assert all(d.line >= 1 for d in _validate(path))
