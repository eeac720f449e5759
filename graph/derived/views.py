"""Reading the live build's derived tables: counts, facets and listings with keyset paging.

``open_derived`` finds the database of the live build id (None when there is none: before the
first build, a build made before derived tables existed, or a remote store read from another
machine; callers then fall back to SPARQL). Listings are read a page at a time: ``after`` is
the cursor a previous page returned (``Page.next``, the last row's sort key as JSON), so page n
costs what page 1 costs, and every row comes exactly once.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from graph.derived.tables import FORMAT, database
from graph.settings import Settings, get_settings
from graph.store import Store, open_store

MAX_LIMIT = 10_000
NETWORK_TOP = 500  # entities of the precomputed first picture (graph/derived/tables.py)
Filter = str | list[str] | tuple[str, ...] | None


@dataclass(frozen=True)
class Listing:
    """A sorted table read page by page; ``key`` is its sort order: (column, descending, type)."""

    table: str
    key: tuple[tuple[str, bool, str], ...]
    description: str
    filters: tuple[str, ...] = ()  # keyword filters the listing accepts (see ``Derived.page``)


LISTINGS: dict[str, Listing] = {
    "timeline": Listing("timeline", (("date", False, "DATE"), ("claim", False, "VARCHAR")),
                        "dated claims (date, else start) with labels en/fr, precision, status "
                        "and case status, oldest first", ("start", "end", "entity")),
    "newest": Listing("newest", (("date", True, "DATE"), ("claim", True, "VARCHAR")),
                      "the timeline newest first", ("start", "end", "entity")),
    "sources": Listing("source_list", (("sort_date", True, "DATE"), ("source", False, "VARCHAR")),
                       "sources with host, copy of, publisher and how many claims rest on each, "
                       "newest first", ("publisher", "kind")),
    "single-line": Listing("single_line", (("subject_label", False, "VARCHAR"),
                                           ("predicate", False, "VARCHAR"),
                                           ("object_label", False, "VARCHAR"),
                                           ("claim", False, "VARCHAR")),
                           "claims resting on one independent line of evidence, by subject name",
                           ("predicate",)),
    "disputed": Listing("disputed", (("disputed_claim", False, "VARCHAR"),
                                     ("claim", False, "VARCHAR")),
                        "declared disputes, one row per pair"),
    "publishers": Listing("publishers", (("claims", True, "BIGINT"),
                                         ("publisher_label", False, "VARCHAR"),
                                         ("publisher", False, "VARCHAR")),
                          "publishers with their cited sources, the claims resting on them and "
                          "those resting on them alone"),
    "known": Listing("known", (("known_since", False, "DATE"), ("claim", False, "VARCHAR")),
                     "claims by the date they became known (earliest publication of their "
                     "evidence); with `on`, those known on that date", ("on",)),
    "contradictions": Listing("contradictions", (("claim", False, "VARCHAR"),
                                                 ("other", False, "VARCHAR"),
                                                 ("kind", False, "VARCHAR")),
                              "every contradiction: declared, denied, incompatible", ("kind",)),
    "map": Listing("map", (("country", False, "VARCHAR"), ("subject", False, "VARCHAR"),
                           ("predicate", False, "VARCHAR")),
                   "per entity with a country: its classes and its claims per predicate",
                   ("country",)),
    "country-claims": Listing("country_claims", (("country", False, "VARCHAR"),
                                                 ("sort_date", True, "DATE"),
                                                 ("claim", False, "VARCHAR")),
                              "claims made by the entities of a country, newest first (undated "
                              "last), with the subject's classes", ("country", "predicate", "types")),
    "entity-claims": Listing("entity_claims", (("direction", False, "VARCHAR"),
                                               ("predicate", False, "VARCHAR"),
                                               ("sort_date", True, "DATE"),
                                               ("claim", False, "VARCHAR")),
                             "one entity's claims in both directions (needs `entity`)",
                             ("entity", "direction", "predicate")),
}

# filter name -> SQL condition on the listing's table (one ``?`` parameter)
_TIMELINE = {"start": "date >= CAST(? AS DATE)", "end": "date <= CAST(? AS DATE)",
             "entity": "(subject = ? OR object = ?)", "predicate": "predicate = ?",
             "status": "COALESCE(status, '') = ?",
             "from_start": "from_start = CAST(? AS BOOLEAN)"}
# A source's title, publisher names and id as ``graph.search.normalize`` folds text (lower case,
# no accents, runs of anything but letters and digits as one space): the sources page's search.
_SOURCE_TEXT = ("contains(trim(regexp_replace(strip_accents(lower(concat_ws(' ', title, "
                "publisher_label_en, publisher_label_fr, source))), '[^\\pL\\pN]+', ' ', 'g')), ?)")
_FILTERS: dict[str, dict[str, str]] = {
    "timeline": _TIMELINE,
    "newest": _TIMELINE,
    "sources": {"publisher": "publisher = ?", "kind": "kind = ?", "language": "language = ?",
                "text": _SOURCE_TEXT, "source": "source = ?",
                "cites": "list_contains(string_split(cites, ' '), ?)"},
    "map": {"country": "country = ?"},
    "country-claims": {"country": "country = ?", "predicate": "predicate = ?",
                       "types": "list_contains(string_split(types, ' '), ?)"},
    "single-line": {"predicate": "predicate = ?"},
    "known": {"on": "known_since <= CAST(? AS DATE)"},
    "contradictions": {"kind": "kind = ?"},
    "entity-claims": {"entity": "entity = ?", "direction": "direction = ?",
                      "predicate": "predicate = ?"},
}


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    next: str | None  # pass as ``after`` for the next page; None on the last page


INDEX_LOOKUPS = 100  # up to this many ids, ``IN (?, ?, …)``; more, a join


def _in(column: str, values: list[str]) -> tuple[str, list[Any]]:
    """``column IN (…)`` for a list of ids. Up to INDEX_LOOKUPS ids, one parameter each: DuckDB
    looks them up in the column's ART index (60 claims' references: 4-6 ms at 100k claims,
    against 9-12 ms for the join); for hundreds, the join with the list (``IN (SELECT
    UNNEST(?))``, a scan) is faster than as many lookups (500 ids: 20 ms against 70-80)."""
    if len(values) <= INDEX_LOOKUPS:
        return f"{column} IN ({', '.join('?' * len(values))})", list(values)
    return f"{column} IN (SELECT UNNEST(?))", [list(values)]


def _iso_dates(row: tuple[Any, ...], dates: list[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in dates:
        if values[i] is not None:
            values[i] = values[i].isoformat()
    return tuple(values)


def cursor_after(name: str, row: dict[str, Any]) -> str:
    """The cursor that makes ``page(name, after=…)`` start after ``row`` (a row of the
    listing's table, sort key columns included)."""
    return json.dumps([_json(row[c]) for c, _, _ in LISTINGS[name].key])


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


class Derived:
    """The derived tables of one build (read-only; safe to share between threads)."""

    def __init__(self, path: Path, build_id: str) -> None:
        self.path = path
        self.build_id = build_id
        self._con = duckdb.connect(str(path), read_only=True)

    def close(self) -> None:
        self._con.close()

    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self._cursor()
        try:
            result = cursor.execute(sql, params or [])
            names = [d[0] for d in result.description]
            rows = result.fetchall()
            # Dates as ISO text, converted here per date column: a value-by-value conversion of
            # every row cost more than the query (network picture: 80 ms, 27 of them DuckDB).
            dates = [i for i, d in enumerate(result.description) if str(d[1]) == "DATE"]
            if dates:
                rows = [_iso_dates(row, dates) for row in rows]
            return [dict(zip(names, row, strict=True)) for row in rows]
        finally:
            cursor.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """One per call: a DuckDB connection is not thread-safe. No progress bar on stdout."""
        cursor = self._con.cursor()
        cursor.execute("SET enable_progress_bar = false")
        return cursor

    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.query("SELECT key, value FROM meta")}

    # -- counts and facets ------------------------------------------------------------------
    def totals(self) -> dict[str, Any]:
        return self.query("SELECT * FROM totals")[0]

    def facet(self, name: str) -> list[dict[str, Any]]:
        """``type``, ``predicate``, ``country``, ``publisher``, ``year``, ``source_kind``,
        ``source_language``, ``status`` (of dated claims) or ``edge_predicate`` (claims between
        two entities): (key, n, single) rows, largest first (``single``: single-source claims for
        predicates, single-line claims for publishers)."""
        return self.query("SELECT key, n, single FROM facets WHERE facet = ? ORDER BY n DESC, key",
                          [name])

    # -- listings ---------------------------------------------------------------------------
    def page(self, name: str, *, after: str | None = None, limit: int = 100,
             columns: tuple[str, ...] | None = None, **filters: Filter) -> Page:
        """One page of the listing ``name`` (see LISTINGS), after the cursor ``after``.

        A filter given a list or tuple matches any of its values (an empty one matches none).
        ``columns`` narrows the rows (and the read: a page of 500 timeline rows took 59 ms
        with every column, DuckDB materialising each one); the sort key always comes along.
        """
        listing = LISTINGS[name]
        limit = max(1, min(int(limit), MAX_LIMIT))
        where, params = _where(name, filters)
        if after:
            values = json.loads(after)
            if not isinstance(values, list) or len(values) != len(listing.key):
                raise ValueError(f"a cursor of {name!r} is a JSON list of {len(listing.key)} "
                                 "values (the `next` of the previous page)")
            clause, more = _after(listing.key, values)
            where.append(clause)
            params += more
        order = ", ".join(f'"{c}"{" DESC" if desc else ""}' for c, desc, _ in listing.key)
        wanted = "*" if not columns else ", ".join(
            f'"{c}"' for c in dict.fromkeys([*columns, *(k for k, _, _ in listing.key)]))
        sql = (f"SELECT {wanted} FROM {listing.table}" + (" WHERE " + " AND ".join(where) if where else "")
               + f" ORDER BY {order} LIMIT {limit + 1}")
        rows = self.query(sql, params)
        more_rows = len(rows) > limit
        rows = rows[:limit]
        cursor = cursor_after(name, rows[-1]) if more_rows and rows else None
        for row in rows:
            row.pop("sort_date", None)
            row.pop("rn", None)
        return Page(rows, cursor)

    def count(self, name: str, **filters: Filter) -> int:
        """How many rows the listing ``name`` holds under ``filters`` (every page together)."""
        where, params = _where(name, filters)
        sql = (f"SELECT COUNT(*) AS n FROM {LISTINGS[name].table}"
               + (" WHERE " + " AND ".join(where) if where else ""))
        return int(self.query(sql, params)[0]["n"])

    def entity_summary(self, entity: str) -> list[dict[str, Any]]:
        """Counts of an entity's claims by direction and predicate (with single-line counts
        and the date range): a hub's profile shows these, then pages through its claims."""
        return list(self.query(
            "SELECT direction, predicate, claims, single_line, first_date, last_date "
            "FROM entity_summary WHERE entity = ? ORDER BY direction, predicate", [entity]))

    # -- an entity's profile (hubs) ---------------------------------------------------------
    def entity_head(self, entity: str, per_relation: int) -> list[dict[str, Any]]:
        """The newest ``per_relation`` claims of each (direction, predicate) of ``entity``: a
        hub's profile shows every relation at once, then pages through one with ``page``."""
        return self.query(
            "SELECT * EXCLUDE (rn) FROM entity_claims WHERE entity = ? AND rn <= ? "
            "ORDER BY sort_date DESC, claim", [entity, int(per_relation)])

    def entity_claim(self, entity: str, claim: str) -> dict[str, Any] | None:
        """One claim of ``entity`` as its subject (an ``entity_claims`` row), or None."""
        rows = self.query("SELECT * EXCLUDE (rn) FROM entity_claims WHERE entity = ? "
                          "AND direction = 'out' AND claim = ?", [entity, claim])
        return rows[0] if rows else None

    def entity_totals(self, entity: str) -> dict[str, int]:
        """``claims``, ``links`` (claims with another entity) and distinct ``sources``."""
        rows = self.query("SELECT claims, links, sources FROM entity_totals WHERE entity = ?",
                          [entity])
        return {k: int(v) for k, v in rows[0].items()} if rows else {
            "claims": 0, "links": 0, "sources": 0}

    def entity_amounts(self, entity: str, direction: str, predicates: list[str]
                       ) -> dict[str, float]:
        """Amounts of ``entity``'s claims of ``predicates`` summed per currency."""
        rows = self.query(
            "SELECT COALESCE(currency, '') AS currency, SUM(amount) AS total FROM entity_claims "
            "WHERE entity = ? AND direction = ? AND list_contains(?, predicate) "
            "AND amount IS NOT NULL GROUP BY 1 ORDER BY 1", [entity, direction, predicates])
        return {str(r["currency"]): float(r["total"]) for r in rows}

    def entity_others(self, entity: str, predicates: list[str]) -> int:
        """How many distinct entities ``entity``'s claims of ``predicates`` name."""
        rows = self.query("SELECT COUNT(DISTINCT other) AS n FROM entity_claims WHERE "
                          "entity = ? AND list_contains(?, predicate)", [entity, predicates])
        return int(rows[0]["n"])

    def references(self, claims: list[str]) -> list[dict[str, Any]]:
        """The visible references of ``claims`` with their sources' facts, in reference order.

        Two index lookups (references by claim, then their sources by id): a join of the two
        in one query scanned every source."""
        if not claims:
            return []
        where, params = _in("claim", claims)
        refs = self.query("SELECT claim, idx, source, locator, stance FROM refs WHERE "
                          f"{where} ORDER BY claim, idx", params)
        ids = sorted({str(r["source"]) for r in refs})
        where, params = _in("s.id", ids)
        facts = {str(r["id"]): r for r in self.query(
            "SELECT s.id, s.title, s.issued, s.precision AS issued_precision, s.url, "
            "s.publisher, lp.en AS publisher_label_en, lp.fr AS publisher_label_fr, s.copy_of, "
            f"s.host FROM sources s LEFT JOIN labels lp ON lp.id = s.publisher WHERE {where}",
            params)} if ids else {}
        empty: dict[str, Any] = {}
        return [r | {k: v for k, v in facts.get(str(r["source"]), empty).items() if k != "id"}
                for r in refs]

    def contradictions_of(self, claims: list[str]) -> list[dict[str, Any]]:
        """(claim, other, kind) rows of every contradiction touching ``claims``."""
        if not claims:
            return []
        where, params = _in("claim", claims)
        return self.query(f"SELECT claim, other, kind FROM contradictions WHERE {where} "
                          "ORDER BY claim, other", params)

    # -- the map ----------------------------------------------------------------------------
    def map_counts(self, types: list[str] | None = None, predicates: list[str] | None = None
                   ) -> list[dict[str, Any]]:
        """Per country: ``claims`` (summed over the map's rows) and distinct ``actors``, for
        subjects of any of ``types`` and claims of ``predicates`` (None: all), largest first."""
        where, params = self._map_where(types, predicates)
        return self.query(
            "SELECT country, SUM(claims) AS claims, COUNT(DISTINCT subject) AS actors FROM map"
            + where + " GROUP BY country ORDER BY claims DESC, country", params)

    def map_relations(self, types: list[str] | None = None) -> list[str]:
        """The predicates the map's subjects of ``types`` state."""
        where, params = self._map_where(types, None)
        return [str(r["predicate"]) for r in self.query(
            "SELECT DISTINCT predicate FROM map" + where + " ORDER BY predicate", params)]

    @staticmethod
    def _map_where(types: list[str] | None, predicates: list[str] | None
                   ) -> tuple[str, list[Any]]:
        where, params = [], []
        if types is not None:
            where.append("list_has_any(string_split(types, ' '), ?)")
            params.append(list(types))
        if predicates is not None:
            where.append("list_contains(?, predicate)")
            params.append(list(predicates))
        return (" WHERE " + " AND ".join(where) if where else ""), params

    # -- the network explorer on a large graph -------------------------------------------
    def network(self, limit: int, *, focus: str | None = None, radius: int = 1,
                predicates: list[str] | None = None, min_lines: int = 1,
                date_from: str | None = None, date_to: str | None = None,
                include_undated: bool = True, types: list[str] | None = None,
                countries: list[str] | None = None
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(entities, claims between them) of a bounded picture of the claims graph: the
        ``limit`` entities with the most claims with other entities under the filters (or, with
        ``focus``, the entities it is most linked to, within ``radius`` claims), read from
        ``entity_claims`` without building the whole graph. Filters as the analysis projection
        applies them: relations, independent lines, date (else start) range, both ends of one
        of ``types`` (classes as stored: pass subclasses too), either end in ``countries``."""
        where, params = self._network_where(predicates, min_lines, date_from, date_to,
                                            include_undated, types, countries)
        base = ("FROM entity_claims ec"
                + (" JOIN entities a ON a.id = ec.entity" if types or countries else "")
                + " WHERE ec.other IS NOT NULL AND ec.other <> ec.entity" + where)
        if focus is None and not where:  # the first picture: a range of a precomputed table
            chosen = [str(r["entity"]) for r in self.query(
                "SELECT entity FROM entity_totals WHERE links > 0 ORDER BY links DESC, entity "
                "LIMIT ?", [int(limit)])]
            if limit <= NETWORK_TOP:
                return self._nodes(chosen), self.query(
                    "SELECT * EXCLUDE (rank) FROM network_top WHERE rank <= ? ORDER BY claim",
                    [int(limit)])
        elif focus is None:
            chosen = [str(r["id"]) for r in self.query(
                f"SELECT ec.entity AS id {base} GROUP BY ec.entity "
                "ORDER BY COUNT(*) DESC, ec.entity LIMIT ?", [*params, int(limit)])]
        else:
            chosen, ring = [focus], [focus]
            for _ in range(max(1, radius)):
                if len(chosen) >= limit or not ring:
                    break
                found = self.query(
                    f"SELECT ec.other AS id {base} AND ec.entity IN (SELECT UNNEST(?)) "
                    "AND NOT list_contains(?, ec.other) GROUP BY ec.other "
                    "ORDER BY COUNT(*) DESC, ec.other LIMIT ?",
                    [*params, ring, chosen, int(limit) - len(chosen)])
                ring = [str(r["id"]) for r in found]
                chosen += ring
        if not chosen:
            return [], []
        nodes = self._nodes(chosen)
        edges = self.query(
            "SELECT ec.claim, ec.entity AS subject, ec.predicate, ec.other AS object, ec.date, "
            "ec.precision, ec.start, ec.\"end\", COALESCE(ec.case_status, ec.status) AS status, "
            f"ec.source_count, ec.lines {base} AND ec.direction = 'out' "
            "AND ec.entity IN (SELECT UNNEST(?)) AND ec.other IN (SELECT UNNEST(?)) "
            "ORDER BY ec.claim", [*params, chosen, chosen])
        return nodes, edges

    def _nodes(self, entities: list[str]) -> list[dict[str, Any]]:
        return self.query("SELECT id, label_en, label_fr, types, country FROM entities "
                          "WHERE id IN (SELECT UNNEST(?)) ORDER BY id", [entities])

    @staticmethod
    def _network_where(predicates: list[str] | None, min_lines: int, date_from: str | None,
                       date_to: str | None, include_undated: bool, types: list[str] | None,
                       countries: list[str] | None) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if predicates is not None:
            where.append("list_contains(?, ec.predicate)")
            params.append(list(predicates))
        if min_lines > 1:
            where.append("COALESCE(ec.lines, ec.source_count) >= ?")
            params.append(int(min_lines))
        when = "COALESCE(ec.date, ec.start)"
        if date_from or date_to:
            bounds = []
            if date_from:
                bounds.append(f"{when} >= CAST(? AS DATE)")
                params.append(date_from)
            if date_to:
                bounds.append(f"{when} <= CAST(? AS DATE)")
                params.append(date_to)
            undated = f" OR {when} IS NULL" if include_undated else ""
            where.append("((" + " AND ".join(bounds) + ")" + undated + ")")
        elif not include_undated:
            where.append(f"{when} IS NOT NULL")
        if types:
            where.append("list_has_any(string_split(a.types, ' '), ?) "
                         "AND list_has_any(string_split(ec.other_types, ' '), ?)")
            params += [list(types), list(types)]
        if countries:
            where.append("(list_contains(?, a.country) OR list_contains(?, ec.other_country))")
            params += [list(countries), list(countries)]
        return "".join(f" AND {w}" for w in where), params

    def edge_predicates(self) -> list[str]:
        """The relations of claims between two entities (the explorer's relation filter)."""
        return sorted(str(r["key"]) for r in self.facet("edge_predicate"))

    # -- the analysis projection's rows -----------------------------------------------------
    def projection_rows(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]],
                                       list[tuple[Any, ...]]]:
        """(entities, sources, edges) rows as ``graph.analysis.projection`` folds them."""
        cursor = self._cursor()
        try:
            entities = cursor.execute(
                "SELECT id, label_en, label_fr, types, country, aliases FROM entities "
                "ORDER BY id").fetchall()
            sources = cursor.execute(
                "SELECT id, CAST(issued AS VARCHAR), publisher FROM sources ORDER BY id"
            ).fetchall()
            edges = cursor.execute(
                "SELECT id, subject, predicate, object, CAST(date AS VARCHAR), "
                "CAST(start AS VARCHAR), CAST(\"end\" AS VARCHAR), status, amount, currency, "
                "array_to_string(sources, chr(9)), date_precision, lines, "
                "CAST(known_since AS VARCHAR) FROM edges").fetchall()  # stored in id order
        finally:
            cursor.close()
        return entities, sources, edges


