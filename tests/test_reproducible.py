"""Deterministic and atomic: two builds of the same content are byte-identical, and a build that fails or is
killed leaves the previous site/ (or ``build --out`` folder) exactly as it was, with no temporary folder left."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import VOCABULARY, incident_path, minimal_files, run_cli, valid_incident, valid_source
from mkdocs_project import build_env, make_project, mkdocs_build, mkdocs_command

pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by relative path: the hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    """Temporary build folders (``.site-*``, ``.out-*``, backups) left next to the site."""
    return sorted(
        p.name for p in parent.iterdir() if p.name.startswith(".") and p.is_dir() and p.name != ".cache"
    )  # .cache: the page cache, kept on purpose


def big_files(incidents: int) -> dict[str, object]:
    """The minimal project plus ``incidents`` more incidents, so that a build takes a few seconds."""
    files = minimal_files()
    for n in range(incidents):
        day = 1 + n % 28
        month = 1 + (n // 28) % 12
        incident_id = f"2024-{month:02d}-{day:02d}-patrol-number-{n}"
        files[incident_path(incident_id)] = valid_incident(
            title=f"Joint patrol number {n} over the East China Sea",
            date=f"2024-{month:02d}-{day:02d}",
            sources=[valid_source(1000 + 2 * n), valid_source(1001 + 2 * n)],
            __body__=f"Patrol {n}. The [[jasdf]] scrambled fighters.[^pub-{1000 + 2 * n}]\n",
        )
    return files


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    root = make_project(tmp_path, minimal_files())
    mkdocs_build(root)
    first = snapshot(root / "site")
    gz = root / "site" / "sitemap.xml.gz"
    first_gz = gz.read_bytes() if gz.exists() else None
    time.sleep(1.1)  # a timestamp in seconds would differ now
    mkdocs_build(root)
    second = snapshot(root / "site")
    assert "sitemap.xml" in first
    differ = sorted(path for path in first.keys() | second.keys() if first.get(path) != second.get(path))
    assert differ == [], f"files differ between two builds: {differ}"
    if first_gz is not None:
        assert int.from_bytes(first_gz[4:8], "little") in (0, 1765238400), "gzip mtime must be fixed"
        assert gzip.decompress(first_gz) == (root / "site" / "sitemap.xml").read_bytes()


def test_sitemap_dates_follow_source_date_epoch(tmp_path: Path) -> None:
    root = make_project(tmp_path, minimal_files())
    mkdocs_build(root, SOURCE_DATE_EPOCH="1700000000")
    assert "<lastmod>2023-11-14</lastmod>" in (root / "site" / "sitemap.xml").read_text()


def test_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    root = make_project(tmp_path, minimal_files())
    mkdocs_build(root)
    before = snapshot(root / "site")
    (root / VOCABULARY).write_text("incident_types: [not, a, mapping]\n")
    process = mkdocs_build(root, check=False)
    assert process.returncode != 0
    assert "FL" in process.stdout + process.stderr, "the failure must show the diagnostics"
    assert snapshot(root / "site") == before
    assert leftovers(root) == []


def test_sigterm_mid_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    root = make_project(tmp_path, big_files(400))
    mkdocs_build(root)
    before = snapshot(root / "site")
    (root / incident_path("2025-12-09-joint-bomber-patrol")).write_text(
        (root / incident_path("2025-12-09-joint-bomber-patrol"))
        .read_text()
        .replace("Joint bomber", "Changed")
    )
    process = subprocess.Popen(
        mkdocs_command(),
        cwd=root,
        env=build_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.startswith(".site-") for p in root.iterdir()):
        time.sleep(0.02)  # wait until the build is writing into its staging folder
    time.sleep(0.5)
    assert process.poll() is None, (
        "the build finished before it could be interrupted; make the fixture bigger"
    )
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0, output
    assert snapshot(root / "site") == before
    assert leftovers(root) == [], "a killed build must not leave its staging folder behind"


def test_cli_build_out_failure_leaves_the_previous_tree(tmp_path: Path) -> None:
    root = make_project(tmp_path, minimal_files())
    out = tmp_path / "generated"
    status, _, _ = run_cli("build", str(root), "--out", str(out))
    assert status == 0 and any(out.iterdir())
    before = snapshot(out)
    (root / VOCABULARY).write_text("incident_types: [not, a, mapping]\n")
    status, stdout, stderr = run_cli("build", str(root), "--out", str(out))
    assert status != 0 and "FL" in stdout + stderr
    assert snapshot(out) == before
    assert [p for p in leftovers(tmp_path) if p.startswith(".generated")] == []


def test_cli_build_out_twice_is_byte_identical(tmp_path: Path) -> None:
    root = make_project(tmp_path, minimal_files())
    run_cli("build", str(root), "--out", str(tmp_path / "a"))
    run_cli("build", str(root), "--out", str(tmp_path / "b"))
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


@pytest.mark.parametrize("target", ["content", "content/generated", "content/incidents", "."])
def test_cli_build_out_refuses_content_and_the_project(tmp_path: Path, target: str) -> None:
    root = make_project(tmp_path, minimal_files())
    before = snapshot(root / "content")
    status, stdout, stderr = run_cli("build", str(root), "--out", str(root / target))
    assert status != 0
    assert "refus" in (stdout + stderr).lower()
    assert snapshot(root / "content") == before


def _children(pid: int) -> set[int]:
    """The processes ``pid`` forked (its worker processes), from /proc."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(child) for child in task.read_text().split())
    return found


