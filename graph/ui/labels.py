"""Words for classes, predicates, statuses, dates and amounts, in the reader's language.

Class, predicate and status labels are the ontology's (``graph.vocabulary``); this module only
picks the language and formats numbers and partial dates the way each language writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from graph.namespaces import XSD
from graph.vocabulary import load_vocabulary

PRECISION_CHARS = {"year": 4, "month": 7, "day": 10}


def class_label(name: str, lang: str) -> str:
    term = load_vocabulary().classes.get(name)
    return term.label_in(lang) if term else name


def predicate_label(name: str, lang: str, *, inverse: bool = False) -> str:
    """'invested in', or with ``inverse`` the label of the other direction: 'investors'."""
    term = load_vocabulary().predicates.get(name)
    if term is None:
        return name
    return term.inverse_label_in(lang) if inverse else term.label_in(lang)


def status_label(notation: str | None, lang: str) -> str:
    if not notation:
        return ""
    term = load_vocabulary().statuses.get(notation)
    return term.label_in(lang) if term else notation


def kind_label(kind: str | None, lang: str) -> str:
    """An order kind's label (formal notice ...), or the free text of other kinds (awards)."""
    if not kind:
        return ""
    term = load_vocabulary().order_kinds.get(kind)
    return term.label_in(lang) if term else kind


def entity_types(types: Iterable[str]) -> list[str]:
    """The entity's ontology classes without the root class, most specific first."""
    vocab = load_vocabulary()
    names = {t for t in types if t and t != "Entity"}
    return sorted(names, key=lambda t: (-len(vocab.ancestors(t)), t))


def primary_type(types: Iterable[str]) -> str:
    """The most specific class (deepest in the hierarchy), used for colours and legends."""
    ordered = entity_types(types)
    return ordered[0] if ordered else "Entity"


def format_date(value: str | None, precision: str | None = None) -> str:
    """An ISO date cut to what is known: '2021', '2021-02' or '2021-02-10'."""
    if not value:
        return ""
    return value[: PRECISION_CHARS.get(precision or "day", 10)]


def _decimal(value: str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_number(value: str | None, lang: str) -> str:
    number = _decimal(value)
    if number is None:
        return value or ""
    text = f"{number:,.2f}".rstrip("0").rstrip(".") if number % 1 else f"{number:,.0f}"
    if lang == "fr":  # French groups digits with a narrow no-break space and uses a decimal comma
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_amount(amount: str | None, currency: str | None, lang: str) -> str:
    if amount in (None, ""):
        return ""
    return f"{format_number(amount, lang)} {currency or ''}".strip()


def format_value(value: str | None, value_type: str | None, lang: str) -> str:
    """A value predicate's object: numbers grouped, dates cut, text as is."""
    if not value:
        return ""
    if value_type in {XSD + "decimal", XSD + "integer", XSD + "double"}:
        return format_number(value, lang)
    return value


# The build writes a locator's text in English ("section “X”, ¶ 3, line 4, chars 10–20");
# its parts are translated here rather than stored once per language.
_LOCATOR_FR = (
    (re.compile(r"section “([^”]*)”"), "section « \\1 »"),
    (re.compile(r"\bline (\d+)"), "ligne \\1"),
    (re.compile(r"\bchars (\d+)–(\d+)"), "caractères \\1–\\2"),
)


def format_locator(text: str | None, lang: str) -> str:
    """Where in the source, in the reader's language."""
    if not text:
        return ""
    if lang == "fr":
        for pattern, replacement in _LOCATOR_FR:
            text = pattern.sub(replacement, text)
    return text


def url_host(url: object) -> str:
    """The host of an http(s) URL ('www.' dropped), '' for anything else (a path, NaN, None)."""
    if not isinstance(url, str) or not url.strip():
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def amount_number(value: object) -> float | None:
    """An amount as a number for sorting and CSV (None when absent or not a number)."""
    number = _decimal(value if isinstance(value, str) else None)
    return float(number) if number is not None else None


def format_compact(value: float, currency: str, lang: str) -> str:
    """A large amount in few characters for key figures: '95.7 M EUR', '1.2 bn USD'."""
    for size, unit in ((1e9, {"en": "bn", "fr": "Md"}), (1e6, {"en": "M", "fr": "M"}),
                       (1e3, {"en": "k", "fr": "k"})):
        if abs(value) >= size:
            text = f"{value / size:.1f}".removesuffix(".0")
            text = text.replace(".", ",") if lang == "fr" else text
            return f"{text} {unit.get(lang, unit['en'])} {currency}".strip()
    return format_amount(f"{value:.2f}", currency, lang)
