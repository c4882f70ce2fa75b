"""The timeline's time axis: every incident as a mark on a line of years and months, coloured by its type, as
inline SVG made at build time.

Marks that fall in the same month (or, zoomed to a year, the same week) are stacked, so how busy a period
was shows as height. Each mark is a link to its incident, named by its date and title (``aria-label``; the
page's script makes its tooltip ``<title>`` when the pointer comes over it, so a page of a thousand marks
carries a thousand elements fewer as it loads); it carries the same
``data-*`` attributes as the timeline's entries, so the page's filters hide and show both alike. One SVG shows
every year; one more per year shows that year by weeks ("zoomed"), for the page's year control to reveal.

Pure and deterministic like :mod:`generator.render.svgmap`: no inline styles, no scripts, every text and
attribute escaped, links only to relative or ``http(s)`` URLs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from generator.dates import MONTHS, PartialDate
from generator.render.svgmap import css_slug, safe_href

__all__ = ["AXIS_CSS", "Mark", "render_axis", "render_year"]

WIDTH = 800
LEFT, RIGHT = 8, 8
AXIS_SPACE = 30  # below the baseline: ticks and labels
TOP = 6
MAX_STACK = 150.0  # the tallest stack is at most this high; marks get shorter rather than the axis taller
MAX_LINKED = 2_000  # beyond this many incidents an axis of that many links would be a burden: months instead

_SVG_NS = "http://www.w3.org/2000/svg"

AXIS_CSS = """\
/* Fault Lines time axis (generator/render/timeaxis.py) */
.fl-axis { display: block; width: 100%; height: auto; }
.fl-axis .fl-axis-line { stroke: var(--md-default-fg-color--light, #666); stroke-width: 1; }
.fl-axis .fl-axis-tick { stroke: var(--md-default-fg-color--lighter, #999); stroke-width: 1; }
.fl-axis .fl-axis-tick--major { stroke: var(--md-default-fg-color--light, #666); }
.fl-axis .fl-axis-label { fill: var(--md-default-fg-color--light, #555); font-size: 11px; }
.fl-axis .fl-axis-label--major { fill: var(--md-default-fg-color, #000); font-weight: 700; font-size: 12px; }
.fl-axis .fl-tmark { fill: var(--fl-type-color, #455a64); stroke: var(--md-default-bg-color, #fff); stroke-width: 1; }
.fl-axis .fl-tmark--approx { fill: var(--md-default-bg-color, #fff); stroke: var(--fl-type-color, #455a64); stroke-width: 1.5; }
[data-md-color-scheme="slate"] .fl-axis .fl-tmark { fill: var(--fl-type-color-light, #90a4ae); }
[data-md-color-scheme="slate"] .fl-axis .fl-tmark--approx { fill: var(--md-default-bg-color); stroke: var(--fl-type-color-light, #90a4ae); }
.fl-axis a:hover .fl-tmark, .fl-axis a:focus .fl-tmark { stroke: var(--md-default-fg-color, #000); stroke-width: 2; }
.fl-axis a:focus { outline: none; }
.fl-axis a:focus-visible .fl-tmark { stroke: var(--md-accent-fg-color, #ff6e40); stroke-width: 3; }
.fl-axis [hidden] { display: none; }
.fl-axis .fl-axis-bar { fill: var(--md-default-fg-color--light, #666); }
"""


@dataclass(frozen=True)
class Mark:
    """One incident on the axis: when, what type (a CSS slug), its name, its link and its filter attributes."""

    date: PartialDate
    kind: str
    label: str
    href: str
    data: tuple[tuple[str, str], ...] = ()


def _esc(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _day(date: PartialDate) -> dt.date:
    """Where an incident sits in time: its day, or the middle of its month or year when that is all we know."""
    if date.day and date.month:
        return dt.date(date.year, date.month, date.day)
    if date.month:
        return dt.date(date.year, date.month, 15)
    return dt.date(date.year, 7, 1)


def _attributes(mark: Mark) -> str:
    return "".join(f' data-{css_slug(n)}="{_esc(v)}"' for n, v in mark.data if css_slug(n))


def _svg(prefix: str, title: str, description: str, height: float, body: list[str]) -> str:
    h = round(height)
    return "\n".join(
        [
            f'<svg xmlns="{_SVG_NS}" class="fl-axis" role="group" tabindex="-1" aria-labelledby="{prefix}-title" '
            f'aria-describedby="{prefix}-desc" '
            f'viewBox="0 0 {WIDTH} {h}" width="{WIDTH}" height="{h}">',
            f'<title id="{prefix}-title">{_esc(title)}</title>',
            f'<desc id="{prefix}-desc">{_esc(description)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _stacks(marks: Sequence[Mark], bin_of: dict[int, int]) -> dict[int, list[Mark]]:
    """Marks by bin, oldest first (drawn from the baseline up)."""
    stacks: dict[int, list[Mark]] = {}
    for index, mark in sorted(enumerate(marks), key=lambda im: (_day(im[1].date), im[0])):
        stacks.setdefault(bin_of[index], []).append(mark)
    return stacks


def _mark_elements(stacks: dict[int, list[Mark]], column: float, baseline: float) -> list[str]:
    """The stacked marks, each a link named by its label."""
    tallest = max((len(s) for s in stacks.values()), default=1)
    size = max(2.0, min(column - 1.0, 12.0))
    step = min(size + 1.0, MAX_STACK / tallest)
    height = max(1.5, step - 1.0)
    out: list[str] = []
    for index in sorted(stacks):
        x = LEFT + index * column + (column - size) / 2.0
        for level, mark in enumerate(stacks[index]):
            y = baseline - (level + 1) * step
            classes = "fl-tmark" + ("" if mark.date.day else " fl-tmark--approx")
            rect = (
                f'<rect class="{classes}" x="{_num(x)}" y="{_num(y)}" width="{_num(size)}" '
                f'height="{_num(height)}" rx="1"/>'
            )
            slug = css_slug(mark.kind)
            kind = f' class="fl-type--{slug}"' if slug else ""
            href = safe_href(mark.href)
            if href is None:
                out.append(f"<g{kind}{_attributes(mark)}>{rect}<title>{_esc(mark.label)}</title></g>")
            else:  # named by aria-label; its tooltip <title> is made on hover (fault-lines.js), not per mark
                out.append(
                    f'<a{kind} href="{_esc(href)}" aria-label="{_esc(mark.label)}"{_attributes(mark)}>{rect}</a>'
                )
    return out


def _stack_height(stacks: dict[int, list[Mark]], column: float) -> float:
    tallest = max((len(s) for s in stacks.values()), default=1)
    size = max(2.0, min(column - 1.0, 12.0))
    return tallest * min(size + 1.0, MAX_STACK / tallest)


def _prefix(kind: str, *parts: object) -> str:
    return f"fl-{kind}-" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:10]


def render_axis(marks: Sequence[Mark], title: str, description: str) -> str:
    """Every year from the first incident's to the last's, by months; a mark per incident, stacked per month.

    Beyond :data:`MAX_LINKED` incidents the months are drawn as bars (no link per incident)."""
    if not marks:
        return ""
    first = min(m.date.year for m in marks)
    last = max(m.date.year for m in marks)
    months = (last - first + 1) * 12
    inner = WIDTH - LEFT - RIGHT
    # a month, a quarter or a year per column: whichever leaves a column at least 6 units wide
    per = next((p for p in (1, 3, 12) if inner / (months / p) >= 6), 12)
    columns = months // per
    column = inner / columns
    bin_of = {i: ((m.date.year - first) * 12 + (_day(m.date).month - 1)) // per for i, m in enumerate(marks)}
    stacks = _stacks(marks, bin_of)
    linked = len(marks) <= MAX_LINKED
    stack_height = _stack_height(stacks, column) if linked else MAX_STACK
    baseline = TOP + stack_height + 2
    body = ['<g class="fl-axis-marks">']
    if linked:
        body += _mark_elements(stacks, column, baseline)
    else:
        tallest = max(len(s) for s in stacks.values())
        for index in sorted(stacks):
            h = MAX_STACK * len(stacks[index]) / tallest
            body.append(
                f'<rect class="fl-axis-bar" x="{_num(LEFT + index * column)}" y="{_num(baseline - h)}" '
                f'width="{_num(max(column - 1, 1))}" height="{_num(h)}"/>'
            )
    body.append("</g>")
    ticks: list[str] = []
    major: list[str] = []
    labels: list[str] = []
    years = last - first + 1
    label_every = next(n for n in (1, 2, 5, 10, 20, 50, 100) if inner / years * n >= 40)
    for month in range(0, months + 1):
        x = LEFT + month * inner / months
        if month % 12 == 0:
            major.append(f"M{_num(x)} {_num(baseline)}v9")
            year = first + month // 12
            if month < months and (year - first) % label_every == 0:
                labels.append(
                    f'<text class="fl-axis-label fl-axis-label--major" x="{_num(x + 3)}" '
                    f'y="{_num(baseline + 22)}">{year}</text>'
                )
        elif per == 1 and inner / months >= 4:
            ticks.append(f"M{_num(x)} {_num(baseline)}v4")
    body.append('<g class="fl-axis-scale" aria-hidden="true">')
    if ticks:
        body.append(f'<path class="fl-axis-tick" d="{"".join(ticks)}"/>')
    body.append(f'<path class="fl-axis-tick fl-axis-tick--major" d="{"".join(major)}"/>')
    body.append(f'<path class="fl-axis-line" d="M{LEFT} {_num(baseline)}H{WIDTH - RIGHT}"/>')
    body += labels
    body.append("</g>")
    prefix = _prefix("axis", title, description, tuple((m.date, m.kind, m.label, m.href) for m in marks))
    return _svg(prefix, title, description, baseline + AXIS_SPACE, body)


def render_year(marks: Sequence[Mark], year: int, title: str, description: str) -> str:
    """One year by weeks, months labelled: the axis zoomed to ``year`` (marks of other years are left out)."""
    mine = [m for m in marks if m.date.year == year]
    if not mine:
        return ""
    inner = WIDTH - LEFT - RIGHT
    weeks = 53
    column = inner / weeks
    start = dt.date(year, 1, 1)
    bin_of = {i: min((_day(m.date) - start).days // 7, weeks - 1) for i, m in enumerate(mine)}
    stacks = _stacks(mine, bin_of)
    baseline = TOP + _stack_height(stacks, column) + 2
    body = ['<g class="fl-axis-marks">', *_mark_elements(stacks, column, baseline), "</g>"]
    ticks: list[str] = []
    labels: list[str] = []
    for month in range(1, 13):
        x = LEFT + (dt.date(year, month, 1) - start).days / 7 * column  # a column is a week from 1 January
        ticks.append(f"M{_num(x)} {_num(baseline)}v8")
        labels.append(
            f'<text class="fl-axis-label" x="{_num(x + 3)}" y="{_num(baseline + 20)}">{MONTHS[month - 1][:3]}</text>'
        )
    ticks.append(f"M{WIDTH - RIGHT} {_num(baseline)}v8")
    body.append('<g class="fl-axis-scale" aria-hidden="true">')
    body.append(f'<path class="fl-axis-tick fl-axis-tick--major" d="{"".join(ticks)}"/>')
    body.append(f'<path class="fl-axis-line" d="M{LEFT} {_num(baseline)}H{WIDTH - RIGHT}"/>')
    body += labels
    body.append("</g>")
    prefix = _prefix("axis", year, title, tuple((m.date, m.kind, m.label, m.href) for m in mine))
    return _svg(prefix, title, description, baseline + AXIS_SPACE, body)
