"""The bundled dataset: validates, passes SHACL, every claim located, no unused source.

Prints per-source claim counts (visible with ``pytest -s``) so curators see where evidence sits.
"""

from __future__ import annotations

from graph.docs.dataset_report import figures
from graph.pipeline import validate_ledger
from graph.settings import get_settings
from tests.conftest import DATA


def test_bundled_data_validates_and_passes_shacl() -> None:
    result = validate_ledger(DATA, get_settings(), shacl=True)
    problems = [d.format() for d in result.report.errors] + [v.format() for v in result.violations]
    assert not problems, "\n".join(problems[:30])
    unused = [d.format() for d in result.report.warnings if "not used" in d.message]
    assert not unused, "\n".join(unused)

    fig = figures(result.ledger)
    assert fig.claims_with_locator == fig.claims, "every claim has a reference with a locator"
    assert not fig.unused_sources
    assert not fig.incomplete_actions, fig.incomplete_actions
    print("\nclaims per source:")
    for source_id, count in sorted(fig.by_source.items(), key=lambda i: (-i[1], i[0])):
        print(f"  {count:4d}  {source_id}")


def test_bundled_data_meets_its_targets() -> None:
    result = validate_ledger(DATA, get_settings(), shacl=False)
    fig = figures(result.ledger)
    assert fig.entities >= 80
    assert fig.claims >= 200
    assert fig.sources >= 40
    assert fig.claims_two_independent * 4 >= fig.claims, "a quarter of claims have two sources"
    assert fig.disputes >= 1, "the dataset shows at least one contradiction"


def test_every_entity_is_labelled_in_english_and_french() -> None:
    result = validate_ledger(DATA, get_settings(), shacl=False)
    for entity in result.ledger.entities.values():
        assert entity.name.en.strip() and entity.name.fr.strip(), entity.id
