"""Source URLs as they should be recorded: without tracking parameters, and not a listing page.

The rules are data (graph/schema/urls.yaml). Tracking parameters carry no meaning for the
document, differ for every reader who shared the link, and make equal URLs look different, so
they are removed at validation (the curator is told, with the clean URL to paste). A URL that
is a listing (``…/page/4/``, a tag page) cannot locate evidence: it is flagged, not changed.
HTML-escaped separators (``&amp;`` and its percent-encoded ``&amp%3B``) are read as ``&``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ruamel.yaml import YAML

from graph.vocabulary import SCHEMA_DIR

RULES = SCHEMA_DIR / "urls.yaml"


@dataclass(frozen=True)
class UrlRules:
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    listings: tuple[re.Pattern[str], ...]

    def is_tracking(self, name: str) -> bool:
        lowered = name.lower()
        return lowered in self.exact or lowered.startswith(self.prefixes)


@lru_cache(maxsize=1)
def rules() -> UrlRules:
    data = YAML(typ="safe").load(RULES.read_text(encoding="utf-8"))
    tracking = data["tracking_parameters"]
    return UrlRules(frozenset(p.lower() for p in tracking["exact"]),
                    tuple(p.lower() for p in tracking["prefixes"]),
                    tuple(re.compile(p) for p in data["listing_patterns"]))


def clean(url: str) -> tuple[str, list[str]]:
    """The URL without tracking parameters, and the names of those removed."""
    parts = urlsplit(url)
    if not parts.query:
        return url, []
    query = re.sub(r"&amp(%3B|;)", "&", parts.query, flags=re.I)
    kept: list[tuple[str, str]] = []
    removed: list[tuple[str, str]] = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        (removed if rules().is_tracking(name) else kept).append((name, value))
    if not removed and query == parts.query:
        return url, []
    query = urlencode(kept, safe=":/@!$'()*+,;=")
    rebuilt = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    return rebuilt, [name for name, _ in removed]


def is_listing(url: str) -> bool:
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    return any(p.search(target) for p in rules().listings)


def host(url: str) -> str:
    """The host a reader would see, without ``www.``."""
    name = urlsplit(url).hostname or ""
    return name.removeprefix("www.")
