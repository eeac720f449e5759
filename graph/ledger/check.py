"""Cross-record checks: ids, the vocabulary's allowed types, sources and their evidence.

Everything the vocabulary decides (classes, predicates, statuses, kinds) is asked of
``graph.vocabulary`` so this file never lists a term of the ontology itself.

The per-record checks (``check_entity``, ``check_source``, ``check_source_links``,
``check_claim``) are public so the streaming bulk path (``graph.ledger.bulk``) applies the very
same rules and messages record by record, without holding the whole ledger in memory: they only
ask the ledger for what ``Known`` describes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import pycountry

from graph.diagnostics import Diagnostic, Report, did_you_mean, nearest
from graph.ledger.load import LoadResult
from graph.ledger.model import Claim, Entity, Source
from graph.ledger.positions import Where
from graph.vocabulary import Vocabulary, load_vocabulary

EXTRA_COUNTRY_CODES = {"EU"}  # not ISO 3166-1 proper, but what curators use for the Union


class Typed(Protocol):
    @property
    def types(self) -> list[str]: ...


class SourceFacts(Protocol):
    @property
    def publisher(self) -> str | None: ...

    @property
    def archive(self) -> str | None: ...


class Known(Protocol):
    """What the cross-record checks need to know of the rest of the ledger."""

    @property
    def entities(self) -> Mapping[str, Typed]: ...

    @property
    def sources(self) -> Mapping[str, SourceFacts]: ...

    @property
    def claims(self) -> Collection[str]: ...


@dataclass
class Ledger:
    """The validated ledger, keyed by id; claims carry their resolved deterministic ids."""

    entities: dict[str, Entity] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    where: dict[str, Where] = field(default_factory=dict)


def claim_id(claim: Claim) -> str:
    """An explicit id, or one derived from the claim's content so rebuilds give the same IRI."""
    if claim.id:
        return claim.id
    basis = json.dumps(
        [claim.subject, claim.predicate, claim.object_key(), str(claim.date), str(claim.start),
         str(claim.end), str(claim.amount), claim.kind, claim.role],
        ensure_ascii=False,
    )
    digest = hashlib.sha256(basis.encode()).hexdigest()[:8]
    target = claim.object if claim.object is not None else "value"
    return f"{claim.subject}.{claim.predicate}.{target}.{digest}"


def valid_country(code: str) -> bool:
    if code in EXTRA_COUNTRY_CODES:
        return True
    if len(code) == 2:
        return pycountry.countries.get(alpha_2=code) is not None
    return pycountry.subdivisions.get(code=code) is not None


def check(loaded: LoadResult, source_root: Path, vocab: Vocabulary | None = None) -> Ledger:
    """Validate across records; diagnostics go to ``loaded.report``."""
    vocab = vocab or load_vocabulary()
    report = loaded.report
    ledger = Ledger()
    seen: dict[str, Where] = {}

    def register(record_id: str, where: Where, path: list[str | int]) -> bool:
        if record_id in seen:
            first = seen[record_id]
            line, _ = first.of(["id"])
            report.add(duplicate(record_id, where, path, first.file, line))
            return False
        seen[record_id] = where
        ledger.where[record_id] = where
        return True

    for entity, where in loaded.entities:
        if not register(entity.id, where, ["id"]):
            continue
        ledger.entities[entity.id] = entity
        check_entity(entity, where, vocab, report)

    for source, where in loaded.sources:
        if not register(source.id, where, ["id"]):
            continue
        ledger.sources[source.id] = source
        check_source(source, where, vocab, report, source_root)

    for claim, where in loaded.claims:
        cid = claim_id(claim)
        if register(cid, where, ["id"] if claim.id else []):
            ledger.claims[cid] = claim

    for source_id, source in ledger.sources.items():
        check_source_links(source, ledger.where[source_id], ledger, report)

    used: set[str] = set()
    for cid, claim in ledger.claims.items():
        place = ledger.where.get(cid)
        if place is not None:
            check_claim(cid, claim, place, ledger, vocab, report, used, source_root)
    for source in ledger.sources.values():
        used.update(source.cites)
    for source_id in ledger.sources:
        if source_id not in used and not loaded.rejected:
            report.add(unused_source(source_id, ledger.where[source_id]))
    return ledger


