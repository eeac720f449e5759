"""Qualifier parsers: dates with their precision, amounts with their currency, statuses.

Each parser returns spans (character offsets in the text it was given) so that the engine can
pick the qualifier nearest to a trigger and the review shows where it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from graph.extract.rules import NUMBER, Rules

_THOUSANDS = re.compile(r"^\d{1,3}(?:[\u00a0\u202f ,.]\d{3})+$")


@dataclass(frozen=True)
class DateSpan:
    """A date found in text: ISO value at its precision; ``inferred`` when the year was guessed."""

    start: int
    end: int
    value: str
    precision: str
    inferred: bool = False


@dataclass(frozen=True)
class AmountSpan:
    start: int
    end: int
    amount: Decimal
    currency: str | None


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def parse_number(text: str, rules: Rules) -> Decimal | None:
    """'18 000' → 18000, '7,5' (fr) → 7.5, '250,000' (en) → 250000, 'dix milliards' → 1e10."""
    text = text.strip()
    for prefix in ("plus de ", "more than ", "over ", "près de ", "nearly ", "environ ", "about ",
                   "quelque "):
        if text.casefold().startswith(prefix):
            text = text[len(prefix):]
    match = re.match(rf"^({NUMBER}|[^\W\d]+)\s*(.*)$", text)
    if not match:
        return None
    head, tail = match.group(1), match.group(2).strip()
    if head.casefold() in rules.number_words:
        value = Decimal(rules.number_words[head.casefold()])
    elif _THOUSANDS.match(head) and not (rules.decimal_separator in head
                                         and head.count(rules.decimal_separator) == 1
                                         and len(head.split(rules.decimal_separator)[1]) != 3):
        value = Decimal(re.sub(r"[^\d]", "", head))
    else:
        try:
            value = Decimal(head.replace(",", "."))
        except InvalidOperation:
            return None
    if tail:
        factor = rules.multipliers.get(tail) or rules.multipliers.get(tail.casefold())
        if factor is None:
            return None
        value *= factor
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def find_amounts(text: str, rules: Rules) -> list[AmountSpan]:
    """Amounts with a currency: '18 000 $', '250 000 euros', '17 millions de livres sterling',
    '$30m', '£7.5 million'."""
    words = _alt(rules.number_words)
    mult = _alt(rules.multipliers)
    cur = _alt(rules.currencies)
    joiners = _alt(rules.currency_joiners) if rules.currency_joiners else None
    number = rf"(?P<num>(?:{NUMBER}|\b(?:{words})\b)(?:\s*(?:{mult})\b)?)"
    join = rf"(?:\s*(?:{joiners})\s*)?" if joiners else r"\s*"
    after = re.compile(rf"{number}{join}\s*(?P<cur>{cur})(?![\w])", re.I)
    before = re.compile(rf"(?P<cur>{cur})\s?(?P<num>{NUMBER}(?:\s*(?:{mult})\b)?)", re.I)
    found: list[AmountSpan] = []
    taken: list[tuple[int, int]] = []
    for pattern in (before, after):
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = parse_number(m.group("num"), rules)
            if value is None:
                continue
            currency = _currency(m.group("cur"), rules)
            found.append(AmountSpan(m.start(), m.end(), value, currency))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda a: a.start)


def _currency(word: str, rules: Rules) -> str | None:
    for key, code in rules.currencies.items():
        if key.casefold() == word.casefold():
            return code
    return None


def find_dates(text: str, rules: Rules, default_year: int | None = None) -> list[DateSpan]:
    """Dates in reading order; a month without a year takes the latest year written before it
    (or ``default_year``), marked ``inferred``."""
    months = _alt(rules.months)
    prefixes = "en|in|since|depuis|dès|au|début|fin|early|late"
    year = r"(?P<y>(?:19[5-9]\d|20[0-4]\d))(?![\d\u00a0\u202f]|\s\d{3}\b)"
    patterns = [
        ("day", re.compile(rf"\b(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<m>{months})\.?\s+{year}", re.I)),
        ("day", re.compile(rf"\b(?P<m>{months})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{year}", re.I)),
        ("month", re.compile(rf"\b(?P<m>{months})\.?\s+(?:de\s+|of\s+)?{year}", re.I)),
        ("month", re.compile(rf"\b(?:{prefixes})\s+(?P<m>{months})\b(?!\s*\d)", re.I)),
        ("year", re.compile(rf"(?<![\d.,/-]){year}", re.I)),
    ]
    spans: list[DateSpan] = []
    taken: list[tuple[int, int]] = []
    raw: list[tuple[int, int, str, re.Match[str]]] = []
    for precision, pattern in patterns:
        for m in pattern.finditer(text):
            bare_month = precision == "month" and m.groupdict().get("y") is None
            s, e = (m.start("m"), m.end()) if bare_month else (m.start(), m.end())
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            raw.append((s, e, precision, m))
    raw.sort(key=lambda r: r[0])
    last_year = default_year
    for s, e, precision, m in raw:
        groups = m.groupdict()
        y = groups.get("y")
        month = rules.months.get((groups.get("m") or "").casefold().rstrip("."))
        if y is not None:
            last_year = int(y)
        if precision == "day" and y and month:
            day = int(groups["d"])
            if 1 <= day <= 31:
                spans.append(DateSpan(s, e, f"{int(y):04d}-{month:02d}-{day:02d}", "day"))
        elif precision == "month" and month and y:
            spans.append(DateSpan(s, e, f"{int(y):04d}-{month:02d}", "month"))
        elif precision == "month" and month and last_year is not None:
            spans.append(DateSpan(s, e, f"{last_year:04d}-{month:02d}", "month", inferred=True))
        elif precision == "year" and y:
            spans.append(DateSpan(s, e, f"{int(y):04d}", "year"))
    return spans


def find_status(text: str, rules: Rules) -> str | None:
    """The first status whose words occur in ``text`` (the order of the rules file decides)."""
    for status, pattern in rules.statuses:
        if pattern.search(text):
            return status
    return None
