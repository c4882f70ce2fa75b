"""Accessible SVG charts and HTML data tables rendered at build time.

Every chart is a self-contained ``<svg role="img">`` with a ``<title>`` and ``<desc>`` whose ids are derived
from a hash of the chart's content (unique per page, stable across builds).  Output is deterministic,
carries no scripts or inline ``style`` attributes, and XML-escapes every text node and attribute value.
Pair each chart with :func:`data_table` so the numbers are also available as an accessible table.

Colours are CSS classes (see :data:`CHART_CSS`); a series colour given as ``#rrggbb`` is emitted as a
``fill`` presentation attribute, and anything else becomes a class or falls back to the default palette.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from html import escape

__all__ = [
    "CHART_CSS",
    "bar_chart",
    "data_table",
    "format_number",
    "line_chart",
    "responsive",
    "stacked_bar_chart",
]

HEX_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}\Z")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}\Z")
PALETTE_SIZE = 8

_SVG_NS = "http://www.w3.org/2000/svg"
_FONT = 12
_SMALL_FONT = 11  # axis ticks and values: 11 px at full size (phones get charts drawn for their width)
_CHAR_WIDTH = 0.6
"""Average glyph width as a fraction of the font size, used to estimate text extents."""

CHART_CSS = """\
/* Fault Lines chart styles. Colours follow Material for MkDocs variables, so dark mode works. */
.fl-chart { display: block; max-width: 100%; height: auto; color: var(--md-default-fg-color, #222); }
/* charts drawn twice (charts.responsive): the wide one, and on a phone or a narrow tablet the phone's */
.fl-chart--narrow { display: none; }
@media (max-width: 44.9375em) {
  .fl-chart--wide { display: none; }
  .fl-chart--narrow { display: block; width: 100%; max-width: 480px; }
}
.fl-chart text { fill: currentColor; font-family: var(--md-text-font-family, sans-serif); }
.fl-chart .fl-axis-label, .fl-chart .fl-value { fill: var(--md-default-fg-color--light, #555); }
.fl-chart .fl-empty { fill: var(--md-default-fg-color--light, #555); font-style: italic; }
.fl-chart .fl-axis { stroke: var(--md-default-fg-color--lighter, #999); stroke-width: 1; }
.fl-chart .fl-gridline { stroke: var(--md-default-fg-color--lightest, #e5e5e5); stroke-width: 1; }
.fl-chart .fl-bar { fill: var(--md-primary-fg-color, #3f51b5); }
.fl-chart .fl-line { fill: none; stroke: var(--md-primary-fg-color, #3f51b5); stroke-width: 2; }
.fl-chart .fl-point { fill: var(--md-primary-fg-color, #3f51b5); stroke: var(--md-default-bg-color, #fff); }
.fl-chart .fl-series-0 { fill: #4e79a7; }
.fl-chart .fl-series-1 { fill: #f28e2b; }
.fl-chart .fl-series-2 { fill: #e15759; }
.fl-chart .fl-series-3 { fill: #76b7b2; }
.fl-chart .fl-series-4 { fill: #59a14f; }
.fl-chart .fl-series-5 { fill: #edc948; }
.fl-chart .fl-series-6 { fill: #b07aa1; }
.fl-chart .fl-series-7 { fill: #9c755f; }
/* A series given a slug colour gets .fl-series--{slug}; define it to override the palette, e.g.
   .fl-chart .fl-series--airspace { fill: #1e88e5; } */
.fl-data-table .fl-num { text-align: right; font-variant-numeric: tabular-nums; }
"""
"""Suggested styles for the charts and tables; add to the site's extra CSS."""


# --------------------------------------------------------------------------------------------- helpers


def _esc(value: object) -> str:
    return escape(str(value), quote=True)


def _coord(value: float) -> str:
    """Format an SVG coordinate with at most one decimal and no negative zero."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _clean(value: object) -> float:
    """Coerce a data value to a finite, non-negative float (negatives and NaN clamp to 0)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(number) or number < 0:
        return 0.0
    return number


def format_number(value: float | int) -> str:
    """Format a number for display: thousands separators, integers without decimals, else ≤ 2 decimals."""
    if isinstance(value, bool):
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        return str(value)
    if number == int(number):
        return f"{int(number):,}"
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _with_unit(value: float, unit: str) -> str:
    return f"{format_number(value)} {unit}" if unit else format_number(value)


def _truncate(text: str, max_chars: int) -> str:
    """Shorten ``text`` to ``max_chars`` characters, ending in an ellipsis when cut."""
    max_chars = max(1, max_chars)
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + "…"


def _chars_fitting(pixels: float, font_size: float) -> int:
    return max(1, int(pixels / (font_size * _CHAR_WIDTH)))


def _id_prefix(kind: str, *parts: object) -> str:
    digest = hashlib.sha1(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"fl-{kind}-{digest[:10]}"


def _open_svg(prefix: str, kind: str, width: float, height: float, title: str, description: str) -> list[str]:
    w, h = _coord(width), _coord(height)
    return [
        f'<svg xmlns="{_SVG_NS}" class="fl-chart fl-chart--{kind}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" viewBox="0 0 {w} {h}" width="{w}" height="{h}">',
        f'<title id="{prefix}-title">{_esc(title)}</title>',
        f'<desc id="{prefix}-desc">{_esc(description)}</desc>',
    ]


def _empty_chart(prefix: str, kind: str, width: int, title: str, description: str) -> str:
    height = 80
    parts = _open_svg(prefix, kind, width, height, title, description)
    parts.append(
        f'<text class="fl-empty" x="{_coord(width / 2)}" y="{_coord(height / 2)}" text-anchor="middle" '
        f'dominant-baseline="middle" font-size="{_FONT}">No data</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _text(x: float, y: float, content: str, cls: str, *, anchor: str = "start", size: int = _FONT) -> str:
    return (
        f'<text class="{cls}" x="{_coord(x)}" y="{_coord(y)}" text-anchor="{anchor}" font-size="{size}">'
        f"{_esc(content)}</text>"
    )


def _label(
    x: float, y: float, full: str, max_chars: int, cls: str, *, anchor: str = "start", size: int = _FONT
) -> str:
    """A text label, truncated to ``max_chars`` with the full text kept in a ``<title>`` when cut."""
    shown = _truncate(full, max_chars)
    if shown == full:
        return _text(x, y, full, cls, anchor=anchor, size=size)
    inner = _text(x, y, shown, cls, anchor=anchor, size=size)
    return f'<g class="fl-truncated"><title>{_esc(full)}</title>{inner}</g>'


def _nice_scale(maximum: float, target_ticks: int = 5) -> tuple[float, float]:
    """Return ``(axis_max, step)`` with a 1/2/5 × 10^n step covering ``maximum`` (> 0)."""
    if maximum <= 0:
        return 1.0, 1.0
    rough = maximum / target_ticks
    magnitude = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if rough <= step:
            break
    if maximum >= 1 and step < 1:
        step = 1.0
    axis_max = math.ceil(maximum / step - 1e-9) * step
    return axis_max, step


def _ticks(axis_max: float, step: float) -> list[float]:
    count = round(axis_max / step)
    return [i * step for i in range(count + 1)]


def _series_paint(index: int, colour: str) -> tuple[str, str]:
    """Return ``(class attribute value, extra attributes)`` for a series colour."""
    if isinstance(colour, str) and HEX_COLOUR_RE.match(colour):
        # No palette class here: a CSS rule would override the fill presentation attribute.
        return "fl-series fl-series--custom", f' fill="{colour.lower()}"'
    classes = f"fl-series fl-series-{index % PALETTE_SIZE}"
    if isinstance(colour, str) and SLUG_RE.match(colour):
        return f"{classes} fl-series--{colour}", ""
    return classes, ""


# ------------------------------------------------------------------------------------------------ charts

NARROW_BELOW = 480
"""A chart narrower than this is drawn for a phone (labels above bars); see :func:`responsive`."""
PHONE_WIDTH = 288
"""The width of a phone's chart: the narrowest phone in use (320 px, 288 px inside the page's margins) shows it at its
own size, so 11 is 11 px there and a little more on wider phones."""


def responsive(render: Callable[..., str], *args: object, width: int = 640, **kwargs: object) -> str:
    """The chart twice, drawn for a wide screen (``width``) and for a phone (:data:`PHONE_WIDTH`): the CSS of
    :data:`CHART_CSS` shows one. Scaled down to a phone, a wide chart's text would be half its size."""
    wide = render(*args, width=width, **kwargs).replace(
        'class="fl-chart ', 'class="fl-chart fl-chart--wide ', 1
    )
    narrow = render(*args, width=PHONE_WIDTH, **kwargs).replace(
        'class="fl-chart ', 'class="fl-chart fl-chart--narrow ', 1
    )
    return wide + "\n" + narrow


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    description: str,
    unit: str = "",
    width: int = 640,
) -> str:
    """Render a horizontal bar chart: one labelled bar per row with its value printed beside it."""
    clean = [(str(label), _clean(value)) for label, value in rows]
    prefix = _id_prefix("bar", title, description, unit, width, tuple(clean))
    if not clean:
        return _empty_chart(prefix, "bar", width, title, description)
    bar_h, gap, pad = 22, 8, 8
    # a narrow chart (a phone's) puts each label on a line of its own above its bar, across the whole width
    above = width < NARROW_BELOW
    longest = max(len(label) for label, _ in clean) * _FONT * _CHAR_WIDTH + 4
    label_w = width - 2 * pad if above else min(longest, width * 0.45)
    label_h = _FONT + 6 if above else 0
    value_texts = [_with_unit(v, unit) for _, v in clean]
    value_w = max(len(t) for t in value_texts) * _FONT * _CHAR_WIDTH + 10
    bar_x = pad if above else pad + label_w + 8
    bar_space = max(10.0, width - bar_x - value_w - pad)
    maximum = max(v for _, v in clean)
    row_h = label_h + bar_h
    height = pad * 2 + len(clean) * row_h + (len(clean) - 1) * gap
    max_chars = _chars_fitting(label_w, _FONT)

    parts = _open_svg(prefix, "bar", width, height, title, description)
    if not above:  # above its bars, the line would cross the labels
        parts.append(
            f'<line class="fl-axis" x1="{_coord(bar_x)}" y1="{pad}" x2="{_coord(bar_x)}" '
            f'y2="{_coord(height - pad)}" stroke="currentColor"/>'
        )
    for index, ((label, value), value_text) in enumerate(zip(clean, value_texts, strict=True)):
        top = pad + index * (row_h + gap)
        y = top + label_h
        length = bar_space * value / maximum if maximum > 0 else 0.0
        baseline = y + bar_h / 2 + _FONT * 0.35
        parts.append('<g class="fl-bar-row">')
        parts.append(f"<title>{_esc(label)}: {_esc(value_text)}</title>")
        if above:
            parts.append(_label(pad, top + _FONT, label, max_chars, "fl-axis-label"))
        else:
            parts.append(_label(pad + label_w, baseline, label, max_chars, "fl-axis-label", anchor="end"))
        parts.append(
            f'<rect class="fl-bar" x="{_coord(bar_x)}" y="{_coord(y)}" width="{_coord(length)}" '
            f'height="{bar_h}"/>'
        )
        parts.append(_text(bar_x + length + 6, baseline, value_text, "fl-value"))
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def stacked_bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    title: str,
    description: str,
    unit: str = "",
    width: int = 640,
) -> str:
    """Render vertical stacked bars (one per category, e.g. year) with one segment per series and a legend.

    ``series`` items are ``(name, colour, values)`` where ``colour`` is ``#rrggbb`` or a CSS slug
    (``fl-series--{slug}``); anything else falls back to the palette class ``fl-series-{index}``.
    ``values`` align with ``categories``: missing values count as 0 and extras are ignored.
    """
    cats = [str(c) for c in categories]
    table = [
        (str(name), colour, [_clean(values[i]) if i < len(values) else 0.0 for i in range(len(cats))])
        for name, colour, values in series
    ]
    prefix = _id_prefix(
        "stacked", title, description, unit, width, tuple(cats), tuple((n, c, tuple(v)) for n, c, v in table)
    )
    totals = [sum(values[i] for _, _, values in table) for i in range(len(cats))]
    if not cats or not table:
        return _empty_chart(prefix, "stacked", width, title, description)

    pad = 8
    # Legend: swatch + name items, wrapped into rows across the width.
    legend_items: list[tuple[float, int, str]] = []
    legend_row_h = 18
    x, row = float(pad), 0
    legend_max_chars = 28
    for name, _, _ in table:
        item_w = 14 + min(len(name), legend_max_chars) * _FONT * _CHAR_WIDTH + 16
        if x + item_w > width - pad and x > pad:
            x, row = float(pad), row + 1
        legend_items.append((x, row, name))
        x += item_w
    legend_h = (row + 1) * legend_row_h + 6

    axis_max, step = _nice_scale(max(totals))
    tick_labels = [format_number(t) for t in _ticks(axis_max, step)]
    left = pad + max(len(t) for t in tick_labels) * _SMALL_FONT * _CHAR_WIDTH + 8
    top = pad + legend_h + _SMALL_FONT + 4  # room for the totals printed above bars
    plot_h = 220.0
    bottom = top + plot_h
    height = bottom + _FONT + 14
    plot_w = width - left - pad
    band = plot_w / len(cats)
    bar_w = max(1.0, band * 0.7)
    label_chars = max(4, max(len(c) for c in cats))
    # every label shown whole: a label too wide for its band shows on every other band (or every third...)
    label_step = max(1, math.ceil((label_chars * _SMALL_FONT * _CHAR_WIDTH + 6) / band))
    cat_max_chars = _chars_fitting(band * label_step - 6, _SMALL_FONT)

    parts = _open_svg(prefix, "stacked", width, height, title, description)
    parts.append('<g class="fl-legend">')
    for si, ((lx, lrow, name), (_, colour, _)) in enumerate(zip(legend_items, table, strict=True)):
        ly = pad + lrow * legend_row_h
        cls, extra = _series_paint(si, colour)
        parts.append(f'<rect class="{cls}" x="{_coord(lx)}" y="{_coord(ly)}" width="10" height="10"{extra}/>')
        parts.append(_label(lx + 14, ly + 9.5, name, legend_max_chars, "fl-legend-label"))
    parts.append("</g>")

    for tick, text in zip(_ticks(axis_max, step), tick_labels, strict=True):
        y = bottom - plot_h * tick / axis_max
        parts.append(
            f'<line class="fl-gridline" x1="{_coord(left)}" y1="{_coord(y)}" x2="{_coord(width - pad)}" '
            f'y2="{_coord(y)}" stroke="currentColor" stroke-opacity="0.15"/>'
        )
        parts.append(
            _text(left - 4, y + _SMALL_FONT * 0.35, text, "fl-axis-label", anchor="end", size=_SMALL_FONT)
        )

    for ci, category in enumerate(cats):
        x0 = left + ci * band + (band - bar_w) / 2
        y = bottom
        parts.append('<g class="fl-stack">')
        for si, (name, colour, values) in enumerate(table):
            value = values[ci]
            if value <= 0:
                continue
            seg_h = plot_h * value / axis_max
            y -= seg_h
            cls, extra = _series_paint(si, colour)
            parts.append(
                f'<rect class="fl-segment {cls}" x="{_coord(x0)}" y="{_coord(y)}" width="{_coord(bar_w)}" '
                f'height="{_coord(seg_h)}"{extra}><title>{_esc(category)}, {_esc(name)}: '
                f"{_esc(_with_unit(value, unit))}</title></rect>"
            )
        parts.append(
            _text(
                x0 + bar_w / 2,
                y - 3,
                format_number(totals[ci]),
                "fl-value",
                anchor="middle",
                size=_SMALL_FONT,
            )
        )
        if ci % label_step == 0:
            parts.append(
                _label(
                    x0 + bar_w / 2,
                    bottom + _SMALL_FONT + 4,
                    category,
                    cat_max_chars,
                    "fl-axis-label",
                    anchor="middle",
                    size=_SMALL_FONT,
                )
            )
        parts.append("</g>")
    parts.append(
        f'<line class="fl-axis" x1="{_coord(left)}" y1="{_coord(bottom)}" x2="{_coord(width - pad)}" '
        f'y2="{_coord(bottom)}" stroke="currentColor"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    description: str,
    unit: str = "",
    width: int = 640,
) -> str:
    """Render a line chart of values over ordered categories (e.g. scrambles per fiscal year)."""
    clean = [(str(label), _clean(value)) for label, value in points]
    prefix = _id_prefix("line", title, description, unit, width, tuple(clean))
    if not clean:
        return _empty_chart(prefix, "line", width, title, description)
    pad = 8
    axis_max, step = _nice_scale(max(v for _, v in clean))
    ticks = _ticks(axis_max, step)
    tick_labels = [format_number(t) for t in ticks]
    left = pad + max(len(t) for t in tick_labels) * _SMALL_FONT * _CHAR_WIDTH + 8
    top = pad + _SMALL_FONT + 6
    plot_h = 220.0
    bottom = top + plot_h
    height = bottom + _FONT + 14
    plot_w = width - left - pad
    band = plot_w / len(clean)
    label_chars = max(4, max(len(label) for label, _ in clean))
    # every label shown whole: a label too wide for its band shows on every other band (or every third...)
    label_step = max(1, math.ceil((label_chars * _SMALL_FONT * _CHAR_WIDTH + 6) / band))
    max_chars = _chars_fitting(band * label_step - 6, _SMALL_FONT)

    parts = _open_svg(prefix, "line", width, height, title, description)
    for tick, text in zip(ticks, tick_labels, strict=True):
        y = bottom - plot_h * tick / axis_max
        parts.append(
            f'<line class="fl-gridline" x1="{_coord(left)}" y1="{_coord(y)}" x2="{_coord(width - pad)}" '
            f'y2="{_coord(y)}" stroke="currentColor" stroke-opacity="0.15"/>'
        )
        parts.append(
            _text(left - 4, y + _SMALL_FONT * 0.35, text, "fl-axis-label", anchor="end", size=_SMALL_FONT)
        )
    parts.append(
        f'<line class="fl-axis" x1="{_coord(left)}" y1="{_coord(bottom)}" x2="{_coord(width - pad)}" '
        f'y2="{_coord(bottom)}" stroke="currentColor"/>'
    )
    coords = [
        (left + (i + 0.5) * band, bottom - plot_h * value / axis_max) for i, (_, value) in enumerate(clean)
    ]
    path = "M" + " L".join(f"{_coord(x)} {_coord(y)}" for x, y in coords)
    parts.append(f'<path class="fl-line" d="{path}" fill="none" stroke="currentColor"/>')
    for i, ((label, value), (x, y)) in enumerate(zip(clean, coords, strict=True)):
        value_text = _with_unit(value, unit)
        parts.append('<g class="fl-point-group">')
        parts.append(
            f'<circle class="fl-point" cx="{_coord(x)}" cy="{_coord(y)}" r="3.5">'
            f"<title>{_esc(label)}: {_esc(value_text)}</title></circle>"
        )
        # Print the value above the point, or below it at a local minimum (where the line rises on
        # both sides and would run through a label placed above), unless that would hit the axis.
        prev_y = coords[i - 1][1] if i > 0 else None
        next_y = coords[i + 1][1] if i + 1 < len(coords) else None
        local_min = (prev_y is None or prev_y < y) and (next_y is None or next_y < y) and len(coords) > 1
        label_y = y + 7 + _SMALL_FONT if local_min and y + 7 + _SMALL_FONT < bottom - 2 else y - 7
        parts.append(_text(x, label_y, format_number(value), "fl-value", anchor="middle", size=_SMALL_FONT))
        if i % label_step == 0:
            parts.append(
                _label(
                    x,
                    bottom + _SMALL_FONT + 4,
                    label,
                    max_chars,
                    "fl-axis-label",
                    anchor="middle",
                    size=_SMALL_FONT,
                )
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------------- table


def data_table(headers: Sequence[str], rows: Sequence[Sequence[str | int | float]], caption: str) -> str:
    """Render an escaped HTML ``<table>`` with a ``<caption>``, column headers and one row per item.

    The first cell of each row is a row header (``<th scope="row">``); numeric cells are formatted with
    :func:`format_number` and get the ``fl-num`` class for right alignment.
    """
    out = ['<table class="fl-data-table">', f"<caption>{_esc(caption)}</caption>"]
    out.append("<thead><tr>" + "".join(f'<th scope="col">{_esc(h)}</th>' for h in headers) + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells: list[str] = []
        for index, cell in enumerate(row):
            numeric = isinstance(cell, int | float) and not isinstance(cell, bool)
            text = format_number(cell) if numeric else str(cell)
            cls = ' class="fl-num"' if numeric else ""
            if index == 0:
                cells.append(f'<th scope="row"{cls}>{_esc(text)}</th>')
            else:
                cells.append(f"<td{cls}>{_esc(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)