def _where(name: str, filters: dict[str, Filter]) -> tuple[list[str], list[Any]]:
    """The SQL conditions and parameters of a listing's keyword filters (None: no filter)."""
    known = _FILTERS.get(name, {})
    where: list[str] = []
    params: list[Any] = []
    for key, value in filters.items():
        if value is None:
            continue
        if key not in known:
            raise ValueError(f"listing {name!r} takes no filter {key!r}; it takes: "
                             f"{', '.join(known) or 'none'}")
        condition = known[key]
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if not values:
            where.append("FALSE")
            continue
        for one in values:
            params += [one] * condition.count("?")
        where.append("(" + " OR ".join([condition] * len(values)) + ")")
    if name == "entity-claims" and not filters.get("entity"):
        raise ValueError("the listing 'entity-claims' needs entity=<id>")
    return where, params


def _after(key: tuple[tuple[str, bool, str], ...], values: list[Any]) -> tuple[str, list[Any]]:
    """The keyset condition 'sorts after ``values``' for a mixed-direction key."""
    ors, params = [], []
    for i, (column, desc, kind) in enumerate(key):
        parts = []
        for prior, _, prior_kind in key[:i]:
            parts.append(f'"{prior}" = CAST(? AS {prior_kind})')
        parts.append(f'"{column}" {"<" if desc else ">"} CAST(? AS {kind})')
        params += [*values[:i], values[i]]
        ors.append("(" + " AND ".join(parts) + ")")
    # The leading column's bound alone lets DuckDB skip row groups (the table is stored sorted).
    column, desc, kind = key[0]
    bound = f'"{column}" {"<=" if desc else ">="} CAST(? AS {kind})'
    return "(" + bound + " AND (" + " OR ".join(ors) + "))", [values[0], *params]


