"""Whatever passes the check renders in bounded time (issue 19, item 4).

Bodies built to be as slow as the limits allow (size, nesting, bracket scanning: generator/check/bodies.py)
pass the check and render in well under the bound; one step past a limit, the check refuses them. The bound
(3 s per body) is generous against a loaded machine: the worst bodies here take about 0.4 s, the attacks they
stand for took 71 s and more than 120 s before the limits.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check.bodies import MAX_BODY_CHARACTERS, MAX_BRACKET_SCAN, MAX_NESTING, bracket_scan, nesting
from generator.render.text import body_html

# CPU seconds of this process (not wall time: other processes on a loaded machine do not count), with room to
# spare: the bodies the issue reported took minutes, and the slowest the limits accept take well under a second
BOUND = 10.0


def render_seconds(body: str) -> float:
    start = time.process_time()
    body_html(body, lambda target: ("../x/", target))
    return time.process_time() - start


def within_limits(body: str) -> bool:
    return (
        len(body) <= MAX_BODY_CHARACTERS
        and nesting(body)[0] <= MAX_NESTING
        and bracket_scan(body)[0] <= MAX_BRACKET_SCAN
    )


def largest(unit: str, tail: str = "") -> str:
    """``unit`` repeated as often as the limits allow (then ``tail``)."""
    low, high = 1, MAX_BODY_CHARACTERS // len(unit) + 1
    while low < high:
        middle = (low + high + 1) // 2
        if within_limits(unit * middle + tail):
            low = middle
        else:
            high = middle - 1
    return unit * low + tail


WORST = {
    "open brackets, then text": lambda: largest("[", "a" * 5_000),
    "wiki-link openers": lambda: largest("[[a|"),
    "image openers": lambda: largest("!["),
    "link openers": lambda: largest("[x]("),
    "unclosed tags": lambda: largest("<a "),
    "nested brackets": lambda: largest("[", "]" * 500),
    "deepest list": lambda: "".join("    " * level + "- item\n" for level in range(MAX_NESTING + 1)) * 50,
    "deepest quote": lambda: (">" * MAX_NESTING + " quoted\n") * 2_000,
    "big table": lambda: "|a|b|c|\n|-|-|-|\n" + "|x|[y](z)|*w*|\n" * 3_000,
    "emphasis": lambda: "*a _b " * 8_000,
    "code spans": lambda: "`a" * 20_000,
}


@pytest.mark.parametrize("name", sorted(WORST))
def test_the_slowest_bodies_the_check_accepts_render_in_bounded_time(name: str) -> None:
    body = WORST[name]()
    assert within_limits(body), name
    assert render_seconds(body) < BOUND, name


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from(["[", "]", "(", ")", "<a ", ">", "[[", "|", "![", "*", "`", "\n", "    ", "> ", "- ", "x"]),
             min_size=1, max_size=6),
    st.integers(1_000, MAX_BODY_CHARACTERS),
)  # fmt: skip
def test_any_body_the_limits_accept_renders_in_bounded_time(units: list[str], size: int) -> None:
    unit = "".join(units)
    body = (unit * (size // len(unit) + 1))[:size]
    if not within_limits(body):
        body = largest(unit)
    assert render_seconds(body) < BOUND
