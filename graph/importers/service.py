"""Importing a file end to end: convert, validate through the one pipeline, merge with what an
earlier version brought, resolve against the graph, and write — all or nothing.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.diagnostics import Diagnostic, did_you_mean, display_path
from graph.importers.convert import Conversion, Converter, Record, RowWhere
from graph.importers.mapping import Mapping, MappingError, load_mapping, mapping_columns
from graph.importers.store import (
    ImportPaths,
    Records,
    Staged,
    decisions_path,
    history_text,
    import_names,
    imports_dir,
    jsonl_text,
    load_history,
    read_records,
    redirects_path,
    yaml_text,
)
from graph.importers.tables import Row, TableError, read_table, table_format
from graph.ledger import YamlReader
from graph.ledger.positions import Where
from graph.ledger.raw import Progress, RawRecord
from graph.pipeline import run
from graph.resolve import Candidate, Decision, DecisionLog, EntityInfo, Matcher, canonical_map
from graph.resolve.match import is_auto
from graph.settings import Settings, get_settings

AUTO_WHO = "custodiet import (automatic)"


class RecordsReader:
    """A ``Reader`` over records already in memory, each located where it came from."""

    name = "import"
    hint = "give a table file"

    def __init__(self, records: Sequence[tuple[str, dict[str, Any], Where]]) -> None:
        self.records = records

    def files(self, path: Path) -> list[Path]:
        return [path]

    def read(self, file: Path, diagnostics: list[Diagnostic],
             progress: Progress | None = None) -> Iterator[RawRecord]:
        for kind, data, where in self.records:
            yield RawRecord(kind, data, where, where.of(["id"])[0])


@dataclass
class ImportResult:
    name: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    rows: int = 0
    bad_rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    changes: dict[str, list[str]] = field(default_factory=dict)
    auto: list[Decision] = field(default_factory=list)
    review: list[Candidate] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    ok: bool = False

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- importing a table ------------------------------------------------------------------------
def import_table(table: Path, mapping_path: Path, *, data_dir: Path | None = None,
                 strict: bool = False, dry_run: bool = False, retrieved: str | None = None,
                 settings: Settings | None = None) -> ImportResult:
    """Import ``table`` with the mapping; on any fatal problem nothing at all is written."""
    settings = settings or get_settings()
    data_dir = data_dir or settings.data_dir
    result = ImportResult()
    try:
        mapping, mwhere = load_mapping(mapping_path)
    except MappingError as exc:
        result.diagnostics = exc.diagnostics
        return result
    result.name = mapping.name
    try:
        fmt = table_format(table, mapping.format)
        rows = list(read_table(table, fmt, result.diagnostics, delimiter=mapping.delimiter,
                               sheet=mapping.sheet, header_row=mapping.header_row))
    except TableError as exc:
        result.diagnostics.append(exc.diagnostic)
        return result
    except OSError as exc:
        result.diagnostics.append(Diagnostic(display_path(table), 1, 1,
                                             f"cannot read the file: {exc.strerror}"))
        return result
    result.bad_rows = sum(d.severity == "error" for d in result.diagnostics)
    if rows and (problems := _unknown_columns(mapping, mwhere, rows, fmt)):
        result.diagnostics.extend(problems)
        if any(d.severity == "error" for d in problems):
            return result
    sha = sha256_file(table)
    source_id = f"{mapping.dataset.id}-{sha[:8]}"
    archive = mapping.dataset.archive or _relative(table, settings.source_root)
    conversion, skipped = _convert_valid(mapping, mwhere, table, rows, sha, source_id, archive,
                                         settings)
    result.diagnostics.extend(conversion.diagnostics)
    result.rows = len(rows) + result.bad_rows
    result.bad_rows += len(conversion.bad_rows | skipped)
    fatal = [d for d in conversion.diagnostics if d.severity == "error"
             and not d.file.startswith(display_path(table))]
    if fatal or (strict and result.errors) or not conversion.claims:
        if not conversion.claims and not fatal:
            result.diagnostics.append(Diagnostic(display_path(table), 1, 1,
                                                 "no claim could be imported from this file",
                                                 "check the mapping's claims against the rows"))
        return result
    version = {"source": source_id, "sha256": sha, "file": table.name, "rows": result.rows,
               "imported_rows": result.rows - result.bad_rows,
               "licence": mapping.dataset.licence, "attribution": mapping.dataset.attribution,
               "retrieved": retrieved or mapping.dataset.retrieved, "mapping": mapping.name}
    return commit_import(result, mapping.name, conversion, source_id, version, data_dir,
                         dry_run, settings)


def commit_import(result: ImportResult, name: str, conversion: Conversion, source_id: str,
                  version: dict[str, Any], data_dir: Path, dry_run: bool, settings: Settings
                  ) -> ImportResult:
    """Merge a validated conversion with earlier versions, resolve it against the ledger and
    write every file — or, if the merged ledger does not validate, none."""
    paths = ImportPaths(imports_dir(data_dir) / name)
    previous = read_records(paths.imported)
    history = load_history(paths.history)
    new = Records()
    for rec in conversion.records():
        new.by_kind(rec.kind)[rec.data["id"]] = rec.data
    merged, changes = merge_versions(previous, new, history, source_id)
    if not any(v["source"] == source_id for v in history["versions"]):
        history["versions"].append({k: v for k, v in version.items() if v is not None})
    result.changes = changes
    result.counts = {"entities": len(merged.entities), "sources": len(merged.sources),
                     "claims": len(merged.claims)}
    # resolution against everything else the ledger holds
    log = DecisionLog(decisions_path(data_dir))
    judged = {d.pair for d in log.history}  # an undone automatic merge is not made again
    matcher = Matcher(_entity_infos(data_dir, exclude=name))
    for data in merged.entities.values():
        info = EntityInfo.from_record(data, name)
        for cand in matcher.candidates_for(info):
            if cand.pair in judged:
                continue
            judged.add(cand.pair)
            if is_auto(cand):
                other = cand.right if cand.left == info.id else cand.left
                result.auto.append(Decision(info.id, other, "positive", AUTO_WHO,
                                            str(version.get("retrieved") or ""),
                                            "; ".join(cand.reasons)))
            else:
                result.review.append(cand)
    staged = Staged()
    try:
        staged.write(paths.imported, jsonl_text(merged))
        staged.write(paths.history, history_text(history))
        decisions = [*log.current().values(), *result.auto]
        problems = derive_all(data_dir, staged, decisions, {name: merged}, settings,
                              {name: history})
        if problems:
            result.diagnostics.extend(problems)
            staged.discard()
            return result
        if dry_run:
            staged.discard()
        else:
            result.written = [target for _tmp, target in staged.files]
            staged.commit()
            log.extend(result.auto)
    except BaseException:
        staged.discard()
        raise
    result.ok = True
    return result


def _relative(path: Path, root: Path) -> str:
    """The file's path from the source root, as the user's folders name it: absolute but with
    symbolic links kept (resolving them would record where a linked folder happens to live)."""
    return os.path.relpath(os.path.abspath(path), os.path.abspath(root))


def _unknown_columns(mapping: Mapping, where: Where, rows: list[Row], fmt: str
                     ) -> list[Diagnostic]:
    """Columns the mapping reads that the file lacks: an error for a table (a typo), a warning
    for JSON, whose records may simply omit a key."""
    header = set().union(*(r.cells for r in rows))
    severity = "warning" if fmt in {"json", "jsonl"} else "error"
    return [where.diag(path, f"column {column!r} is not in the file",
                       did_you_mean(column, header) or f"columns: {', '.join(sorted(header))}",
                       severity=severity)
            for path, column in mapping_columns(mapping) if column not in header]


def _convert_valid(mapping: Mapping, mwhere: Where, table: Path, rows: list[Row], sha: str,
                   source_id: str, archive: str | None, settings: Settings
                   ) -> tuple[Conversion, set[int]]:
    """Convert, validate, and drop the rows the validator rejects (then check again)."""
    skipped: set[int] = set()
    line_to_row = {r.line: r.number for r in rows}
    for line_of in (r.cell_lines for r in rows):
        for line in line_of.values():
            line_to_row.setdefault(line, 0)
    validator_diags: list[Diagnostic] = []
    for _attempt in range(3):
        converter = Converter(mapping, mwhere, table, sha, source_id, archive)
        for row in rows:
            if row.number not in skipped:
                converter.add(row)
        conversion = converter.out
        records = [(r.kind, r.data, r.where) for r in conversion.records()]
        outcome = run([(table, RecordsReader(records))], settings, publish=False, shacl=False)
        errors = [d for d in outcome.report.sorted() if d.severity == "error"]
        shown = display_path(table)
        bad = {_row_of(d.line, rows) for d in errors if d.file == shown}
        validator_diags = [_name_column(d, conversion) for d in outcome.report.sorted()]
        if not errors or not bad or bad <= skipped or any(d.file != shown for d in errors):
            conversion.diagnostics.extend(d for d in validator_diags
                                          if d.severity == "error" or d.file == shown)
            return conversion, skipped
        skipped |= bad
        conversion.diagnostics.extend(d for d in validator_diags if d.severity == "error")
        kept = conversion.diagnostics
    final = Converter(mapping, mwhere, table, sha, source_id, archive)
    for row in rows:
        if row.number not in skipped:
            final.add(row)
    final.out.diagnostics[:0] = kept
    return final.out, skipped


def _row_of(line: int, rows: list[Row]) -> int:
    best = 0
    for row in rows:
        if row.line <= line:
            best = row.number
        else:
            break
    return best


def _name_column(d: Diagnostic, conversion: Conversion) -> Diagnostic:
    place = conversion.place(d.line, d.col)
    if place is None or place in d.message:
        return d
    return Diagnostic(d.file, d.line, d.col, f"{place}: {d.message}", d.hint, d.severity)


def merge_versions(previous: Records, new: Records, history: dict[str, Any], source_id: str
                   ) -> tuple[Records, dict[str, list[str]]]:
    """The records of every version seen: new wins, old names stay aliases, claims keep the
    references of earlier versions, and history says when each record was first and last seen."""
    merged = copy.deepcopy(previous)
    seen = history.setdefault("records", {})
    changes: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": [], "ended": []}
    for kind, data in new.items():
        key = data["id"]
        old = merged.by_kind(kind).get(key)
        entry = seen.setdefault(key, {"first_seen": source_id})
        entry["last_seen"] = source_id
        if old is None:
            merged.by_kind(kind)[key] = data
            changes["added"].append(key)
            continue
        if kind == "claim":
            refs = [r for r in old.get("refs", []) if r["source"] != source_id]
            combined = {**data, "refs": refs + data["refs"]}
        elif kind == "entity":
            names = set(data["name"].values()) | set(data.get("aliases", []))
            lost = [n for n in [*old["name"].values(), *old.get("aliases", [])] if n not in names]
            combined = {**data, **({"aliases": [*data.get("aliases", []), *lost]} if lost else {})}
        else:
            combined = data
        same = _strip_refs(old) == _strip_refs(combined)
        changes["unchanged" if same else "updated"].append(key)
        merged.by_kind(kind)[key] = combined
    for key in previous.claims:
        if key not in new.claims:
            changes["ended"].append(key)
    current = new.sources.get(source_id, {}).get("archive")
    for key, source in merged.sources.items():
        if key != source_id and current and source.get("archive") == current:
            # the file at that path is now the newer version: the old one is known by sha256
            merged.sources[key] = {k: v for k, v in source.items() if k != "archive"}
    return merged, changes


def _strip_refs(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "refs"}


# -- resolution over the whole ledger ---------------------------------------------------------
def curated_files(data_dir: Path) -> list[Path]:
    """Every hand-written YAML file of the ledger (derived import ledgers and the derived
    redirects excluded)."""
    root = imports_dir(data_dir).resolve()
    redirects = redirects_path(data_dir).resolve()
    return [p for p in YamlReader().files(data_dir)
            if root not in p.resolve().parents and p.resolve() != redirects]


def curated_entities(data_dir: Path) -> list[dict[str, Any]]:
    """The curated entities as plain data. Read with libyaml, not the located reader: nothing
    is reported from here (validation does that), and it is 20 times faster."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out = []
    for file in curated_files(data_dir):
        try:
            doc = yaml.load(file.read_text(encoding="utf-8"), Loader=loader)
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            continue  # a broken file is reported by validation, not here
        entities = doc.get("entities") if isinstance(doc, dict) else None
        out += [e for e in entities or [] if isinstance(e, dict) and isinstance(e.get("id"), str)
                and isinstance(e.get("name"), dict)]
    return out


