"""The staged CSV rows of one build → one DuckDB database, ``<store>/derived/<build id>.duckdb``.

Written under a temporary name and renamed into place before the store switches to the build,
so a reader that sees the live build id always finds its tables; a build that fails leaves the
previous database alone. After writing, every database but the new one and the live build's
is removed (the store keeps the same two builds).

Base tables hold one row per record (``entities``, ``sources``, ``claims``, ``refs`` — the
references visible in the build —, ``cases``, ``contradictions``); the listing tables are
sorted on their paging key, so a keyset page (``WHERE key > ? ORDER BY key LIMIT n``) reads one
or two row groups (DuckDB's zone maps skip the rest). See graph/derived/views.py for the reads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

import duckdb

from graph.derived.sink import COLUMNS, NULL
from graph.settings import Settings
from graph.store import open_store

FORMAT = 6  # bump when the tables change: readers ignore databases of another format
SUFFIX = ".duckdb"


def database(store_dir: Path, build_id: str) -> Path:
    """Where the derived tables of ``build_id`` live, for the store in ``store_dir``."""
    return store_dir / "derived" / f"{build_id}{SUFFIX}"


def _csv(path: Path, table: str) -> str:
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS[table].items())
    return (f"read_csv('{path / f'{table}.csv'}', header=true, columns={{{columns}}}, "
            f"nullstr='{NULL}', quote='\"', escape='\"', "
            "allow_quoted_nulls=false, parallel=false)")


# Label of an entity in a language, falling back to the other one and then to its id (as the
# dashboard and the analysis projection do).
_LABELS = """
CREATE TABLE labels AS
SELECT id, COALESCE(label_en, label_fr, id) AS en, COALESCE(label_fr, label_en, id) AS fr
FROM entities;
"""

SQL = """
CREATE TABLE meta (key VARCHAR, value VARCHAR);
CREATE TABLE entity_types AS
  SELECT id AS entity, UNNEST(string_split(types, ' ')) AS type FROM entities;
CREATE TABLE claims AS
  SELECT c.*, k.case_id, k.case_status, COALESCE(k.case_status, c.status) AS effective_status,
         COALESCE(c.date, c.start) AS "when"
  FROM claims_raw c LEFT JOIN cases k ON k.claim = c.id
  ORDER BY c.seq;
DROP TABLE claims_raw;
CREATE TABLE claim_sources AS
  SELECT DISTINCT claim, source FROM refs ORDER BY claim, source;

