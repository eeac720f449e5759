"""The claims graph as a networkx multigraph: one node per entity, one edge per claim.

Three named queries (``graph/queries/analysis-*.rq``) read every entity, every entity-to-entity
claim and every source in one pass each; the filters (predicates, entity types, minimum number
of independent sources, a date) are then applied in Python, so one read of the store serves
every variant and ``cached_project`` can keep the raw rows per build id.

Edges are keyed by claim id so a path or a centrality score can always be traced back to the
claims and sources behind it. Value claims (``valued_at`` a number ...) are not edges and are
left out.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

import networkx as nx

from graph.analysis.gcpause import paused_gc
from graph.derived.views import Derived, open_derived
from graph.named_queries import get_query
from graph.namespaces import ONT, PROV, RDF
from graph.store import Store, StoreError
from graph.vocabulary import Vocabulary, load_vocabulary


@dataclass(frozen=True)
class EntityRow:
    id: str
    label_en: str
    label_fr: str
    types: tuple[str, ...]
    country: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class SourceRow:
    id: str
    issued: str | None
    publisher: str | None


@dataclass(frozen=True)
class ClaimRow:
    id: str
    subject: str
    predicate: str
    object: str
    date: str | None
    start: str | None
    end: str | None
    status: str | None
    amount: float | None
    currency: str | None
    sources: tuple[str, ...]
    date_precision: str | None = None  # year | month | day: ``date`` is the period's first day
    lines: int | None = None  # independent lines of evidence (graph.evidence.lines), per build
    known_since: str | None = None  # earliest publication of its evidence (graph.evidence.timing)


@dataclass(frozen=True)
class ClaimsData:
    """The raw rows of one build: everything a projection needs, read once."""

    entities: dict[str, EntityRow]
    claims: tuple[ClaimRow, ...]
    sources: dict[str, SourceRow]
    build_id: str | None = None


def _split(text: str | None, sep: str) -> tuple[str, ...]:
    return tuple(sorted(unquote(p) for p in text.split(sep) if p)) if text else ()


def load_claims_data(store: Store) -> ClaimsData:
    """Read entities, claims and sources: from the live build's derived tables when it has
    them (graph.derived), else with three SPARQL queries (no per-row query)."""
    with paused_gc():
        info = store.info()
        derived = open_derived(store=store, build_id=info.build_id) if info else None
        if derived is not None:
            return _from_derived(derived)
        return _load_claims_data(store)


def _from_derived(derived: Derived) -> ClaimsData:
    """The same rows as the three queries, from the build's tables (see graph/derived)."""
    entity_rows, source_rows, edge_rows = derived.projection_rows()
    entities = {}
    for ident, en, fr, types, country, aliases in entity_rows:
        entities[ident] = EntityRow(
            id=ident, label_en=en or fr or ident, label_fr=fr or en or ident,
            types=tuple(sorted(set((types or "").split()))), country=country,
            aliases=tuple(sorted({a for a in (aliases or "").split("\t") if a})))
    sources = {ident: SourceRow(ident, issued, publisher)
               for ident, issued, publisher in source_rows}
    claims = tuple(
        ClaimRow(id=cid, subject=subject, predicate=predicate, object=obj, date=date,
                 start=start, end=end, status=status, amount=amount, currency=currency,
                 sources=tuple(srcs.split("\t")) if srcs else (), date_precision=precision, lines=lines,
                 known_since=known)
        for (cid, subject, predicate, obj, date, start, end, status, amount, currency, srcs,
             precision, lines, known) in edge_rows
        if subject in entities and obj in entities)
    return ClaimsData(entities, claims, sources, derived.build_id)


