"""Every kind of page in Chromium: usable at 375 px with no horizontal scrolling, no serious or critical
axe-core violation, and not one request to a host other than the local server.

Set ``FL_SCREENSHOTS=/some/folder`` to also save full-page screenshots at 1280 and 375 px to look at.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import Requests, Site

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# page name -> path under the site root; the stats, map and data pages are checked when the build has them
PAGES = {
    "home": "",
    "timeline": "timeline/",
    "timeline-filtered": "timeline/?type=radar-lock&actor=jasdf&year=2025",
    "incident": "incidents/2024-05-02-coast-guard-near-islands/",
    "actor": "actors/jasdf/",
    "place": "places/liancourt-rocks/",
    "actors": "actors/",
    "stats": "stats/",
    "map": "map/",
    "data": "data/",
}
OPTIONAL = {"stats", "map", "data"}


def page_url(site: Site, name: str) -> str:
    path = PAGES[name]
    if name in OPTIONAL and not site.has(path):
        pytest.skip(f"the build has no {path} page yet")
    return site.url + path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Inject the vendored axe-core and return its serious and critical violations."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']}")
        lines += [f"    {' '.join(node['target'])}: {node['failureSummary']}" for node in v["nodes"][:5]]
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(PAGES))
def test_no_horizontal_scroll_at_375_px(site: Site, browser: Any, name: str) -> None:
    url = page_url(site, name)
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(url)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{name}: page is {width[0]} px wide in a {width[1]} px viewport"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious(site: Site, browser: Any, name: str, viewport: str) -> None:
    url = page_url(site, name)
    context = browser.new_context(viewport=DESKTOP if viewport == "desktop" else PHONE, bypass_csp=True)
    try:  # bypass_csp: the page's CSP (rightly) refuses the injected axe script; nothing else changes
        page = context.new_page()
        page.goto(url)
        violations = axe_violations(page)
        assert not violations, f"{name} ({viewport}):\n{describe(violations)}"
    finally:
        context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_request_leaves_the_local_server(
    site: Site, page: Any, requests_made: Requests, name: str
) -> None:
    url = page_url(site, name)
    page.goto(url, wait_until="networkidle")
    if name.startswith("timeline"):
        page.get_by_label("Words").fill("patrol")
    page.goto(site.url + "?q=patrol", wait_until="networkidle")  # the search worker and its index
    page.locator(".md-search-result__item").first.wait_for()
    assert requests_made.urls, "no request was recorded"
    assert requests_made.foreign() == []


@pytest.mark.parametrize("name", list(PAGES))
def test_no_request_fails(site: Site, page: Any, name: str) -> None:
    """Every file a page asks for exists (feed links once made Material fetch a sitemap.xml beside them)."""
    url = page_url(site, name)
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    page.goto(url, wait_until="networkidle")
    assert failed == []


def test_screenshots(site: Site, browser: Any) -> None:
    folder = os.environ.get("FL_SCREENSHOTS")
    if not folder:
        pytest.skip("set FL_SCREENSHOTS=/folder to save screenshots")
    Path(folder).mkdir(parents=True, exist_ok=True)
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for name in ("home", "timeline", "timeline-filtered", "incident", "actor", "place", "map", "stats"):
            page.goto(site.url + PAGES[name])
            page.screenshot(path=f"{folder}/{name}-{viewport_name}.png", full_page=True)
        context.close()
