"""The timeline's time axis (generator.render.timeaxis): well-formed, escaped, stacked, deterministic, and
without a link per incident when there are too many for a reader to tab through."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.dates import PartialDate
from generator.render import timeaxis
from generator.render.timeaxis import Mark, render_axis, render_year

SVG = "{http://www.w3.org/2000/svg}"


def mark(date: str, label: str = "x", href: str = "../incidents/x/", kind: str = "joint-patrol") -> Mark:
    return Mark(PartialDate.parse(date), kind, label, href, (("fl-item", ""), ("fl-id", label)))


def rects(svg: str) -> list[ET.Element]:
    return [r for r in ET.fromstring(svg).iter(f"{SVG}rect") if "fl-tmark" in r.get("class", "")]


def test_one_linked_mark_per_incident_stacked_in_its_month() -> None:
    marks = [mark("2025-12-06", "a"), mark("2025-12-09", "b"), mark("2024-05", "c"), mark("2019", "d")]
    svg = render_axis(marks, "t", "d")
    root = ET.fromstring(svg)
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("data-fl-id") for a in links] == ["d", "c", "a", "b"]  # oldest first, left to right
    boxes = {a.get("data-fl-id"): a.find(f"{SVG}rect") for a in links}
    assert boxes["a"].get("x") == boxes["b"].get("x") and boxes["a"].get("y") != boxes["b"].get("y")
    assert "fl-tmark--approx" in boxes["c"].get("class") and "fl-tmark--approx" not in boxes["a"].get("class")
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[0] == "2019" and "2025" in labels
    assert render_axis(list(marks), "t", "d") == svg


def test_text_is_escaped_and_unsafe_links_dropped() -> None:
    svg = render_axis([mark("2025-01-01", '<script>"x"</script>', "javascript:alert(1)")], "<t>", "d & e")
    assert "<script>" not in svg and "javascript" not in svg
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}a")) and len(rects(svg)) == 1
    assert root.find(f"{SVG}title").text == "<t>"


def test_a_year_zoomed_spreads_a_month_over_its_weeks() -> None:
    marks = [mark("2025-12-01", "a"), mark("2025-12-20", "b"), mark("2024-01-01", "c")]
    svg = render_year(marks, 2025, "2025", "d")
    xs = {r.get("x") for r in rects(svg)}
    assert len(rects(svg)) == 2 and len(xs) == 2  # 2024 is left out
    assert render_year(marks, 2023, "2023", "d") == ""


def test_too_many_incidents_for_links_become_month_bars() -> None:
    marks = [mark(f"20{10 + i % 10}-0{1 + i % 9}-01", str(i)) for i in range(timeaxis.MAX_LINKED + 1)]
    root = ET.fromstring(render_axis(marks, "t", "d"))
    assert not list(root.iter(f"{SVG}a"))
    assert [r for r in root.iter(f"{SVG}rect") if r.get("class") == "fl-axis-bar"]