# -- finding the live build's tables -------------------------------------------------------
_lock = threading.Lock()
_open: dict[Path, Derived] = {}


def _store_root(store: Store, settings: Settings | None) -> Path:
    dirs = getattr(store, "dirs", None)
    if dirs is not None and isinstance(getattr(dirs, "root", None), Path):
        return Path(dirs.root)
    own = getattr(store, "settings", None)
    if isinstance(own, Settings):
        return own.store_dir
    return (settings or get_settings()).store_dir


def open_derived(settings: Settings | None = None, store: Store | None = None,
                 build_id: str | None = None) -> Derived | None:
    """The derived tables of the live build (or of ``build_id``), or None when there are none."""
    if store is None:
        settings = settings or get_settings()
        store = open_store(settings)
    if build_id is None:
        info = store.info()
        if info is None:
            return None
        build_id = info.build_id
    root = _store_root(store, settings)
    path = database(root, build_id)
    with _lock:
        hit = _open.get(path)
        if not path.is_file():  # pruned or removed: an open connection would serve stale rows
            return None
        if hit is not None:
            return hit
        try:
            derived = Derived(path, build_id)
            if derived.meta().get("format") != str(FORMAT):
                derived.close()
                return None
        except duckdb.Error:
            return None
        for old_path in list(_open):  # one build per store folder stays open (a thread still
            if old_path.parent == path.parent:  # reading the old one keeps its connection)
                del _open[old_path]
        _open[path] = derived
        return derived


def clear_cache() -> None:
    with _lock:
        for derived in _open.values():
            derived.close()
        _open.clear()
