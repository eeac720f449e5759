"""Where imports live beside the data, and how they are written: deterministic and atomic.

``data/imports/<name>/imported.jsonl`` holds the records exactly as imported (a bulk ledger of
their own, valid alone); ``history.json`` when each record was first and last seen;
``ledger.yaml`` is derived from both and the decisions in ``data/resolution/`` — the only file of
the three that ``custodiet build`` reads.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.ledger.raw import KINDS, SECTIONS


@dataclass
class Records:
    """One import's records by kind and id, in the ledger's shapes."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)

    def by_kind(self, kind: str) -> dict[str, dict[str, Any]]:
        return {"entity": self.entities, "source": self.sources, "claim": self.claims}[kind]

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for kind in KINDS:
            for key in sorted(self.by_kind(kind)):
                yield kind, self.by_kind(kind)[key]


@dataclass
class ImportPaths:
    root: Path

    @property
    def imported(self) -> Path:
        return self.root / "imported.jsonl"

    @property
    def history(self) -> Path:
        return self.root / "history.json"

    @property
    def ledger(self) -> Path:
        return self.root / "ledger.yaml"


def imports_dir(data_dir: Path) -> Path:
    return data_dir / "imports"


def decisions_path(data_dir: Path) -> Path:
    return data_dir / "resolution" / "decisions.jsonl"


def redirects_path(data_dir: Path) -> Path:
    return data_dir / "resolution" / "redirects.nt"


def import_names(data_dir: Path) -> list[str]:
    root = imports_dir(data_dir)
    return sorted(p.parent.name for p in root.glob("*/imported.jsonl")) if root.is_dir() else []


def read_records(path: Path) -> Records:
    records = Records()
    if not path.is_file():
        return records
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            (kind, data), = json.loads(line).items()
            records.by_kind(kind)[data["id"]] = data
    return records


def jsonl_text(records: Records) -> str:
    return "".join(json.dumps({kind: data}, ensure_ascii=False, sort_keys=False) + "\n"
                   for kind, data in records.items())


def yaml_text(records: Records, header: str) -> str:
    """The records as a YAML ledger, fields in ledger order; libyaml's emitter when available
    (ruamel's is 50 times slower, which matters for an import of 100k rows)."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    doc = {section: [d for k, d in records.items() if k == kind]
           for kind, section in KINDS.items()}
    body = yaml.dump({k: v for k, v in doc.items() if v}, Dumper=dumper, sort_keys=False,
                     allow_unicode=True, width=100, default_flow_style=False)
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return comment + body


def load_history(path: Path) -> dict[str, Any]:
    if path.is_file():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    return {"versions": [], "records": {}}


def history_text(history: dict[str, Any]) -> str:
    return json.dumps(history, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class Staged:
    """Files written beside their targets and renamed into place only when all are ready."""

    def __init__(self) -> None:
        self.files: list[tuple[Path, Path]] = []

    def write(self, target: Path, text: str) -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        self.files.append((Path(tmp), target))
        return Path(tmp)

    def commit(self) -> None:
        umask = os.umask(0)
        os.umask(umask)
        for tmp, target in self.files:
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the data is for everyone
            os.replace(tmp, target)
        self.files.clear()

    def discard(self) -> None:
        for tmp, _target in self.files:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.files.clear()


__all__ = ["SECTIONS", "ImportPaths", "Records", "Staged"]
