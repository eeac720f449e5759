"""``custodiet import`` (tables, FollowTheMoney, Wikidata), ``custodiet export-ftm`` and
``custodiet dedupe``: growing the graph from open data, with provenance and reversible merges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from graph.cli.output import err, out, print_diagnostics
from graph.importers.service import (
    ImportResult,
    aliases_for_curated,
    apply_decisions,
    import_table,
    review_candidates,
)
from graph.importers.store import decisions_path
from graph.resolve import DecisionLog
from graph.settings import get_settings

imports = typer.Typer(help="Import open data into the ledger, with its provenance.",
                      no_args_is_help=True)
dedupe = typer.Typer(help="Entity resolution: candidate pairs, decisions, undo.",
                     invoke_without_command=True)

DataDir = Annotated[Path | None, typer.Option(
    help="Ledger folder the import is written into (default: CUSTODIET_DATA_DIR).")]
MaxShown = Annotated[int, typer.Option(help="Print at most this many diagnostics (0: all).")]


def _data_dir(data_dir: Path | None) -> Path:
    return data_dir or get_settings().data_dir


def report_import(result: ImportResult, *, dry_run: bool, strict: bool, max_shown: int) -> None:
    """Print what an import did (or why it did nothing) and exit 1 when it wrote nothing."""
    print_diagnostics(result.diagnostics, max_shown)
    warnings = len(result.diagnostics) - len(result.errors)
    if not result.ok:
        why = " (--strict: bad rows stop the import)" if strict and result.errors else ""
        err.print(f"import failed{why}: nothing was written", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    c = result.changes
    verb = "would write" if dry_run else "wrote"
    out.print(
        f"{result.name}: {result.rows} rows read, {result.bad_rows} skipped, "
        f"{warnings} warning{'s' * (warnings != 1)}; "
        f"{len(c.get('added', []))} records added, {len(c.get('updated', []))} updated, "
        f"{len(c.get('unchanged', []))} unchanged, {len(c.get('ended', []))} no longer in "
        f"the file; {result.counts.get('entities', 0)} entities, "
        f"{result.counts.get('claims', 0)} claims", markup=False)
    for decision in result.auto:
        out.print(f"merged {decision.left} into {decision.right}: {decision.why}", markup=False)
    if result.review:
        out.print(f"{len(result.review)} candidate pair{'s' * (len(result.review) != 1)} to "
                  "review: run `custodiet dedupe`", markup=False)
    for path in result.written:
        out.print(f"{verb} {path}", markup=False)


@imports.command("table")
def import_table_command(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, JSON Lines or JSON array.")],
    mapping: Annotated[Path, typer.Option("--mapping", "-m", help="The mapping (YAML).")],
    strict: Annotated[bool, typer.Option(help="Import nothing if any row is bad.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Check and report; write nothing.")] = False,
    retrieved: Annotated[str | None, typer.Option(
        help="When the file was retrieved (YYYY-MM-DD), recorded with its version.")] = None,
    data_dir: DataDir = None,
    max_shown: MaxShown = 200,
) -> None:
    """Import a table with a declarative mapping: every claim traced to its row."""
    result = import_table(file, mapping, data_dir=_data_dir(data_dir), strict=strict,
                          dry_run=dry_run, retrieved=retrieved)
    report_import(result, dry_run=dry_run, strict=strict, max_shown=max_shown)


@dedupe.callback()
def dedupe_list(
    ctx: typer.Context,
    min_score: Annotated[float, typer.Option(help="Lowest score listed (0–100).")] = 70.0,
    limit: Annotated[int, typer.Option(help="List at most this many pairs (0: all).")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    data_dir: DataDir = None,
) -> None:
    """List candidate pairs no decision covers yet, best first (subcommands decide and undo)."""
    if ctx.invoked_subcommand is not None:
        return
    folder = _data_dir(data_dir)
    candidates = review_candidates(folder, min_score)
    shown = candidates if limit <= 0 else candidates[:limit]
    if fmt == "json":
        out.print(json.dumps([{"left": c.left, "right": c.right, "score": c.score,
                               "reasons": list(c.reasons)} for c in shown],
                             ensure_ascii=False, indent=1), markup=False)
        return
    if not shown:
        out.print("no candidate pairs left to review", markup=False)
    for c in shown:
        out.print(f"{c.score:5.1f}  {c.left}  {c.right}  ({'; '.join(c.reasons)})", markup=False)
    if len(candidates) > len(shown):
        out.print(f"… and {len(candidates) - len(shown)} more (--limit 0 for all)", markup=False)
    pending = aliases_for_curated(folder)
    for entity, names in sorted(pending.items()):
        out.print(f"note: curated {entity} could take the aliases {names} "
                  "(add them by hand to its record)", markup=False)


def _apply(folder: Path) -> None:
    problems = apply_decisions(folder)
    if problems:
        print_diagnostics(problems, 0)
        err.print("the derived ledgers were left as they were", markup=False, soft_wrap=True)
        raise typer.Exit(1)


@dedupe.command("decide")
def dedupe_decide(
    left: Annotated[str, typer.Argument(help="An entity id.")],
    right: Annotated[str, typer.Argument(help="Another entity id.")],
    judgement: Annotated[str, typer.Argument(help="same, different or unsure.")],
    why: Annotated[str, typer.Option(help="The evidence, in your words.")] = "",
    who: Annotated[str, typer.Option(help="Who decides (default: $USER).")] = "",
    data_dir: DataDir = None,
) -> None:
    """Record a decision about a pair, then re-derive the imported ledgers."""
    import getpass

    folder = _data_dir(data_dir)
    if judgement not in {"same", "different", "unsure"}:
        err.print(f"error: judgement {judgement!r} is not one of same, different, unsure",
                  markup=False, soft_wrap=True)
        raise typer.Exit(2)
    known = _known_ids(folder)
    for entity in (left, right):
        if entity not in known:
            from graph.diagnostics import did_you_mean

            err.print(f"error: no entity {entity!r} in {folder}. {did_you_mean(entity, known)}",
                      markup=False, soft_wrap=True)
            raise typer.Exit(2)
    log = DecisionLog(decisions_path(folder))
    try:
        decision = log.decide(left, right, judgement, who or getpass.getuser(), why)
    except ValueError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    _apply_or_revert(folder, log, left, right)
    out.print(f"recorded: {decision.left} {decision.judgement} {decision.right}", markup=False)


def _apply_or_revert(folder: Path, log: DecisionLog, left: str, right: str) -> None:
    problems = apply_decisions(folder)
    if problems:
        print_diagnostics(problems, 0)
        log.undo(left, right, "custodiet", "reverted: the merged ledger did not validate")
        err.print("the decision was reverted (see the problems above); the derived ledgers "
                  "were left as they were", markup=False, soft_wrap=True)
        raise typer.Exit(1)


@dedupe.command("undo")
def dedupe_undo(
    left: Annotated[str, typer.Argument(help="An entity id.")],
    right: Annotated[str, typer.Argument(help="Another entity id.")],
    who: Annotated[str, typer.Option(help="Who undoes it (default: $USER).")] = "",
    data_dir: DataDir = None,
) -> None:
    """Undo the last decision about a pair (the history keeps both), then re-derive."""
    import getpass

    folder = _data_dir(data_dir)
    log = DecisionLog(decisions_path(folder))
    try:
        decision = log.undo(left, right, who or getpass.getuser())
    except KeyError as exc:
        err.print(f"error: {exc.args[0]}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    _apply(folder)
    out.print(f"undone: {left} and {right} are now {decision.judgement}", markup=False)


@dedupe.command("history")
def dedupe_history(data_dir: DataDir = None) -> None:
    """Every decision ever recorded, oldest first."""
    for d in DecisionLog(decisions_path(_data_dir(data_dir))).history:
        out.print(f"{d.when}  {d.left}  {d.judgement}  {d.right}  by {d.who}"
                  + (f": {d.why}" if d.why else ""), markup=False)


@dedupe.command("apply")
def dedupe_apply(data_dir: DataDir = None) -> None:
    """Re-derive every imported ledger from the decisions in force."""
    _apply(_data_dir(data_dir))
    out.print("derived ledgers are up to date", markup=False)


@dedupe.command("evaluate")
def dedupe_evaluate(
    pairs: Annotated[Path, typer.Argument(help="CSV of labelled pairs: left,right,same,"
                                                "left_types,right_types,left_country,"
                                                "right_country.")],
    min_score: Annotated[float, typer.Option(help="The review threshold.")] = 70.0,
    data_dir: DataDir = None,
    show: Annotated[bool, typer.Option(help="List the misses and false alarms.")] = False,
) -> None:
    """Precision and recall of the matcher on a labelled list of name pairs."""
    from graph.importers.service import all_entities
    from graph.resolve.evaluate import evaluate

    if not pairs.is_file():
        err.print(f"{pairs}:1:1: error: no such file", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    try:
        results = evaluate(pairs, min_score, all_entities(_data_dir(data_dir)))
    except KeyError as exc:
        err.print(f"{pairs}:1:1: error: missing column {exc.args[0]!r}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    for q in results:
        out.print(f"{q.threshold}: precision {q.precision:.2f}, recall {q.recall:.2f} "
                  f"({q.pairs} pairs: {q.tp} found, {q.fp} false alarms, {q.fn} missed)",
                  markup=False)
        if show:
            for what in q.misses:
                out.print(f"  missed: {what}", markup=False)
            for what in q.false_alarms:
                out.print(f"  false alarm: {what}", markup=False)


def _known_ids(folder: Path) -> set[str]:
    from graph.importers.service import all_entities

    return {e.id for e in all_entities(folder)}


@imports.command("ftm")
def import_ftm_command(
    file: Annotated[Path, typer.Argument(help="FollowTheMoney entities, one JSON per line.")],
    name: Annotated[str, typer.Option(help="Name of this import (its folder in data/imports).")],
    dataset_id: Annotated[str, typer.Option(help="Id of the dataset source (kebab-case).")],
    title: Annotated[str | None, typer.Option(help="Title of the dataset.")] = None,
    url: Annotated[str | None, typer.Option(help="Where the dataset is published.")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date (ISO).")] = None,
    licence: Annotated[str | None, typer.Option(help="Licence of the dataset.")] = None,
    retrieved: Annotated[str | None, typer.Option(help="When it was retrieved.")] = None,
    strict: Annotated[bool, typer.Option(help="Import nothing if any entity is bad.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Check and report; write nothing.")] = False,
    data_dir: DataDir = None,
    max_shown: MaxShown = 200,
) -> None:
    """Import a FollowTheMoney entity stream: people and organisations, links as claims."""
    from graph.importers.service import import_ftm

    result = import_ftm(file, name=name, dataset_id=dataset_id, title=title, url=url,
                        published=published, licence=licence, data_dir=_data_dir(data_dir),
                        strict=strict, dry_run=dry_run, retrieved=retrieved)
    report_import(result, dry_run=dry_run, strict=strict, max_shown=max_shown)


def export_ftm(
    output: Annotated[Path, typer.Option("--output", "-o", help="FtM JSON Lines file to write.")],
    path: Annotated[Path | None, typer.Argument(help="Ledger folder (default: data).")] = None,
) -> None:
    """Export the ledger as FollowTheMoney entities (Aleph, OpenSanctions, nomenklatura)."""
    from graph.importers.ftm import export_ftm as to_ftm
    from graph.pipeline import run

    result = run([(path or get_settings().data_dir, "yaml")], publish=False, shacl=False,
                 keep_ledger=True)
    if result.ledger is None:
        print_diagnostics(result.report.errors, 20)
        err.print("export aborted: the ledger does not validate", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    proxies, skipped = to_ftm(result.ledger)
    tmp = output.with_name(f".{output.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for proxy in proxies:
            handle.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(output)
    left_out = "; ".join(f"{n} {what}" for what, n in skipped.items())
    out.print(f"wrote {len(proxies)} FtM entities to {output}"
              + (f" (left out: {left_out})" if left_out else ""), markup=False)


@imports.command("wikidata")
def import_wikidata_command(
    qids: Annotated[list[str], typer.Argument(help="Wikidata item ids, e.g. Q42.")],
    api: Annotated[str | None, typer.Option(
        help="MediaWiki API to ask (default: https://www.wikidata.org/w/api.php).")] = None,
    name: Annotated[str, typer.Option(help="Name of this import.")] = "wikidata",
    dry_run: Annotated[bool, typer.Option(help="Check and report; write nothing.")] = False,
    data_dir: DataDir = None,
    max_shown: MaxShown = 200,
) -> None:
    """Import Wikidata items (needs the network, only when you run it): labels, aliases,
    types, country, inception, website and relations, sourced to each item's revision."""
    from graph.importers.service import import_wikidata

    result = import_wikidata(qids, name=name, api=api, data_dir=_data_dir(data_dir),
                             dry_run=dry_run)
    report_import(result, dry_run=dry_run, strict=False, max_shown=max_shown)


def register(app: typer.Typer) -> None:
    app.add_typer(imports, name="import")
    app.add_typer(dedupe, name="dedupe")
    app.command("export-ftm")(export_ftm)
