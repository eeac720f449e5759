"""The derived ledgers' YAML emitter: whatever a record holds reads back identical."""

from __future__ import annotations

import yaml

from graph.importers.store import Records, yaml_text


def test_tricky_values_round_trip() -> None:
    records = Records()
    records.entities["x"] = {
        "id": "x", "types": ["Vendor"], "name": {"en": "yes", "fr": "Foo: bar"},
        "aliases": ["#tag", "a #b", "2024", "- dash", "@at", "null", "O'Brien", "ok,", "Ünïcødé",
                    "trailing ", " leading", "tab\there", "quote \"x\"", "back\\slash", "[list]",
                    "{map}", "*star", "&amp", "!bang", "%pct", "a: b", "~"]}
    records.claims["c"] = {"id": "c", "subject": "x", "predicate": "p", "value": 12.5,
                           "amount": "1200.5", "date": "2024-01-31", "note": {"en": "two\nlines"},
                           "refs": [{"source": "s", "locator": {"line": 3, "chars": [1, 2]}}]}
    back = yaml.safe_load(yaml_text(records, "header\n\nmore"))
    assert back == {"entities": [records.entities["x"]], "claims": [records.claims["c"]]}
