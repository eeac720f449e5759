"""``custodiet extract`` (article → review file, or ``--evaluate`` against the gold files) and
``custodiet review`` (accept, edit, reject, link, create, cite, apply).

Every problem the user can fix is printed as one line, ``error: …``, with exit status 1: the
extraction package raises ``ExtractError`` for those and nothing else reaches the terminal.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from graph.cli.output import err, out
from graph.extract.document import ExtractError, read_document
from graph.extract.engine import BODY_GAP
from graph.extract.engine import extract as run_extract
from graph.extract.evaluate import GOLD_DIR, evaluate, report_markdown, write_docs
from graph.extract.known import load_known
from graph.extract.nlp import PipelineUnavailable
from graph.extract.review import (
    REVIEW_DIR,
    apply_review,
    build_review,
    decide,
    decide_citation,
    decide_entity,
    load_review,
    merge_previous,
    pending,
    review_path,
    reviewer,
    save_review,
)
from graph.settings import ROOT, get_settings

F = TypeVar("F", bound=Callable[..., Any])
# Defaults are shown relative to the project, so the generated CLI reference (docs/cli.md) is the
# same on every machine.
ReviewDir = Annotated[Path, typer.Option(help="Folder of the review files (one YAML per document).",
                                         show_default="review/")]
ReviewArg = Annotated[str, typer.Argument(help="A review file, or the id of its source.")]
By = Annotated[str | None, typer.Option("--by", help="Who decides (default: $CUSTODIET_REVIEWER or "
                                                      "the login name).")]


def _friendly(fn: F) -> F:
    """Turn the errors a user can fix into one line and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ExtractError, PipelineUnavailable) as exc:
            err.print(f"error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@_friendly
def extract(
    source: Annotated[str | None, typer.Argument(
        help="A text, HTML or PDF file, or a URL (with --allow-network).")] = None,
    language: Annotated[str | None, typer.Option(help="fr or en (default: detected).")] = None,
    allow_network: Annotated[bool, typer.Option(
        "--allow-network", help="Allow fetching SOURCE when it is a URL.")] = False,
    whole: Annotated[bool, typer.Option(
        help="Keep the whole text (by default the article ends before teasers and comments).")] = False,
    body_gap: Annotated[int, typer.Option(
        help="Paragraphs without a known actor's name that end the article.")] = BODY_GAP,
    review_dir: ReviewDir = REVIEW_DIR,
    evaluate_gold: Annotated[bool, typer.Option(
        "--evaluate", help="Measure precision and recall on the gold files instead.")] = False,
    gold: Annotated[Path, typer.Option(help="Folder of gold files, for --evaluate.",
                                       show_default="tests/extract/gold/")] = GOLD_DIR,
    write: Annotated[bool, typer.Option(
        help="With --evaluate, write the results into docs/extraction.md.")] = True,
) -> None:
    """Propose entities and claims from an article into its review file; nothing is published."""
    settings = get_settings()
    started = time.perf_counter()
    if not evaluate_gold:  # bad input is reported before the ledger is read
        if source is None:
            raise ExtractError("give a file or URL to extract from (or --evaluate)")
        doc = read_document(source, allow_network=allow_network, language=language)
    ledger, gaz = load_known(settings)
    if evaluate_gold:
        results = evaluate(gold, gaz)
        markdown = report_markdown(results, "custodiet extract --evaluate")
        out.print(markdown, markup=False)
        if write:
            write_docs(markdown, ROOT / "docs" / "extraction.md")
            err.print("written to docs/extraction.md", markup=False)
        return
    ex = run_extract(doc, gaz, whole=whole, body_gap=body_gap)
    data = build_review(ex, ledger, gaz, settings)
    path = review_path(data["document"]["source"], review_dir)
    data = merge_previous(data, load_review(path) if path.exists() else None)
    save_review(path, data)
    body = data["document"]["body"]
    out.print(f"{doc.origin}: {doc.language}, {doc.words} words; article body lines "
              f"{body['first_line']}–{body['last_line']}; main entity {ex.main or '—'}", markup=False)
    out.print(f"{len(data['mentions'])} known entities mentioned, {len(data['new_entities'])} new "
              f"names, {len(data['claims'])} claims ({len(pending(data))} to review), "
              f"{len(data['citations'])} cited sources", markup=False)
    out.print(f"review file: {path} ({time.perf_counter() - started:.1f}s)", markup=False)
    out.print(f"next: custodiet review show {data['document']['source']}", markup=False)


def _open(review: str, review_dir: Path) -> tuple[Path, dict[str, Any]]:
    path = Path(review)
    if not (path.suffix in {".yaml", ".yml"} and path.exists()):
        path = review_path(review, review_dir)
    return path, load_review(path)


def _evidence(data: dict[str, Any], chars: list[int]) -> str:
    doc = data["document"]
    candidates = [doc.get("text_cache"), doc.get("origin")]
    for name in candidates:
        if name and Path(name).is_file():
            try:
                text = Path(name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            return " ".join(text[chars[0]:chars[1]].split())
    return "(document text not available)"


def _describe(item: dict[str, Any]) -> str:
    c = item.get("edited") or item["proposed"]
    target = c.get("object") or f"= {c.get('value')}"
    quals = ", ".join(f"{k} {c[k]}" for k in ("date", "amount", "currency", "status", "kind", "role")
                      if c.get(k) is not None)
    return f"{c['subject']} {c['predicate']} {target}" + (f" ({quals})" if quals else "")


@_friendly
def show(review: ReviewArg, review_dir: ReviewDir = REVIEW_DIR,
         all_items: Annotated[bool, typer.Option("--all", help="Also decided items.")] = False,
         evidence: Annotated[bool, typer.Option(help="Print each claim's sentence.")] = True) -> None:
    """List the claims (pending ones by default), new names and cited sources of a review."""
    path, data = _open(review, review_dir)
    claims = data["claims"] if all_items else pending(data)
    out.print(f"{path}: {len(pending(data))} of {len(data['claims'])} claims pending", markup=False)
    for item in claims:
        flag = f" [already in the ledger: {item['known_claim']}]" if item.get("known_claim") else ""
        out.print(f"{item['key']}  {item['decision']:<8} {item['confidence']:.2f}  line "
                  f"{item['line']}  {_describe(item)}{flag}", markup=False)
        if evidence:
            out.print(f"    “{_evidence(data, item['chars'])}”", markup=False)
    for n in data.get("new_entities") or []:
        if all_items or n.get("decision", "pending") == "pending":
            out.print(f"new name {n['key']}: {n['name']} (proposed {n['type']}, {len(n['chars'])}×) "
                      f"{n['decision']}", markup=False)
    for c in data.get("citations") or []:
        if all_items or c.get("decision", "pending") == "pending":
            out.print(f"cites {c['entity']} (line {c['line']}; source {c.get('source') or '?'}) "
                      f"{c['decision']}", markup=False)


def _record(path: Path, data: dict[str, Any], message: str) -> None:
    save_review(path, data)
    out.print(message, markup=False)


@_friendly
def accept(review: ReviewArg, keys: Annotated[list[str], typer.Argument(help="Claim keys.")],
           by: By = None, review_dir: ReviewDir = REVIEW_DIR) -> None:
    """Accept claims as proposed."""
    path, data = _open(review, review_dir)
    for key in keys:
        decide(data, key, "accepted", reviewer(by))
    _record(path, data, f"accepted {len(keys)}; write them with: custodiet review apply {review}")


@_friendly
def reject(review: ReviewArg, keys: Annotated[list[str], typer.Argument(help="Claim keys.")],
           by: By = None, note: Annotated[str | None, typer.Option(help="Why.")] = None,
           review_dir: ReviewDir = REVIEW_DIR) -> None:
    """Reject claims; they are not proposed again for this document."""
    path, data = _open(review, review_dir)
    for key in keys:
        decide(data, key, "rejected", reviewer(by), note=note)
    _record(path, data, f"rejected {len(keys)}")


Opt = Annotated[str | None, typer.Option()]


@_friendly
def edit(review: ReviewArg, key: Annotated[str, typer.Argument(help="Claim key.")],
         subject: Opt = None, predicate: Opt = None, object_: Annotated[
             str | None, typer.Option("--object")] = None,
         value: Opt = None, date: Opt = None, amount: Opt = None, currency: Opt = None,
         status: Opt = None, kind: Opt = None, role: Opt = None, by: By = None,
         review_dir: ReviewDir = REVIEW_DIR) -> None:
    """Correct a claim (an empty value removes a qualifier) and accept it."""
    path, data = _open(review, review_dir)
    edits = {k: v for k, v in {"subject": subject, "predicate": predicate, "object": object_,
                               "value": value, "date": date, "amount": amount,
                               "currency": currency, "status": status, "kind": kind,
                               "role": role}.items() if v is not None}
    item = decide(data, key, "edited", reviewer(by), edits=edits)
    _record(path, data, f"edited {item['key']}: {_describe(item)}")


@_friendly
def entity(review: ReviewArg, name: Annotated[str, typer.Argument(help="The new name's key or name.")],
           link: Annotated[str | None, typer.Option(help="An existing entity id.")] = None,
           create: Annotated[str | None, typer.Option(help="Id of a new entity.")] = None,
           type_: Annotated[str | None, typer.Option("--type", help="Its class.")] = None,
           name_en: Opt = None, name_fr: Opt = None,
           reject_it: Annotated[bool, typer.Option("--reject")] = False,
           by: By = None, review_dir: ReviewDir = REVIEW_DIR) -> None:
    """Link a new name to an existing entity, create an entity for it, or reject it."""
    path, data = _open(review, review_dir)
    from graph.extract.mentions import new_key

    key = name if name.startswith("new:") else new_key(name)
    spec = None
    if create:
        label = next((n["name"] for n in data.get("new_entities") or [] if n["key"] == key), name)
        spec = {"id": create, "types": [type_] if type_ else None,
                "name": {"en": name_en or label, "fr": name_fr or name_en or label}}
        spec = {k: v for k, v in spec.items() if v is not None}
    item = decide_entity(data, key, reviewer(by), link=link, create=spec, reject=reject_it)
    _record(path, data, f"{item['name']}: {item['decision']}")


@_friendly
def cite(review: ReviewArg, entity_id: Annotated[str, typer.Argument(help="The cited publisher.")],
         source: Annotated[str | None, typer.Option(help="The cited source's id.")] = None,
         reject_it: Annotated[bool, typer.Option("--reject")] = False,
         by: By = None, review_dir: ReviewDir = REVIEW_DIR) -> None:
    """Accept (with its source id) or reject a proposed `cites` link."""
    path, data = _open(review, review_dir)
    item = decide_citation(data, entity_id, "rejected" if reject_it else "accepted", reviewer(by),
                           source)
    _record(path, data, f"cites {item['entity']}: {item['decision']}")


@_friendly
def apply(review: ReviewArg, review_dir: ReviewDir = REVIEW_DIR) -> None:
    """Validate the ledger with the accepted items and write them to data/extracted/ atomically."""
    _, data = _open(review, review_dir)
    result = apply_review(data, get_settings())
    for line in result.skipped:
        err.print(f"note: {line}", markup=False)
    out.print(f"wrote {result.claims} claims, {result.entities} entities, {result.sources} sources "
              f"to {result.path} (validated); publish with: custodiet build", markup=False)


review_app = typer.Typer(help="Review extracted candidates: show, accept, edit, reject, apply.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(extract)
    for fn in (show, accept, reject, edit, entity, cite, apply):
        review_app.command()(fn)
    app.add_typer(review_app, name="review")
