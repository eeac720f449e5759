"""The synthetic ledger: deterministic by seed, valid, and shaped like real data (hubs, chains)."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from bench.generate import Generator, main, parse_size
from tests.scale.conftest import settings_for, validate_bulk


def _digest(folder: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.rglob("*.*")))).hexdigest()


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        main(["--claims", "500", "--seed", str(seed), "--out", str(tmp_path / name)])
    assert (tmp_path / "a" / "ledger.jsonl").stat().st_size > 50_000
    assert {p.name for p in (tmp_path / "a" / "csv").iterdir()} == {
        "entities.csv", "sources.csv", "claims.csv"}
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_sizes_parse() -> None:
    assert [parse_size(s) for s in ("10k", "100K", "1m", "2500")] == [10_000, 100_000, 1_000_000,
                                                                      2500]


def test_proportions_hubs_chains_and_disputes() -> None:
    records = list(Generator(5000, seed=3).records())
    kinds = Counter(kind for kind, _ in records)
    assert kinds == {"entity": 500, "source": 1000, "claim": 5000}
    claims = [r for k, r in records if k == "claim"]
    degree = Counter(c["subject"] for c in claims) + Counter(c.get("object") for c in claims
                                                             if "object" in c)
    mean = sum(degree.values()) / len(degree)
    assert max(degree.values()) > 20 * mean, "a few hubs carry many claims"
    refs = Counter(len(c["refs"]) for c in claims)
    assert refs[1] > refs[2] > refs[3] > 0 and refs[5] > 0
    assert 0 < sum("disputes" in c for c in claims) < len(claims) * 0.05
    sources = [r for k, r in records if k == "source"]
    assert sum("cites" in s for s in sources) > len(sources) * 0.05, "source chains exist"
    predicates = Counter(c["predicate"] for c in claims)
    assert len(predicates) > 25 and predicates.most_common(1)[0][0] == "contract_with"
    assert {"value" in c for c in claims} == {True, False}
    types = Counter(t for k, r in records if k == "entity" for t in r["types"])
    assert types["Person"] > types["Vendor"] > types["Court"] > 0


def test_generated_ledgers_validate_cleanly_in_both_formats(tmp_path: Path) -> None:
    main(["--claims", "2000", "--seed", "5", "--out", str(tmp_path / "gen")])
    settings = settings_for(tmp_path / "store")
    for path in (tmp_path / "gen" / "ledger.jsonl", tmp_path / "gen" / "csv"):
        result = validate_bulk(path, settings)
        assert [d.format() for d in result.report.items] == []
        assert result.counts["claims"] == 2000
