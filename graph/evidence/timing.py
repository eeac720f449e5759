"""Two kinds of time: when a fact held, and when it became known.

``known_since`` is the publication date of the earliest supporting source, crediting a copy to
its original (a mirror republished in 2024 does not make a 2020 report news in 2024). A graph
"as of" a date keeps only claims that had happened and were published by then, with the
references published by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from graph.evidence.lines import original
from graph.ledger.dates import PartialDate
from graph.ledger.model import Claim, SourceFacts


def published(source: str, sources: Mapping[str, SourceFacts]) -> PartialDate | None:
    """The original's publication date, else the copy's own."""
    first = sources.get(original(source, sources))
    own = sources.get(source)
    return (first.published if first and first.published else None) or (
        own.published if own else None)


def known_since(claim: Claim, sources: Mapping[str, SourceFacts]) -> PartialDate | None:
    """The earliest publication among the claim's supporting sources and its own ``published``
    date (an authority's announcement makes its decision known, whoever reported it later).
    Undated sources cannot make it earlier, so they are left out."""
    refs = (r.source for r in claim.refs if r.stance != "denies")
    dates = [d for d in (published(s, sources) for s in refs) if d is not None]
    if claim.published is not None:
        dates.append(claim.published)
    return min(dates) if dates else None


def visible_refs(claim: Claim, sources: Mapping[str, SourceFacts], as_of: dt.date | None
                 ) -> list[int]:
    """Indexes of the claim's references published by ``as_of`` (an undated source counts:
    nothing says it came later)."""
    keep = []
    for index, ref in enumerate(claim.refs):
        when = published(ref.source, sources)
        if as_of is None or when is None or when.start <= as_of:
            keep.append(index)
    return keep


def happened_by(claim: Claim, as_of: dt.date | None) -> bool:
    when = claim.date or claim.start
    return as_of is None or when is None or when.start <= as_of
