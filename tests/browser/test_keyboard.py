"""Keyboard and navigation in Chromium: "Skip to content" lands on the page's title, the timeline's filters are
a few Tabs from it, and the reader's navigation keeps the contributors' pages in a section of their own."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Site


@pytest.mark.parametrize(
    "path", ["incidents/2025-12-09-joint-bomber-patrol/", "timeline/", "map/", "actors/jasdf/", "stats/", ""]
)
def test_skip_to_content_lands_on_the_title(site: Site, page: Any, path: str) -> None:
    page.goto(site.url + path)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    page.keyboard.press("Enter")
    target = page.evaluate("document.querySelector(':target') && document.querySelector(':target').tagName")
    assert target == "H1"
    assert page.evaluate("document.querySelector(':target').closest('article') !== null")


def test_the_filters_are_a_few_tabs_after_the_title(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to the title
    presses = 0
    while presses < 8 and page.evaluate("document.activeElement.name") != "text":
        page.keyboard.press("Tab")
        presses += 1
    # the zoom buttons, one stop for the whole axis, the panel's summary, then the Words field
    assert page.evaluate("document.activeElement.name") == "text", f"not reached in {presses} Tabs"


def test_contributor_pages_have_their_own_section(site: Site, page: Any) -> None:
    page.goto(site.url)
    sections = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.md-nav--primary > ul > li.md-nav__item--section')]
            .map(li => [li.querySelector(':scope > label, :scope > a').textContent.trim(),
                        [...li.querySelectorAll('nav a')].map(a => a.textContent.trim())]))"""
    )
    assert "For contributors" in sections, sections
    assert {"Contributing", "Field reference", "Error codes", "Benchmarks"} <= set(
        sections["For contributors"]
    )
    for name, links in sections.items():
        if name != "For contributors":
            assert not {"Field reference", "Error codes", "Benchmarks"} & set(links), (name, links)
