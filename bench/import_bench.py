"""Importer and resolver throughput: rows per second for a generated table, names per second
against an index of entities. Not a test: writes the "Import" section of docs/benchmarks.md.

    python -m bench.import_bench                      # 100k rows, 100k names vs 10k entities
    python -m bench.import_bench --rows 10000 --names 10000 --no-write

The table is deterministic (seeded): agencies and vendors with legal forms, mixed date formats
(31.01.2024, 2024-01, 2020) and free-text amounts (10000 RON, €20m, Unknown); 1 % bad rows.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

from bench.report import markdown_table, write_section
from graph.importers.service import import_table
from graph.resolve.match import EntityInfo, Matcher
from graph.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_LEDGER = ROOT / "tests" / "importers" / "fixtures" / "ledger"
MAPPING = ROOT / "tests" / "importers" / "fixtures" / "contracts.yaml"
WORDS = (  # noqa: SIM905 (a sentence of words reads better than a list here)
    "Acme Apex Argus Beacon Blue Cedar Civic Cobalt Delta Eagle Echo Falcon Granite Harbor "
         "Helix Iron Jade Keystone Lumen Maple Meridian Nova Onyx Orion Pioneer Quartz Raven "
         "Sentinel Sierra Summit Titan Vantage Vector Vertex Willow Zenith").split()
KINDS = ["Vision", "Systems", "Analytics", "Security", "Technologies", "Labs", "Data",
         "Networks", "Robotics", "Sensors"]
FORMS = ["", " Inc.", " Inc", ", Inc.", " Ltd", " GmbH", " S.A.", " SAS", " LLC"]
PLACES = (  # noqa: SIM905
    "Springfield Riverside Fairview Franklin Greenville Bristol Clinton Madison Georgetown "
          "Salem Arlington Ashland Dover Milton Newport Oxford Burlington Kingston").split()


def vendor_name(rng: random.Random, i: int) -> str:
    return f"{WORDS[i % len(WORDS)]} {WORDS[(i // len(WORDS)) % len(WORDS)]} " \
           f"{KINDS[(i // len(WORDS) ** 2) % len(KINDS)]}"


def typo(rng: random.Random, name: str) -> str:
    """An OCR or typing slip: I/l, a dropped letter, a legal form, upper case."""
    roll = rng.random()
    if roll < 0.2:
        return name.replace("I", "l", 1)
    if roll < 0.4 and len(name) > 6:
        k = rng.randrange(1, len(name) - 1)
        return name[:k] + name[k + 1:]
    if roll < 0.6:
        return name.upper()
    return name + rng.choice(FORMS)


def generate_table(path: Path, rows: int, seed: int = 14) -> None:
    rng = random.Random(seed)
    vendors = [vendor_name(rng, i) for i in range(max(rows // 50, 10))]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agency", "vendor", "vendor_site", "signed", "amount", "notes"])
        for i in range(rows):
            agency = f"{PLACES[i % len(PLACES)]} {i // len(PLACES)} Police"
            year = 2010 + i % 15
            signed = rng.choice([f"{year}", f"{year}-{1 + i % 12:02d}",
                                 f"{1 + i % 28:02d}.{1 + i % 12:02d}.{year}", ""])
            amount = rng.choice([f"{rng.randrange(1000, 900000)} USD", "Unknown", "",
                                 f"€{rng.randrange(1, 90)}m", f"{rng.randrange(5, 500)}k GBP"])
            if i % 100 == 99:
                signed = "31.13.2020"  # 1 % bad rows, reported and skipped
            writer.writerow([agency, rng.choice(vendors) + rng.choice(FORMS), "", signed, amount,
                             ""])


def bench_import(rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="custodiet-import-bench-") as scratch:
        folder = Path(scratch)
        table = folder / "table.csv"
        generate_table(table, rows)
        data = folder / "data"
        shutil.copytree(FIXTURE_LEDGER, data)
        settings = Settings(data_dir=data, store_dir=folder / "store", source_root=folder)
        started = time.perf_counter()
        result = import_table(table, MAPPING, data_dir=data, settings=settings)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
        if not result.ok:
            raise SystemExit("\n".join(d.format() for d in result.errors[:10]))
        size = (data / "imports" / "test-contracts" / "ledger.yaml").stat().st_size
        return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds,
                "bad": result.bad_rows, "claims": result.counts["claims"],
                "entities": result.counts["entities"], "peak_mb": peak / 2**20,
                "ledger_mb": size / 2**20}


def bench_resolution(names: int, entities: int, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed)
    index = [EntityInfo(f"e{i}", [vendor_name(rng, i) + rng.choice(FORMS)], ["Vendor"], "US")
             for i in range(entities)]
    started = time.perf_counter()
    matcher = Matcher(index)
    built = time.perf_counter() - started
    queries = []
    for i in range(names):
        j = rng.randrange(entities * 2)  # half of the names have a true match in the index
        base = vendor_name(rng, j)
        queries.append((j if j < entities else None,
                        EntityInfo(f"q{i}", [typo(rng, base)], ["Company"], None)))
    started = time.perf_counter()
    found = correct = listed = 0
    for truth, query in queries:
        candidates = matcher.candidates_for(query)
        listed += len(candidates)
        if candidates:
            found += 1
            correct += truth is not None and any(c.left == f"e{truth}" or c.right == f"e{truth}"
                                                 for c in candidates)
    seconds = time.perf_counter() - started
    with_match = sum(1 for t, _q in queries if t is not None)
    return {"names": names, "entities": entities, "index_s": built, "seconds": seconds,
            "names_per_s": names / seconds, "listed": listed, "recall": correct / with_match}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    imp = bench_import(args.rows)
    print(imp)
    res = bench_resolution(args.names, args.entities)
    print(res)
    body = (
        "`custodiet import table` of a generated CSV (`bench/import_bench.py`: agencies, vendors "
        "with legal forms, mixed date formats and free-text amounts, 1 % bad rows) into a tiny "
        "ledger: read, convert, validate through the pipeline, merge with the previous version "
        "(none), resolve the new entities, write and validate the derived YAML ledger with the "
        "rest of the data.\n\n"
        + markdown_table(["rows", "bad rows", "entities", "claims", "seconds", "rows/s",
                          "peak RSS", "ledger.yaml"],
                         [[f"{imp['rows']:,}", f"{imp['bad']:,}", f"{imp['entities']:,}",
                           f"{imp['claims']:,}", f"{imp['seconds']:.1f}",
                           f"{imp['rows_per_s']:,.0f}", f"{imp['peak_mb']:.0f} MB",
                           f"{imp['ledger_mb']:.0f} MB"]])
        + "\n\nResolution (`graph.resolve.Matcher`): names (half with a true match, spelt with "
        "OCR slips, dropped letters, upper case or legal forms) against an index of vendor "
        "entities; blocking on the whole name, the two rarest tokens and pairs of the three "
        "rarest, a C-speed prefilter (25 best per name), then scoring.\n\n"
        + markdown_table(["names", "entities", "index built", "matching", "names/s",
                          "pairs listed", "true match among candidates"],
                         [[f"{res['names']:,}", f"{res['entities']:,}", f"{res['index_s']:.1f} s",
                           f"{res['seconds']:.1f} s", f"{res['names_per_s']:,.0f}",
                           f"{res['listed']:,}", f"{res['recall']:.1%}"]])
    )
    if not args.no_write:
        command = ("python -m bench.import_bench" if (args.rows, args.names, args.entities)
                   == (100_000, 100_000, 10_000) else
                   f"python -m bench.import_bench --rows {args.rows} --names {args.names} "
                   f"--entities {args.entities}")
        write_section("import", "Import and entity resolution", body, command)


if __name__ == "__main__":
    main()
