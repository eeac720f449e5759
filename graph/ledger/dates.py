"""Partial ISO dates (year, year-month, day), the precision curators actually know."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a given precision; ``start`` is its first day, for sorting and filters."""

    start: dt.date
    precision: Literal["year", "month", "day"]

    def __str__(self) -> str:
        if self.precision == "year":
            return f"{self.start.year:04d}"
        if self.precision == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Accept what YAML hands over (int year, date, or text); raise ValueError otherwise."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            return cls(value.date(), "day")
        if isinstance(value, dt.date):
            return cls(value, "day")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"bad date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        match = _PATTERN.match(value.strip())
        if not match:
            raise ValueError(f"bad date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        try:
            start = dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise ValueError(f"bad date {value!r}: {exc}") from None
        precision: Literal["year", "month", "day"] = (
            "day" if day else "month" if month else "year"
        )
        return cls(start, precision)
