"""A contributor's path end to end, in a temporary git clone: scaffold an incident, fill it in with a mistake,
see the check point at the exact line, fix it, and find the incident on the built site and in the feeds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from helpers import minimal_files
from mkdocs_project import make_project, mkdocs_build

pytestmark = pytest.mark.slow
FAULTLINES = str(Path(sys.executable).parent / "faultlines")


def faultlines(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([FAULTLINES, *args], cwd=root, capture_output=True, text=True, timeout=120)


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "A Contributor",
           "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A Contributor",
           "GIT_COMMITTER_EMAIL": "a@example.org"}  # fmt: skip
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, timeout=60)


def fill_in(text: str, actor: str) -> str:
    """What a contributor does in the editor: replace the template's TODOs with real values."""
    return (
        text.replace("TODO: one plain-text paragraph (at most 400 characters): what happened, where, who.",
                     "Two bombers flew over the Sea of Japan and fighters were scrambled in response.")
        .replace("  - actor: TODO-actor-id           # a file name in content/actors/ (without .md)",
                 f"  - actor: {actor}")
        .replace("https://TODO.example/the-article", "https://www.example.org/news/2025/12/11/bombers")
        .replace("TODO Publisher", "Example News")
    )  # fmt: skip


def test_new_incident_check_fix_build(tmp_path: Path) -> None:
    root = make_project(tmp_path / "clone", minimal_files())
    (root / "CONTRIBUTING.md").write_text("# Contributing\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")

    created = faultlines(root, "new", "incident", "--date", "2025-12-11", "--title",
                         "Bombers fly over the Sea of Japan", "--type", "joint-patrol")  # fmt: skip
    assert created.returncode == 0, created.stderr
    relative = "content/incidents/2025/2025-12-11-bombers-fly-over-the-sea-of-japan.md"
    assert created.stdout.strip() == relative
    path = root / relative

    template = path.read_text(encoding="utf-8")
    path.write_text(fill_in(template, actor="jsdf"), encoding="utf-8")  # a typo of jasdf
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "actor: jsdf" in text)
    failed = faultlines(root, "check", "--changed")  # the new file, checked against the whole tree
    assert failed.returncode == 1
    assert f"{relative}:{line}:12: error FL201 unknown actor 'jsdf'; did you mean 'jasdf'?" in failed.stdout

    path.write_text(fill_in(template, actor="jasdf"), encoding="utf-8")
    passed = faultlines(root, "check", "--changed")
    assert passed.returncode == 0, passed.stdout
    assert passed.stdout.endswith("0 errors, 2 warnings in 1 file\n"), (
        passed.stdout
    )  # no archive_url, one source: the new file's own warnings are listed
    whole = faultlines(root, "check")  # the whole tree counts them
    assert whole.stdout == (
        "no problems found; not listed: 1 source without an archive_url, 1 incident with a single source "
        "(--verbose lists them)\n"
    )

    again = faultlines(root, "new", "incident", "--date", "2025-12-11", "--title",
                       "Bombers fly over the Sea of Japan", "--type", "joint-patrol")  # fmt: skip
    assert again.returncode == 1 and "already exists" in again.stderr

    mkdocs_build(root)
    site = root / "site"
    incident_url = "incidents/2025-12-11-bombers-fly-over-the-sea-of-japan/"
    timeline = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert "Bombers fly over the Sea of Japan" in timeline
    assert f'href="../{incident_url}"' in timeline
    actor_page = (site / "actors" / "jasdf" / "index.html").read_text(encoding="utf-8")
    assert "Bombers fly over the Sea of Japan" in actor_page
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    assert "Bombers fly over the Sea of Japan" in [entry.title for entry in feed.entries]
    actor_feed = feedparser.parse((site / "feeds" / "actors" / "jasdf.xml").read_bytes())
    assert "Bombers fly over the Sea of Japan" in [entry.title for entry in actor_feed.entries]
