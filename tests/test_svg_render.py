"""Tests for the pure SVG renderers: generator.render.svgmap and generator.render.charts."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from importlib import resources

import pytest

from generator.render import charts, svgmap
from generator.render.charts import bar_chart, data_table, line_chart, stacked_bar_chart
from generator.render.svgmap import Marker, render_locator_map, render_map, render_place_map, safe_href

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> \"quoted\" & 'single'"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def all_text(root: ET.Element) -> str:
    return " ".join(t for t in root.itertext())


def assert_accessible(root: ET.Element) -> None:
    # an SVG with links is a named group (role="img" would hide the links from screen readers)
    assert root.get("role") == ("group" if root.find(f".//{SVG}a") is not None else "img")
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    ids = root.get("aria-labelledby", "").split()
    assert ids == [title.get("id"), desc.get("id")]
    all_ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(all_ids) == len(set(all_ids))
    assert not any(el.get("style") for el in root.iter())
    assert not any(el.tag in (f"{SVG}script", "script") for el in root.iter())
    assert not any(attr.lower().startswith("on") for el in root.iter() for attr in el.attrib)


MARKERS = [
    Marker(35.68, 139.69, "Tokyo", "/incidents/tokyo/", kind="airspace"),
    Marker(26.2, 127.7, "Okinawa", "https://example.org/a?b=1&c=2", kind="maritime"),
    Marker(25.75, 123.5, "Senkaku (approx.)", "../senkaku/", approximate=True),
    Marker(25.75, 123.5, "Senkaku second", "/s2/"),
    Marker(25.75, 123.5, "Senkaku third", "/s3/"),
    Marker(37.56, 126.97, EVIL, "/seoul/", kind="weird kind <x>"),
    Marker(39.0, 125.75, "Pyongyang", "javascript:alert(1)"),
]


# ------------------------------------------------------------------------------------------------ map


@pytest.fixture(scope="module")
def map_svg() -> str:
    return render_map(MARKERS, title="Incidents map", description="All incidents in the region.")


def test_map_is_well_formed_and_accessible(map_svg: str) -> None:
    root = parse(map_svg)
    assert_accessible(root)
    assert root.find(f"{SVG}title").text == "Incidents map"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))


def test_one_circle_per_marker(map_svg: str) -> None:
    root = parse(map_svg)
    circles = [c for c in root.iter(f"{SVG}circle") if "fl-marker" in classes(c)]
    assert len(circles) == len(MARKERS)
    # and one transparent touch target per link, at least 24 px across where a map unit is a pixel
    hits = [c for c in root.iter(f"{SVG}circle") if "fl-hit" in classes(c)]
    assert len(hits) == len(list(root.iter(f"{SVG}a")))
    assert all(float(c.get("r")) * 2 >= 24 for c in hits)


def test_approximate_markers_have_approx_class(map_svg: str) -> None:
    root = parse(map_svg)
    approx = [c for c in root.iter(f"{SVG}circle") if "fl-marker--approx" in classes(c)]
    assert len(approx) == sum(m.approximate for m in MARKERS)
    assert all(c.get("stroke-dasharray") for c in approx)
    kinds = {k for c in root.iter(f"{SVG}circle") for k in classes(c)}
    assert {"fl-marker--airspace", "fl-marker--maritime", "fl-marker--weird-kind-x"} <= kinds


def test_label_is_escaped(map_svg: str) -> None:
    assert "<script>" not in map_svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in map_svg
    assert "&quot;quoted&quot;" in map_svg
    root = parse(map_svg)
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert EVIL in titles


def test_javascript_href_is_dropped(map_svg: str) -> None:
    assert "javascript" not in map_svg
    root = parse(map_svg)
    hrefs = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert "/incidents/tokyo/" in hrefs
    assert "https://example.org/a?b=1&c=2" in hrefs
    assert len(hrefs) == len(MARKERS) - 1
    # The marker itself is still drawn, just not linked.
    assert "Pyongyang" in all_text(root)


@pytest.mark.parametrize(
    ("href", "ok"),
    [
        ("/a/b/", True),
        ("../x.html#frag", True),
        ("page.html?q=1", True),
        ("#top", True),
        ("https://example.org/", True),
        ("HTTP://EXAMPLE.ORG", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<b>", False),
        ("vbscript:x", False),
        ("mailto:a@b.c", False),
        ("https:/no-host", False),
        ("\\\\evil.example", False),
        ("", False),
    ],
)
def test_safe_href(href: str, ok: bool) -> None:
    assert (safe_href(href) is not None) is ok


def test_map_is_deterministic() -> None:
    first = render_map(MARKERS, title="t", description="d")
    second = render_map(list(MARKERS), title="t", description="d")
    assert first == second
    assert render_place_map(26.2, 127.7, "Naha", True) == render_place_map(26.2, 127.7, "Naha", True)


def test_ids_differ_between_maps() -> None:
    a = parse(render_map(MARKERS, title="Map A", description="d"))
    b = parse(render_map(MARKERS, title="Map B", description="d"))
    assert a.find(f"{SVG}title").get("id") != b.find(f"{SVG}title").get("id")


def _path_numbers(d: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]


def test_land_paths_exist_inside_viewbox(map_svg: str) -> None:
    root = parse(map_svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    lands = [p for p in root.iter(f"{SVG}path") if "fl-land" in classes(p)]
    assert len(lands) > 10
    for path in lands:
        numbers = _path_numbers(path.get("d"))
        assert numbers and len(numbers) % 2 == 0
        xs, ys = numbers[0::2], numbers[1::2]
        assert min(xs) >= 0 and max(xs) <= width
        assert min(ys) >= 0 and max(ys) <= height


def test_grid_lines_present(map_svg: str) -> None:
    root = parse(map_svg)
    assert any("fl-grid" in classes(p) for p in root.iter(f"{SVG}path"))


def test_markers_inside_viewbox_and_stacked_markers_separated(map_svg: str) -> None:
    root = parse(map_svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    centres = [
        (float(c.get("cx")), float(c.get("cy")))
        for c in root.iter(f"{SVG}circle")
        if "fl-marker" in classes(c)
    ]
    for x, y in centres:
        assert 0 <= x <= width and 0 <= y <= height
    assert len(set(centres)) == len(centres)


def test_default_bbox_and_empty_map() -> None:
    root = parse(render_map([], title="Empty", description="No incidents."))
    assert_accessible(root)
    assert not list(root.iter(f"{SVG}circle"))
    assert any("fl-land" in classes(p) for p in root.iter(f"{SVG}path"))
    assert root.get("viewBox").startswith("0 0 800 ")


def test_single_marker_gets_minimum_size_window() -> None:
    root = parse(render_map([Marker(35.0, 135.0, "Kyoto", "/k/")], title="One", description="d", width=400))
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    assert width == 400 and 150 < height < 600
    assert any("fl-land" in classes(p) for p in root.iter(f"{SVG}path"))


def test_explicit_bbox_omits_outside_markers() -> None:
    svg = render_map(MARKERS, title="Japan", description="d", bbox=(128.0, 30.0, 146.0, 46.0))
    root = parse(svg)
    labels = [t.text for t in root.iter(f"{SVG}title")]
    assert "Tokyo" in labels
    assert "Okinawa" not in labels


def test_place_map() -> None:
    svg = render_place_map(26.2, 127.7, 'Naha <b>"port"</b>', approximate=True)
    root = parse(svg)
    assert_accessible(root)
    assert root.get("width") == "320"
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 1
    assert "fl-marker--approx" in classes(circles[0])
    assert not list(root.iter(f"{SVG}a"))
    assert "<b>" not in svg


def test_invalid_marker_and_bbox_rejected() -> None:
    with pytest.raises(ValueError):
        Marker(float("nan"), 130.0, "x", "/")
    with pytest.raises(ValueError):
        Marker(95.0, 130.0, "x", "/")
    with pytest.raises(ValueError):
        render_map([], title="t", description="d", bbox=(150.0, 18.0, 115.0, 50.0))


@pytest.mark.parametrize(("name", "limit"), [("land-50m.json", 900_000), ("land-110m.json", 100_000)])
def test_land_data_covers_the_world_without_crossing_the_antimeridian(name: str, limit: int) -> None:
    raw = resources.files("generator").joinpath("data", name).read_bytes()
    assert len(raw) < limit
    data = json.loads(raw)
    assert data["bbox"] == [-180.0, -90.0, 180.0, 90.0]
    west, south, east, north = data["bbox"]
    for polygon in data["polygons"]:
        for ring in polygon:
            assert len(ring) >= 6 and len(ring) % 2 == 0
            xs = ring[0::2]
            assert all(west <= x <= east for x in xs)
            assert all(south <= y <= north for y in ring[1::2])
            # a jump of more than 180° would draw a band across the whole map
            assert all(abs(a - b) <= 180 for a, b in itertools.pairwise(xs))


def land_extent(svg: str) -> int:
    """How many land paths a map draws."""
    return sum(1 for p in parse(svg).iter(f"{SVG}path") if "fl-land" in classes(p))


@pytest.mark.parametrize(
    ("where", "lat", "lon"),
    [("Baltic", 57.5, 19.0), ("Caribbean", 18.2, -66.5), ("Bering Sea", 60.0, -175.0), ("Gulf", 26.0, 52.0)],
)
def test_maps_anywhere_on_earth_have_land(where: str, lat: float, lon: float) -> None:
    svg = render_map([Marker(lat, lon, where, "/x/")], title=where, description="d")
    assert land_extent(svg) >= 1, f"no land drawn around {where}"
    locator = render_locator_map(lat, lon, where)
    assert land_extent(locator) >= 1


def test_fit_spans_the_antimeridian_not_the_world() -> None:
    west, _, east, _ = svgmap.fit_bbox([(58.0, -178.0), (35.0, 135.0), (25.6, 126.6)])
    assert 110 < west < 126 and 180 < east < 200, (west, east)
    svg = render_map(
        [Marker(58.0, -178.0, "Bering", "/b/"), Marker(35.0, 135.0, "Japan", "/j/")],
        title="t",
        description="d",
    )
    root = parse(svg)
    _, _, width, _ = (float(v) for v in root.get("viewBox").split())
    xs = [float(c.get("cx")) for c in root.iter(f"{SVG}circle") if "fl-marker" in classes(c)]
    assert all(0 < x < width for x in xs) and len(xs) == 2
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "180°" in labels and any(label.endswith("°E") for label in labels)  # not "190°E"


def test_route_is_a_line_coloured_by_type_with_an_arrow() -> None:
    route = ((38.0, 133.0), (30.5, 126.5), (25.6, 126.6), (32.0, 133.5))
    marker = Marker(32.0, 133.5, "Patrol", "/p/", approximate=True, kind="joint-patrol", route=route,
                    data=(("fl-id", "p"), ("type", 'joint-patrol"><x')))  # fmt: skip
    root = parse(render_map([marker], title="t", description="d"))
    lines = [p for p in root.iter(f"{SVG}path") if "fl-route" in classes(p)]
    assert len(lines) == 1 and "fl-route--approx" in classes(lines[0])
    numbers = _path_numbers(lines[0].get("d"))
    assert len(numbers) == 2 * len(route)
    assert [p for p in root.iter(f"{SVG}path") if "fl-route-arrow" in classes(p)]
    links = list(root.iter(f"{SVG}a"))
    route_link = next(a for a in links if "fl-route-link" in classes(a))
    assert "fl-type--joint-patrol" in classes(route_link)
    assert route_link.get("tabindex") == "-1" and route_link.get("aria-hidden") == "true"
    marker_link = next(a for a in links if "fl-route-link" not in classes(a))
    assert marker_link.get("data-type") == 'joint-patrol"><x' and marker_link.get("data-fl-id") == "p"
    assert "fl-type--joint-patrol" in classes(marker_link)
    # the route is drawn under every marker
    order = [el for el in root.iter() if el.tag == f"{SVG}g"]
    assert [classes(g) for g in order if classes(g) & {"fl-routes", "fl-markers"}] == [
        {"fl-routes"},
        {"fl-markers"},
    ]


def test_locator_map_shows_the_whole_route() -> None:
    route = ((29.7, 123.7), (25.6, 126.6), (24.5, 128.5), (28.3, 131.9), (25.9, 136.2))
    svg = render_locator_map(24.5, 128.5, "Carrier", True, route=route, kind="exercise")
    root = parse(svg)
    assert_accessible(root)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    line = next(p for p in root.iter(f"{SVG}path") if "fl-route" in classes(p))
    numbers = _path_numbers(line.get("d"))
    assert all(0 < x < width for x in numbers[0::2]) and all(0 < y < height for y in numbers[1::2])
    assert "route" in root.find(f"{SVG}desc").text
    assert not list(root.iter(f"{SVG}a"))


def test_map_css_uses_material_variables() -> None:
    assert "--md-default-fg-color" in svgmap.MAP_CSS
    assert ".fl-marker--approx" in svgmap.MAP_CSS
    assert "--md-default-fg-color" in charts.CHART_CSS


# --------------------------------------------------------------------------------------------- charts

ROWS = [
    ("Airspace violations near the Senkaku Islands and other very long category labels", 12),
    ("Maritime", 7.5),
    ("Cyber", 0),
    (EVIL, -4),
]


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if "fl-bar" in classes(r)]


def test_bar_chart_bars_and_values() -> None:
    svg = bar_chart(ROWS, title="Incidents by type", description="Counts per type.", unit="incidents")
    root = parse(svg)
    assert_accessible(root)
    assert len(bars(root)) == len(ROWS)
    text = all_text(root)
    assert "12 incidents" in text and "7.5 incidents" in text
    assert "0 incidents" in text  # zero and clamped negative
    widths = [float(b.get("width")) for b in bars(root)]
    assert widths[0] > widths[1] > 0 and widths[2] == 0 and widths[3] == 0
    assert "<script>" not in svg
    assert any(t.text and t.text.startswith(EVIL) for t in root.iter(f"{SVG}title"))


def test_bar_chart_truncates_long_labels_keeping_full_title() -> None:
    root = parse(bar_chart(ROWS, title="t", description="d"))
    shown = [t.text for t in root.iter(f"{SVG}text")]
    assert any(s and s.endswith("…") for s in shown)
    assert ROWS[0][0] not in shown
    assert ROWS[0][0] in [t.text for t in root.iter(f"{SVG}title")]


def test_bar_chart_all_zero_and_empty() -> None:
    root = parse(bar_chart([("a", 0), ("b", 0)], title="t", description="d"))
    assert len(bars(root)) == 2
    empty = parse(bar_chart([], title="Nothing", description="d"))
    assert_accessible(empty)
    assert "No data" in all_text(empty)
    assert not bars(empty)


def test_bar_chart_deterministic_and_unique_ids() -> None:
    assert bar_chart(ROWS, title="t", description="d") == bar_chart(ROWS, title="t", description="d")
    a = parse(bar_chart(ROWS, title="A", description="d"))
    b = parse(bar_chart(ROWS, title="B", description="d"))
    assert a.find(f"{SVG}title").get("id") != b.find(f"{SVG}title").get("id")


YEARS = ["2019", "2020", "2021", "2022"]
SERIES = [
    ("Airspace", "#1E88E5", [3, 0, 2, 5]),
    ("Maritime", "maritime", [1, 4, 0, 2]),
    ("Other <x>", "red; background:url(x)", [0, 1]),  # invalid colour, short values
]


def test_stacked_bar_chart() -> None:
    svg = stacked_bar_chart(YEARS, SERIES, title="By year and type", description="d")
    root = parse(svg)
    assert_accessible(root)
    segments = [r for r in root.iter(f"{SVG}rect") if "fl-segment" in classes(r)]
    nonzero = sum(1 for _, _, values in SERIES for v in values if v > 0)
    assert len(segments) == nonzero
    fills = {r.get("fill") for r in segments}
    assert "#1e88e5" in fills
    assert not any(f and not re.fullmatch(r"#[0-9a-f]{6}", f) for f in fills)
    assert "url(" not in svg and "background" not in svg
    seg_classes = set().union(*(classes(r) for r in segments))
    assert "fl-series--maritime" in seg_classes and "fl-series-2" in seg_classes
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert "Airspace" in legend and "Other <x>" in legend
    for total in ("4", "5", "2", "7"):
        assert total in legend
    assert stacked_bar_chart(YEARS, SERIES, title="By year and type", description="d") == svg


def test_stacked_bar_chart_empty_and_zero() -> None:
    assert "No data" in all_text(parse(stacked_bar_chart([], [], title="t", description="d")))
    assert "No data" in all_text(parse(stacked_bar_chart(YEARS, [], title="t", description="d")))
    root = parse(stacked_bar_chart(YEARS, [("A", "a", [0, 0, 0, 0])], title="t", description="d"))
    assert not [r for r in root.iter(f"{SVG}rect") if "fl-segment" in classes(r)]


def test_line_chart() -> None:
    points = [
        (f"FY{y}", v)
        for y, v in zip(range(2014, 2024), [943, 873, 1168, 904, 999, 947, 725, 1004, 778, 669], strict=True)
    ]
    svg = line_chart(points, title="Scrambles", description="Scrambles per fiscal year.", unit="scrambles")
    root = parse(svg)
    assert_accessible(root)
    assert len([c for c in root.iter(f"{SVG}circle") if "fl-point" in classes(c)]) == len(points)
    text = all_text(root)
    assert "1,168" in text and "669" in text and "FY2014" in text
    assert line_chart(points, title="Scrambles", description="Scrambles per fiscal year.") == line_chart(
        points, title="Scrambles", description="Scrambles per fiscal year."
    )


def test_line_chart_edge_cases() -> None:
    assert "No data" in all_text(parse(line_chart([], title="t", description="d")))
    one = parse(line_chart([("FY2020", 0)], title="t", description="d"))
    assert len(list(one.iter(f"{SVG}circle"))) == 1
    zeros = parse(line_chart([("a", 0), ("b", float("nan")), ("c", -1)], title="t", description="d"))
    assert len(list(zeros.iter(f"{SVG}circle"))) == 3


def test_data_table() -> None:
    html = data_table(["Year", "Count <n>"], [["2020", 3], [EVIL, 1234.5], ["2022", 0]], caption='Cap "&"')
    root = ET.fromstring(html)
    assert root.tag == "table"
    assert root.find("caption").text == 'Cap "&"'
    heads = root.findall("./thead/tr/th")
    assert [h.get("scope") for h in heads] == ["col", "col"]
    assert heads[1].text == "Count <n>"
    body_rows = root.findall("./tbody/tr")
    assert len(body_rows) == 3
    assert body_rows[1][0].text == EVIL
    assert body_rows[1][1].text == "1,234.5"
    assert "<script>" not in html
    assert len(ET.fromstring(data_table(["a"], [], caption="c")).findall("./tbody/tr")) == 0


def test_the_land_of_one_window_is_drawn_once_and_the_same() -> None:
    # incidents placed by one place share their locator map's window: its land is drawn once, the same paths
    from generator.render import svgmap

    svgmap._land_paths.cache_clear()
    first = svgmap.render_locator_map(26.0, 124.0, "First incident")
    second = svgmap.render_locator_map(26.0, 124.0, "Second incident")
    assert svgmap._land_paths.cache_info().misses == 1 and svgmap._land_paths.cache_info().hits == 1
    window = svgmap.locator_bbox([(26.0, 124.0)])
    drawn = svgmap._land_paths.__wrapped__(window, 320)
    assert drawn and all(path in first and path in second for path in drawn)
