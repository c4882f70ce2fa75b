"""The timeline stays light as the record grows, and what was made lighter still works.

What a phone styles and lays out as the page loads is what Lighthouse's blocking time measures: Material's script
restyles the whole live page several times on load (a colour-scheme attribute on <body>), so every element that
is rendered on load is paid for again and again. Here:

- each year's zoomed axis waits in a <template> until a reader zooms to it, and its marks then link to the right
  incidents, take the filters and the keyboard like the overview's;
- a mark's tooltip <title> is made when the pointer comes over it (its link is named by aria-label);
- the page's weight grows by a small, fixed number of elements per incident (two synthetic records, 12 and 72
  incidents, built with the repository's own configuration): the cards of months far below the screen are not
  rendered on load (.fl-month, content-visibility), and nothing is drawn twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import Site
from mkdocs_project import mkdocs_build
from pages_server import serving

from tests.benchmark.bench import setup_project

PATROL = "2025-12-09-joint-bomber-patrol"
RADAR = "2025-12-06-radar-lock-on"
STATEMENT = "2025-12-10-defense-ministry-statement"
COAST_GUARD = "2024-05-02-coast-guard-near-islands"
ROCKS = "2024-08-flight-near-rocks"

# per incident added to the record, at most (measured before this change: 35 and 12; after: 20 and 4.3)
DOM_PER_INCIDENT = 24
RENDERED_PER_INCIDENT = 6
SMALL, LARGE = 12, 72

# elements in the page, and elements rendered as it loads: not in a <template>, not under display: none, not inside
# a content-visibility box that is skipped (far from the screen), not a <select>'s options (never styled closed)
WEIGHT = """() => {
  let rendered = 0;
  (function walk(el) {
    if (el.tagName === 'TEMPLATE' || getComputedStyle(el).display === 'none') return;
    rendered++;
    if (el.tagName === 'SELECT') return;
    const first = el.firstElementChild;
    if (first && getComputedStyle(el).contentVisibility === 'auto'
        && !first.checkVisibility({contentVisibilityAuto: true})) return;
    for (const child of el.children) walk(child);
  })(document.documentElement);
  return {dom: document.getElementsByTagName('*').length, rendered};
}"""


def zoomed(page: Any, year: str) -> Any:
    return page.locator(f'[data-fl-zoom="{year}"] svg.fl-axis')


def test_a_zoomed_year_joins_the_page_with_its_marks_linked_and_focusable(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    # not in the live page as it loads: waiting in a template
    assert page.locator('[data-fl-zoom="2025"]').count() == 0
    assert page.locator('template[data-fl-zoom-template="2025"]').count() == 1
    page.get_by_role("button", name="2025", exact=True).click()
    axis = zoomed(page, "2025")
    assert axis.is_visible()
    assert page.locator('template[data-fl-zoom-template="2025"]').count() == 0  # put in place, once
    marks = axis.locator("a")
    ids = sorted(marks.evaluate_all("els => els.map(a => a.dataset.flId)"))
    assert ids == sorted([PATROL, RADAR, STATEMENT])
    for incident in ids:
        href = axis.locator(f'a[data-fl-id="{incident}"]').evaluate(
            "a => new URL(a.href.baseVal, location).href"
        )
        assert href == page.locator(f'li[id="{incident}"] .fl-entry__title a').evaluate("a => a.href")
        assert href.endswith(f"/incidents/{incident}/")
    # one tab stop, arrow keys between marks, Enter opens the incident
    assert axis.locator('a[tabindex="0"]').count() == 1
    axis.locator('a[tabindex="0"]').focus()
    first = page.evaluate("document.activeElement.dataset.flId")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("document.activeElement.dataset.flId")
    assert first != second and {first, second} <= set(ids)
    assert "December 2025" in page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/incidents/{second}/")
    # back: the zoom is in the URL and the year's axis is there again
    page.go_back()
    assert parse_qs(urlsplit(page.url).query) == {"year": ["2025"]}
    assert zoomed(page, "2025").is_visible()


def test_a_zoomed_year_from_the_url_takes_the_filters(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/?type=radar-lock&year=2024")
    axis = zoomed(page, "2024")
    assert axis.is_visible()
    shown = sorted(axis.locator("a:visible").evaluate_all("els => els.map(a => a.dataset.flId)"))
    assert shown == [ROCKS]  # the coast guard's joint patrol of 2024 is filtered out
    page.get_by_label("Type").select_option("")
    shown = sorted(axis.locator("a:visible").evaluate_all("els => els.map(a => a.dataset.flId)"))
    assert shown == sorted([COAST_GUARD, ROCKS])
    page.get_by_role("button", name="2025", exact=True).click()
    assert zoomed(page, "2025").is_visible() and zoomed(page, "2024").is_hidden()


def test_on_a_phone_a_zoomed_year_opens_at_its_newest_end(site: Site, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.goto(site.url + "timeline/")
        page.get_by_role("button", name="2025", exact=True).click()
        box = page.locator('[data-fl-zoom="2025"]')
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the year scrolls sideways on a phone
        assert box.evaluate("b => b.scrollLeft + b.clientWidth >= b.scrollWidth - 1")
        december = zoomed(page, "2025").locator(f'a[data-fl-id="{PATROL}"] rect')
        assert december.bounding_box()["x"] < 375  # December's marks in view
    finally:
        context.close()


def test_a_marks_tooltip_is_made_when_the_pointer_comes_over_it(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    overview = page.locator('[data-fl-zoom=""] svg.fl-axis')
    assert overview.locator("a title").count() == 0  # no element per mark for it as the page loads
    mark = overview.locator(f'a[data-fl-id="{RADAR}"]')
    mark.locator("rect").hover()
    title = mark.locator("title")
    assert title.count() == 1
    assert title.text_content() == mark.get_attribute("aria-label")
    assert "6 December 2025" in title.text_content()


def test_without_javascript_the_overview_shows_every_year_linked(built_site: Path, browser: Any) -> None:
    """No zoom control without JavaScript (as before the years waited in templates): the overview of every year,
    its marks linked, and nothing of the waiting years shown."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        with serving(built_site) as url:
            page = context.new_page()
            page.goto(url + "timeline/")
            overview = page.locator('[data-fl-zoom=""] svg.fl-axis')
            assert overview.is_visible()
            assert overview.locator("a").count() == 5
            assert page.locator("svg.fl-axis").count() == 1  # the years' axes are not in the page
            assert page.get_by_role("button", name="2025", exact=True).is_hidden()
    finally:
        context.close()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, str]]:
    """Two records of synthetic incidents (12 and 72) with the repository's configuration, built and served."""
    sites: dict[int, Path] = {}
    for n in (SMALL, LARGE):
        root = setup_project(tmp_path_factory.mktemp(f"weight-{n}"), n)
        mkdocs_build(root)
        sites[n] = root / "site"
    with serving(sites[SMALL]) as small, serving(sites[LARGE]) as large:
        yield {SMALL: small, LARGE: large}


def test_the_timeline_grows_by_a_few_elements_per_incident(synthetic: dict[int, str], browser: Any) -> None:
    weights = {}
    for n, url in synthetic.items():
        context = browser.new_context(viewport={"width": 412, "height": 823})
        try:
            page = context.new_page()
            page.goto(url + "timeline/", wait_until="load")
            page.wait_for_timeout(300)  # content-visibility settles after the first frame
            weights[n] = page.evaluate(WEIGHT)
        finally:
            context.close()
    added = LARGE - SMALL
    dom = (weights[LARGE]["dom"] - weights[SMALL]["dom"]) / added
    rendered = (weights[LARGE]["rendered"] - weights[SMALL]["rendered"]) / added
    assert dom <= DOM_PER_INCIDENT, f"{dom:.1f} elements per incident ({weights})"
    assert rendered <= RENDERED_PER_INCIDENT, f"{rendered:.1f} rendered on load per incident ({weights})"
