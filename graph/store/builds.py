"""Build folders on disk and the atomic switch between them.

Each build lives in ``builds/<build-id>/`` and ``current`` is a symlink to the live one. A new
build is written under a temporary name, renamed, and only then is ``current`` swapped with
``os.replace`` (atomic on POSIX): a build that fails half-way never touches the live data, and
readers notice a new build by the link's target changing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from graph.store.base import BuildInfo

KEEP_BUILDS = 2


def _place(data: Path, target: Path) -> None:
    """A hard link when the file is on the same file system (free even at gigabytes), else a copy."""
    try:
        os.link(data, target)
    except OSError:
        shutil.copyfile(data, target)


class BuildDirectory:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.builds = root / "builds"
        self.current = root / "current"

    def live(self) -> Path | None:
        target = self.current.resolve() if self.current.is_symlink() else None
        return target if target and (target / "build.json").is_file() else None

    def info(self) -> BuildInfo | None:
        live = self.live()
        if live is None:
            return None
        data = json.loads((live / "build.json").read_text())
        return BuildInfo(data["build_id"], data["built_at"], data.get("counts", {}))

    def publish(self, data: Path, info: BuildInfo, fill: Callable[[Path], None]) -> Path:
        """Place the N-Quads file ``data`` and what ``fill`` writes beside it in a fresh
        folder, then make that folder live atomically. ``data`` itself is left untouched."""
        self.builds.mkdir(parents=True, exist_ok=True)
        final = self.builds / info.build_id
        if not (final / "build.json").is_file():
            tmp = self.builds / f".tmp-{info.build_id}-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            try:
                _place(data, tmp / "data.nq")
                fill(tmp)
                (tmp / "build.json").write_text(json.dumps(info.to_dict(), indent=2))
                shutil.rmtree(final, ignore_errors=True)
                tmp.rename(final)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        link = self.root / f".current-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(final.relative_to(self.root))
        os.replace(link, self.current)
        self._prune(final)
        return final

    def _prune(self, keep: Path) -> None:
        done = sorted(
            (p for p in self.builds.iterdir() if not p.name.startswith(".") and p != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in done[KEEP_BUILDS - 1 :]:
            shutil.rmtree(old, ignore_errors=True)
