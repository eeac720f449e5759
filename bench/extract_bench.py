"""Extraction speed: seconds per 1,000 words, and the start-up cost of the language pipelines.

Start-up is measured in a fresh interpreter per language (``import spacy`` and loading the
pipeline, then the known entities from the validated ledger). Throughput is the median of
``--repeat`` runs of ``graph.extract.engine.extract`` on the French article (the article body,
then the whole file with teasers and comments) and on the English gold texts, after one warm-up.
Writes the section ``extract`` of docs/benchmarks.md.

    python -m bench.extract_bench --repeat 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.report import markdown_table, write_section

ROOT = Path(__file__).resolve().parent.parent
FRENCH = ROOT.parent / "shared" / "sources" / "clearview-federal-contracts-fr.txt"
GOLD = ROOT / "tests" / "extract" / "gold"

STARTUP = """
import json, time
t0 = time.perf_counter()
import spacy
from graph.extract.nlp import pipeline
t1 = time.perf_counter()
pipeline({lang!r})
t2 = time.perf_counter()
from graph.extract.known import load_known
from graph.settings import get_settings
load_known(get_settings())
t3 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "pipeline": t2 - t1, "known": t3 - t2}}))
"""


def startup(lang: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", STARTUP.format(lang=lang)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def throughput(repeat: int) -> list[list[object]]:
    from graph.extract.document import read_document
    from graph.extract.engine import extract
    from graph.extract.known import load_known
    from graph.settings import get_settings

    _, gaz = load_known(get_settings())
    cases = [("fr", "French article, body (lines 1–29)", str(FRENCH), False),
             ("fr", "French article, whole file", str(FRENCH), True)]
    cases += [("en", f"English {p.stem}", str(p), False) for p in sorted(GOLD.glob("en-*.txt"))]
    rows: list[list[object]] = []
    for lang, label, path, whole in cases:
        doc = read_document(path, language=lang)
        ex = extract(doc, gaz, whole=whole)  # warm-up
        words = len(doc.text[ex.body[0]:ex.body[1]].split())
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            extract(doc, gaz, whole=whole)
            runs.append(time.perf_counter() - started)
        median = statistics.median(runs)
        rows.append([lang, label, words, f"{median:.3f}", f"{median / words * 1000:.3f}"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    starts: list[list[object]] = [[lang, f"{s['import']:.2f}", f"{s['pipeline']:.2f}", f"{s['known']:.2f}"]
              for lang, s in ((lang, startup(lang)) for lang in ("fr", "en"))]
    rows = throughput(args.repeat)
    body = (
        "Start-up, in a fresh process (seconds): importing spaCy, loading the language pipeline "
        "(`fr_core_news_md` without parser and lemmatizer; `spacy.blank(\"en\")` with a "
        "sentencizer), and reading the known entities from the validated ledger of `data/`.\n\n"
        + markdown_table(["language", "import spacy", "load pipeline", "known entities"], starts)
        + f"\n\nExtraction (median of {args.repeat} runs after a warm-up; words of the text "
        "actually extracted):\n\n"
        + markdown_table(["language", "document", "words", "seconds", "s per 1,000 words"], rows)
    )
    write_section("extract", "Extraction (issue 15)", body,
                  f"python -m bench.extract_bench --repeat {args.repeat}")
    print(body)


if __name__ == "__main__":
    main()