def _entity_infos(data_dir: Path, exclude: str | None = None,
                  overrides: dict[str, Records] | None = None) -> list[EntityInfo]:
    infos = [EntityInfo.from_record(d, "curated") for d in curated_entities(data_dir)]
    for name in import_names(data_dir) + sorted(set(overrides or {}) - set(
            import_names(data_dir))):
        if name == exclude:
            continue
        records = (overrides or {}).get(name) or read_records(
            ImportPaths(imports_dir(data_dir) / name).imported)
        infos += [EntityInfo.from_record(d, name) for d in records.entities.values()]
    return infos


def all_entities(data_dir: Path) -> list[EntityInfo]:
    return _entity_infos(data_dir)


def review_candidates(data_dir: Path, min_score: float = 70.0) -> list[Candidate]:
    """Pairs no decision covers yet, best first; pairs inside the curated ledger included."""
    log = DecisionLog(decisions_path(data_dir))
    judged = set(log.current())
    matcher = Matcher(all_entities(data_dir))
    return [c for c in matcher.all_candidates() if c.pair not in judged and c.score >= min_score]


# -- the derived ledgers ---------------------------------------------------------------------
def derive(name: str, records: Records, canon: dict[str, str],
           all_imports: dict[str, Records], curated: set[str]) -> Records:
    """One import's ledger with the decisions applied: merged ids replaced by their canonical
    id, the names of everything merged into an entity kept as its aliases. An imported entity
    whose id is a curated entity's (``austria``) is that entity: the curated record stands."""
    out = Records()
    merged_into: dict[str, list[dict[str, Any]]] = {}
    for imported in all_imports.values():
        for data in imported.entities.values():
            if data["id"] in canon:
                merged_into.setdefault(canon[data["id"]], []).append(data)
    for key, edata in records.entities.items():
        if key in canon or key in curated:
            continue
        entity = copy.deepcopy(edata)
        names = set(entity["name"].values()) | set(entity.get("aliases", []))
        for other in sorted(merged_into.get(key, []), key=lambda d: d["id"]):
            extra = [n for n in [*other["name"].values(), *other.get("aliases", [])]
                     if n not in names]
            names.update(extra)
            entity["aliases"] = [*entity.get("aliases", []), *extra]
            for field_ in ("country", "website", "founded"):
                if field_ in other and field_ not in entity:
                    entity[field_] = other[field_]
            for scheme, value in other.get("identifiers", {}).items():
                entity.setdefault("identifiers", {}).setdefault(scheme, value)
        out.entities[key] = entity
    for key, data in records.sources.items():
        source = dict(data)
        if source.get("publisher") in canon:
            source["publisher"] = canon[source["publisher"]]
        out.sources[key] = source
    for key, data in records.claims.items():
        claim = dict(data)
        for role in ("subject", "object"):
            if claim.get(role) in canon:
                claim[role] = canon[claim[role]]
        out.claims[key] = claim
    return out


