"""Every rule a ledger record must pass, one function per kind of record.

Everything the vocabulary decides (classes, predicates, statuses, kinds) is asked of
``graph.vocabulary`` so this file never lists a term of the ontology itself. The rules ask the
rest of the ledger only for what ``Known`` holds, so the one streaming validator
(``graph.ledger.validator``) applies them to a ledger of any size, from any reader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

import pycountry
import pyoxigraph as ox

from graph.diagnostics import Diagnostic, Report, did_you_mean, nearest
from graph.ledger import urls
from graph.ledger.model import UNKNOWN_PUBLISHER, Claim, Entity, Known, Redirect, Source, SourceFacts
from graph.ledger.positions import Where
from graph.vocabulary import Vocabulary

EXTRA_COUNTRY_CODES = {"EU"}  # not ISO 3166-1 proper, but what curators use for the Union


def valid_country(code: str) -> bool:
    if code in EXTRA_COUNTRY_CODES:
        return True
    if len(code) == 2:
        return pycountry.countries.get(alpha_2=code) is not None
    return pycountry.subdivisions.get(code=code) is not None


IRI_HINT = "percent-encode spaces, quotes and <>, and write % only before two hex digits"


def valid_iri(text: str) -> bool:
    """What the store will accept as an IRI: asked of the engine itself, so the two never
    disagree (a URL the ledger let through would otherwise fail inside the build, unlocated)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


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


_ALLOWS: dict[tuple[int, tuple[str, ...], tuple[str, ...]], tuple[Vocabulary, bool]] = {}


def _allows(vocab: Vocabulary, types: list[str], allowed: list[str]) -> bool:
    """``vocab.allows``, remembered: a ledger has a handful of (classes, domain) pairs, and
    walking the class tree for every claim was 13 % of validation (cProfile, 10k claims)."""
    key = (id(vocab), tuple(types), tuple(allowed))
    hit = _ALLOWS.get(key)
    if hit is None or hit[0] is not vocab:
        hit = _ALLOWS[key] = (vocab, vocab.allows(types, allowed))
    return hit[1]


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
    if entity.website and not valid_iri(entity.website):
        report.add(where.diag(["website"], f"website {entity.website!r} is not a valid IRI",
                              IRI_HINT))


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
    if source.url and not valid_iri(source.url):
        report.add(where.diag(["url"], f"url {source.url!r} is not a valid IRI", IRI_HINT))
    elif source.url and urls.is_listing(source.url):
        report.add(where.diag(["url"], f"url {source.url!r} looks like a listing page, not the "
                              "document itself", "link the article or document the claims rest "
                              "on (its own page, not a page of a blog or a tag)",
                              severity="warning"))
    if source.publisher == UNKNOWN_PUBLISHER and not source.publisher_reason:
        report.add(where.diag(["publisher"], "publisher 'unknown' needs a reason",
                              "add `publisher_reason:` (e.g. the copy does not name the outlet)"))
    if source.copy_of == source.id:
        report.add(where.diag(["copy_of"], "a source cannot be a copy of itself"))
    if source.archive:
        _check_archive(source, where, source_root, report)


def check_source_links(source: Source, where: Where, known: Known, report: Report) -> None:
    """A source's publisher and cited sources exist."""
    if (source.publisher and source.publisher != UNKNOWN_PUBLISHER
            and source.publisher not in known.entities):
        report.add(_unknown(where, ["publisher"], "publisher entity", source.publisher,
                            known.entities))
    for i, cited in enumerate(source.cites):
        if cited not in known.sources:
            report.add(_unknown(where, ["cites", i], "source", cited, known.sources))
    if source.copy_of and source.copy_of != source.id and source.copy_of not in known.sources:
        report.add(_unknown(where, ["copy_of"], "source", source.copy_of, known.sources))


def tracking_removed(source: Source, where: Where, report: Report) -> Source:
    """The source with tracking parameters removed from its URL (and a warning saying so)."""
    if not source.url:
        return source
    cleaned, removed = urls.clean(source.url)
    if not removed and cleaned == source.url:
        return source
    what = ", ".join(removed) if removed else "HTML-escaped separators"
    report.add(where.diag(["url"], f"url carries tracking parameters ({what}); they were removed",
                          f"write `url: {cleaned}`", severity="warning"))
    return source.model_copy(update={"url": cleaned})


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