def _process_group(pgid: int) -> set[int]:
    """The live processes of process group ``pgid`` (a build started in a session of its own), from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()[:80].decode(errors="replace")
    except OSError:
        return "(ended)"


def _gone(pid: int) -> bool:
    """Whether ``pid`` has ended (no process, or a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads worker processes from /proc")
def test_sigterm_stops_the_build_and_its_workers_at_once(tmp_path: Path) -> None:
    # SIGTERM while worker processes render incidents or build pages: before, the build waited for their tasks
    # and could go on without them; now the workers are killed, the staging folder removed, and the build exits
    root = make_project(tmp_path, big_files(400))
    config = root / "mkdocs.yml"
    # workers at any size (by default only from 1,000 incidents or pages); every build renders every page
    options = "  - fault-lines:\n      processes: 1\n      cache: false\n"
    config.write_text(config.read_text().replace("  - fault-lines:\n", options))
    mkdocs_build(root)
    before = snapshot(root / "site")
    for stage, whom in (("rendering", "build"), ("building pages", "build"), ("rendering", "group")):
        process = subprocess.Popen(
            mkdocs_command("--verbose"),
            cwd=root,
            env=build_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, for the signal to the whole group
        )
        output: list[str] = []
        reached = threading.Event()

        def read(
            stdout: Any = process.stdout,
            output: list[str] = output,
            stage: str = stage,
            reached: Any = reached,
        ) -> None:
            for line in stdout:  # the build's log as it goes (read to the end: a full pipe would block it)
                output.append(line)
                if f"-  {stage} " in line and "(1 worker processes)" in line:  # the plugin's debug line
                    reached.set()

        reader = threading.Thread(target=read)
        reader.start()
        reached.wait(timeout=120)
        workers: set[int] = set()
        deadline = time.monotonic() + 30
        while not workers and time.monotonic() < deadline and process.poll() is None:
            workers = _children(process.pid)  # the pool starts its worker with the first task
        assert workers and process.poll() is None, f"no worker while {stage}:\n{''.join(output[-20:])}"
        if whom == "group":
            os.killpg(process.pid, signal.SIGTERM)  # a CI runner or a terminal stops the whole group
        else:
            process.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        process.wait(timeout=60)
        waited = time.monotonic() - stopped
        reader.join(timeout=30)  # the log ends when no process holds the build's output any more
        left = _process_group(process.pid)
        info = {pid: _cmdline(pid) for pid in left}
        for pid in left:  # nothing of the build may outlive it (and none may hang this test)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert not reader.is_alive() and not left, (
            f"processes of the build went on after it stopped ({stage}, {whom}): {left} {info}"
        )
        log = "".join(output)
        assert process.returncode == 128 + signal.SIGTERM, log
        assert "build terminated" in log
        assert waited < 1, f"the build took {waited:.2f} s to stop"  # 0.02 s here; before, 1.6-2.6 s
        assert all(_gone(pid) for pid in workers), "a worker went on after the build stopped"
        assert snapshot(root / "site") == before
        assert leftovers(root) == [], "a terminated build must not leave its staging folder behind"