def _load_claims_data(store: Store) -> ClaimsData:
    info = store.info()  # before the reads: a build published meanwhile gets a new key
    entities = {}
    for row in store.select(get_query("analysis-entities").render()).rows:
        ident = unquote(row["entity"] or "")
        if not ident:
            continue
        entities[ident] = EntityRow(
            id=ident,
            label_en=row.get("label_en") or row.get("label_fr") or ident,
            label_fr=row.get("label_fr") or row.get("label_en") or ident,
            types=_split(row.get("types"), " "),
            country=row.get("country"),
            aliases=tuple(sorted(a for a in (row.get("aliases") or "").split("\t") if a)),
        )
    sources = {}
    for row in store.select(get_query("analysis-sources").render()).rows:
        ident = unquote(row["source"] or "")
        if ident:
            publisher = row.get("publisher")
            sources[ident] = SourceRow(ident, row.get("issued"),
                                       unquote(publisher) if publisher else None)
    claims = _claims(store.select(get_query("analysis-claims").render()).rows, entities)
    return ClaimsData(entities, tuple(claims), sources, info.build_id if info else None)


_PROPERTY = {  # the long rows of analysis-claims.rq: property IRI -> field of ClaimRow
    RDF + "subject": "subject", RDF + "predicate": "predicate", RDF + "object": "object",
    ONT + "date": "date", ONT + "datePrecision": "date_precision", ONT + "startDate": "start",
    ONT + "endDate": "end", ONT + "amount": "amount", ONT + "currency": "currency",
    ONT + "status": "status", PROV + "wasDerivedFrom": "sources",
    ONT + "caseStatus": "case_status", ONT + "independentSourceCount": "lines",
    ONT + "knownSince": "known_since",
}


def _after(iri: str, marker: str) -> str:
    return unquote(iri.rpartition(marker)[2])


