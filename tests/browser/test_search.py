"""Search in Chromium: the index waits until the reader searches, "Tu-95" finds the page that names the Tu-95
(not every Tu-142 and every 95), and result snippets read as text."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from conftest import Requests, Site

PATROL = "2025-12-09-joint-bomber-patrol"
COAST_GUARD = "2024-05-02-coast-guard-near-islands"


def index_requests(requests_made: Requests) -> list[str]:
    return [u for u in requests_made.urls if "search_index" in u]


def result_paths(page: Any) -> list[str]:
    links = page.locator(".md-search-result__item > a.md-search-result__link")
    links.first.wait_for()
    page.wait_for_timeout(300)  # results render as the worker answers
    return [urlsplit(h).path for h in links.evaluate_all("els => els.map(e => e.href)")]


def test_the_index_is_not_downloaded_before_the_reader_searches(
    site: Site, page: Any, requests_made: Requests
) -> None:
    page.goto(site.url, wait_until="networkidle")
    page.goto(site.url + "timeline/", wait_until="networkidle")
    page.wait_for_timeout(500)
    assert index_requests(requests_made) == []
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").fill("patrol")
    page.locator(".md-search-result__item").first.wait_for()
    assert len(index_requests(requests_made)) == 1


def test_the_index_comes_with_the_search_shortcut(site: Site, page: Any, requests_made: Requests) -> None:
    page.goto(site.url, wait_until="networkidle")
    page.keyboard.press("/")
    page.keyboard.type("radar")
    page.locator(".md-search-result__item").first.wait_for()
    assert len(index_requests(requests_made)) == 1


def test_tu_95_finds_the_page_that_names_it(site: Site, page: Any) -> None:
    page.goto(site.url + "?q=Tu-95")
    paths = result_paths(page)
    base = urlsplit(site.url).path
    incidents = [p for p in paths if "/incidents/" in p]  # the hand-written article about it comes first
    assert incidents[0] == base + f"incidents/{PATROL}/", paths
    assert paths.index(base + f"incidents/{PATROL}/") <= 1
    assert base + f"incidents/{COAST_GUARD}/" not in paths  # Tu-142, Tu-22M3 and 95 km are not Tu-95
    page.goto(site.url + "?q=Tu-142")
    assert result_paths(page)[0] == base + f"incidents/{COAST_GUARD}/"


def test_hyphenated_words_still_split(site: Site, page: Any) -> None:
    page.goto(site.url + "?q=Self-Defense")  # the index holds "self" and "defense"
    paths = result_paths(page)
    assert urlsplit(site.url).path + "actors/jasdf/" in paths


def test_snippets_read_as_text(site: Site, page: Any) -> None:
    page.goto(site.url + "?q=Tu-95")
    result_paths(page)
    text = page.locator(f'.md-search-result__item:has(a[href*="{PATROL}"])').first.inner_text()
    assert "Date 9 December 2025" in text, text  # not "Date9 December 2025"
    assert not re.search(r"Date\d|Time zone[A-Z]|Type[A-Z]", text)


REAL_PATROL = "2025-12-09-china-russia-joint-bomber-patrol"


def test_tu_95_on_the_real_site_finds_the_joint_patrol_among_pages_that_name_it(
    real_site: Site, page: Any
) -> None:
    """The real record: among the dozens of pages naming the Tu-95, the 9 December 2025 joint patrol is in the
    first five (the four Russian Tu-95 flights before it name the aircraft first in shorter titles, and more
    often), and each of the first ten results names the Tu-95 itself, not a Tu-142 or a 95."""
    page.set_default_timeout(20_000)  # the real index is hundreds of KiB
    page.goto(real_site.url + "?q=Tu-95")
    paths = result_paths(page)
    base = urlsplit(real_site.url).path
    assert base + f"incidents/{REAL_PATROL}/" in paths[:5], paths[:10]
    for path in paths[:10]:
        text = (real_site.root / path.removeprefix(base) / "index.html").read_text(encoding="utf-8")
        assert re.search(r"Tu-95", text), path
