"""Traditional and simplified Chinese both match, in Chromium: a name the record writes in one script is found
by the other, in the timeline's and the map's words filters and in site search; the page shows the name only as written.

The fixture writes 釣魚島 (traditional) for the Senkaku Islands and 东海 (simplified) for the East China Sea;
the build adds 钓鱼岛 and 東海 to what is searched (generator/render/hanzi.py, OpenCC)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import Site

COAST_GUARD = "2024-05-02-coast-guard-near-islands"  # the one incident at the Senkaku Islands


def visible_entries(page: Any) -> list[str]:
    return page.locator(".fl-timeline > li.fl-entry:visible").evaluate_all("els => els.map(e => e.id)")


def entries_at(page: Any, place: str) -> list[str]:
    return page.locator(f'.fl-timeline > li.fl-entry[data-places~="{place}"]').evaluate_all(
        "els => els.map(e => e.id)"
    )


@pytest.mark.parametrize(
    ("words", "place"),
    [
        ("钓鱼岛", "senkaku-islands"),  # simplified; the record writes 釣魚島
        ("釣魚島", "senkaku-islands"),  # as written
        ("東海", "east-china-sea"),  # traditional; the record writes 东海
        ("东海", "east-china-sea"),
    ],
)
def test_the_words_filter_finds_a_name_in_either_script(
    site: Site, page: Any, words: str, place: str
) -> None:
    page.goto(site.url + "timeline/")
    expected = entries_at(page, place)
    assert expected
    page.get_by_label("Words").fill(words)
    assert sorted(visible_entries(page)) == sorted(expected)
    if place == "senkaku-islands":
        assert visible_entries(page) == [COAST_GUARD]


def map_rows(page: Any, selector: str = ":visible") -> list[str]:
    return sorted(
        page.locator(f".fl-map-table tbody tr{selector}").evaluate_all("els => els.map(e => e.dataset.flId)")
    )


@pytest.mark.parametrize(
    ("words", "place"),
    [
        ("钓鱼岛", "senkaku-islands"),  # simplified; the record writes 釣魚島
        ("尖閣", "senkaku-islands"),  # the Japanese name, shown nowhere on the map page
        ("東海", "east-china-sea"),  # traditional; the record writes 东海
        ("독도", "liancourt-rocks"),  # the Korean name
    ],
)
def test_the_maps_words_filter_finds_other_names_and_scripts(
    site: Site, page: Any, words: str, place: str
) -> None:
    page.goto(site.url + "map/")
    expected = map_rows(page, f'[data-places~="{place}"]')
    assert expected
    page.get_by_text("Filter incidents").click()  # folded on the map
    page.get_by_label("Words").fill(words)
    assert map_rows(page) == expected
    markers = page.locator("svg.fl-map a[data-fl-id]:not([hidden])").evaluate_all(
        "els => [...new Set(els.map(e => e.dataset.flId))].sort()"
    )
    assert markers == expected  # the markers follow their rows


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("钓鱼岛", "places/senkaku-islands/"),  # simplified finds the page that writes 釣魚島
        ("東海", "places/east-china-sea/"),  # traditional finds the page that writes 东海
    ],
)
def test_site_search_finds_a_name_in_either_script(site: Site, page: Any, words: str, expected: str) -> None:
    page.goto(site.url + "?q=" + words)
    results = page.locator(".md-search-result__item > a.md-search-result__link")
    results.first.wait_for()
    page.wait_for_timeout(300)  # results render as the worker answers
    hrefs = [urlsplit(h).path for h in results.evaluate_all("els => els.map(e => e.href)")]
    assert urlsplit(site.url).path + expected in hrefs[:3], hrefs
    if words == "钓鱼岛":  # and the incident whose body quotes a sentence with 钓鱼岛 in it
        assert urlsplit(site.url).path + f"incidents/{COAST_GUARD}/" in hrefs, hrefs


def test_the_page_shows_the_name_as_written(site: Site, page: Any) -> None:
    page.goto(site.url + "places/senkaku-islands/")
    facts = page.locator("dl.fl-facts").inner_text()
    assert "釣魚島" in facts
    assert "钓鱼岛" not in facts  # in the page for search, not shown
    page.goto(site.url + "places/east-china-sea/")
    facts = page.locator("dl.fl-facts").inner_text()
    assert "东海" in facts and "東海" not in facts
