"""What a reader does in Chromium: filter the timeline and share the URL, go back, search in four languages,
copy a citation, and what a link preview or a citation manager reads from an incident page."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import Site

COAST_GUARD = "2024-05-02-coast-guard-near-islands"
RADAR = "2025-12-06-radar-lock-on"


def visible_entries(page: Any) -> list[str]:
    return page.locator(".fl-timeline > li.fl-entry:visible").evaluate_all("els => els.map(e => e.id)")


def count_text(page: Any) -> str:
    return page.locator("[data-fl-count]").inner_text()


def query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_filters_change_the_count_and_the_url(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    assert page.locator("#fl-filters").is_visible()
    assert count_text(page) == "5 of 5 incidents"
    page.get_by_label("Type").select_option("radar-lock")
    assert count_text(page) == "3 of 5 incidents"
    assert query(page) == {"type": ["radar-lock"]}
    page.get_by_label("Actor").select_option("jasdf")
    assert count_text(page) == "2 of 5 incidents"
    page.get_by_label("Year").select_option("2025")
    assert visible_entries(page) == [RADAR]
    assert count_text(page) == "1 of 5 incidents"
    assert query(page) == {"type": ["radar-lock"], "actor": ["jasdf"], "year": ["2025"]}
    # the 2024 year heading and its months have nothing left to show
    assert page.locator("h2#y2024").is_hidden()
    assert page.locator("h3#m2024-08").is_hidden()
    assert page.locator("h2#y2025").is_visible()
    assert page.locator("[data-fl-active]").inner_text() == "(3 active)"


def test_free_text_filter_matches_titles_and_summaries(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    page.get_by_label("Words").fill("coast guard")
    assert visible_entries(page) == [COAST_GUARD]
    assert query(page) == {"text": ["coast guard"]}
    page.get_by_label("Words").fill("no such words anywhere")
    assert count_text(page) == "0 of 5 incidents"
    page.get_by_role("button", name="Clear filters").click()
    assert count_text(page) == "5 of 5 incidents"
    assert urlsplit(page.url).query == ""


def test_a_copied_url_restores_the_view(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/?place=liancourt-rocks&series=joint-air-patrols")
    assert count_text(page) == "1 of 5 incidents"
    assert page.get_by_label("Place").input_value() == "liancourt-rocks"
    assert page.get_by_label("Series").input_value() == "joint-air-patrols"
    assert visible_entries(page) == ["2024-08-flight-near-rocks"]
    page.goto(
        site.url + "timeline/?text=%E7%84%A1%E9%96%A2%E4%BF%82&status=reported"
    )  # 無関係: nothing has it
    assert count_text(page) == "0 of 5 incidents"
    assert page.get_by_label("Status").input_value() == "reported"


def test_unknown_values_in_the_url_are_ignored(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/?actor=nobody&year=1900")
    assert count_text(page) == "5 of 5 incidents"
    assert page.get_by_label("Actor").input_value() == ""


def test_back_button_restores_the_previous_view(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    page.get_by_label("Type").select_option("joint-patrol")
    assert count_text(page) == "2 of 5 incidents"
    page.get_by_label("Year").select_option("2024")
    assert count_text(page) == "1 of 5 incidents"
    page.go_back()
    page.wait_for_function("() => !location.search.includes('year=')")
    assert count_text(page) == "2 of 5 incidents"
    assert page.get_by_label("Year").input_value() == ""
    assert page.get_by_label("Type").input_value() == "joint-patrol"
    page.go_back()
    page.wait_for_function("() => location.search === ''")
    assert count_text(page) == "5 of 5 incidents"
    page.go_forward()
    page.wait_for_function("() => location.search === '?type=joint-patrol'")
    assert count_text(page) == "2 of 5 incidents"


def test_filters_work_from_the_keyboard_alone(site: Site, page: Any) -> None:
    page.goto(site.url + "timeline/")
    page.get_by_label("Words").focus()
    page.keyboard.press("Tab")  # the Type select
    assert page.evaluate("document.activeElement.name") == "type"
    page.keyboard.press("ArrowDown")  # a closed select changes value with the arrow keys
    assert count_text(page) == "2 of 5 incidents"
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Clear filters":
            break
    page.keyboard.press("Enter")
    assert count_text(page) == "5 of 5 incidents"


def test_without_javascript_the_whole_list_shows(site: Site, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.url + "timeline/?type=radar-lock")
        assert page.locator("#fl-filters").is_hidden()
        assert len(visible_entries(page)) == 5
    finally:
        context.close()


def test_phone_filters_fold_into_a_panel(site: Site, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.goto(site.url + "timeline/?type=radar-lock")
        assert page.locator("details.fl-filters__panel").get_attribute("open") is None
        assert page.get_by_label("Type").is_hidden()
        assert count_text(page) == "3 of 5 incidents"
        assert "(1 active)" in page.locator("summary").inner_text()
        page.locator("summary").click()
        assert page.get_by_label("Type").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("航空自衛隊", "actors/jasdf/"),  # Japanese name of an actor
        ("自衛隊", "actors/jasdf/"),  # part of it
        ("JASDF", "actors/jasdf/"),  # an alias
        ("釣魚島", "places/senkaku-islands/"),  # Chinese name of a place
        ("尖閣諸島", "places/senkaku-islands/"),
        ("독도", "places/liancourt-rocks/"),  # Korean name of a place
        ("竹島", "places/liancourt-rocks/"),
        # 钓鱼岛 inside a Chinese sentence of a body: test_chinese_scripts.py (the Senkaku page, whose 釣魚島 is
        # searchable as 钓鱼岛 too, now comes first)
        ("순찰을", f"incidents/{COAST_GUARD}/"),  # a Korean word in running text
    ],
)
def test_cjk_search_finds_the_page(site: Site, page: Any, words: str, expected: str) -> None:
    page.goto(site.url + "?q=" + words)  # Material opens its search with ?q= and runs the query
    results = page.locator(".md-search-result__item > a.md-search-result__link")
    results.first.wait_for()
    hrefs = [urlsplit(h).path for h in results.evaluate_all("els => els.map(e => e.href)")]
    assert hrefs[0] == urlsplit(site.url).path + expected, hrefs


def test_copy_buttons_put_each_citation_on_the_clipboard(site: Site, context: Any) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    page = context.new_page()
    page.goto(site.url + f"incidents/{COAST_GUARD}/")
    for label, button, element in (
        ("Plain text", "plain text", "#cite-text pre"),
        ("BibTeX", "BibTeX", "#cite-bibtex pre"),
        ("CSL-JSON", "CSL-JSON", "#cite-csl pre"),
    ):
        page.get_by_role("radio", name=label).check()  # one control shows one format at a time
        page.get_by_role("button", name=f"Copy {button}").click()
        page.wait_for_function(
            "label => document.querySelector('[data-fl-copy-status]').textContent.startsWith(label)",
            arg=label,
        )
        assert page.evaluate("navigator.clipboard.readText()") == page.locator(element).inner_text()
    csl = json.loads(page.locator("#cite-csl pre").inner_text())
    assert csl[0]["title"] == "Coast guard ships enter waters near the islands"
    assert csl[0]["event-date"] == {"date-parts": [[2024, 5, 2]]}
    assert csl[0]["URL"].endswith(f"/incidents/{COAST_GUARD}/")
    assert (
        page.locator("#cite-bibtex pre").inner_text().startswith("@misc{test-chronology:" + COAST_GUARD + ",")
    )


def test_copy_without_a_clipboard_selects_the_text(site: Site, page: Any) -> None:
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.add_init_script("document.execCommand = () => false")
    page.goto(site.url + f"incidents/{COAST_GUARD}/")
    page.get_by_role("radio", name="BibTeX").check()
    page.get_by_role("button", name="Copy BibTeX").click()
    assert "press Ctrl+C" in page.locator("[data-fl-copy-status]").inner_text()
    assert page.evaluate("getSelection().toString()") == page.locator("#cite-bibtex pre").inner_text()


def test_incident_page_has_open_graph_and_json_ld(site: Site, page: Any) -> None:
    page.goto(site.url + f"incidents/{COAST_GUARD}/")

    def meta(selector: str) -> str | None:
        return page.locator(f"head meta[{selector}]").get_attribute("content")

    assert meta('property="og:title"') == "Coast guard ships enter waters near the islands"
    assert meta('property="og:description"') == meta('name="description"')
    assert meta('property="og:type"') == "article"
    assert meta('property="og:url"').endswith(f"/incidents/{COAST_GUARD}/")
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Event"
    assert data["startDate"] == "2024-05-02"
    assert data["location"] == [
        {
            "@type": "Place",
            "name": "Senkaku Islands",
            "geo": {"@type": "GeoCoordinates", "latitude": 25.75, "longitude": 123.5},
        }
    ]
    assert (
        "citation" not in data
    )  # schema.org defines citation for CreativeWork, not Event: sources are subjectOf
    assert [c["url"] for c in data["subjectOf"]] == [
        "https://www.mod.go.jp/news/7.html",
        "https://www.mod.go.jp/news/8.html",
    ]
    assert (
        data["subjectOf"][1]["name"] == "Ships <enter> waters & leave"
    )  # escaped in the page, equal as JSON
    assert meta('property="og:image"').endswith(f"/cards/{COAST_GUARD}.png")
    raw = page.locator('script[type="application/ld+json"]').evaluate("e => e.textContent")
    assert "<" not in raw and "&" not in raw


def test_print_shows_source_urls_and_hides_controls(site: Site, page: Any) -> None:
    page.goto(site.url + f"incidents/{COAST_GUARD}/")
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden()
    assert page.get_by_role("button", name="Copy BibTeX").is_hidden()
    assert page.locator("#cite-bibtex pre").is_hidden()
    assert page.locator("#cite-text pre").is_visible()
    archive = page.locator("#source-1 a", has_text="archived copy")
    after = archive.evaluate("a => getComputedStyle(a, '::after').content")
    assert "web.archive.org" in after
    link = page.locator("#source-1 a.fl-url")
    assert link.inner_text().startswith("mod.go.jp")  # on screen its host; on paper its whole address
    assert "https://www.mod.go.jp/news/7.html" in link.evaluate("a => getComputedStyle(a, '::after').content")
    assert page.get_by_role("radio", name="BibTeX").is_hidden()  # the format control is for the screen