def duplicate(record_id: str, where: Where, path: list[str | int], first_file: str,
              first_line: int) -> Diagnostic:
    return where.diag(path, f"duplicate id {record_id!r}",
                      f"first defined at {first_file}:{first_line}; ids must be unique")


def unused_source(source_id: str, where: Where) -> Diagnostic:
    return where.diag(
        ["id"], f"source {source_id!r} is not used by any claim",
        "reference it from a claim's refs or another source's cites, or remove it",
        severity="warning")


_TERMS: dict[int, tuple[Vocabulary, set[str], set[str]]] = {}


def _terms(vocab: Vocabulary) -> tuple[set[str], set[str]]:
    """Entity classes and source kinds, computed once per vocabulary (hot in bulk checks)."""
    cached = _TERMS.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        cached = (vocab, set(vocab.entity_classes), set(vocab.source_kinds))
        _TERMS[id(vocab)] = cached
    return cached[1], cached[2]


def check_entity(entity: Entity, where: Where, vocab: Vocabulary, report: Report) -> None:
    """Checks of one entity that need only the vocabulary."""
    entity_classes, _kinds = _terms(vocab)
    for i, type_name in enumerate(entity.types):
        if type_name not in entity_classes:
            report.add(where.diag(["types", i], f"unknown entity type {type_name!r}",
                                  did_you_mean(type_name, entity_classes)))
    if entity.country and not valid_country(entity.country):
        report.add(where.diag(["country"], f"unknown country code {entity.country!r}",
                              "use ISO 3166-1 alpha-2 (FR, US) or 3166-2 (CA-QC)"))


def check_source(source: Source, where: Where, vocab: Vocabulary, report: Report,
                 source_root: Path) -> None:
    """Checks of one source that need only the vocabulary and its archived file."""
    _classes, kinds = _terms(vocab)
    if source.kind not in kinds:
        report.add(where.diag(["kind"], f"unknown source kind {source.kind!r}",
                              did_you_mean(source.kind, kinds) or f"one of {sorted(kinds)}"))
    if source.reliability and source.reliability not in vocab.confidences:
        report.add(where.diag(["reliability"], f"unknown reliability {source.reliability!r}",
                              f"one of {sorted(vocab.confidences)}"))
    if source.archive:
        _check_archive(source, where, source_root, report)


def check_source_links(source: Source, where: Where, known: Known, report: Report) -> None:
    """A source's publisher and cited sources exist."""
    if source.publisher and source.publisher not in known.entities:
        report.add(_unknown(where, ["publisher"], "publisher entity", source.publisher,
                            known.entities))
    for i, cited in enumerate(source.cites):
        if cited not in known.sources:
            report.add(_unknown(where, ["cites", i], "source", cited, known.sources))


def _unknown(
    where: Where, path: list[str | int], what: str, value: str, known: Collection[str]
) -> Diagnostic:
    close = nearest(value, known)
    hint = f"nearest known ids: {', '.join(close)}" if close else f"define the {what} first"
    return where.diag(path, f"unknown {what} id {value!r}", hint)


def _check_archive(source: Source, where: Where, root: Path, report: Report) -> None:
    path = (root / source.archive).resolve() if source.archive else None
    if path is None or not path.is_file():
        report.add(where.diag(["archive"], f"archived file {source.archive!r} not found",
                              f"paths are relative to {root}", severity="warning"))
        return
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if source.sha256 and digest != source.sha256:
        report.add(where.diag(["sha256"], "sha256 does not match the archived file",
                              f"the file hashes to {digest}"))
    if not source.sha256:
        report.add(where.diag(["archive"], "archived source without sha256",
                              f"add `sha256: {digest}`"))


def _archive_length(source: SourceFacts, root: Path) -> int | None:
    return _text_length(str(root / source.archive)) if source.archive else None


@lru_cache(maxsize=256)
def _text_length(path: str) -> int | None:
    file = Path(path)
    return len(file.read_text(encoding="utf-8")) if file.is_file() else None


