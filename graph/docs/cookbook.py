"""docs/sparql.md, the SPARQL cookbook, generated from ``graph/queries/cookbook-*.rq``.

Each query is run on a fresh build of the ledger and shown with its first rows, so the examples
in the document are always ones that run. Regenerate with ``python -m graph.docs.cookbook``;
``cookbook_markdown()`` returns the text for ``custodiet docs``.
"""

from __future__ import annotations

import argparse
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