def check_claim(cid: str, claim: Claim, where: Where, known: Known, vocab: Vocabulary,
                report: Report, used: set[str], root: Path) -> None:
    """Every rule about one claim; ``used`` collects the sources it references."""
    predicate = vocab.predicates.get(claim.predicate)
    if predicate is None:
        report.add(where.diag(["predicate"], f"unknown predicate {claim.predicate!r}",
                              did_you_mean(claim.predicate, vocab.predicates)))
    subject = known.entities.get(claim.subject)
    if subject is None:
        report.add(_unknown(where, ["subject"], "entity", claim.subject, known.entities))
    target = known.entities.get(claim.object) if claim.object else None
    if claim.object is not None and target is None:
        report.add(_unknown(where, ["object"], "entity", claim.object, known.entities))
    if predicate is not None:
        if predicate.is_value and claim.value is None:
            report.add(where.diag(["object"] if claim.object else [],
                                  f"{claim.predicate!r} takes a value, not an entity",
                                  "write `value:` (a number, date or text) instead of `object:`"))
        if not predicate.is_value and claim.object is None:
            report.add(where.diag(["value"] if claim.value is not None else [],
                                  f"{claim.predicate!r} needs an object entity",
                                  "write `object: <entity id>`"))
        if (subject is not None and predicate.domain
                and not _allows(vocab, subject.types, predicate.domain)):
            report.add(where.diag(
                ["subject"],
                f"subject {claim.subject!r} is a {'/'.join(subject.types)}, which "
                f"{claim.predicate!r} does not allow",
                f"{claim.predicate} takes subjects of type {', '.join(predicate.domain)}"))
        if (target is not None and predicate.range and not predicate.is_value
                and not _allows(vocab, target.types, predicate.range)):
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
    _check_lifecycle(cid, claim, where, known, vocab, report)
    if claim.disputes and claim.disputes not in known.claims:
        report.add(_unknown(where, ["disputes"], "claim", claim.disputes, known.claims))
    if claim.disputes == cid:
        report.add(where.diag(["disputes"], "a claim cannot dispute itself"))
    if not claim.refs:
        report.add(where.diag([], "claim without a source",
                              "add `refs:` with at least one `- source: <id>` and a `locator:`"))
    for i, ref in enumerate(claim.refs):
        if ref.stance and ref.stance not in vocab.stances:
            report.add(where.diag(["refs", i, "stance"], f"unknown stance {ref.stance!r}",
                                  did_you_mean(ref.stance, vocab.stances)
                                  or f"one of {', '.join(vocab.stances)}"))
        source = known.sources.get(ref.source)
        if source is None:
            report.add(_unknown(where, ["refs", i, "source"], "source", ref.source, known.sources))
            continue
        used.add(ref.source)
        if ref.locator.chars:
            length = _archive_length(source, root)
            if length is not None and ref.locator.chars[1] > length:
                report.add(where.diag(["refs", i, "locator", "chars"],
                                      f"chars end {ref.locator.chars[1]} is past the end of the "
                                      f"archived text ({length} characters)"))


def _check_lifecycle(cid: str, claim: Claim, where: Where, known: Known, vocab: Vocabulary,
                     report: Report) -> None:
    """Stage, outcome, the step it follows, the round it joined, and its two dates."""
    if claim.stage and claim.stage not in vocab.stages:
        report.add(where.diag(["stage"], f"unknown stage {claim.stage!r}",
                              did_you_mean(claim.stage, vocab.stages)
                              or f"one of {', '.join(vocab.stages)}"))
    if claim.outcome and claim.outcome not in vocab.outcomes:
        report.add(where.diag(["outcome"], f"unknown outcome {claim.outcome!r}",
                              did_you_mean(claim.outcome, vocab.outcomes)
                              or f"one of {', '.join(vocab.outcomes)}"))
    if claim.follows == cid:
        report.add(where.diag(["follows"], "a claim cannot follow itself"))
    elif claim.follows and claim.follows not in known.claims:
        report.add(_unknown(where, ["follows"], "claim", claim.follows, known.claims))
    if claim.round:
        raised_by = known.rounds.get(claim.round)
        if claim.round not in known.claims:
            report.add(_unknown(where, ["round"], "claim", claim.round, known.claims))
        elif raised_by is None:
            report.add(where.diag(["round"], f"{claim.round!r} is not a funding round",
                                  "point at a raised_funding claim"))
        elif claim.object and raised_by != claim.object:
            report.add(where.diag(["round"], f"round {claim.round!r} was raised by "
                                  f"{raised_by!r}, not by {claim.object!r}",
                                  "an investor joins a round of the company it invested in"))
    if claim.published and claim.date and claim.published.start < claim.date.start:
        report.add(where.diag(["published"], f"published {claim.published} is before the "
                              f"date {claim.date}",
                              "date is when the decision was taken or the fact held; published "
                              "is when it was made public", severity="warning"))


def check_redirect(redirect: Redirect, where: Where, known: Known, report: Report) -> None:
    """A merged id points at an entity that exists (and not at another merged id)."""
    if redirect.to not in known.entities:
        report.add(_unknown(where, ["to"], "entity", redirect.to, known.entities))
