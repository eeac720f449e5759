"""The review queue: one YAML file per document, the decisions taken on it, and the ledger file
the accepted items become.

Why a file and not the store: decisions are part of the curation record (who accepted what,
when), they must survive re-extraction (a rejected candidate is not proposed again), and they
reach the graph only as ordinary ledger records, validated like hand-written ones.
"""

from __future__ import annotations

import datetime as dt
import getpass
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from graph.extract.document import Document, ExtractError
from graph.extract.engine import Extraction
from graph.extract.mentions import Gazetteer
from graph.ledger import Ledger
from graph.ledger.model import ID_PATTERN, slug
from graph.pipeline import run
from graph.settings import ROOT, Settings

FORMAT = 1
DECISIONS = ("accepted", "edited", "rejected")
QUALIFIERS = ("date", "amount", "currency", "status", "kind", "role")
EDITABLE = ("subject", "predicate", "object", "value", *QUALIFIERS)
REVIEW_DIR = ROOT / "review"
TEXT_CACHE = ROOT / "var" / "extract"


def _yaml() -> YAML:
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.width = 100
    yaml.allow_unicode = True
    return yaml


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def reviewer(name: str | None = None) -> str:
    """Who decides: the name given, else $CUSTODIET_REVIEWER, else the login name."""
    return name or os.environ.get("CUSTODIET_REVIEWER") or getpass.getuser()


# -- building a review from an extraction ---------------------------------------------------------
def source_id_for(doc: Document, ledger: Ledger) -> tuple[str, bool]:
    """The ledger source this document is (same sha256), or a fresh id for a new one."""
    for source in ledger.sources.values():
        if source.sha256 == doc.sha256:
            return source.id, True
    stem = doc.title or (doc.path.stem if doc.path else re.sub(r"^https?://", "", doc.origin))
    base = slug(stem)[:60].strip("-") or "document"
    year = (doc.published or "")[:4]
    base = f"{base}-{year}" if year and not base.endswith(year) else base
    ident, n = base, 2
    taken = set(ledger.sources) | set(ledger.entities) | set(ledger.claims)
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident, False


def _archive(doc: Document, settings: Settings) -> str | None:
    if doc.kind != "text" or doc.path is None:
        return None
    return os.path.relpath(doc.path.resolve(), settings.source_root.resolve())


def build_review(ex: Extraction, ledger: Ledger, gaz: Gazetteer, settings: Settings) -> dict[str, Any]:
    doc = ex.document
    ident, existing = source_id_for(doc, ledger)
    known_triples = {(c.subject, c.predicate, c.object or f"={c.value}"): cid
                     for cid, c in ledger.claims.items()}
    text_cache = None
    if _archive(doc, settings) is None:
        TEXT_CACHE.mkdir(parents=True, exist_ok=True)
        cache = TEXT_CACHE / f"{ident}.txt"
        cache.write_text(doc.text, encoding="utf-8")
        text_cache = str(cache)
    counts: dict[str, list[Any]] = {}
    for m in ex.mentions:
        if m.kind == "known" and m.entity:
            counts.setdefault(m.entity, []).append([m.start, m.end])
    source = {"id": ident, "kind": "NewsArticle", "title": doc.title or f"[{Path(doc.origin).name}]",
              "published": doc.published, "language": doc.language, "url": doc.url,
              "archive": _archive(doc, settings), "sha256": doc.sha256 if _archive(doc, settings) else None,
              "author": doc.author or None, "publisher_name": doc.publisher}
    return {
        "format": FORMAT,
        "document": {
            "source": ident, "existing_source": existing, "origin": doc.origin, "kind": doc.kind,
            "language": doc.language, "sha256": doc.sha256, "words": doc.words,
            "text_cache": text_cache,
            "body": {"start": ex.body[0], "end": ex.body[1], "first_line": ex.line_of(ex.body[0]),
                     "last_line": ex.line_of(max(ex.body[0], ex.body[1] - 1))},
            "main_entity": ex.main, "extracted": now(),
        },
        "source": None if existing else {k: v for k, v in source.items() if v is not None},
        "mentions": [{"entity": e, "count": len(spans), "chars": spans[:20]}
                     for e, spans in sorted(counts.items())],
        "new_entities": [{"key": n.key, "name": n.name, "type": n.type,
                          "chars": [list(c) for c in n.mentions], "confidence": n.confidence,
                          "found_by": n.found_by, "decision": "pending"} for n in ex.new_entities],
        "citations": [{"key": f"cite-{c.entity}", "entity": c.entity, "chars": list(c.chars),
                       "line": ex.line_of(c.chars[0]), "date": c.date,
                       "source": _cited_source(c.entity, c.date, ledger), "decision": "pending"}
                      for c in _unique(ex.citations)],
        "claims": [{"key": c.key, "decision": "pending",
                    "proposed": _clean({"subject": c.subject, "predicate": c.predicate,
                                        "object": c.object, "value": c.value, "date": c.date,
                                        "amount": c.amount, "currency": c.currency,
                                        "status": c.status, "kind": c.kind, "role": c.role}),
                    "line": c.line, "chars": list(c.chars), "trigger": list(c.trigger),
                    "evidence": [list(e) for e in c.evidence] or None,
                    "confidence": c.confidence, "attributed_to": c.attributed_to,
                    "reasons": c.reasons or None, "known_claim": known_triples.get(c.triple())}
                   for c in ex.claims],
    }


