"""The pipeline on the French source and the English gold documents: precision and recall stay
at or above the figures reported in docs/extraction.md (measured, never asserted for speed)."""

from __future__ import annotations

import pytest

from graph.extract.document import read_document
from graph.extract.engine import extract
from graph.extract.evaluate import by_language, evaluate
from graph.extract.mentions import Gazetteer
from graph.ledger import Ledger
from tests.extract.conftest import FRENCH, GOLD

# (precision, recall) as reported in docs/extraction.md; a change that lowers one fails here.
REPORTED = {
    ("fr", "entities"): (1.00, 0.94),
    ("fr", "claims"): (1.00, 0.82),
    ("fr", "claims with qualifiers"): (1.00, 0.82),
    ("en", "entities"): (0.50, 0.89),
    ("en", "claims"): (0.57, 0.36),
    ("en", "claims with qualifiers"): (0.29, 0.18),
}


@pytest.fixture(scope="module")
def scores(known: tuple[Ledger, Gazetteer]) -> dict[str, dict[str, object]]:
    return by_language(evaluate(GOLD, known[1]))  # type: ignore[return-value]


@pytest.mark.parametrize(("language", "measure"), sorted(REPORTED))
def test_quality_stays_at_the_reported_figures(scores: dict, language: str, measure: str) -> None:
    score = scores[language][measure]
    precision, recall = REPORTED[(language, measure)]
    assert round(score.precision, 2) >= precision, (language, measure, score)
    assert round(score.recall, 2) >= recall, (language, measure, score)


def test_teasers_and_reader_comments_give_no_claim(known: tuple[Ledger, Gazetteer]) -> None:
    doc = read_document(str(FRENCH))
    ex = extract(doc, known[1])
    end_of_article = sum(len(line) + 1 for line in doc.text.split("\n")[:30])
    assert ex.body[1] <= end_of_article
    assert ex.claims and all(c.chars[1] <= end_of_article for c in ex.claims)
    assert all(m.end <= end_of_article for m in ex.mentions)


def test_every_claim_locates_its_evidence(known: tuple[Ledger, Gazetteer]) -> None:
    doc = read_document(str(FRENCH))
    for claim in extract(doc, known[1]).claims:
        start, end = claim.chars
        assert doc.text.count("\n", 0, start) + 1 == claim.line
        assert claim.trigger[0] >= start and claim.trigger[1] <= end
        assert 0.0 < claim.confidence < 1.0