def check_claim(cid: str, claim: Claim, where: Where, ledger: Known, vocab: Vocabulary,
                report: Report, used: set[str], root: Path) -> None:
    """Every rule about one claim; ``used`` collects the sources it references."""
    predicate = vocab.predicates.get(claim.predicate)
    if predicate is None:
        report.add(where.diag(["predicate"], f"unknown predicate {claim.predicate!r}",
                              did_you_mean(claim.predicate, vocab.predicates)))
    subject = ledger.entities.get(claim.subject)
    if subject is None:
        report.add(_unknown(where, ["subject"], "entity", claim.subject, ledger.entities))
    target = ledger.entities.get(claim.object) if claim.object else None
    if claim.object is not None and target is None:
        report.add(_unknown(where, ["object"], "entity", claim.object, ledger.entities))
    if predicate is not None:
        if predicate.is_value and claim.value is None:
            report.add(where.diag(["object"] if claim.object else [],
                                  f"{claim.predicate!r} takes a value, not an entity",
                                  "write `value:` (a number, date or text) instead of `object:`"))
        if not predicate.is_value and claim.object is None:
            report.add(where.diag(["value"] if claim.value is not None else [],
                                  f"{claim.predicate!r} needs an object entity",
                                  "write `object: <entity id>`"))
        if subject is not None and predicate.domain and not vocab.allows(subject.types, predicate.domain):
            report.add(where.diag(
                ["subject"],
                f"subject {claim.subject!r} is a {'/'.join(subject.types)}, which "
                f"{claim.predicate!r} does not allow",
                f"{claim.predicate} takes subjects of type {', '.join(predicate.domain)}"))
        if (target is not None and predicate.range and not predicate.is_value
                and not vocab.allows(target.types, predicate.range)):
            report.add(where.diag(
                ["object"],
                f"object {claim.object!r} is a {'/'.join(target.types)}, which "
                f"{claim.predicate!r} does not allow",
                f"{claim.predicate} takes objects of type {', '.join(predicate.range)}"))
        if predicate.requires_currency and not claim.currency:
            report.add(where.diag(["value"], f"{claim.predicate!r} is an amount of money "
                                  "without a currency", "add `currency:` (ISO 4217, e.g. USD)"))
    if claim.object is not None and claim.value is not None:
        report.add(where.diag(["value"], "a claim has either an object or a value, not both"))
    if claim.amount is not None and not claim.currency:
        report.add(where.diag(["amount"], "amount without currency",
                              "add `currency:` with an ISO 4217 code such as EUR"))
    if claim.start and claim.end and claim.end < claim.start:
        report.add(where.diag(["end"], f"end {claim.end} is before start {claim.start}"))
    if claim.status and claim.status not in vocab.statuses:
        report.add(where.diag(["status"], f"unknown status {claim.status!r}",
                              did_you_mean(claim.status, vocab.statuses)
                              or f"one of {', '.join(vocab.statuses)}"))
    if (claim.kind and claim.predicate in {"issued_order_to"}
            and claim.kind not in vocab.order_kinds):
        report.add(where.diag(["kind"], f"unknown kind of order {claim.kind!r}",
                              did_you_mean(claim.kind, vocab.order_kinds)
                              or f"one of {', '.join(vocab.order_kinds)}"))
    if claim.confidence and claim.confidence not in vocab.confidences:
        report.add(where.diag(["confidence"], f"unknown confidence {claim.confidence!r}",
                              f"one of {', '.join(vocab.confidences)}"))
    if claim.disputes and claim.disputes not in ledger.claims:
        report.add(_unknown(where, ["disputes"], "claim", claim.disputes, ledger.claims))
    if claim.disputes == cid:
        report.add(where.diag(["disputes"], "a claim cannot dispute itself"))
    if not claim.refs:
        report.add(where.diag([], "claim without a source",
                              "add `refs:` with at least one `- source: <id>` and a `locator:`"))
    for i, ref in enumerate(claim.refs):
        source = ledger.sources.get(ref.source)
        if source is None:
            report.add(_unknown(where, ["refs", i, "source"], "source", ref.source, ledger.sources))
            continue
        used.add(ref.source)
        if ref.locator.chars:
            length = _archive_length(source, root)
            if length is not None and ref.locator.chars[1] > length:
                report.add(where.diag(["refs", i, "locator", "chars"],
                                      f"chars end {ref.locator.chars[1]} is past the end of the "
                                      f"archived text ({length} characters)"))