def _unique(citations: list[Any]) -> list[Any]:
    seen, out = set(), []
    for c in citations:
        if c.entity not in seen:
            seen.add(c.entity)
            out.append(c)
    return out


def _cited_source(entity: str, date: str | None, ledger: Ledger) -> str | None:
    """An existing source by that publisher (the same year when known)."""
    for source in ledger.sources.values():
        if source.publisher == entity and (date is None or str(source.published or "")[:4] == date[:4]):
            return source.id
    return None


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def merge_previous(new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """Keep every decision already taken; a decided item the new run no longer finds stays."""
    if not old:
        return new
    for section in ("claims", "new_entities", "citations"):
        previous = {item["key"]: item for item in old.get(section) or []}
        fresh = {item["key"] for item in new[section]}
        merged = []
        for item in new[section]:
            before = previous.get(item["key"])
            if before and before.get("decision", "pending") != "pending":
                for k in ("decision", "edited", "history", "link", "create", "source"):
                    if k in before:
                        item[k] = before[k]
            merged.append(item)
        merged += [item for key, item in previous.items()
                   if key not in fresh and item.get("decision", "pending") != "pending"]
        new[section] = merged
    if old.get("source") and new.get("source"):
        new["source"] = {**new["source"], **{k: v for k, v in old["source"].items()
                                             if k in {"title", "publisher", "kind", "published", "author"}}}
    return new


# -- files --------------------------------------------------------------------------------------
def review_path(source_id: str, review_dir: Path = REVIEW_DIR) -> Path:
    return review_dir / f"{source_id}.yaml"


def load_review(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ExtractError(f"{path}: no such review file (run `custodiet extract FILE` first)")
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # ruamel raises many error types; all mean the same to the user
        raise ExtractError(f"{path}: not a readable review file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExtractError(f"{path}: not a review file of format {FORMAT}")
    return data


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target and rename: a reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump(data: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    return buffer.getvalue()


def save_review(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, dump(data))


# -- decisions ----------------------------------------------------------------------------------
def _find(data: dict[str, Any], section: str, key: str) -> dict[str, Any]:
    for item in data.get(section) or []:
        if item["key"] == key or (section == "claims" and item["key"].startswith(key) and len(key) >= 4):
            return dict(item) and item
    keys = ", ".join(i["key"] for i in (data.get(section) or [])[:8])
    raise ExtractError(f"no {section[:-1].replace('_', ' ')} {key!r} in this review (some keys: {keys})")


def decide(data: dict[str, Any], key: str, action: str, by: str, *,
           edits: dict[str, Any] | None = None, note: str | None = None) -> dict[str, Any]:
    """Accept, edit or reject one claim, recording who and when."""
    if action not in DECISIONS:
        raise ExtractError(f"unknown decision {action!r}: use accepted, edited or rejected")
    item = _find(data, "claims", key)
    if action == "edited":
        unknown = set(edits or {}) - set(EDITABLE)
        if unknown:
            raise ExtractError(f"cannot edit {', '.join(sorted(unknown))}: editable are "
                               f"{', '.join(EDITABLE)}")
        if not edits:
            raise ExtractError("an edit needs at least one field (e.g. --date 2021-12)")
        base = dict(item.get("edited") or item["proposed"])
        for k, v in edits.items():
            if v in ("", None):
                base.pop(k, None)
            else:
                base[k] = v
        if edits.get("object"):
            base.pop("value", None)
        if edits.get("value"):
            base.pop("object", None)
        item["edited"] = base
    item["decision"] = action
    item.setdefault("history", []).append(_clean({"action": action, "by": by, "at": now(),
                                                  "note": note, "edits": edits or None}))
    return item


def decide_entity(data: dict[str, Any], key: str, by: str, *, link: str | None = None,
                  create: dict[str, Any] | None = None, reject: bool = False) -> dict[str, Any]:
    """Link a new name to an existing entity, create an entity for it, or reject it."""
    item = _find(data, "new_entities", key if key.startswith("new:") else f"new:{key}")
    if reject:
        item["decision"], action = "rejected", "rejected"
    elif link:
        item["decision"], item["link"], action = "accepted", link, f"linked to {link}"
        item.pop("create", None)
    elif create:
        if not re.match(ID_PATTERN, create["id"]):
            raise ExtractError(f"{create['id']!r} is not a valid id (lower-case kebab-case)")
        item["decision"], item["create"], action = "accepted", create, f"created {create['id']}"
        item.pop("link", None)
    else:
        raise ExtractError("give --link ENTITY, --create ID or --reject")
    item.setdefault("history", []).append({"action": action, "by": by, "at": now()})
    return item


def decide_citation(data: dict[str, Any], key: str, action: str, by: str,
                    source: str | None = None) -> dict[str, Any]:
    item = _find(data, "citations", key if key.startswith("cite-") else f"cite-{key}")
    item["decision"] = action
    if source:
        item["source"] = source
    item.setdefault("history", []).append(_clean({"action": action, "by": by, "at": now(),
                                                  "source": source}))
    return item


def pending(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in data.get("claims") or [] if c.get("decision", "pending") == "pending"]


# -- to the ledger ------------------------------------------------------------------------------
@dataclass
class Applied:
    path: Path
    claims: int
    entities: int
    sources: int
    skipped: list[str]


def _resolve(ref: str | None, data: dict[str, Any], what: str, key: str) -> str | None:
    if ref is None or not ref.startswith("new:"):
        return ref
    for item in data.get("new_entities") or []:
        if item["key"] == ref and item.get("decision") == "accepted":
            return item.get("link") or item["create"]["id"]
    raise ExtractError(f"claim {key}: {what} {ref[4:]!r} is a new name: link it to an entity or "
                       f"create one (custodiet review entity … --link ID | --create ID)")


def ledger_records(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The ledger file the accepted decisions make (source, created entities, claims)."""
    doc = data["document"]
    skipped: list[str] = []
    records: dict[str, Any] = {}
    entities = []
    for item in data.get("new_entities") or []:
        create = item.get("create")
        if item.get("decision") == "accepted" and create:
            entities.append(_clean({"id": create["id"], "types": create.get("types") or [item["type"]],
                                    "name": create.get("name") or {"en": item["name"], "fr": item["name"]},
                                    "country": create.get("country")}))
    cites = []
    for item in data.get("citations") or []:
        if item.get("decision") == "accepted":
            if item.get("source"):
                cites.append(item["source"])
            else:
                skipped.append(f"citation of {item['entity']}: no source given "
                               "(custodiet review cite … --source ID)")
    claims = []
    for item in data.get("claims") or []:
        if item.get("decision") not in {"accepted", "edited"}:
            continue
        fields = dict(item.get("edited") or item["proposed"])
        fields["subject"] = _resolve(fields.get("subject"), data, "subject", item["key"])
        fields["object"] = _resolve(fields.get("object"), data, "object", item["key"])
        claim_id = slug(f"{fields['subject']}-{fields['predicate']}-{fields.get('object') or 'value'}")
        claim: dict[str, Any] = {"id": f"{claim_id[:80]}-{item['key'][:6]}"}
        for k in ("subject", "predicate", "object", "value", *QUALIFIERS):
            if fields.get(k) is not None:
                claim[k] = _number(fields[k]) if k in {"amount", "value"} else fields[k]
        claim["refs"] = [{"source": doc["source"],
                          "locator": {"line": item["line"], "chars": list(item["chars"])}}]
        claims.append(claim)
    source = data.get("source")
    if source and (claims or cites):
        record = {k: v for k, v in source.items() if k != "publisher_name"}
        if cites:
            record["cites"] = sorted(set(cites))
        records["sources"] = [record]
    elif cites:
        skipped.append(f"citations: {doc['source']} is curated in another file; add "
                       f"cites: {sorted(set(cites))} there by hand")
    if entities:
        records["entities"] = entities
    if claims:
        records["claims"] = claims
    return records, skipped


def _number(value: Any) -> Any:
    text = str(value)
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return value


def apply_review(data: dict[str, Any], settings: Settings, target_dir: Path | None = None) -> Applied:
    """Validate the ledger with this document's accepted items, then write their file atomically.

    The file ``data/extracted/<source>.yaml`` belongs to this review alone and is rewritten
    whole; curated files are never touched. Nothing is written when validation fails.
    """
    records, skipped = ledger_records(data)
    target_dir = target_dir or settings.data_dir / "extracted"
    target = target_dir / f"{data['document']['source']}.yaml"
    header = (f"# Written by `custodiet review apply` from review/{data['document']['source']}.yaml:\n"
              "# accepted extraction candidates. Edit the review, not this file.\n")
    text = header + (dump(records) if records else "{}\n")
    others = [p for p in sorted(settings.data_dir.rglob("*.y*ml")) if p.resolve() != target.resolve()]
    with tempfile.TemporaryDirectory(prefix="custodiet-review-") as scratch:
        staged = Path(scratch) / target.name
        staged.write_text(text, encoding="utf-8")
        result = run([(p, "yaml") for p in others] + [(staged, "yaml")], settings,
                     publish=False, shacl=True)
        if not result.ok:
            problems = [d.format().replace(str(staged), str(target)) for d in result.report.errors]
            problems += [v.format() for v in result.violations]
            raise ExtractError("the accepted items do not validate; nothing was written:\n"
                               + "\n".join(problems[:20]))
    if records:
        write_atomic(target, text)
    elif target.exists():
        target.unlink()
    return Applied(target, len(records.get("claims", [])), len(records.get("entities", [])),
                   len(records.get("sources", [])), skipped)