HEADER = """Generated by `custodiet import` from data/imports/{name}/imported.jsonl and the
decisions in data/resolution/decisions.jsonl. Do not edit: re-import or decide instead
(docs/import.md). Raw files are referenced by sha256 in each Dataset source."""


def derive_all(data_dir: Path, staged: Staged, decisions: Iterable[Decision],
               overrides: dict[str, Records] | None = None,
               settings: Settings | None = None,
               histories: dict[str, dict[str, Any]] | None = None) -> list[Diagnostic]:
    """Write every import's ``ledger.yaml`` and the redirects into ``staged``, then validate
    them with the rest of the ledger through the pipeline; the problems, if any."""
    settings = settings or get_settings()
    overrides = overrides or {}
    decisions = list(decisions)  # read twice: the canonical map, then the redirect reasons
    names = sorted(set(import_names(data_dir)) | set(overrides))
    imports = {n: overrides.get(n) or read_records(ImportPaths(imports_dir(data_dir) / n).imported)
               for n in names}
    curated = {d["id"] for d in curated_entities(data_dir)}
    canon = canonical_map(decisions, curated)
    temps: dict[Path, Path] = {}
    located: list[tuple[str, dict[str, Any], Where]] = []
    for name in names:
        derived = derive(name, imports[name], canon, imports, curated)
        shown = display_path(ImportPaths(imports_dir(data_dir) / name).ledger)
        located += [(kind, data, Where(shown, None)) for kind, data in derived.items()]
        target = ImportPaths(imports_dir(data_dir) / name).ledger
        header = HEADER.format(name=name) + "".join(
            f"\n{v['source']}: {v.get('file', '')}, sha256 {v.get('sha256', '')}, licence "
            f"{v.get('licence') or 'unknown'}" + (f", attribution: {v['attribution']}"
                                                  if v.get("attribution") else "")
            for v in ((histories or {}).get(name) or load_history(target.parent / "history.json")
                      )["versions"])
        temps[staged.write(target, yaml_text(derived, header))] = target
    labels = _pending_aliases(imports, canon, {d["id"]: d for d in curated_entities(data_dir)})
    redirects = redirect_records(canon, labels, decisions)
    staged.write(redirects_path(data_dir), yaml_text(redirects, REDIRECTS_HEADER))
    shown = display_path(redirects_path(data_dir))
    located += [(kind, data, Where(shown, None)) for kind, data in redirects.items()]
    # The derived records are validated as records (the YAML written is their faithful dump:
    # reading 100k claims back through the located YAML reader would take minutes).
    inputs: list[tuple[Path, Any]] = [(f, "yaml") for f in curated_files(data_dir)]
    inputs.append((data_dir, RecordsReader(located)))
    outcome = run(inputs, settings, publish=False, shacl=False)
    derived_files = {display_path(target) for target in temps.values()}
    merged = set(canon)
    # Hand-written files may be mid-edit: their own errors are theirs (``custodiet validate``
    # reports them). What blocks is a problem in a derived file, or one naming a merged id.
    return [d for d in outcome.report.sorted() if d.severity == "error"
            and (d.file in derived_files or any(f"'{m}'" in d.message for m in merged))]


