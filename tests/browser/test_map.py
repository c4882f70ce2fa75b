"""The map in Chromium: markers where each incident happened, precise dots and approximate areas told apart,
finger-sized on a phone, routes drawn as lines in their type's colour, the year-range and timeline filters, a
locator map on each located incident page, a table whose dates never wrap, and a map for a chronology that is
not in East Asia (a Baltic fixture, built for these tests)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import QuietHandler, Site
from helpers import (
    ACTOR_DIR,
    PLACE_DIR,
    incident_path,
    valid_actor,
    valid_incident,
    valid_place,
    valid_source,
    valid_vocabulary,
)
from mkdocs_project import make_project, mkdocs_build

PATROL = "2025-12-09-joint-bomber-patrol"  # precise point and a route
RADAR = "2025-12-06-radar-lock-on"  # placed at the Sea of Japan's centre: approximate
STATEMENT = "2025-12-10-defense-ministry-statement"  # no place, no location
ROCKS = "2024-08-flight-near-rocks"  # 2024, approximate
PHONE = {"width": 375, "height": 740}


def markers(page: Any) -> Any:
    return page.locator("svg.fl-map .fl-markers a")


def visible_marker_ids(page: Any) -> list[str]:
    return sorted(
        page.locator("svg.fl-map .fl-markers a:visible").evaluate_all("els => els.map(e => e.dataset.flId)")
    )


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_markers_sit_where_each_incident_happened_and_link_to_it(site: Site, page: Any) -> None:
    page.goto(site.url + "map/")
    ids = visible_marker_ids(page)
    assert ids == sorted(["2024-05-02-coast-guard-near-islands", ROCKS, RADAR, PATROL])  # not the statement
    patrol = page.locator(f'svg.fl-map .fl-markers a[data-fl-id="{PATROL}"]')
    assert "Joint bomber patrol" in patrol.get_attribute("aria-label")
    with page.expect_navigation():
        patrol.locator("circle.fl-marker").click()
    assert urlsplit(page.url).path.endswith(f"/incidents/{PATROL}/")


def test_precise_dots_and_approximate_areas_look_different(site: Site, page: Any) -> None:
    page.goto(site.url + "map/")
    style = "c => { const s = getComputedStyle(c); return [s.fillOpacity, s.strokeDasharray, c.r.baseVal.value]; }"
    precise = page.locator(f'a[data-fl-id="{PATROL}"] circle.fl-marker').evaluate(style)
    rough = page.locator(f'a[data-fl-id="{RADAR}"] circle.fl-marker').evaluate(style)
    assert precise[0] == "1" and precise[1] == "none"
    assert float(rough[0]) < 0.5 and rough[1] != "none"  # a tinted area with a dashed edge
    assert rough[2] > precise[2]
    # and each takes its incident type's colour
    fill = page.locator(f'a[data-fl-id="{PATROL}"] circle.fl-marker').evaluate(
        "c => getComputedStyle(c).fill"
    )
    assert fill == rgb("#8e1b1b")


def test_markers_are_finger_sized_on_a_phone(site: Site, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(site.url + "map/")
        boxes = markers(page).evaluate_all(
            "els => els.map(a => { const r = a.getBoundingClientRect(); return [r.width, r.height]; })"
        )
        assert boxes and all(w >= 24 and h >= 24 for w, h in boxes), boxes
        # the page itself does not scroll sideways: the map does, in its own focusable box
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1]
        box = page.locator(".fl-map-scroll")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth") and box.get_attribute("tabindex") == "0"
        # a tap opens the incident
        page.locator(f'a[data-fl-id="{PATROL}"] circle.fl-hit').tap()
        page.wait_for_url(f"**/incidents/{PATROL}/")
    finally:
        context.close()


def test_the_route_is_drawn_as_a_line_in_its_type_colour(site: Site, page: Any) -> None:
    page.goto(site.url + "map/")
    line = page.locator(f'svg.fl-map a.fl-route-link[data-fl-id="{PATROL}"] path.fl-route')
    assert line.count() == 1
    assert line.evaluate("p => getComputedStyle(p).stroke") == rgb("#8e1b1b")
    box = line.bounding_box()
    assert box["width"] > 20 and box["height"] > 40  # from the Sea of Japan down past Shanghai and back east
    assert line.evaluate("p => p.getTotalLength()") > 100
    assert page.locator(f'a.fl-route-link[data-fl-id="{PATROL}"] path.fl-route-arrow').count() == 1
    # the keyboard reaches the incident through its marker, not twice
    assert page.locator("a.fl-route-link").evaluate_all("els => els.every(a => a.tabIndex === -1)")


def test_year_range_and_timeline_filters_apply_to_markers_routes_and_table(site: Site, page: Any) -> None:
    page.goto(site.url + "map/")
    count = page.locator("[data-fl-count]")
    assert count.inner_text() == "4 of 4 incidents"
    page.locator("summary", has_text="Filter incidents").click()
    page.get_by_label("From year").select_option("2025")
    assert visible_marker_ids(page) == sorted([RADAR, PATROL])
    assert count.inner_text() == "2 of 4 incidents"
    rows = page.locator(".fl-map-table tbody tr:visible")
    assert rows.count() == 2
    assert parse_qs(urlsplit(page.url).query) == {"from": ["2025"]}
    page.get_by_label("Type").select_option("joint-patrol")
    assert visible_marker_ids(page) == [PATROL]
    assert page.locator("a.fl-route-link:visible").count() == 1
    page.get_by_label("Type").select_option("radar-lock")
    assert visible_marker_ids(page) == [RADAR]
    assert page.locator("a.fl-route-link:visible").count() == 0  # the patrol's route goes with its marker
    page.get_by_label("To year").select_option("2024")
    assert visible_marker_ids(page) == []
    assert page.locator("[data-fl-empty]").is_visible()
    assert page.locator("[data-fl-empty]").inner_text().startswith("No incidents match")
    # a shared URL restores the view, panel open
    page.goto(site.url + "map/?to=2024")
    assert visible_marker_ids(page) == sorted(["2024-05-02-coast-guard-near-islands", ROCKS])
    assert page.get_by_label("To year").is_visible()


def test_located_incident_pages_have_a_locator_map(site: Site, page: Any) -> None:
    page.goto(site.url + f"incidents/{PATROL}/")
    figure = page.locator("figure.fl-locator")
    assert figure.locator("svg.fl-map").is_visible()
    assert figure.locator("path.fl-route").count() == 1
    assert figure.locator("circle.fl-marker").count() == 1
    assert figure.locator("a").count() == 0  # a picture of where, not a menu
    assert "route" in figure.locator("figcaption").inner_text()
    page.goto(site.url + f"incidents/{RADAR}/")
    assert page.locator("figure.fl-locator circle.fl-marker--approx").count() == 1
    page.goto(site.url + f"incidents/{STATEMENT}/")
    assert page.locator("figure.fl-locator").count() == 0


def test_table_dates_never_wrap(site: Site, browser: Any) -> None:
    for viewport in (PHONE, {"width": 1280, "height": 900}):
        context = browser.new_context(viewport=viewport)
        try:
            page = context.new_page()
            page.goto(site.url + "map/")
            lines = page.locator(".fl-map-table td.fl-date time").evaluate_all(
                "els => els.map(t => t.getClientRects().length)"
            )
            assert lines and set(lines) == {1}, lines
        finally:
            context.close()


# --------------------------------------------------------------------------------- a chronology elsewhere


def baltic_files() -> dict[str, Any]:
    """A chronology of the Baltic: none of its places is within 60 degrees of East Asia."""
    vocabulary = valid_vocabulary(title="Baltic Watch", default_timezone="Europe/Stockholm")
    return {
        "content/vocabulary.yml": vocabulary,
        f"{ACTOR_DIR}/jasdf.md": valid_actor("Swedish Air Force"),
        f"{ACTOR_DIR}/pla-air-force.md": valid_actor("Baltic Fleet"),
        f"{PLACE_DIR}/gotland.md": valid_place("Gotland", (57.5, 18.5)),
        f"{PLACE_DIR}/gulf-of-finland.md": valid_place("Gulf of Finland", (59.8, 26.0)),
        incident_path("2025-03-01-flight-near-gotland"): valid_incident(
            title="Bombers fly near Gotland with their transponders off",
            date="2025-03-01",
            summary="Two bombers flew over the Baltic Sea near Gotland with their transponders off.",
            places=["gotland"],
            location={
                "description": "East of Gotland",
                "coordinates": [57.4, 19.6],
                "route": [[59.9, 27.0], [58.5, 21.5], [57.4, 19.6], [55.0, 19.5]],
            },
        ),
        incident_path("2024-06-10-ships-in-the-gulf"): valid_incident(
            title="Warships exercise in the Gulf of Finland",
            date="2024-06-10",
            type="radar-lock",
            summary="Warships exercised in the Gulf of Finland for three days, watched by patrol aircraft.",
            places=["gulf-of-finland"],
            sources=[valid_source(3), valid_source(4)],
        ),
    }


@pytest.fixture(scope="module")
def baltic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_project(tmp_path_factory.mktemp("baltic"), baltic_files())
    mkdocs_build(root)
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_chronology_elsewhere_gets_a_map_fitted_to_its_places(baltic: str, page: Any) -> None:
    page.goto(baltic + "map/")
    svg = page.locator("svg.fl-map").first
    assert page.locator("svg.fl-map path.fl-land").count() >= 3  # Sweden, Finland, the Baltic states...
    labels = svg.locator("text.fl-grid-label").all_text_contents()
    assert "55°N" in labels and "20°E" in labels, labels
    assert not any(label in labels for label in ("120°E", "130°E", "30°N"))  # not East Asia
    frame = svg.bounding_box()
    for box in [m.bounding_box() for m in svg.locator(".fl-markers circle.fl-marker").all()]:
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
    assert svg.locator(".fl-markers circle.fl-marker").count() == 2
    assert svg.locator("path.fl-route").count() == 1
    # the land under the markers: the Gotland dot sits over the sea next to drawn land
    page.goto(baltic + "incidents/2025-03-01-flight-near-gotland/")
    locator = page.locator("figure.fl-locator svg")
    assert locator.locator("path.fl-land").count() >= 2
    assert "57.40°N, 19.60°E" in locator.locator("desc").text_content()
