"""The timeline in Chromium: a time axis at the top with a mark per incident (coloured by type, stacked by
month, each a link, one tab stop with arrow keys, zoomable to a year), the filters acting on it as on the
list, the place on each card, a compact table view, "No incidents match", and words in other scripts and
spellings (尖閣, 독도, Tu95 for Tu-95)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import Site

PATROL = "2025-12-09-joint-bomber-patrol"
RADAR = "2025-12-06-radar-lock-on"
STATEMENT = "2025-12-10-defense-ministry-statement"
COAST_GUARD = "2024-05-02-coast-guard-near-islands"
ROCKS = "2024-08-flight-near-rocks"


def overview(page: Any) -> Any:
    return page.locator('[data-fl-zoom=""] svg.fl-axis')


def mark_ids(svg: Any) -> list[str]:
    return sorted(svg.locator("a:visible").evaluate_all("els => els.map(a => a.dataset.flId)"))


def visible_entries(page: Any) -> list[str]:
    return sorted(
        page.locator(".fl-timeline > li.fl-entry:visible").evaluate_all("els => els.map(e => e.id)")
    )


def test_the_axis_comes_first_with_a_mark_linking_to_each_incident(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    axis = overview(page)
    assert axis.is_visible()
    # above the filters and the list
    order = page.evaluate(
        "() => [...document.querySelectorAll('svg.fl-axis, #fl-filters, ol.fl-timeline')].map(e => e.tagName)"
    )
    assert order[0].lower() == "svg"
    assert mark_ids(axis) == sorted([PATROL, RADAR, STATEMENT, COAST_GUARD, ROCKS])
    for incident in (PATROL, ROCKS):
        mark = axis.locator(f'a[data-fl-id="{incident}"]')
        entry_link = page.locator(f'li[id="{incident}"] .fl-entry__title a')
        assert mark.evaluate("a => a.href.baseVal ? new URL(a.href.baseVal, location).href : a.href") == (
            entry_link.evaluate("a => a.href")
        )
    page.locator(f'a[data-fl-id="{RADAR}"] rect').first.click()
    page.wait_for_url(f"**/incidents/{RADAR}/")


def test_marks_take_their_type_colour_and_stack_by_month(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    axis = overview(page)

    def box(incident: str) -> dict[str, float]:
        return axis.locator(f'a[data-fl-id="{incident}"] rect').bounding_box()

    december = [box(i) for i in (RADAR, PATROL, STATEMENT)]
    assert len({round(b["x"]) for b in december}) == 1, "one month, one column"
    assert len({round(b["y"]) for b in december}) == 3, "stacked, not drawn over each other"
    assert box(COAST_GUARD)["x"] < box(ROCKS)["x"] < december[0]["x"]  # time runs left to right
    fill = axis.locator(f'a[data-fl-id="{RADAR}"] rect').evaluate("r => getComputedStyle(r).fill")
    badge = page.locator(f'li[id="{RADAR}"] .fl-badge').evaluate("b => getComputedStyle(b).backgroundColor")
    assert fill == badge  # the type's colour, as on its badge
    joint = axis.locator(f'a[data-fl-id="{PATROL}"] rect').evaluate("r => getComputedStyle(r).fill")
    assert joint == "rgb(142, 27, 27)" != fill  # joint-patrol's #8e1b1b
    hollow = axis.locator(f'a[data-fl-id="{ROCKS}"] rect')  # known to the month only
    assert "fl-tmark--approx" in hollow.get_attribute("class")


def test_the_axis_is_one_tab_stop_and_arrow_keys_move_between_marks(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    axis = overview(page)
    assert axis.locator('a[tabindex="0"]').count() == 1
    page.locator("h1").click()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('svg.fl-axis') !== null"):
            break
    first = page.evaluate("document.activeElement.dataset.flId")
    assert first == COAST_GUARD  # the oldest, on the left
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.flId") == ROCKS
    page.keyboard.press("End")
    last = page.evaluate("document.activeElement.dataset.flId")
    assert last in (RADAR, PATROL, STATEMENT)
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert "December 2025" in label
    page.keyboard.press("Tab")  # one more Tab leaves the axis
    assert page.evaluate("document.activeElement.closest('svg.fl-axis') === null")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.flId") == last  # the axis remembers where you were
    page.keyboard.press("Enter")
    page.wait_for_url("**/incidents/**")


def test_zoom_to_a_year_filters_the_list_and_keeps_the_url(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    page.get_by_role("button", name="2025", exact=True).click()
    assert parse_qs(urlsplit(page.url).query) == {"year": ["2025"]}
    zoomed = page.locator('[data-fl-zoom="2025"] svg.fl-axis')
    assert zoomed.is_visible() and overview(page).is_hidden()
    assert mark_ids(zoomed) == sorted([PATROL, RADAR, STATEMENT])
    assert visible_entries(page) == sorted([PATROL, RADAR, STATEMENT])
    assert page.get_by_label("Year").input_value() == "2025"
    assert page.get_by_role("button", name="2025", exact=True).get_attribute("aria-pressed") == "true"
    labels = zoomed.locator("text").all_text_contents()
    assert "Dec" in labels and "Jan" in labels  # the months of the year
    # zoomed, the month's incidents spread over its weeks (6 and 9 December, then 10 December)
    xs = {
        round(zoomed.locator(f'a[data-fl-id="{i}"] rect').bounding_box()["x"])
        for i in (RADAR, PATROL, STATEMENT)
    }
    assert len(xs) == 2
    page.get_by_role("button", name="All years").click()
    assert overview(page).is_visible()
    assert len(visible_entries(page)) == 5


def test_filters_apply_to_the_axis(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/?type=radar-lock")
    assert mark_ids(overview(page)) == sorted([RADAR, STATEMENT, ROCKS])
    page.get_by_label("Words").fill("coast guard")
    assert mark_ids(overview(page)) == []
    assert page.locator("[data-fl-empty]").is_visible()
    assert page.locator("[data-fl-empty]").inner_text().startswith("No incidents match")
    page.get_by_role("button", name="Show all incidents").click()
    assert len(mark_ids(overview(page))) == 5
    assert page.locator("[data-fl-empty]").is_hidden()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("尖閣", [COAST_GUARD]),  # a place's Japanese name, not on the card
        ("독도", [ROCKS]),  # a place's Korean name
        ("Tu-95", [PATROL]),
        ("Tu95", [PATROL]),
        ("tu 95", [PATROL]),
        ("JASDF", [PATROL, RADAR, ROCKS]),  # an actor's alias
    ],
)
def test_words_find_other_names_and_spellings(site: Site, page: Any, words: str, expected: list[str]) -> None:
    page.goto(site.url + "timeline/")
    page.get_by_label("Words").fill(words)
    assert visible_entries(page) == sorted(expected)


def test_each_card_shows_its_place_and_the_list_has_a_table_view(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    assert page.locator(f'li[id="{COAST_GUARD}"] .fl-entry__place').inner_text() == "Senkaku Islands"
    assert page.locator(f'li[id="{PATROL}"] .fl-entry__place').inner_text() == "East China Sea"
    summary = page.locator(f'li[id="{PATROL}"] .fl-entry__summary')
    assert summary.is_visible()
    tall = page.locator(f'li[id="{PATROL}"]').bounding_box()["height"]
    page.get_by_role("button", name="Table").click()
    assert parse_qs(urlsplit(page.url).query) == {"view": ["table"]}
    assert summary.is_hidden()
    row = page.locator(f'li[id="{PATROL}"]')
    assert row.bounding_box()["height"] < tall
    cells = [
        row.locator(selector).bounding_box()
        for selector in ("time", ".fl-badge", ".fl-entry__title", ".fl-entry__place")
    ]
    xs = [c["x"] for c in cells]
    assert xs == sorted(xs) and len(set(round(x) for x in xs)) == 4  # date, type, title, place: columns
    page.reload()
    assert summary.is_hidden()  # the view is kept in the URL
    page.get_by_role("button", name="Cards").click()
    assert summary.is_visible()
