"""Nothing lost: no command writes inside content/ (same bytes, same mtimes before and after), except ``new``,
which adds exactly its one file and refuses to overwrite an existing one."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import pytest
from helpers import minimal_files, run_cli
from mkdocs_project import make_project, mkdocs_build


def snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every entry under content/: (sha256 or 'dir', mtime in ns, mode)."""
    found = {}
    for path in sorted((root / "content").rglob("*")):
        status = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        found[path.relative_to(root).as_posix()] = (digest, status.st_mtime_ns, status.st_mode)
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", minimal_files())


COMMANDS = {
    "check": lambda root, tmp: run_cli("check", str(root)),
    "check-json": lambda root, tmp: run_cli("check", str(root), "--format", "json"),
    "check-strict": lambda root, tmp: run_cli("check", str(root), "--strict"),
    "build-out": lambda root, tmp: run_cli("build", str(root), "--out", str(tmp / "out")),
    "build-out-content": lambda root, tmp: run_cli("build", str(root), "--out", str(root / "content" / "x")),
    "build-out-root": lambda root, tmp: run_cli("build", str(root), "--out", str(root)),
    "sources": lambda root, tmp: run_cli("sources", str(root)),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_leaves_content_untouched(project: Path, tmp_path: Path, name: str) -> None:
    before = snapshot(project)
    with contextlib.suppress(SystemExit):  # argparse refusing an option is fine; touching content/ is not
        COMMANDS[name](project, tmp_path)
    assert snapshot(project) == before


@pytest.mark.slow
def test_mkdocs_build_leaves_content_untouched(project: Path) -> None:
    before = snapshot(project)
    mkdocs_build(project)
    assert (project / "site" / "index.html").exists()
    assert snapshot(project) == before


@pytest.mark.slow
def test_failing_mkdocs_build_leaves_content_untouched(project: Path) -> None:
    (project / "content" / "vocabulary.yml").write_text("incident_types: [broken]\n")
    before = snapshot(project)
    assert mkdocs_build(project, check=False).returncode != 0
    assert snapshot(project) == before


def test_new_adds_exactly_one_file(project: Path) -> None:
    before = snapshot(project)
    status, out, err = run_cli(
        "new", "incident", "--root", str(project), "--title", "A brand new incident", "--date", "2025-12-11",
        "--type", "joint-patrol",
    )  # fmt: skip
    assert status == 0, out + err
    after = snapshot(project)
    added = sorted(after.keys() - before.keys())
    files = [path for path in added if after[path][0] != "dir"]
    assert len(files) == 1 and files[0].startswith("content/incidents/2025/2025-12-11-"), added
    unchanged = {path: value for path, value in before.items() if value[0] != "dir"}
    assert {path: after[path] for path in unchanged} == unchanged, "new must not touch any other file"


@pytest.mark.parametrize(
    ("kind", "slug", "extra"),
    [
        ("actor", "jasdf", ["--kind", "armed-force"]),
        ("place", "east-china-sea", ["--kind", "sea"]),
        ("incident", "2025-12-09-joint-bomber-patrol", ["--date", "2025-12-09", "--type", "joint-patrol"]),
    ],
)
def test_new_refuses_to_overwrite(project: Path, kind: str, slug: str, extra: list[str]) -> None:
    before = snapshot(project)
    short = slug.removeprefix("2025-12-09-")
    status, out, err = run_cli(
        "new", kind, "--root", str(project), "--title", "Overwrite attempt here", "--id", short, *extra
    )
    assert status != 0, "new must refuse an existing file"
    assert "exist" in (out + err).lower()
    assert snapshot(project) == before


def test_new_refuses_a_path_outside_content(project: Path) -> None:
    before = snapshot(project)
    status, _, _ = run_cli("new", "actor", "--root", str(project), "--title", "X", "--id", "../../escape")
    assert status != 0
    assert snapshot(project) == before
    assert not any(p.name.startswith("escape") for p in project.parent.rglob("*"))
    assert os.path.exists(project / "content")
