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
import re
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
    redirects: dict[str, dict[str, Any]] = field(default_factory=dict)

    def by_kind(self, kind: str) -> dict[str, dict[str, Any]]:
        return {"entity": self.entities, "source": self.sources, "claim": self.claims,
                "redirect": self.redirects}[kind]

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
    return data_dir / "resolution" / "redirects.yaml"


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


_PLAIN = re.compile(r"^[A-Za-z_][\w .,/()&+'’–-]*(?<![ :])$")
_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _SPECIAL and ": " not in text \
            and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _emit(value: Any, indent: str, out: list[str]) -> None:
    """Block-style YAML of dicts, lists and scalars (the only shapes a ledger record has)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{indent}{key}:\n")
                _emit(item, indent + ("  " if isinstance(item, dict) else ""), out)
            else:
                out.append(f"{indent}{key}: {_scalar(item) if item != [] else '[]'}\n")
    else:
        for item in value:
            if isinstance(item, dict) and item:
                first = True
                for key, sub in item.items():
                    lead = f"{indent}- " if first else f"{indent}  "
                    first = False
                    if isinstance(sub, (dict, list)) and sub:
                        out.append(f"{lead}{key}:\n")
                        _emit(sub, indent + "  " + ("  " if isinstance(sub, dict) else ""), out)
                    else:
                        out.append(f"{lead}{key}: {_scalar(sub)}\n")
            else:
                out.append(f"{indent}- {_scalar(item)}\n")


def yaml_text(records: Records, header: str) -> str:
    """The records as a YAML ledger, fields in ledger order. A small emitter of our own: the
    shapes are fixed, and PyYAML's representer (ruamel's is slower still) took most of an
    import's time at 100k rows."""
    out = ["".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())]
    for kind, section in KINDS.items():
        items = [d for k, d in records.items() if k == kind]
        if items:
            out.append(f"{section}:\n")
            _emit(items, "", out)
    return "".join(out)


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
