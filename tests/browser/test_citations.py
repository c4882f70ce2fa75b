"""Inline citations and excerpts in Chromium, as a reader uses them: with the mouse (title), the keyboard (the
focused citation shows its publisher and date), on a phone, with every "What the source says" open."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Site
from test_pages import DESKTOP, PAGES, PHONE, axe_violations, describe

INCIDENT = PAGES["incident"]


def open_excerpts(page: Any) -> None:
    page.eval_on_selector_all("details.fl-excerpts", "els => els.forEach(e => { e.open = true; })")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_open_excerpts_and_citations_pass_axe_without_horizontal_scroll(
    site: Site, browser: Any, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(site.url + INCIDENT)
        open_excerpts(page)
        page.focus("#cite-2 a")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus from the keyboard: :focus-visible
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"page is {width[0]} px wide in a {width[1]} px viewport"
        violations = axe_violations(page)
        assert not violations, describe(violations)
    finally:
        context.close()


def test_a_focused_citation_shows_its_source_and_leads_to_it_and_back(site: Site, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(site.url + INCIDENT)
        link = page.locator("#cite-2 a")
        assert link.get_attribute("aria-label") == "Source 2: Publisher 8"
        page.focus("#cite-1 a")
        page.keyboard.press("Tab")  # to the second citation, by keyboard
        shown = page.evaluate("getComputedStyle(document.querySelector('#cite-2 a'), '::after').content")
        assert shown == '"Publisher 8"'
        box = page.evaluate(
            "(() => { const a = document.querySelector('#cite-2 a'); const s = getComputedStyle(a, '::after');"
            " return [s.position, s.left, s.right]; })()"
        )
        assert box[0] == "fixed"  # on a phone the label sits at the foot of the screen
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#source-2"
        page.click("#source-2 .fl-backlinks a")
        assert page.evaluate("location.hash") == "#cite-2"
        quote = page.locator("#source-1 .fl-excerpt")
        assert quote.get_attribute("lang") == "zh"
        assert page.locator("#source-2 details.fl-excerpts").count() == 0  # no excerpts, no empty box
        assert page.locator("#source-1 details").evaluate("d => d.open") is False
    finally:
        context.close()
