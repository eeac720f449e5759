"""The qualifier and attribution parsers, in French and English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.extract.document import Document, ExtractError, detect_language
from graph.extract.engine import extract, split_sentences
from graph.extract.mentions import Gazetteer
from graph.extract.qualifiers import find_amounts, find_dates, find_status, parse_number
from graph.extract.rules import load_rules
from graph.ledger import Ledger

FR, EN = load_rules("fr"), load_rules("en")


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("un accord de licence de 18 000 $ a été conclu", "18000", "USD"),
    ("une amende de 250 000 euros pour", "250000", "EUR"),
    ("une amende de plus de 17 millions de livres sterling", "17000000", "GBP"),
    ("valorisée quelque 130 millions de dollars", "130000000", "USD"),
    ("une amende de 20 millions d’euros", "20000000", "EUR"),
    ("une amende de 7,5 millions de livres", "7500000", "GBP"),
])
def test_french_amounts(text: str, amount: str, currency: str) -> None:
    [found] = find_amounts(text, FR)
    assert (found.amount, found.currency) == (Decimal(amount), currency)
    assert text[found.start:found.end].strip()


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("the company raised $30m in a round", "30000000", "USD"),
    ("fined £7.5m and ordered", "7500000", "GBP"),
    ("a $224,000 contract", "224000", "USD"),
    ("a €20 million fine", "20000000", "EUR"),
    ("a fine of 17 million pounds", "17000000", "GBP"),
])
def test_english_amounts(text: str, amount: str, currency: str) -> None:
    [found] = find_amounts(text, EN)
    assert (found.amount, found.currency) == (Decimal(amount), currency)


def test_numbers_in_words_and_with_thousands_separators() -> None:
    assert parse_number("dix milliards", FR) == Decimal(10_000_000_000)
    assert parse_number("2 228", FR) == 2228
    assert parse_number("more than 600", EN) == 600
    assert parse_number("10 billion", EN) == Decimal(10_000_000_000)
    assert find_amounts("2 228 clients et 10 milliards de photos", FR) == []  # no currency


@pytest.mark.parametrize(("text", "value", "precision"), [
    ("le 30 décembre 2021.", "2021-12-30", "day"),
    ("En février 2020, Interpol", "2020-02", "month"),
    ("Fondée en 2017 et", "2017", "year"),
    ("rendu public en juin 2021", "2021-06", "month"),
    ("le 1er mars 2022", "2022-03-01", "day"),
])
def test_french_dates(text: str, value: str, precision: str) -> None:
    [found] = find_dates(text, FR)
    assert (found.value, found.precision, found.inferred) == (value, precision, False)


@pytest.mark.parametrize(("text", "value", "precision"), [
    ("Washington (February 9, 2022) – Senators", "2022-02-09", "day"),
    ("announced on 29 November 2021", "2021-11-29", "day"),
    ("In August 2021, the", "2021-08", "month"),
    ("since 2019", "2019", "year"),
])
def test_english_dates(text: str, value: str, precision: str) -> None:
    [found] = find_dates(text, EN)
    assert (found.value, found.precision) == (value, precision)


def test_a_month_without_year_takes_the_last_year_written_before_it() -> None:
    dates = find_dates("En février 2021, l’IMY … En novembre, l’ICO …", FR)
    assert [(d.value, d.inferred) for d in dates] == [("2021-02", False), ("2021-11", True)]
    assert find_dates("En novembre, l’ICO", FR) == []  # no year anywhere: no date


def test_numbers_are_not_years() -> None:
    assert find_dates("Clearview comptait 2 228 clients", FR) == []
    assert find_dates("a $2,020 fee", EN) == []


def test_statuses() -> None:
    assert find_status("l’ICO a recommandé d’imposer une amende", FR) == "proposed"
    assert find_status("la société a fait appel de la décision", FR) == "appealed"
    assert find_status("a provisional intent to fine", EN) == "proposed"
    assert find_status("the tribunal overturned the fine", EN) == "overturned"


def _doc(text: str, lang: str) -> Document:
    return Document(text, "test", "text", "0" * 64, language=lang)


@pytest.mark.parametrize(("text", "lang", "speaker"), [
    ("D’après Buzzfeed News, en février 2020, le FBI utilisait Clearview AI.\n", "fr", "buzzfeed-news"),
    ("Selon le New York Times, le FBI utilisait Clearview.\n", "fr", "new-york-times"),
    ("According to Reuters, the FBI used Clearview AI in 2021.\n", "en", "reuters"),
    ("According to the New York Times, the FBI used Clearview AI in 2020.\n", "en", "new-york-times"),
])
def test_attribution_proposes_the_primary_source(text: str, lang: str, speaker: str | None,
                                                 known: tuple[Ledger, Gazetteer]) -> None:
    ex = extract(_doc(text, lang), known[1], whole=True)
    [claim] = [c for c in ex.claims if c.predicate == "customer_of"]
    assert (claim.subject, claim.object) == ("fbi", "clearview-ai")
    assert claim.attributed_to == speaker
    assert [c.entity for c in ex.citations] == ([speaker] if speaker else [])
    if speaker:
        assert claim.status == "reported"


def test_elided_and_possessive_names(known: tuple[Ledger, Gazetteer]) -> None:
    gaz = known[1]
    text = "l’ICO du Royaume-Uni, du FBI, Clearview’s app, Macy’s, ice cream, the ICE"
    found = [(m.text, m.entity) for m in gaz.find(text)]
    assert ("ICO", "ico") in found and ("FBI", "fbi") in found
    assert ("Clearview", "clearview-ai") in found and ("Macy’s", "macys") in found
    assert ("ICE", "ice") in found and ("ice", "ice") not in found  # acronyms keep capitals


def test_sentences_keep_abbreviations_and_english_names() -> None:
    text = "M. Ton-That a parlé. Le F.B.I. a signé. Sen. Markey wrote to the U.S. Army today.\n"
    spans = split_sentences(text, 0, len(text), FR)
    assert [text[s:e] for s, e in spans][:2] == ["M. Ton-That a parlé.", "Le F.B.I. a signé."]


def test_language_detection() -> None:
    assert detect_language("La CNIL a mis en demeure la société de cesser la collecte des "
                           "données des personnes en France.") == "fr"
    assert detect_language("The Information Commissioner's Office fined the company and "
                           "ordered it to delete the data of people in the UK.") == "en"
    with pytest.raises(ExtractError):
        detect_language("Clearview")
