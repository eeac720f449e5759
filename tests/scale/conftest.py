"""Helpers for the scale tests: the same records as YAML, JSON Lines and CSV, and store contents."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from ruamel.yaml import YAML

from graph.ledger.positions import read_yaml
from graph.ledger.read_yaml import _plain
from graph.pipeline import BuildResult, run
from graph.settings import Settings
from graph.store import BuildInfo, open_store

Records = list[tuple[str, dict[str, Any]]]
SECTION = {"entity": "entities", "source": "sources", "claim": "claims", "redirect": "redirects"}
KIND = {v: k for k, v in SECTION.items()}


def yaml_records(path: Path) -> Records:
    """The records of one YAML ledger file, as plain dicts, in file order."""
    doc, problems = read_yaml(path)
    assert not problems, problems
    return [(KIND[section], _plain(item)) for section, items in doc.items() for item in items]


def write_yaml(records: Iterable[tuple[str, dict[str, Any]]], path: Path) -> Path:
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTION.values()}
    for kind, record in records:
        sections[SECTION[kind]].append(record)
    sections = {name: items for name, items in sections.items() if items}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        YAML(typ="safe", pure=True).dump(sections, out)
    return path


def quads(settings: Settings) -> set[str]:
    """Every quad of the live build, canonicalised by parsing (so text escaping cannot differ)."""
    text = open_store(settings).dump()
    return {str(q) for q in ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS)}


def settings_for(tmp: Path, backend: str = "oxigraph", **extra: Any) -> Settings:
    return Settings(store_dir=tmp, backend=backend, data_dir=tmp, **extra)  # type: ignore[arg-type]


def validate_bulk(path: Path, settings: Settings) -> BuildResult:
    """The bulk reader through the pipeline, validation only (what `validate-bulk` runs)."""
    return run([(path, "bulk")], settings, publish=False, shacl=False)


def build_bulk(path: Path, settings: Settings) -> tuple[BuildResult, BuildInfo | None]:
    """The bulk reader through the pipeline up to a live build (what `build-bulk` runs)."""
    result = run([(path, "bulk")], settings, shacl=False)
    return result, result.info
