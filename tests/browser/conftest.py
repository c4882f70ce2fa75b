"""Browser fixtures: one fixture site built with the real ``mkdocs build``, served on 127.0.0.1, and Debian's
Chromium driven by Playwright (browser downloads are impossible here, so ``executable_path`` points at it).

Without Chromium the browser tests skip with a message, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from helpers import (
    ACTOR_DIR,
    PLACE_DIR,
    incident_path,
    minimal_files,
    valid_incident,
    valid_source,
)
from mkdocs_project import make_project, mkdocs_build
from pages_server import serving

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives a real browser."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI, where every browser test must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    for candidate in ("chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def browser_files() -> dict[str, Any]:
    """The minimal project plus names in Japanese, Chinese and Korean, so CJK search has something to find."""
    files = minimal_files()
    files["content/vocabulary.yml"]["place_kinds"]["islands"] = {"label": "Islands"}
    files[f"{ACTOR_DIR}/jasdf.md"].update(names={"ja": "航空自衛隊"}, aliases=["JASDF"])
    files[f"{PLACE_DIR}/senkaku-islands.md"] = {
        "name": "Senkaku Islands",
        "kind": "islands",
        "coordinates": [25.75, 123.5],
        "names": {"ja": "尖閣諸島", "zh": "釣魚島"},
        "aliases": ["Diaoyu Islands"],
    }
    # a name written in simplified Chinese only: a search in traditional (東海) finds it too (generator/render/hanzi.py)
    files[f"{PLACE_DIR}/east-china-sea.md"]["names"] = {"zh-Hans": "东海"}
    files[f"{PLACE_DIR}/liancourt-rocks.md"] = {
        "name": "Liancourt Rocks",
        "kind": "islands",
        "coordinates": [37.24, 131.87],
        "names": {"ja": "竹島", "ko": "독도"},
        "aliases": ["Dokdo", "Takeshima"],
    }
    # the joint patrol names its aircraft as sources write them ("Tu-95"), has a precise point of its own and a
    # route (the map draws it as a line)
    files[incident_path("2025-12-09-joint-bomber-patrol")]["summary"] = (
        "Two Chinese H-6 and two Russian Tu-95 bombers flew together over the East China Sea."
    )
    files[incident_path("2025-12-09-joint-bomber-patrol")]["location"] = {
        "description": "Pacific off Shikoku, where the bombers turned back",
        "coordinates": [32.0, 133.5],
        "route": [[38.0, 133.0], [30.5, 126.5], [32.0, 133.5]],
    }
    # ...and the ministry's statement has no place at all (no marker, no locator map)
    del files[incident_path("2025-12-10-defense-ministry-statement")]["places"]
    files[incident_path("2024-05-02-coast-guard-near-islands")] = valid_incident(
        title="Coast guard ships enter waters near the islands",
        date="2024-05-02",
        type="joint-patrol",
        status="reported",
        summary="Four coast guard ships sailed inside the territorial sea for three hours.",
        __body__=(
            "The coast guard said: “中国海警舰艇编队在我钓鱼岛领海内巡航。”[^pub-7]\n\n"
            "한국 언론도 이 순찰을 보도했다.[^pub-8][^pub-7]\n\n"
            # other Tupolevs and a 95: a search for "Tu-95" split into "tu" and "95" would rank this page first
            "Two Tu-142 patrol aircraft and a Tu-22M3 flew nearby; a Tu-142 turned back 95 km out, "
            "the other Tu-142 at 95 km too.[^pub-7]\n"
        ),
        actors=[{"actor": "pla-air-force", "role": "participant"}],
        places=["senkaku-islands"],
        sources=[
            valid_source(
                7,
                language="zh",
                excerpts=[
                    {
                        "text": "中国海警舰艇编队在我钓鱼岛领海内巡航。",
                        "translation": "A coast guard formation patrolled.",
                    }
                ],
            ),
            valid_source(8, title="Ships <enter> waters & leave", language="ja"),
        ],
    )
    files[incident_path("2024-08-flight-near-rocks")] = valid_incident(
        title="Patrol aircraft fly near the rocks",
        date="2024-08",
        type="radar-lock",
        series="joint-air-patrols",
        summary="Patrol aircraft flew close to the rocks; the dates of the flights were not published.",
        actors=[{"actor": "jasdf", "role": "participant"}],
        places=["liancourt-rocks"],
        sources=[valid_source(9), valid_source(10)],
    )
    return files


@dataclass
class Site:
    """The built fixture site and the address it is served at."""

    root: Path
    url: str

    def pages(self) -> list[str]:
        """Every built HTML page, as a path relative to the site root."""
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html"))

    def has(self, path: str) -> bool:
        return (self.root / path / "index.html").exists() or (self.root / path).is_file()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the fixture project with ``mkdocs build`` (once per session) and return its site/ folder."""
    root = make_project(tmp_path_factory.mktemp("browser-site"), browser_files())
    mkdocs_build(root)
    return root / "site"


@pytest.fixture(scope="session")
def site(built_site: Path) -> Iterator[Site]:
    """The fixture site, served by http.server on 127.0.0.1 in a background thread."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(built_site, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The repository's own chronology, built with ``mkdocs build --strict`` and served gzip-compressed as GitHub
    Pages serves it (``tests/pages_server.py``): for what only the real record shows (search ranking among
    hundreds of incidents, the layout of full-size pages)."""
    out = tmp_path_factory.mktemp("real-site") / "site"
    process = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "-q", "-d", str(out)],
        cwd=PROJECT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert process.returncode == 0, process.stdout + process.stderr
    with serving(out) as url:
        yield Site(out, url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium, launched once per session."""
    executable = chromium_path()
    if executable is None:
        unavailable("chromium is not installed (apt-get install chromium); browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed; browser tests skipped")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Requests:
    """Every URL the pages of one test asked for."""

    urls: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        """Requests to any host but the local server (data: and blob: URLs stay in the page)."""
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).hostname != "127.0.0.1"
        ]


@pytest.fixture
def requests_made() -> Requests:
    return Requests()


@pytest.fixture
def context(browser: Any, requests_made: Requests) -> Iterator[Any]:
    """A fresh browser context (desktop size) whose every request is recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.on("request", lambda request: requests_made.urls.append(request.url))
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page
