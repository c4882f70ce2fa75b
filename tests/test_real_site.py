"""The real repository builds with `mkdocs build --strict`, as the README's first command does: every incident
has its page, and the home page links the About, Methodology and article-check pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    process = subprocess.run(
        [mkdocs, "build", "--strict", "-q", "-d", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert process.returncode == 0, process.stdout + process.stderr
    return out


def test_every_incident_file_has_a_page(site: Path) -> None:
    incidents = sorted(p.stem for p in (ROOT / "content" / "incidents").rglob("*.md"))
    assert len(incidents) >= 60
    missing = [i for i in incidents if not (site / "incidents" / i / "index.html").is_file()]
    assert missing == []


def test_home_links_the_about_methodology_and_article_pages(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    for href in ('href="about/"', 'href="methodology/"', 'href="article-check/"'):
        assert href in home, href


def test_the_article_check_links_the_incidents_it_discusses(site: Path) -> None:
    page = (site / "article-check" / "index.html").read_text(encoding="utf-8")
    for incident in (
        "2025-12-09-china-russia-joint-bomber-patrol",
        "2025-12-06-j15-radar-lock-on-jasdf-f15",
        "2025-12-10-koizumi-rutte-video-call",
    ):
        assert f'href="../incidents/{incident}/"' in page
