"""Build faults: leftovers of killed builds, the fallback build, and failures that must end in
one sentence and exit 1 with the live store untouched (locked store, unwritable folder, full disk).

Each failure is real: the lock is held by this process, permissions are enforced by running the
build as an unprivileged user when the tests run as root, and the full disk is a 300 KB tmpfs
mounted in a private mount namespace (skipped where that needs privileges the runner lacks).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.store.base import BuildInfo, StoreError
from graph.store.builds import LOCK_NAME, BuildDirectory
from tests.conftest import FIXTURE_LEDGER

DEAD_PID = 2**22 + 12345  # above the default pid_max, so no process has it


def build(store: Path, *, prefix: list[str] | None = None, ledger: Path = FIXTURE_LEDGER
          ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTODIET_")}
    env |= {"CUSTODIET_STORE_DIR": str(store), "CUSTODIET_DATA_DIR": str(ledger)}
    command = [sys.executable, "-c", "from graph.cli import main; main()", "build", "--no-shacl"]
    return subprocess.run((prefix or []) + command, env=env, capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).parent.parent)


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    # The console wraps long lines: the sentence is everything before the closing line.
    first = " ".join(result.stderr.split("build aborted")[0].split())
    assert first.startswith("error: ") and first.count(". ") == 0, result.stderr
    for word in words:
        assert word in first, first


def publish_text(folder: BuildDirectory, text: str, build_id: str) -> Path:
    data = folder.root.parent / f"{build_id}.nq"
    data.write_text(text)
    return folder.publish(data, BuildInfo(build_id, "2026-01-01T00:00:00+00:00"),
                          lambda path: None)


def test_leftovers_of_killed_builds_are_removed(tmp_path: Path) -> None:
    store = tmp_path / "store"
    builds = store / "builds"
    builds.mkdir(parents=True)
    dead = [builds / f".tmp-abc-{DEAD_PID}", builds / f".staging-{DEAD_PID}"]
    for path in dead:
        (path / "oxigraph").mkdir(parents=True)
    (store / f".current-{DEAD_PID}").symlink_to("builds/nowhere")
    running = builds / ".staging-1"  # pid 1 is alive: a build in progress keeps its folder
    running.mkdir()
    result = build(store)
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in dead)
    assert not (store / f".current-{DEAD_PID}").is_symlink()
    assert running.is_dir()


def test_the_fallback_is_the_previously_live_build(tmp_path: Path) -> None:
    folder = BuildDirectory(tmp_path / "store")
    first = publish_text(folder, "", "first")
    second = publish_text(folder, "", "second")
    # An old build folder touched later (a copy, a backup tool) must not pass for the fallback.
    os.utime(first, (time.time() + 3600, time.time() + 3600))
    third = publish_text(folder, "", "third")
    assert folder.live() == third.resolve()
    assert sorted(p.name for p in folder.builds.iterdir()) == ["second", "third"]
    # Switching back to a kept build keeps the one it replaced.
    publish_text(folder, "", "second")
    assert sorted(p.name for p in folder.builds.iterdir()) == ["second", "third"]
    assert second.exists()


def test_a_locked_store_ends_in_one_sentence(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert build(store).returncode == 0
    live = (store / "current").resolve()
    with (store / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert_one_sentence(build(store, ledger=FIXTURE_LEDGER), "locked by another build")
        with pytest.raises(StoreError, match="locked"):
            publish_text(BuildDirectory(store), "", "other")
    assert (store / "current").resolve() == live


def _unprivileged() -> list[str]:
    """A prefix that runs a command without root's power to ignore file permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be enforced")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_an_unwritable_store_ends_in_one_sentence(tmp_path: Path) -> None:
    prefix = _unprivileged()
    tmp_path.chmod(0o755)
    store = tmp_path / "store"
    if prefix:  # a store the unprivileged user may read but not write, with a live build
        assert build(store).returncode == 0
    else:
        store.mkdir()
    live = (store / "current").resolve() if (store / "current").exists() else None
    store.chmod(0o555)
    (store / "builds").chmod(0o555) if (store / "builds").exists() else None
    try:
        assert_one_sentence(build(store, prefix=prefix), "not writable")
        missing = tmp_path / "locked-parent"
        missing.mkdir(mode=0o555)
        assert_one_sentence(build(missing / "store", prefix=prefix), "not writable")
    finally:
        store.chmod(0o755)
    if live is not None:
        assert (store / "current").resolve() == live


def test_a_full_disk_ends_in_one_sentence(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare, "-m", "true"], capture_output=True) if unshare else None
    if os.geteuid() != 0 or unshare is None or probe is None or probe.returncode != 0:
        pytest.skip("a full disk is simulated with a tmpfs in a private mount namespace, "
                    "which needs root and unshare")
    store = tmp_path / "store"
    assert build(store).returncode == 0  # the live build, on the real disk
    live = (store / "current").resolve()
    small = tmp_path / "small"
    small.mkdir()
    # A copy of the store on a small tmpfs, the rest of it filled, then the build; the live
    # build's target is printed from inside the namespace, where the tmpfs exists.
    script = (f"mount -t tmpfs -o size=8m tmpfs {small} && cp -a {store} {small}/store && "
              f"(dd if=/dev/zero of={small}/filler bs=16k >/dev/null 2>&1; true) && "
              f'"$@"; code=$?; readlink {small}/store/current; exit $code')
    result = build(small / "store", prefix=[unshare, "-m", "sh", "-c", script, "sh"])
    assert_one_sentence(result, "full")
    assert result.stdout.strip().splitlines()[-1] == str(live.relative_to(store))