REDIRECTS_HEADER = """Generated by `custodiet import` and `custodiet dedupe` from the decisions in
data/resolution/decisions.jsonl. Do not edit: decide or undo instead (docs/import.md).
Each merged id keeps resolving to the entity it was merged into (owl:sameAs and
dcterms:isReplacedBy in the RDF, a redirect on the endpoint); the names the merged records
carried that the entity lacks are kept as its aliases (the first redirect to it carries them)."""


def redirect_records(canon: dict[str, str], aliases: dict[str, list[str]],
                     decisions: Iterable[Decision]) -> Records:
    """Merged ids as ledger ``redirects:`` records, so they enter the graph through the one
    validator like everything else (their targets must exist)."""
    why: dict[str, str] = {}
    for decision in decisions:
        if decision.judgement == "positive" and decision.why:
            why.setdefault(decision.left, decision.why)
            why.setdefault(decision.right, decision.why)
    records = Records()
    carried: set[str] = set()
    for old, new in sorted(canon.items()):
        record: dict[str, Any] = {"id": old, "to": new}
        if new not in carried and aliases.get(new):
            record["aliases"] = list(aliases[new])
            carried.add(new)
        if why.get(old):
            record["reason"] = str(why[old])
        records.redirects[old] = record
    return records


def _pending_aliases(imports: dict[str, Records], canon: dict[str, str],
                     curated: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for records in imports.values():
        for data in records.entities.values():
            target = canon.get(data["id"], data["id"])
            if target not in curated:
                continue
            have = set(curated[target]["name"].values()) | set(
                curated[target].get("aliases") or [])
            for name in dict.fromkeys([*data["name"].values(), *data.get("aliases", [])]):
                if name not in have and name not in out.setdefault(target, []):
                    out[target].append(name)
    return {k: v for k, v in out.items() if v}


def apply_decisions(data_dir: Path, settings: Settings | None = None) -> list[Diagnostic]:
    """Re-derive every import's ledger from the decisions in force; atomic."""
    staged = Staged()
    try:
        problems = derive_all(data_dir, staged, DecisionLog(decisions_path(data_dir)
                                                            ).current().values(),
                              settings=settings)
        if problems:
            staged.discard()
        else:
            staged.commit()
        return problems
    except BaseException:
        staged.discard()
        raise


def aliases_for_curated(data_dir: Path) -> dict[str, list[str]]:
    """Names of imported entities merged into curated ones that the curated record lacks: a
    derived file cannot add to a hand-written record, so the curator adds them by hand."""
    curated = {d["id"]: d for d in curated_entities(data_dir)}
    canon = canonical_map(DecisionLog(decisions_path(data_dir)).current().values(), set(curated))
    imports = {n: read_records(ImportPaths(imports_dir(data_dir) / n).imported)
               for n in import_names(data_dir)}
    return _pending_aliases(imports, canon, curated)


# -- FollowTheMoney ---------------------------------------------------------------------------
def import_ftm(path: Path, *, name: str, dataset_id: str, title: str | None = None,
               url: str | None = None, published: str | None = None,
               licence: str | None = None, data_dir: Path | None = None, strict: bool = False,
               dry_run: bool = False, retrieved: str | None = None,
               settings: Settings | None = None) -> ImportResult:
    """Import an FtM entity stream (JSON Lines) as its own import, with the file as source."""
    from graph.importers.ftm import read_ftm

    settings = settings or get_settings()
    data_dir = data_dir or settings.data_dir
    result = ImportResult(name=name)
    shown = display_path(path)
    if not path.is_file():
        result.diagnostics.append(Diagnostic(shown, 1, 1, "no such file",
                                             "give an FtM JSON Lines file (.ftm.json, .jsonl)"))
        return result
    sha = sha256_file(path)
    source_id = f"{dataset_id}-{sha[:8]}"
    try:
        ftm = read_ftm(path, source_id, sha, title or f"FollowTheMoney entities ({path.name})",
                       result.diagnostics, url=url, published=published,
                       archive=_relative(path, settings.source_root))
    except UnicodeDecodeError as exc:
        result.diagnostics.append(Diagnostic(shown, 1, 1, f"file is not UTF-8 ({exc.reason})",
                                             "save it as UTF-8"))
        return result
    for schema, count in sorted(ftm.skipped.items()):
        result.diagnostics.append(Diagnostic(shown, 1, 1, f"{count} {schema} entit"
                                             f"{'ies' if count > 1 else 'y'} not imported",
                                             "no Custodiet class corresponds (docs/import.md)",
                                             "warning"))
    conversion = _validate_dropping(ftm.conversion, path, settings)
    result.diagnostics.extend(conversion.diagnostics)
    result.rows = ftm.lines
    result.bad_rows = len({d.line for d in result.errors if d.file == shown})
    if (strict and result.errors) or (not conversion.claims and not conversion.entities):
        return result
    version = {"source": source_id, "sha256": sha, "file": path.name, "rows": ftm.lines,
               "licence": licence, "retrieved": retrieved, "format": "followthemoney"}
    return commit_import(result, name, conversion, source_id, version, data_dir, dry_run,
                         settings)


def _validate_dropping(conversion: Conversion, path: Path, settings: Settings,
                       anchor: Path | None = None) -> Conversion:
    """Validate; drop the records the validator rejects (and, next pass, what needed them).

    ``anchor`` is an existing path the validator is pointed at when ``path`` is not a file."""
    shown = display_path(path)
    seen: set[Diagnostic] = set()
    for _attempt in range(4):
        records = [(r.kind, r.data, r.where) for r in conversion.records()]
        outcome = run([(anchor or path, RecordsReader(records))], settings, publish=False,
                      shacl=False)
        errors = [d for d in outcome.report.sorted() if d.severity == "error"]
        for d in errors:
            if d not in seen:
                seen.add(d)
                conversion.diagnostics.append(d)
        bad = {d.line for d in errors if d.file == shown}
        dropped = False
        for table in (conversion.entities, conversion.claims):
            for key in [k for k, r in table.items()
                        if isinstance(r.where, RowWhere) and r.where.line in bad]:
                del table[key]
                dropped = True
        if not errors or not dropped:
            break
    return conversion


# -- Wikidata ---------------------------------------------------------------------------------
def import_wikidata(qids: list[str], *, name: str = "wikidata", api: str | None = None,
                    data_dir: Path | None = None, dry_run: bool = False,
                    settings: Settings | None = None) -> ImportResult:
    """Fetch the items (the only network access of Custodiet) and import them like a file."""
    from graph.importers.wikidata import API, WikidataError, convert

    settings = settings or get_settings()
    data_dir = data_dir or settings.data_dir
    result = ImportResult(name=name)
    bad = [q for q in qids if not re.fullmatch(r"Q[1-9]\d*", q)]
    if bad:
        result.diagnostics.append(Diagnostic("wikidata", 1, 1, f"{bad[0]!r} is not a Wikidata "
                                             "item id", "give ids such as Q42 (capital Q)"))
        return result
    taken = {e.id for e in _entity_infos(data_dir, exclude=name)}
    try:
        fetched = convert(qids, api or API, taken)
    except WikidataError as exc:
        result.diagnostics.append(Diagnostic("wikidata", 1, 1, str(exc)))
        return result
    result.diagnostics += [Diagnostic("wikidata", 1, 1, w, "", "warning")
                           for w in fetched.warnings]
    previous = read_records(ImportPaths(imports_dir(data_dir) / name).imported)
    conversion = fetched.conversion
    for kind in ("entity", "source", "claim"):  # earlier items of this import stay
        table = {"entity": conversion.entities, "source": conversion.sources,
                 "claim": conversion.claims}[kind]
        for key, data in previous.by_kind(kind).items():
            table.setdefault(key, Record(kind, data, Where("wikidata", None)))
    conversion = _validate_dropping(conversion, Path("wikidata"), settings, anchor=data_dir)
    result.diagnostics.extend(conversion.diagnostics)
    result.rows = len(qids)
    if result.errors:
        return result
    version = {"source": ",".join(f"{q}@{r}" for q, r in sorted(fetched.revisions.items())),
               "sha256": hashlib.sha256(json.dumps(fetched.revisions, sort_keys=True)
                                        .encode()).hexdigest(), "file": "wikidata"}
    return commit_import(result, name, conversion, version["source"], version, data_dir,
                         dry_run, settings)
