"""Nothing destroyed: ``faultlines build --out DIR`` and ``mkdocs build -d DIR`` (through the plugin) replace a
folder only when it is missing, empty or an earlier build's output (it holds ``.faultlines-output``); the
project's own folders are refused by name, and so is any folder holding one of them. Real CLI runs and real
MkDocs builds of a small project."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from helpers import minimal_files, run_cli
from mkdocs_project import make_project, mkdocs_build

from generator.publish import MARKER_FILE


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (dotfiles included): its sha256, or 'dir'."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with content/, timeline/, generator/ and a real git repository with one commit."""
    root = make_project(tmp_path / "project", minimal_files())
    (root / "generator").mkdir()
    (root / "generator" / "code.py").write_text("print('the code')\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x"],
        check=True,
    )
    return root


def whole(root: Path) -> dict[str, str]:
    """The whole project folder, .git included."""
    return snapshot(root)


# --- faultlines build --out --------------------------------------------------------------------------------

NAMED = ["content", "timeline", "generator", ".git", ".", "..", "content/incidents", ".git/objects"]


@pytest.mark.parametrize("target", NAMED)
def test_build_out_refuses_the_project_folders_by_name(project: Path, target: str) -> None:
    before = whole(project.parent)
    status, stdout, stderr = run_cli("build", str(project), "--out", str(project / target))
    assert status == 2, stdout + stderr
    assert stderr.startswith("faultlines: refusing --out"), stderr
    assert "Traceback" not in stderr
    assert whole(project.parent) == before


def test_build_out_refuses_a_relative_path_to_the_project(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "timeline")
    before = whole(project)
    status, _, stderr = run_cli("build", "..", "--out", ".")
    assert status == 2 and "timeline/" in stderr
    assert whole(project) == before


def test_build_out_refuses_a_folder_it_did_not_write(project: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "draft.txt").write_text("mine\n")
    status, _, stderr = run_cli("build", str(project), "--out", str(notes))
    assert status == 2
    assert "not empty" in stderr and MARKER_FILE in stderr
    assert snapshot(notes) == {"draft.txt": hashlib.sha256(b"mine\n").hexdigest()}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".notes")] == []


def test_build_out_refuses_a_file(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("keep\n")
    status, _, stderr = run_cli("build", str(project), "--out", str(target))
    assert status == 2 and "not a folder" in stderr
    assert target.read_text() == "keep\n"


def test_build_out_writes_a_new_or_empty_folder_and_replaces_its_own_output(
    project: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for target in (tmp_path / "new", empty):
        status, stdout, stderr = run_cli("build", str(project), "--out", str(target))
        assert status == 0, stdout + stderr
        assert (target / MARKER_FILE).is_file()
        assert (target / "assets/fault-lines/types.css").is_file()
    (empty / "stale.md").write_text("from an earlier build\n")
    status, _, stderr = run_cli("build", str(project), "--out", str(empty))
    assert status == 0, stderr
    assert not (empty / "stale.md").exists()  # an earlier output is replaced whole


def test_build_out_replaces_an_output_of_before_the_marker(project: Path, tmp_path: Path) -> None:
    """A tree written before the marker existed (it holds the generated stylesheet) is still replaced."""
    old = tmp_path / "generated"
    (old / "assets/fault-lines").mkdir(parents=True)
    (old / "assets/fault-lines/types.css").write_text("/* old */\n")
    status, _, stderr = run_cli("build", str(project), "--out", str(old))
    assert status == 0, stderr
    assert (old / MARKER_FILE).is_file()


def test_build_out_rechecks_the_folder_before_the_swap(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files that appear in the output folder while the site is built are not deleted by the swap."""
    import generator.publish

    out = tmp_path / "out"
    write = generator.publish.write_marker

    def write_then_someone_else_writes(folder: Path) -> None:
        write(folder)
        out.mkdir(exist_ok=True)
        (out / "theirs.txt").write_text("theirs\n")

    monkeypatch.setattr(generator.publish, "write_marker", write_then_someone_else_writes)
    status, _, stderr = run_cli("build", str(project), "--out", str(out))
    assert status == 2 and "refusing" in stderr
    assert (out / "theirs.txt").read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


# --- mkdocs build -d / site_dir ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("target", ["content", "generator", ".git", "content/incidents", "notes"])
@pytest.mark.parametrize("atomic", [True, False])
def test_mkdocs_build_refuses_a_site_dir_it_did_not_write(project: Path, target: str, atomic: bool) -> None:
    (project / "notes").mkdir()
    (project / "notes" / "draft.md").write_text("mine\n")
    if not atomic:
        config = project / "mkdocs.yml"
        text = config.read_text()
        assert "  - fault-lines:\n" in text
        config.write_text(text.replace("  - fault-lines:\n", "  - fault-lines:\n      atomic: false\n", 1))
    before = whole(project)
    done = mkdocs_build(project, "-d", target, check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "refusing site_dir" in output
    assert "Traceback" not in output
    after = whole(project)
    if not atomic:
        before.pop("mkdocs.yml"), after.pop("mkdocs.yml")
    assert after == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site-")]


@pytest.mark.slow
def test_mkdocs_build_marks_its_site_dir_and_replaces_it_next_time(project: Path) -> None:
    mkdocs_build(project)
    assert (project / "site" / MARKER_FILE).is_file()
    (project / "site" / "stale.html").write_text("old\n")
    mkdocs_build(project)
    assert (project / "site" / MARKER_FILE).is_file()
    assert not (project / "site" / "stale.html").exists()
    assert (project / "site" / "index.html").is_file()
