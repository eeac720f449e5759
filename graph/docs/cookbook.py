"""docs/sparql.md, the SPARQL cookbook, generated from ``graph/queries/cookbook-*.rq``.

Each query is run on a fresh build of the ledger and shown with its first rows, so the examples
in the document are always ones that run. Regenerate with ``python -m graph.docs.cookbook``;
``cookbook_markdown()`` returns the text for ``custodiet docs``.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from graph.named_queries import NamedQuery, named_queries
from graph.namespaces import ONT, compact, instance_prefixes
from graph.rdf.iris import Iris
from graph.settings import ROOT, Settings, get_settings
from graph.store import Store, StoreError, Table, open_store

COOKBOOK = ROOT / "docs" / "sparql.md"
PREFIX = "cookbook-"
MAX_CELL = 90

# The document's fixed part: a str.format template with {build}, {ont}, {timeout} ... fields.
INTRO = (Path(__file__).parent / "templates" / "cookbook.md").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Grain:
    """What one row of a query stands for, and the columns that identify it (unique per row).

    Written down because a query whose rows repeat a fact (an entity matching a class pattern
    twice, a sub-select joined once per dispute) silently inflates every count made from it;
    tests/test_named_query_grain.py checks the key on the bundled data.
    """

    text: str
    key: tuple[str, ...] = ()


GRAINS: dict[str, Grain] = {
    "cookbook-agencies-several-vendors": Grain("one row per agency", ("agency",)),
    "cookbook-claims-by-publisher": Grain("one row per publisher", ("publisher",)),
    "cookbook-contracts-by-country": Grain("one row per buyer country and currency",
                                           ("country", "currency")),
    "cookbook-database-size": Grain("one row per value claim and source", ("claim", "source_title")),
    "cookbook-disputed-claims": Grain("one row per disputing pair of claims",
                                      ("claim", "disputed_claim")),
    "cookbook-entity-profile": Grain("one row per claim", ("claim",)),
    "cookbook-fines-by-country": Grain("one row per fine (claim)", ("claim",)),
    "cookbook-known-on-date": Grain("one row per claim", ("claim",)),
    "cookbook-leadership": Grain("one row per founded, leads or employs claim",
                                 ("person", "relation", "role")),
    "cookbook-original-sources": Grain("one row per citing source", ("source",)),
    "cookbook-regulator-actions": Grain("one row per claim", ("claim",)),
    "cookbook-same-publisher-repeats": Grain("one row per claim", ("claim",)),
    "cookbook-single-source-claims": Grain("one row per claim", ("claim",)),
    "cookbook-source-chains": Grain("one row per citation (citing and cited source)",
                                    ("citing", "cited")),
    "cookbook-status-changes": Grain("one row per claim", ("claim",)),
    "cookbook-two-hop-network": Grain("one row per path (intermediary and the two relations)",
                                      ("via_label", "first", "second", "reached")),
    "cookbook-vendor-customers": Grain("one row per claim", ("claim",)),
    "cookbook-vendor-funding": Grain("one row per vendor", ("vendor",)),
    "cookbook-who-funds": Grain("one row per claim", ("claim",)),
}
_GRAIN_HEADER = re.compile(r"^#\s*grain:\s*(.+?)\s*(?:\[([\w ,]+)\])?\s*$", re.MULTILINE)


def grain(query: NamedQuery) -> Grain | None:
    """The query's grain: a ``# grain: one row per claim [claim]`` header line, else the table
    above (new queries can declare theirs in the file)."""
    match = _GRAIN_HEADER.search(query.text)
    if match:
        key = tuple(c.strip() for c in (match.group(2) or "").split(",") if c.strip())
        return Grain(match.group(1), key)
    return GRAINS.get(query.name)


@dataclass
class Sample:
    query: NamedQuery
    table: Table | None
    error: str | None = None


def cookbook_queries() -> list[NamedQuery]:
    return [q for name, q in sorted(named_queries().items()) if name.startswith(PREFIX)]


def run_samples(store: Store, iris: Iris) -> list[Sample]:
    samples = []
    for query in cookbook_queries():
        try:
            samples.append(Sample(query, store.select(query.render(iris))))
        except StoreError as exc:
            samples.append(Sample(query, None, str(exc)))
    return samples


def shorten(value: str | None, iris: Iris) -> str:
    """A cell as Markdown: our IRIs as ent:/claim:/src: names, long text cut, pipes escaped."""
    if value is None:
        return ""
    value = compact(value, instance_prefixes(iris.base))
    value = " ".join(value.split())
    if len(value) > MAX_CELL:
        value = value[: MAX_CELL - 1] + "…"
    return value.replace("\\", "\\\\").replace("|", "\\|")


def sample_table(table: Table, iris: Iris, rows: int) -> str:
    if not table.columns:
        return "_(no columns)_"
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    for row in table.rows[:rows]:
        lines.append("| " + " | ".join(shorten(row.get(c), iris) for c in table.columns) + " |")
    return "\n".join(lines)


def body_of(query: NamedQuery) -> str:
    """The query text without its comment headers (they are the section's prose)."""
    lines = query.text.splitlines()
    while lines and lines[0].lstrip().startswith("#"):
        lines.pop(0)
    return "\n".join(lines).strip()


def render_markdown(samples: list[Sample], base_iri: str, build: str, rows: int = 5) -> str:
    iris = Iris(base_iri)
    toc = "\n".join(f"{i}. [{s.query.title}](#{s.query.name})"
                    for i, s in enumerate(samples, start=1))
    # The limits quoted are the defaults, so the document does not depend on the environment.
    defaults = Settings.model_fields
    parts = [INTRO.format(build=build, entity_base=iris.entity(""), ont=ONT,
                          timeout=defaults["query_timeout"].default,
                          max_rows=defaults["max_rows"].default,
                          max_bytes=defaults["max_request_bytes"].default, toc=toc)]
    for sample in samples:
        q = sample.query
        parts.append(f'<a id="{q.name}"></a>\n### {q.title}\n')
        parts.append(f"{q.description}\n")
        meta = f"File: `graph/queries/{q.name}.rq`"
        if q.params:
            meta += " · parameters: " + ", ".join(
                f"`${p.name}` = `{p.default}` ({p.kind})" for p in q.params)
        parts.append(meta + "\n")
        kind = grain(q)
        if kind is not None:
            parts.append(f"Grain: {kind.text}"
                         + (f" (unique: {', '.join(f'`?{c}`' for c in kind.key)})"
                            if kind.key else "") + ".\n")
        parts.append(f"```sparql\n{body_of(q)}\n```\n")
        if sample.error:
            parts.append(f"**The query failed on this build:** {sample.error}\n")
        elif sample.table is not None:
            total = len(sample.table.rows)
            shown = min(rows, total)
            parts.append(f"Sample: {shown} of {total} rows.\n")
            if total:
                parts.append(sample_table(sample.table, iris, rows) + "\n")
    return "\n".join(parts).rstrip() + "\n"


def cookbook_from_store(settings: Settings, rows: int = 5) -> str:
    """The cookbook with samples from the store ``settings`` points at."""
    store = open_store(settings)
    info = store.info()
    samples = run_samples(store, Iris(settings.base_iri))
    return render_markdown(samples, settings.base_iri, info.build_id if info else "no build",
                           rows)


def cookbook_markdown(settings: Settings | None = None, rows: int = 5) -> str:
    """The cookbook for the ledger in ``settings.data_dir`` (data/ by default).

    The ledger is built into a temporary store first, so the samples always match data/ and
    not whatever build happens to be live.
    """
    from graph.pipeline import publish, validate_ledger

    settings = settings or get_settings()
    with tempfile.TemporaryDirectory(prefix="custodiet-cookbook-") as tmp:
        scratch = settings.model_copy(update={"store_dir": Path(tmp), "backend": "oxigraph"})
        result = validate_ledger(settings.data_dir, scratch, shacl=False)
        if result.output is None:
            raise StoreError(f"{settings.data_dir} does not validate; run `custodiet validate`")
        publish(result.output, scratch)
        return cookbook_from_store(scratch, rows)


def write_cookbook(path: Path = COOKBOOK, settings: Settings | None = None,
                   rows: int = 5) -> Path:
    """Build the ledger of ``settings`` (data/ by default), run every cookbook query on it and
    write the document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(cookbook_markdown(settings, rows), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=COOKBOOK)
    parser.add_argument("--rows", type=int, default=5, help="sample rows per query")
    args = parser.parse_args()
    print(write_cookbook(args.output, rows=args.rows))


if __name__ == "__main__":
    main()
