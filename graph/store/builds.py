"""Build folders on disk and the atomic switch between them.

Each build lives in ``builds/<build-id>/`` and ``current`` is a symlink to the live one. A new
build is written under a temporary name, renamed, and only then is ``current`` swapped with
``os.replace`` (atomic on POSIX): a build that fails half-way never touches the live data, and
readers notice a new build by the link's target changing.

Publishing holds an exclusive lock on ``<store>/.lock``, so two builds cannot interleave their
switches; the one that finds the lock taken stops with a sentence, not a wait of unknown length.
Under the lock, what a killed build left behind (``builds/.tmp-*``, ``builds/.staging-<pid>`` of
a process that is gone, a stray ``.current-<pid>`` link) is removed. After the switch the new
build and the previously live one are kept, so the fallback is always the build that was
serving a moment ago, never merely the most recently written folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from graph.store.base import BuildInfo, StoreError

LOCK_NAME = ".lock"
_LEFTOVER = re.compile(r"^\.(?:tmp-.*-|staging-|current-)(\d+)$")


def _place(data: Path, target: Path) -> None:
    """A hard link when the file is on the same file system (free even at gigabytes), else a copy."""
    try:
        os.link(data, target)
    except OSError:
        shutil.copyfile(data, target)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def os_error_message(exc: OSError, root: Path) -> str:
    """One sentence for a file-system failure of a build, naming the store folder and the cure."""
    where = exc.filename or root
    if exc.filename and not str(exc.filename).startswith(str(root)):
        return f"{exc.filename}: {exc.strerror or exc}"  # not the store: a ledger file, say
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (f"the disk holding the store {root} is full (no space left while writing "
                f"{where}); free some space and build again")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (f"the store folder {root} is not writable ({where}: permission denied); "
                "fix its permissions or set CUSTODIET_STORE_DIR to a folder you can write")
    if exc.errno == errno.EROFS:
        return f"the store folder {root} is on a read-only file system; set CUSTODIET_STORE_DIR"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return (f"the store folder {root} cannot be created or is missing ({where}); check "
                "CUSTODIET_STORE_DIR")
    return f"the store {root} could not be written ({where}: {exc.strerror or exc})"


class BuildDirectory:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.builds = root / "builds"
        self.current = root / "current"

    def live(self) -> Path | None:
        target = self.current.resolve() if self.current.is_symlink() else None
        return target if target and (target / "build.json").is_file() else None

    def live_id(self) -> str | None:
        """The live build's id (its folder's name: a hash of its content) from one system
        call, cheap enough to ask on every request."""
        try:
            return Path(os.readlink(self.current)).name
        except OSError:
            return None

    def info(self) -> BuildInfo | None:
        live = self.live()
        if live is None:
            return None
        data = json.loads((live / "build.json").read_text())
        return BuildInfo(data["build_id"], data["built_at"], data.get("counts", {}))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive use of the store for one publishing build; StoreError if another has it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / LOCK_NAME).open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"the store {self.root} is locked by another build that is "
                                 "publishing now; wait for it to finish and build again") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def publish(self, data: Path, info: BuildInfo, fill: Callable[[Path], None]) -> Path:
        """Place the N-Quads file ``data`` and what ``fill`` writes beside it in a fresh
        folder, then make that folder live atomically. ``data`` itself is left untouched.

        File-system failures (full disk, permissions) become a StoreError with one sentence;
        whatever happens before the switch, the live build stays as it was."""
        try:
            with self.locked():
                return self._publish(data, info, fill)
        except OSError as exc:
            raise StoreError(os_error_message(exc, self.root)) from None

    def _publish(self, data: Path, info: BuildInfo, fill: Callable[[Path], None]) -> Path:
        self.builds.mkdir(parents=True, exist_ok=True)
        self.remove_leftovers()
        previous = self.live()
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
        self._prune({final, previous} if previous else {final})
        return final

    def remove_leftovers(self) -> list[Path]:
        """Temporary folders and links of builds whose process is gone (killed mid-write)."""
        removed = []
        for folder in (self.builds, self.root):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                match = _LEFTOVER.match(path.name)
                if match is None or _alive(int(match.group(1))):
                    continue
                if path.is_symlink() or path.is_file():
                    path.unlink(missing_ok=True)
                else:
                    shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        return removed

    def _prune(self, keep: set[Path]) -> None:
        """Every finished build but ``keep`` (the new live build and the one it replaced)."""
        kept = {p.resolve() for p in keep}
        for old in self.builds.iterdir():
            if not old.name.startswith(".") and old.resolve() not in kept:
                shutil.rmtree(old, ignore_errors=True)
