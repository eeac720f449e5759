"""Media types the endpoint speaks, and choosing one from ``Accept`` or a ``format`` parameter.

Starlette has no content negotiation, and the rules are small enough (RFC 9110 §12.5.1: the most
specific matching range gives an offer its q; highest q wins, ties go to the server's order) that
a hand-written parser is clearer than another dependency.
"""

from __future__ import annotations

from dataclasses import dataclass

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"
JSONLD = "application/ld+json"
HTML = "text/html"


@dataclass(frozen=True)
class Offers:
    """What one kind of answer can be written as: canonical types in preference order, the
    other media types clients send for them, and the short names of the ``format`` parameter."""

    types: tuple[str, ...]
    aliases: dict[str, str]
    names: dict[str, str]

    def from_format(self, value: str) -> str | None:
        """The canonical type a ``format`` value means: a short name, a media type, or a list of
        media types (SPARQLWrapper sends its whole Accept list, ``application/ld+json,application/
        x-json+ld``, as one value); the first item this kind of answer knows wins."""
        for item in value.split(","):
            name = item.split(";", 1)[0].strip().lower()
            found = name if name in self.types else self.names.get(name) or self.aliases.get(name)
            if found:
                return found
        return None


RESULTS = Offers(
    types=(JSON_RESULTS, XML_RESULTS, CSV, TSV),
    aliases={
        "application/json": JSON_RESULTS,
        "text/javascript": JSON_RESULTS,
        "application/javascript": JSON_RESULTS,
        "application/xml": XML_RESULTS,
        "text/xml": XML_RESULTS,
    },
    names={"json": JSON_RESULTS, "srj": JSON_RESULTS, "xml": XML_RESULTS, "srx": XML_RESULTS,
           "csv": CSV, "tsv": TSV},
)
GRAPHS = Offers(
    types=(TURTLE, NTRIPLES, RDFXML, JSONLD),
    aliases={
        "application/x-turtle": TURTLE,
        "application/turtle": TURTLE,
        "text/n3": TURTLE,  # Turtle is a subset of N3: what N3 clients read
        "text/rdf+n3": TURTLE,
        "application/n3": TURTLE,
        "text/plain": NTRIPLES,
        "application/xml": RDFXML,
        "text/xml": RDFXML,
        "application/json": JSONLD,
        "application/x-json+ld": JSONLD,
    },
    # "rdf+xml" and "json-ld" are SPARQLWrapper's names (RDFXML, JSONLD), sent as `format`.
    names={"ttl": TURTLE, "turtle": TURTLE, "n3": TURTLE, "nt": NTRIPLES, "ntriples": NTRIPLES,
           "n-triples": NTRIPLES, "rdf": RDFXML, "rdfxml": RDFXML, "rdf+xml": RDFXML,
           "xml": RDFXML, "jsonld": JSONLD, "json-ld": JSONLD, "json": JSONLD},
)
# Linked-data pages: HTML first so browsers and `*/*` get a page; RDF for everyone who asks.
PAGES = Offers(
    types=(HTML, *GRAPHS.types),
    aliases={"application/xhtml+xml": HTML, **GRAPHS.aliases},
    names={"html": HTML, **GRAPHS.names},
)


# A graph query asked for in a results-only format answers in the graph format closest to it
# (JSON -> JSON-LD, XML -> RDF/XML) instead of 406: SPARQLWrapper and rdflib's SPARQLStore ask
# for one format for every query form, and read the answer by its Content-Type.
GRAPH_FALLBACK = {JSON_RESULTS: JSONLD, XML_RESULTS: RDFXML, CSV: TURTLE, TSV: TURTLE}
# Likewise an ASK asked for as CSV or TSV, which define no boolean (SPARQL 1.1 CSV/TSV covers
# SELECT only): rdflib's SPARQLStore(returnFormat="csv") reads `text/csv` with its CSV results
# parser and would hand its user an empty SELECT instead of the answer; so the writer of
# boolean results (graph.sparql.execute.write_boolean) answers them in SPARQL JSON.
BOOLEAN_FALLBACK = {CSV: JSON_RESULTS, TSV: JSON_RESULTS}


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs; malformed parts are skipped, not fatal."""
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> tuple[int, float]:
    """(specificity, q) of the most specific range matching ``media``; (-1, 0) if none does."""
    kind = media.split("/", 1)[0]
    best = (-1, 0.0)
    for pattern, q in ranges:
        if pattern == media:
            rank = 2
        elif pattern == f"{kind}/*":
            rank = 1
        elif pattern == "*/*":
            rank = 0
        else:
            continue
        if rank > best[0]:
            best = (rank, q)
    return best


_CACHE: dict[tuple[int, str], str | None] = {}
_CACHE_SIZE = 512


def negotiate(accept: str | None, offers: Offers) -> str | None:
    """The canonical type to answer with, or None when nothing acceptable can be produced.

    Clients send the same few ``Accept`` headers over and over, so answers are memoised."""
    if not accept or not accept.strip():
        return offers.types[0]
    key = (id(offers), accept)
    if key in _CACHE:
        return _CACHE[key]
    chosen = _negotiate(accept, offers)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = chosen
    return chosen


def _negotiate(accept: str, offers: Offers) -> str | None:
    ranges = parse_accept(accept)
    if not ranges:
        return offers.types[0]
    best: tuple[float, str] | None = None
    for canonical in offers.types:
        names = [canonical] + [a for a, c in offers.aliases.items() if c == canonical]
        q = 0.0
        for name in names:
            rank, quality = _quality(name, ranges)
            # An exact mention of an alias counts as much as the canonical name itself.
            if rank >= 0:
                q = max(q, quality)
        if q > 0 and (best is None or q > best[0]):
            best = (q, canonical)
    return best[1] if best else None
