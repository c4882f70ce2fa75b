"""The route for builders that run no plugins: ``faultlines build --out DIR --standalone`` and Zensical (Material
for MkDocs' named successor), search included, in real Chromium. Skipped when Zensical is not installed."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PROJECT, QuietHandler
from helpers import run_cli

# the test environment's own (the venv is not always on PATH), else one on PATH
_BESIDE = Path(sys.executable).parent / "zensical"
ZENSICAL = str(_BESIDE) if _BESIDE.is_file() else shutil.which("zensical")
PATROL = "2025-12-09-china-russia-joint-bomber-patrol"


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    if ZENSICAL is None:
        pytest.skip("zensical is not installed (pip install zensical); the Zensical route is not tested")
    root = PROJECT  # the real chronology: its hand-written pages link real incidents, so a fixture tree would not do
    out = tmp_path_factory.mktemp("zensical") / "standalone"
    status, stdout, stderr = run_cli("build", str(root), "--out", str(out), "--standalone")
    assert status == 0, stderr
    assert "zensical build -f" in stdout
    done = subprocess.run(
        [ZENSICAL, "build", "-f", str(out / "mkdocs.yml")],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    handler = functools.partial(QuietHandler, directory=str(out / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield out, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_zensical_builds_the_standalone_project_with_filled_pages(zensical_site: tuple[Path, str]) -> None:
    out, _ = zensical_site
    assert not (out / "overrides" / "partials" / "search.html").exists()
    home = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "fault-lines:" not in home  # the home page's markers were filled (counts, latest incidents)
    assert "fl-counts-list" in home
    page = (out / "site" / "incidents" / PATROL / "index.html").read_text(encoding="utf-8")
    assert "joint strategic air patrol" in page
    assert (out / "site" / "data" / "incidents.json").is_file()


def test_zensical_search_finds_an_incident(zensical_site: tuple[Path, str], browser: Any) -> None:
    _, url = zensical_site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        page.keyboard.press("/")  # Material's and Zensical's search shortcut
        page.keyboard.type("bomber")
        # Zensical draws its own results (not Material's markup): find them by what a reader sees
        count = page.get_by_text(re.compile(r"^[1-9][0-9]* results?$"))
        count.first.wait_for(timeout=15000)
        assert int(count.first.inner_text().split()[0]) >= 5
        hit = page.get_by_text(re.compile(r"joint strategic air patrol", re.I)).first
        hit.wait_for(timeout=5000)
        assert hit.is_visible()
        assert page.get_by_text("Initializing search").count() == 0
    finally:
        context.close()
