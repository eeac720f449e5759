"""Cell values as messy files hold them: dates of any precision, amounts with their currency.

Each parser returns ``None`` for a blank or "unknown" cell and raises ``ValueError`` with what
was expected for anything it cannot read, so the importer can point at the cell and say so.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

MISSING = {"", "na", "n/a", "n.a.", "unknown", "none", "null", "-", "—", "?", "nd", "n.d."}
MONTHS = {name.lower(): i for i, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS.update({"sept": 9, "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4,
               "mai": 5, "juin": 6, "juillet": 7, "août": 8, "aout": 8, "septembre": 9,
               "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12})
DATE_HINT = ("write YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY (or DD/MM/YYYY with "
             "day_first: true) or '31 January 2024'")


def is_missing(text: str | None, missing: frozenset[str] | set[str] = frozenset()) -> bool:
    if text is None:
        return True
    stripped = text.strip()
    return stripped.lower() in MISSING or stripped in missing


def _date(year: int, month: int | None = None, day: int | None = None) -> str:
    dt.date(year, month or 1, day or 1)  # raises ValueError on 2024-02-30
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(text: str, *, day_first: bool = False) -> str | None:
    """An ISO 8601 date with the precision the cell has (``2020``, ``2024-01``, ``2024-01-31``)."""
    if is_missing(text):
        return None
    raw = text.strip()
    s = raw.lower().rstrip(".")
    try:
        if m := re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[t ][\d:.+z-]*)?", s):
            y, mo, d = m.groups()
            return _date(int(y), int(mo) if mo else None, int(d) if d else None)
        if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s):  # European: always day first
            return _date(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{1,2})[./](\d{4})", s):
            return _date(int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", s):
            a, b, y = int(m[1]), int(m[2]), int(m[3])
            y = y + 2000 if y < 100 else y
            day, month = (a, b) if day_first else (b, a)
            return _date(y, month, day)
        words = re.split(r"[\s,]+", s.replace("1er", "1"))
        words = [w.rstrip(".") for w in words if w]
        if len(words) == 2 and words[0] in MONTHS and words[1].isdigit():
            return _date(int(words[1]), MONTHS[words[0]])
        if len(words) == 3 and words[1] in MONTHS and words[0].isdigit() and words[2].isdigit():
            return _date(int(words[2]), MONTHS[words[1]], int(words[0]))
        if len(words) == 3 and words[0] in MONTHS and words[1].isdigit() and words[2].isdigit():
            return _date(int(words[2]), MONTHS[words[0]], int(words[1]))
    except ValueError as exc:
        raise ValueError(f"{raw!r} is not a real date ({exc})") from None
    raise ValueError(f"{raw!r} is not a date I can read")


SYMBOLS = {"€": "EUR", "£": "GBP", "us$": "USD", "c$": "CAD", "a$": "AUD", "$": "USD",
           "¥": "JPY", "₹": "INR", "₪": "ILS", "chf": "CHF", "fr.": "CHF"}
MULTIPLIERS = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "mio": 6, "million": 6, "millions": 6,
               "bn": 9, "b": 9, "mrd": 9, "billion": 9, "billions": 9, "milliard": 9,
               "milliards": 9}
AMOUNT_HINT = "write a number with an ISO 4217 currency, e.g. '10000 RON', '€20m', '1,234.50 USD'"


def _number(text: str) -> Decimal:
    t = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("'", "")
    if "," in t and "." in t:
        decimal_mark = "," if t.rfind(",") > t.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        t = t.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in t:
        parts = t.split(",")
        t = t.replace(",", "") if all(len(p) == 3 for p in parts[1:]) else t.replace(",", ".")
    try:
        return Decimal(t)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None


def parse_amount(text: str, currency: str | None = None) -> tuple[Decimal, str | None] | None:
    """``(amount, currency)``; the currency written in the cell wins over the mapping's default."""
    if is_missing(text):
        return None
    raw = text.strip()
    s = unicodedata.normalize("NFKC", raw).lower()
    found = None
    for symbol, code in SYMBOLS.items():
        if symbol in s:
            found, s = code, s.replace(symbol, " ")
            break
    iso = re.search(r"(?<![a-z])([a-z]{3})(?![a-z])", s) if found is None else None
    if iso and iso[1] not in {"mio", "mrd"} and iso[1] not in MULTIPLIERS:
        found, s = iso[1].upper(), s[:iso.start()] + " " + s[iso.end():]
    m = re.fullmatch(r"\s*(-?[\d][\d\s.,'\u00a0\u202f]*)\s*([a-z]+\.?)?\s*", s)
    if not m:
        raise ValueError(f"{raw!r} is not an amount I can read")
    number = _number(m[1].strip())
    if m[2]:
        word = m[2].rstrip(".")
        if word not in MULTIPLIERS:
            raise ValueError(f"{raw!r}: unknown unit {m[2]!r}")
        number = number.scaleb(MULTIPLIERS[word])
    number = number.normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return number, found or currency


def parse_number(text: str) -> int | Decimal | None:
    if is_missing(text):
        return None
    number = _number(text.strip())
    return int(number) if number == number.to_integral() else number
