"""The site swap (issue 19, item 10): one build at a time, staging folders of killed builds cleaned, and the
output folder in place, whole, at every instant.

Before: ten ``kill -9`` left seven staging folders that no build removed, a kill between the two renames left
no ``site/``, two builds at once crashed with a traceback, and old files that could not be deleted were leaked
as ``.site-old-*`` without a word.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import minimal_files, run_cli
from mkdocs_project import build_env, make_project, mkdocs_build, mkdocs_command
from test_reproducible import big_files, leftovers, snapshot

from generator import publish
from generator.publish import LOCK_NAME, BuildLock, clean_stale, new_staging, replace_directory


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def tree(root: Path, label: str, files: int = 200) -> Path:
    root.mkdir(parents=True)
    for n in range(files):
        (root / f"page-{n}.html").write_text(f"{label} {n}")
    (root / "index.html").write_text(label)
    return root


def test_the_target_exists_whole_at_every_instant(tmp_path: Path) -> None:
    """A reader polling site/ during twenty swaps never finds it missing (the two renames of the old swap left
    a moment without it; a kill there left none at all)."""
    target = tree(tmp_path / "site", "v0")
    missing: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                os.stat(target)
            except FileNotFoundError:
                missing.append("missing")

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for version in range(1, 21):
            staging = new_staging(target)
            shutil.rmtree(staging)
            tree(staging, f"v{version}")
            assert replace_directory(staging, target) == ""
    finally:
        stop.set()
        watcher.join()
    assert missing == []
    assert (target / "index.html").read_text() == "v20"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_without_an_atomic_exchange_the_swap_still_completes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    target = tree(tmp_path / "site", "old")
    staging = new_staging(target)
    shutil.rmtree(staging)
    tree(staging, "new")
    assert replace_directory(staging, target) == ""
    assert (target / "index.html").read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["site"]


def test_an_old_tree_that_cannot_be_removed_is_reported_and_cleaned_later(
    tmp_path: Path, monkeypatch
) -> None:
    target = tree(tmp_path / "site", "old")
    staging = new_staging(target)
    shutil.rmtree(staging)
    tree(staging, "new")
    real = shutil.rmtree

    def refusing(path, *args, **kwargs):
        if not kwargs.get("ignore_errors"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", refusing)
    (tmp_path / "keep").mkdir()
    message = replace_directory(staging, target)
    assert (
        message.startswith("could not remove the previous tree ") and "the next build tries again" in message
    )


def test_stale_staging_folders_of_dead_builds_are_removed(tmp_path: Path) -> None:
    target = tree(tmp_path / "site", "v")
    dead = dead_pid()
    stale = [tmp_path / f".site-staging-{dead}-abc123", tmp_path / f".site-old-{dead}-xyz789"]
    for folder in stale:
        tree(folder, "stale", files=3)
    alive = tmp_path / f".site-staging-{os.getppid()}-live01"  # a live process: not ours to remove
    kept = [tmp_path / ".site-backup", tmp_path / ".other-staging-1-abcdef", alive]
    for folder in kept:
        folder.mkdir()
    with BuildLock(target):
        removed = clean_stale(target)
    assert sorted(removed) == sorted(p.name for p in stale)
    assert all(p.is_dir() for p in kept) and not any(p.exists() for p in stale)


def test_two_builds_at_once_get_a_clear_message(tmp_path: Path) -> None:
    root = make_project(tmp_path, minimal_files())
    out = tmp_path / "generated"
    with BuildLock(out.resolve()):
        status, _out, err = run_cli("build", str(root), "--out", str(out))
        assert status == 2
        assert err.startswith(f"faultlines: another build is writing {out.resolve()} (process {os.getpid()})")
        with BuildLock((root / "site").resolve()):
            process = mkdocs_build(root, check=False)
    assert process.returncode != 0
    output = process.stdout + process.stderr
    assert "another build is writing" in output and "Traceback" not in output
    assert (tmp_path / LOCK_NAME.format("generated")).exists() and not out.exists()
    status, _out, err = run_cli("build", str(root), "--out", str(out))  # the lock went with its holder
    assert status == 0, err


@pytest.mark.slow
def test_kill_9_mid_build_keeps_the_site_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    root = make_project(tmp_path, big_files(400))
    mkdocs_build(root)
    before = snapshot(root / "site")
    for _ in range(2):
        process = subprocess.Popen(mkdocs_command(), cwd=root, env=build_env(), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
            p.name.startswith(".site-staging-") for p in root.iterdir()
        ):
            time.sleep(0.02)
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert snapshot(root / "site") == before
    assert leftovers(root), "a SIGKILLed build cannot clean up after itself"
    mkdocs_build(root)
    assert leftovers(root) == [], "the next build removes what killed builds left"