def _claims(rows: list[dict[str, str | None]], entities: dict[str, EntityRow]
            ) -> tuple[ClaimRow, ...]:
    """Fold the (claim, property, value) rows into one ClaimRow per entity-to-entity claim."""
    statuses = {term.iri: notation for notation, term in load_vocabulary().statuses.items()}
    fields: dict[str, dict[str, object]] = {}
    for row in rows:
        claim, prop, value = row["claim"], row["property"], row["value"]
        if claim is None or prop is None or value is None or prop not in _PROPERTY:
            continue
        name = _PROPERTY[prop]
        record = fields.setdefault(claim, {"sources": []})
        if name == "sources":
            record["sources"].append(_after(value, "/source/"))  # type: ignore[attr-defined]
        else:
            record[name] = value
    claims = []
    for iri, record in fields.items():
        if "subject" not in record or "object" not in record:
            continue  # a source's datePrecision, not a claim
        subject = _after(str(record["subject"]), "/entity/")
        obj = _after(str(record["object"]), "/entity/")
        if subject not in entities or obj not in entities:
            continue  # a value claim (the object is a literal) or a dangling reference
        amount = record.get("amount")
        status = record.get("case_status") or record.get("status")  # a case's status wins
        lines = record.get("lines")
        claims.append(ClaimRow(
            id=_after(iri, "/claim/"), subject=subject,
            predicate=str(record.get("predicate", "")).rpartition("#")[2], object=obj,
            date=_opt(record.get("date")), start=_opt(record.get("start")),
            end=_opt(record.get("end")), status=statuses.get(str(status)) if status else None,
            amount=float(str(amount)) if amount is not None else None,
            currency=_opt(record.get("currency")),
            sources=tuple(sorted(record["sources"])),  # type: ignore[call-overload]
            date_precision=_opt(record.get("date_precision")),
            lines=int(str(lines)) if lines is not None else None,
            known_since=_opt(record.get("known_since")),
        ))
    claims.sort(key=lambda c: c.id)
    return tuple(claims)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _iso(value: dt.date | str | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else dt.date.fromisoformat(value).isoformat()


def _valid_on(claim: ClaimRow, day: str) -> bool:
    """A claim holds on ``day`` when it had happened or begun by then and had not ended.

    Partial dates are stored at the first day of their period (``2021`` is 2021-01-01), so a
    claim dated only by its year counts from the first of January of that year.
    """
    if claim.date and claim.date > day:
        return False
    if claim.start and claim.start > day:
        return False
    return not (claim.end and claim.end < day)


def _expand_types(names: Iterable[str] | None, vocab: Vocabulary) -> set[str] | None:
    """Entity classes asked for, checked against the vocabulary (subclasses match later)."""
    if names is None:
        return None
    wanted = set(names)
    unknown = wanted - set(vocab.entity_classes)
    if unknown:
        raise ValueError(f"unknown entity type(s) {sorted(unknown)}; known: "
                         f"{', '.join(vocab.entity_classes)}")
    return wanted


def _check_predicates(names: Iterable[str] | None, vocab: Vocabulary) -> set[str] | None:
    if names is None:
        return None
    wanted = set(names)
    relations = sorted(n for n, p in vocab.predicates.items() if not p.is_value)
    unknown = wanted - set(relations)
    if unknown:
        raise ValueError(f"unknown relation predicate(s) {sorted(unknown)}; known: "
                         f"{', '.join(relations)}")
    return wanted


def build_projection(
    data: ClaimsData,
    *,
    predicates: Iterable[str] | None = None,
    entity_types: Iterable[str] | None = None,
    min_sources: int = 1,
    as_of: dt.date | str | None = None,
    lang: str = "en",
    isolates: bool = False,
) -> nx.MultiDiGraph:
    """The projection of already-read rows (pure: used by ``project`` and by the benchmarks).

    ``min_sources`` counts *independent lines of evidence* as the build computed them
    (docs/evidence.md), capped after the ``as_of`` cut by the distinct publishers left. With
    ``as_of``, a claim is kept when it holds on that date (see ``_valid_on``), was known by then
    (``ont:knownSince``) and at least one of its sources was published by then (sources of
    unknown date count as published); later sources are dropped from the edge. ``isolates``
    keeps entities that have no kept claim. O(N + E).
    """
    with paused_gc():
        return _build_projection(data, predicates, entity_types, min_sources, as_of, lang,
                                 isolates)


def _build_projection(data: ClaimsData, predicates: Iterable[str] | None,
                      entity_types: Iterable[str] | None, min_sources: int,
                      as_of: dt.date | str | None, lang: str, isolates: bool) -> nx.MultiDiGraph:
    vocab = load_vocabulary()
    wanted_predicates = _check_predicates(predicates, vocab)
    wanted_types = _expand_types(entity_types, vocab)
    day = _iso(as_of)
    type_ok: dict[str, bool] = {}

    def keep_entity(ident: str) -> bool:
        if ident not in type_ok:
            row = data.entities.get(ident)
            if row is None:
                type_ok[ident] = False
            elif wanted_types is None:
                type_ok[ident] = True
            else:
                type_ok[ident] = any(wanted_types & vocab.ancestors(t) for t in row.types)
        return type_ok[ident]

    graph = nx.MultiDiGraph(lang=lang)
    if data.build_id:
        graph.graph["build_id"] = data.build_id
    if day:
        graph.graph["as_of"] = day

    def add_node(ident: str) -> None:
        if ident in graph:
            return
        row = data.entities[ident]
        graph.add_node(ident, label=row.label_fr if lang == "fr" else row.label_en,
                       label_en=row.label_en, label_fr=row.label_fr, types=list(row.types),
                       country=row.country, aliases=list(row.aliases))

    for claim in data.claims:
        if wanted_predicates is not None and claim.predicate not in wanted_predicates:
            continue
        if not (keep_entity(claim.subject) and keep_entity(claim.object)):
            continue
        sources = list(claim.sources)
        if day is not None:
            if not _valid_on(claim, day) or (claim.known_since or "") > day:
                continue
            sources = [s for s in sources
                       if not (s in data.sources and (data.sources[s].issued or "") > day)]
            if not sources:
                continue
        # Independent lines as the build counted them (copies and citations collapsed); after
        # an as-of cut, no more than the distinct publishers left, a safe upper bound.
        publishers = len({(data.sources[s].publisher if s in data.sources else None) or s
                          for s in sources})
        independent = min(claim.lines, publishers) if claim.lines is not None else publishers
        if independent < min_sources:
            continue
        add_node(claim.subject)
        add_node(claim.object)
        graph.add_edge(claim.subject, claim.object, key=claim.id, predicate=claim.predicate,
                       claim=claim.id, sources=sources, source_count=len(sources),
                       independent_source_count=independent, date=claim.date,
                       date_precision=claim.date_precision,
                       start=claim.start, end=claim.end, status=claim.status,
                       amount=claim.amount, currency=claim.currency)
    if isolates:
        for ident in data.entities:
            if keep_entity(ident):
                add_node(ident)
    return graph


def project(
    store: Store,
    *,
    predicates: Iterable[str] | None = None,
    entity_types: Iterable[str] | None = None,
    min_sources: int = 1,
    as_of: dt.date | str | None = None,
    lang: str = "en",
    isolates: bool = False,
) -> nx.MultiDiGraph:
    """Read the store (three queries) and project it; a fresh, mutable graph every call."""
    return build_projection(load_claims_data(store), predicates=predicates,
                            entity_types=entity_types, min_sources=min_sources, as_of=as_of,
                            lang=lang, isolates=isolates)


# -- caching ---------------------------------------------------------------------------------
# Keyed on the build id: a build is immutable, so the rows and the graphs made from them stay
# right until `current` points at another build. Small LRUs bound memory (a 100k-claim
# projection is ~100 MB).
_DATA_SLOTS = 2
_GRAPH_SLOTS = 8
_lock = threading.Lock()
_data_cache: OrderedDict[str, ClaimsData] = OrderedDict()
_graph_cache: OrderedDict[tuple[object, ...], nx.MultiDiGraph] = OrderedDict()


def _remember(cache: OrderedDict, key: object, value: object, slots: int) -> None:  # type: ignore[type-arg]
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > slots:
        cache.popitem(last=False)


def cached_claims_data(store: Store) -> ClaimsData:
    """The rows of the live build, read once per build id."""
    info = store.info()
    if info is None:
        raise StoreError("no build yet: run `custodiet build` first")
    with _lock:
        hit = _data_cache.get(info.build_id)
        if hit is not None:
            _data_cache.move_to_end(info.build_id)
            return hit
    data = load_claims_data(store)
    with _lock:
        _remember(_data_cache, info.build_id, data, _DATA_SLOTS)
    return data


def cached_project(
    store: Store,
    *,
    predicates: Iterable[str] | None = None,
    entity_types: Iterable[str] | None = None,
    min_sources: int = 1,
    as_of: dt.date | str | None = None,
    lang: str = "en",
    isolates: bool = False,
) -> nx.MultiDiGraph:
    """Like ``project`` but cached per (build id, options); the graph is frozen (read-only).

    Call ``.copy()`` on the result before changing it. The dashboard and the endpoint call this
    on every request, so only the first call after a build pays for the queries.
    """
    data = cached_claims_data(store)
    key = (data.build_id, None if predicates is None else tuple(sorted(set(predicates))),
           None if entity_types is None else tuple(sorted(set(entity_types))),
           min_sources, _iso(as_of), lang, isolates)
    with _lock:
        hit = _graph_cache.get(key)
        if hit is not None:
            _graph_cache.move_to_end(key)
            return hit
    graph = nx.freeze(build_projection(data, predicates=predicates, entity_types=entity_types,
                                       min_sources=min_sources, as_of=as_of, lang=lang,
                                       isolates=isolates))
    with _lock:
        _remember(_graph_cache, key, graph, _GRAPH_SLOTS)
    return graph


def clear_cache() -> None:
    """Forget every cached build (tests; a long-lived process never needs it)."""
    with _lock:
        _data_cache.clear()
        _graph_cache.clear()