-- ART indexes for lookups by a handful of ids (a hub's cards, a dossier): a list of ids as
-- parameters, ``IN (?, ?, …)``, is then an index lookup (3 ms for 60 claims' references at
-- 100k, against 14-20 ms for a scan of every reference)
CREATE INDEX refs_claim ON refs (claim);
CREATE INDEX sources_id ON sources (id);
CREATE INDEX contradictions_claim ON contradictions (claim);

-- counts and facets
CREATE TABLE totals AS SELECT
  (SELECT COUNT(*) FROM entities) AS entities,
  (SELECT COUNT(*) FROM claims) AS claims,
  (SELECT COUNT(*) FROM sources) AS sources,
  (SELECT COUNT(*) FROM claims WHERE lines = 1) AS single_line_claims,
  (SELECT COUNT(*) FROM claims WHERE source_count = 1) AS single_source_claims,
  (SELECT COUNT(*) FROM claims WHERE "when" IS NOT NULL) AS dated_claims,
  (SELECT MIN("when") FROM claims) AS first_date,
  (SELECT MAX("when") FROM claims) AS last_date;
CREATE TABLE facets AS
  SELECT 'type' AS facet, type AS key, COUNT(*) AS n, NULL::BIGINT AS single
    FROM entity_types GROUP BY type
  UNION ALL
  SELECT 'predicate', predicate, COUNT(*), SUM(CASE WHEN source_count = 1 THEN 1 ELSE 0 END)
    FROM claims GROUP BY predicate
  UNION ALL
  SELECT 'country', country, COUNT(*), NULL FROM entities WHERE country IS NOT NULL
    GROUP BY country
  UNION ALL
  SELECT 'publisher', s.publisher, COUNT(DISTINCT cs.claim),
         COUNT(DISTINCT CASE WHEN c.lines = 1 THEN cs.claim END)
    FROM claim_sources cs JOIN sources s ON s.id = cs.source JOIN claims c ON c.id = cs.claim
    WHERE s.publisher IS NOT NULL GROUP BY s.publisher
  UNION ALL
  SELECT 'year', CAST(year("when") AS VARCHAR), COUNT(*), NULL FROM claims
    WHERE "when" IS NOT NULL GROUP BY year("when")
  UNION ALL
  SELECT 'source_kind', kind, COUNT(*), NULL FROM sources GROUP BY kind
  UNION ALL
  SELECT 'source_language', language, COUNT(*), NULL FROM sources WHERE language IS NOT NULL
    GROUP BY language
  UNION ALL
  SELECT 'status', COALESCE(status, ''), COUNT(*), NULL FROM claims WHERE "when" IS NOT NULL
    GROUP BY COALESCE(status, '')
  UNION ALL
  SELECT 'edge_predicate', predicate, COUNT(*), NULL FROM claims WHERE object IS NOT NULL
    GROUP BY predicate;
CREATE TABLE facets_sorted AS SELECT * FROM facets ORDER BY facet, n DESC, key;
DROP TABLE facets;
ALTER TABLE facets_sorted RENAME TO facets;

-- the timeline: every dated claim (its date, else its start), by date then id
CREATE TABLE timeline AS
  SELECT c."when" AS date, c.id AS claim,
         CASE WHEN c.date IS NOT NULL THEN c.precision ELSE c.start_precision END AS precision,
         c.date IS NULL AS from_start, c.predicate, c.subject, ls.en AS subject_label_en,
         ls.fr AS subject_label_fr, c.object, lo.en AS object_label_en,
         lo.fr AS object_label_fr, c.value, c.amount, c.currency, c.status, c.case_id,
         c.case_status, c.kind, c.source_count, c.lines, c.grade, c.known_since,
         c.amount_text
  FROM claims c JOIN labels ls ON ls.id = c.subject LEFT JOIN labels lo ON lo.id = c.object
  WHERE c."when" IS NOT NULL
  ORDER BY date, claim;

-- the same rows stored newest first: a first page of a DESC listing on a table stored ASC
-- reads every row (DuckDB's top-N cannot skip row groups then): 94 ms against 10 ms at 100k
CREATE TABLE newest AS SELECT * FROM timeline ORDER BY date DESC, claim DESC;

-- claims made by the entities of each country (the map's list), newest first, undated last
CREATE TABLE country_claims AS
  SELECT e.country, COALESCE(c.date, DATE '0001-01-01') AS sort_date, c.id AS claim, c.date,
         c.precision, c.predicate, c.subject, ls.en AS subject_label_en,
         ls.fr AS subject_label_fr, e.types, c.object, lo.en AS object_label_en,
         lo.fr AS object_label_fr, c.value, c.amount_text AS amount, c.currency, c.status,
         c.kind, c.source_count
  FROM claims c JOIN entities e ON e.id = c.subject JOIN labels ls ON ls.id = c.subject
  LEFT JOIN labels lo ON lo.id = c.object
  WHERE e.country IS NOT NULL
  ORDER BY country, sort_date DESC, claim;

-- sources with how many claims rest on each, newest first (undated last)
CREATE TABLE source_list AS
  SELECT COALESCE(s.issued, DATE '0001-01-01') AS sort_date, s.id AS source, s.kind, s.title,
         s.publisher, lp.en AS publisher_label_en, lp.fr AS publisher_label_fr, s.issued,
         s.precision, s.language, s.url, s.host, s.copy_of, s.publisher_unknown, s.reliability,
         s.sha256, s.archive, s.cites, COALESCE(n.claims, 0) AS claims
  FROM sources s LEFT JOIN labels lp ON lp.id = s.publisher
  LEFT JOIN (SELECT source, COUNT(*) AS claims FROM claim_sources GROUP BY source) n
    ON n.source = s.id
  ORDER BY sort_date DESC, source;

-- claims resting on a single independent line, by subject name
CREATE TABLE single_line AS
  SELECT ls.en AS subject_label, c.predicate, COALESCE(lo.en, c.value, '') AS object_label,
         c.id AS claim, c.subject, c.object, c.source_count, c.grade,
         (SELECT string_agg(source, ' ' ORDER BY source) FROM claim_sources cs
           WHERE cs.claim = c.id) AS sources
  FROM claims c JOIN labels ls ON ls.id = c.subject LEFT JOIN labels lo ON lo.id = c.object
  WHERE c.lines = 1
  ORDER BY subject_label, predicate, object_label, claim;

-- declared disputes (one row per pair) and every contradiction (declared, denied, found)
CREATE TABLE disputed AS
  SELECT a.id AS claim, a.disputes AS disputed_claim,
         la.en || ' — ' || a.predicate || ' — ' || COALESCE(lao.en, a.value) AS says,
         a.source_count AS sources,
         lb.en || ' — ' || b.predicate || ' — ' || COALESCE(lbo.en, b.value) AS disputed_says,
         b.source_count AS disputed_sources
  FROM claims a JOIN claims b ON b.id = a.disputes
  JOIN labels la ON la.id = a.subject LEFT JOIN labels lao ON lao.id = a.object
  JOIN labels lb ON lb.id = b.subject LEFT JOIN labels lbo ON lbo.id = b.object
  ORDER BY disputed_claim, claim;

-- publishers the graph relies on
CREATE TABLE publishers AS
  SELECT f.key AS publisher, COALESCE(lp.en, f.key) AS publisher_label,
         (SELECT COUNT(*) FROM sources s WHERE s.publisher = f.key
            AND EXISTS (SELECT 1 FROM claim_sources cs WHERE cs.source = s.id)) AS sources,
         f.n AS claims, f.single AS sole_support
  FROM facets f LEFT JOIN labels lp ON lp.id = f.key
  WHERE f.facet = 'publisher'
  ORDER BY claims DESC, publisher_label, publisher;

-- when each claim became known (graph.evidence.timing), oldest first
CREATE TABLE known AS
  SELECT c.known_since, c.id AS claim, c.subject, ls.en AS subject_label, c.predicate,
         c.object, COALESCE(lo.en, c.value, '') AS object_label, c.source_count, c.lines
  FROM claims c JOIN labels ls ON ls.id = c.subject LEFT JOIN labels lo ON lo.id = c.object
  WHERE c.known_since IS NOT NULL
  ORDER BY known_since, claim;

-- per-entity claims in both directions (profiles of hubs page through these) and summaries
CREATE TABLE entity_claims AS
  SELECT x.*, lo.en AS other_label_en, lo.fr AS other_label_fr, o.types AS other_types,
         o.country AS other_country,
         -- rank within the relation, newest first: a hub's newest claims of every relation are
         -- a range read (``rn <= n``), not a window over its tens of thousands of claims
         row_number() OVER (PARTITION BY x.entity, x.direction, x.predicate
                            ORDER BY x.sort_date DESC, x.claim) AS rn
  FROM (
    SELECT c.subject AS entity, 'out' AS direction, c.predicate,
           COALESCE(c.date, DATE '0001-01-01') AS sort_date, c.id AS claim, c.object AS other,
           c.value, c.date, c.precision, c.start, c."end", c.amount, c.currency, c.status,
           c.case_id, c.case_status, c.source_count, c.lines, c.grade, c.known_since,
           c.value_type, c.amount_text, c.kind, c.role, c.note_en, c.note_fr, c.disputes,
           c.round, c.grade_reason
    FROM claims c
    UNION ALL
    SELECT c.object, 'in', c.predicate, COALESCE(c.date, DATE '0001-01-01'), c.id, c.subject,
           NULL, c.date, c.precision, c.start, c."end", c.amount, c.currency, c.status,
           c.case_id, c.case_status, c.source_count, c.lines, c.grade, c.known_since,
           NULL, c.amount_text, c.kind, c.role, c.note_en, c.note_fr, c.disputes, c.round,
           c.grade_reason
    FROM claims c WHERE c.object IS NOT NULL) x
  LEFT JOIN labels lo ON lo.id = x.other LEFT JOIN entities o ON o.id = x.other
  ORDER BY entity, direction, predicate, sort_date DESC, claim;
CREATE TABLE entity_summary AS
  SELECT entity, direction, predicate, COUNT(*) AS claims,
         SUM(CASE WHEN lines = 1 THEN 1 ELSE 0 END) AS single_line,
         MIN(date) AS first_date, MAX(date) AS last_date
  FROM entity_claims GROUP BY entity, direction, predicate
  ORDER BY entity, direction, predicate;
-- per entity: its claims, the distinct sources they rest on, its claims with another entity
-- (a hub's key figures), most linked first (the network explorer's first picture)
CREATE TABLE entity_totals AS
  SELECT t.entity, t.claims, t.links, COALESCE(s.sources, 0) AS sources
  FROM (SELECT entity, COUNT(*) AS claims, COUNT(other) AS links FROM entity_claims
        GROUP BY entity) t
  LEFT JOIN (SELECT ec.entity, COUNT(DISTINCT cs.source) AS sources
             FROM entity_claims ec JOIN claim_sources cs ON cs.claim = ec.claim
             GROUP BY ec.entity) s ON s.entity = t.entity
  ORDER BY links DESC, entity;
-- the network explorer's first picture of a large graph: the 500 most linked entities (by
-- claims with other entities) and the claims between them, ranked so that any smaller picture
-- is a range of this table (scanning entity_claims for it costs 20-30 ms at 100k, 10x at 1M)
CREATE TABLE network_top AS
  WITH top AS (SELECT entity, row_number() OVER (ORDER BY links DESC, entity) AS rank
               FROM entity_totals WHERE links > 0 ORDER BY links DESC, entity LIMIT 500)
  SELECT GREATEST(a.rank, b.rank) AS rank, ec.claim, ec.entity AS subject, ec.predicate,
         ec.other AS object, ec.date, ec.precision, ec.start, ec."end",
         COALESCE(ec.case_status, ec.status) AS status, ec.source_count, ec.lines
  FROM entity_claims ec JOIN top a ON a.entity = ec.entity JOIN top b ON b.entity = ec.other
  WHERE ec.direction = 'out' AND ec.other <> ec.entity
  ORDER BY rank, claim;

-- what entities of each country state, per predicate (the map; one count per distinct
-- subject-predicate-object, as the triples count them)
CREATE TABLE map AS
  SELECT e.country, c.subject, e.types, c.predicate,
         COUNT(DISTINCT COALESCE(c.object, c.value)) AS claims
  FROM claims c JOIN entities e ON e.id = c.subject
  WHERE e.country IS NOT NULL
  GROUP BY e.country, c.subject, e.types, c.predicate
  ORDER BY country, subject, predicate;

-- the edges the analysis projection reads: entity-to-entity claims with their sources
CREATE TABLE edges AS
  SELECT c.id, c.subject, c.predicate, c.object, c.date, c.precision AS date_precision,
         c.start, c."end", c.effective_status AS status, c.amount, c.currency,
         COALESCE((SELECT list(source ORDER BY source) FROM claim_sources cs
                   WHERE cs.claim = c.id), []) AS sources,
         c.lines, c.known_since
  FROM claims c JOIN entities o ON o.id = c.object
  ORDER BY c.id;
"""


def publish(staging: Path, settings: Settings, build_id: str, as_of: dt.date | None) -> Path:
    """Build the database from the CSV files in ``staging``; returns its final path."""
    target = database(settings.store_dir, build_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{build_id}-{os.getpid()}{SUFFIX}"
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        con.execute("SET enable_progress_bar = false")
        try:
            con.execute("SET preserve_insertion_order = true")
            for table in ("entities", "sources", "refs", "cases", "contradictions", "redirects"):
                order = {"entities": "seq", "sources": "seq", "refs": "claim, idx"}.get(table)
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM {_csv(staging, table)}"
                            + (f" ORDER BY {order}" if order else ""))
            # Names of merged records (ledger ``redirects:``) are aliases of their target, as in
            # the RDF (skos:altLabel): appended to the target's row.
            con.execute("""UPDATE entities SET aliases = concat_ws(chr(9), entities.aliases, r.names)
                FROM (SELECT target, string_agg(aliases, chr(9) ORDER BY id) AS names
                      FROM redirects WHERE aliases IS NOT NULL GROUP BY target) r
                WHERE entities.id = r.target""")
            con.execute(f"CREATE TABLE claims_raw AS SELECT * FROM {_csv(staging, 'claims')}")
            con.execute(_LABELS)
            con.execute(SQL)
            con.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("format", str(FORMAT)), ("build_id", build_id),
                ("as_of", as_of.isoformat() if as_of else "")])
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    prune(settings, keep={build_id})
    return target


def prune(settings: Settings, keep: set[str]) -> None:
    """Remove every derived database but ``keep`` and the live build's (and killed builds'
    temporary files)."""
    with contextlib.suppress(Exception):  # the live build is only asked, never required
        info = open_store(settings).info()
        if info is not None:
            keep = keep | {info.build_id}
    root = settings.store_dir / "derived"
    if not root.is_dir():
        return
    for path in root.iterdir():
        name = path.name
        if name.startswith(".tmp-"):
            pid = name.removesuffix(SUFFIX).rpartition("-")[2]
            if pid.isdigit() and _alive(int(pid)):
                continue
        elif not name.endswith(SUFFIX) or name.removesuffix(SUFFIX) in keep:
            continue
        with contextlib.suppress(OSError):
            path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
