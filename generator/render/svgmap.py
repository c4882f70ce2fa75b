"""Inline SVG maps of East Asia with incident markers.

Rendering is pure: the only I/O is reading the shipped land polygons (``generator/data/land-east-asia.json``,
Natural Earth 1:50m, public domain) through :mod:`importlib.resources`, cached after the first call.
The same input always yields a byte-identical SVG string.

Projection is equirectangular with the x axis scaled by ``cos(mid-latitude)``, which is adequate for a
regional overview.  Styling lives in CSS classes (see :data:`MAP_CSS`); the markup carries no inline
``style`` attributes and no scripts.  Every text node and attribute value is XML-escaped, and marker links
are kept only for relative or ``http(s)`` URLs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources
from urllib.parse import urlsplit

__all__ = [
    "DATA_BBOX",
    "DEFAULT_BBOX",
    "MAP_CSS",
    "Marker",
    "css_slug",
    "render_map",
    "render_place_map",
    "safe_href",
]

BBox = tuple[float, float, float, float]
"""(west, south, east, north) in degrees."""

DEFAULT_BBOX: BBox = (115.0, 18.0, 150.0, 50.0)
"""Window used when there are no markers to fit."""

DATA_BBOX: BBox = (90.0, 0.0, 170.0, 60.0)
"""Area covered by the shipped land data; computed windows are kept inside it when they fit."""

MIN_SPAN_LON = 10.0
MIN_SPAN_LAT = 8.0
PAD_FRACTION = 0.15
PAD_MIN_DEG = 1.5
GRID_STEP = 5
MARKER_RADIUS = 5.0
APPROX_RADIUS = 7.0

_SVG_NS = "http://www.w3.org/2000/svg"
_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Marker:
    """One point on the map.

    ``kind`` is a CSS-safe slug used for colouring (``fl-marker--{kind}``); it is re-slugified on output,
    so arbitrary text cannot break out of the class attribute.  ``approximate`` markers are drawn as a
    larger hollow dashed ring.
    """

    lat: float
    lon: float
    label: str
    href: str
    approximate: bool = False
    kind: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lat) and math.isfinite(self.lon)):
            raise ValueError(f"marker {self.label!r}: coordinates must be finite")
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"marker {self.label!r}: coordinates out of range ({self.lat}, {self.lon})")


MAP_CSS = """\
/* Fault Lines map styles. Colours follow Material for MkDocs variables, so dark mode works. */
.fl-map { display: block; width: 100%; max-width: 100%; height: auto; }
.fl-map .fl-sea { fill: var(--md-default-bg-color, #fff); }
.fl-map .fl-land {
  fill: var(--md-default-fg-color--lightest, #e6e6e6);
  stroke: var(--md-default-fg-color--lighter, #999);
  stroke-width: 0.6;
  stroke-linejoin: round;
  fill-rule: evenodd;
}
.fl-map .fl-grid { stroke: var(--md-default-fg-color--lightest, #ddd); stroke-width: 0.5; fill: none; }
.fl-map .fl-grid-label { fill: var(--md-default-fg-color--light, #666); font-size: 9px; }
.fl-map .fl-frame { fill: none; stroke: var(--md-default-fg-color--lighter, #999); stroke-width: 1; }
.fl-map .fl-marker {
  fill: var(--fl-marker-color, var(--md-accent-fg-color, #e91e63));
  stroke: var(--md-default-bg-color, #fff);
  stroke-width: 1.5;
}
.fl-map .fl-marker--approx {
  fill: none;
  stroke: var(--fl-marker-color, var(--md-accent-fg-color, #e91e63));
  stroke-width: 2;
  stroke-dasharray: 3 2;
}
.fl-map a:hover .fl-marker, .fl-map a:focus .fl-marker { stroke: var(--md-default-fg-color, #000); }
.fl-map a:hover .fl-marker--approx, .fl-map a:focus .fl-marker--approx { stroke-dasharray: none; }
.fl-map a:focus { outline: none; }
.fl-map a:focus-visible .fl-marker { stroke-width: 3; }
.fl-map .fl-leader { stroke: var(--md-default-fg-color--light, #666); stroke-width: 0.75; }
/* Per-kind colours: set --fl-marker-color on .fl-marker--{kind}, e.g.
   .fl-map .fl-marker--airspace { --fl-marker-color: #1e88e5; } */
"""
"""Suggested styles for :func:`render_map` output; add to the site's extra CSS."""


# --------------------------------------------------------------------------------------------- helpers


def css_slug(value: str) -> str:
    """Return a lowercase ``[a-z0-9-]`` slug of ``value`` (empty if nothing usable remains)."""
    return _SLUG_RE.sub("-", value.lower()).strip("-")


def safe_href(href: str) -> str | None:
    """Return ``href`` if it is a relative URL or an ``http(s)`` URL, else ``None``.

    Whitespace, control characters and backslashes are refused outright because browsers strip or
    reinterpret them (``java\\tscript:``, ``\\\\host``), which would defeat the scheme check.
    """
    if not isinstance(href, str) or not href:
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in href):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme in ("http", "https"):
        return href if parts.netloc else None
    if parts.scheme:
        return None
    # No scheme: a colon before the first '/', '?' or '#' would make a browser read a scheme anyway.
    head = re.split(r"[/?#]", href, maxsplit=1)[0]
    if ":" in head:
        return None
    return href


def _esc(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    """Format a coordinate with one decimal, without a trailing ``.0`` or a negative zero."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    if text in ("-0", "-0.0"):
        text = "0"
    return text


def _id_prefix(kind: str, *parts: object) -> str:
    digest = hashlib.sha1(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"fl-{kind}-{digest[:10]}"


@lru_cache(maxsize=1)
def _land() -> tuple[tuple[tuple[tuple[float, float], ...], ...], ...]:
    """Load the shipped land polygons as tuples of rings of (lon, lat) points."""
    text = resources.files("generator").joinpath("data", "land-east-asia.json").read_text(encoding="utf-8")
    document = json.loads(text)
    polygons = []
    for polygon in document["polygons"]:
        rings = []
        for flat in polygon:
            rings.append(tuple(zip(flat[0::2], flat[1::2], strict=True)))
        polygons.append(tuple(rings))
    return tuple(polygons)


def _clip_ring(ring: Sequence[tuple[float, float]], bbox: BBox) -> list[tuple[float, float]]:
    """Clip a closed ring to an axis-aligned rectangle (Sutherland–Hodgman)."""
    west, south, east, north = bbox
    points = list(ring)
    for axis, limit, keep_above in ((0, west, True), (0, east, False), (1, south, True), (1, north, False)):
        if not points:
            break
        out: list[tuple[float, float]] = []
        prev = points[-1]
        prev_in = prev[axis] >= limit if keep_above else prev[axis] <= limit
        for cur in points:
            cur_in = cur[axis] >= limit if keep_above else cur[axis] <= limit
            if cur_in != prev_in:
                t = (limit - prev[axis]) / (cur[axis] - prev[axis])
                other = 1 - axis
                cross = prev[other] + t * (cur[other] - prev[other])
                out.append((limit, cross) if axis == 0 else (cross, limit))
            if cur_in:
                out.append(cur)
            prev, prev_in = cur, cur_in
        points = out
    return points


def _fit_bbox(markers: Sequence[Marker]) -> BBox:
    """Return a window that contains all markers with padding, at least the minimum size."""
    if not markers:
        return DEFAULT_BBOX
    lons = [m.lon for m in markers]
    lats = [m.lat for m in markers]
    west, east = min(lons), max(lons)
    south, north = min(lats), max(lats)
    pad_lon = max(PAD_MIN_DEG, (east - west) * PAD_FRACTION)
    pad_lat = max(PAD_MIN_DEG, (north - south) * PAD_FRACTION)
    west, east, south, north = west - pad_lon, east + pad_lon, south - pad_lat, north + pad_lat
    west, east = _grow(west, east, MIN_SPAN_LON)
    south, north = _grow(south, north, MIN_SPAN_LAT)
    # Keep the window over the land data where possible, but never slide a marker out of view.
    west, east = _shift_into(
        west, east, min(DATA_BBOX[0], min(lons) - PAD_MIN_DEG), max(DATA_BBOX[2], max(lons) + PAD_MIN_DEG)
    )
    south, north = _shift_into(
        south, north, min(DATA_BBOX[1], min(lats) - PAD_MIN_DEG), max(DATA_BBOX[3], max(lats) + PAD_MIN_DEG)
    )
    south, north = max(south, -85.0), min(north, 85.0)
    return (round(west, 4), round(south, 4), round(east, 4), round(north, 4))


def _grow(low: float, high: float, minimum: float) -> tuple[float, float]:
    if high - low >= minimum:
        return low, high
    mid = (low + high) / 2.0
    return mid - minimum / 2.0, mid + minimum / 2.0


def _shift_into(low: float, high: float, lo_limit: float, hi_limit: float) -> tuple[float, float]:
    """Slide [low, high] inside [lo_limit, hi_limit] when it fits there; otherwise leave it."""
    span = high - low
    if span > hi_limit - lo_limit:
        return low, high
    if low < lo_limit and high <= hi_limit:
        return lo_limit, lo_limit + span
    if high > hi_limit and low >= lo_limit:
        return hi_limit - span, hi_limit
    return low, high


def _validate_bbox(bbox: BBox) -> BBox:
    west, south, east, north = (float(v) for v in bbox)
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValueError("bbox values must be finite")
    if not (west < east and south < north and south >= -90.0 and north <= 90.0):
        raise ValueError(f"invalid bbox {bbox!r}: expected (west, south, east, north)")
    return (west, max(south, -85.0), east, min(north, 85.0))


class _Projection:
    """Equirectangular projection of ``bbox`` onto a ``width``-pixel-wide canvas."""

    def __init__(self, bbox: BBox, width: int) -> None:
        self.west, self.south, self.east, self.north = bbox
        self.kx = math.cos(math.radians((self.south + self.north) / 2.0))
        self.scale = width / ((self.east - self.west) * self.kx)
        self.width = width
        self.height = max(1, round((self.north - self.south) * self.scale))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.west) * self.kx * self.scale
        y = (self.north - lat) * self.scale
        return x, y


def _land_paths(projection: _Projection, bbox: BBox) -> list[str]:
    west, south, east, north = bbox
    paths: list[str] = []
    for polygon in _land():
        parts: list[str] = []
        for index, ring in enumerate(polygon):
            xs = [p[0] for p in ring]
            ys = [p[1] for p in ring]
            if max(xs) < west or min(xs) > east or max(ys) < south or min(ys) > north:
                if index == 0:
                    break
                continue
            clipped = _clip_ring(ring, bbox)
            coords: list[str] = []
            for lon, lat in clipped:
                x, y = projection(lon, lat)
                # The canvas height is rounded to whole pixels; clamp so clip edges stay on the canvas.
                x = min(max(x, 0.0), float(projection.width))
                y = min(max(y, 0.0), float(projection.height))
                pair = f"{_num(x)} {_num(y)}"
                if not coords or coords[-1] != pair:
                    coords.append(pair)
            while len(coords) > 1 and coords[0] == coords[-1]:
                coords.pop()
            if len(coords) < 3:
                if index == 0:
                    break
                continue
            parts.append("M" + " ".join(coords) + "Z")
        if parts:
            paths.append(f'<path class="fl-land" fill-rule="evenodd" d="{"".join(parts)}"/>')
    return paths


def _graticule(projection: _Projection, bbox: BBox, prefix: str) -> list[str]:
    west, south, east, north = bbox
    lines: list[str] = []
    labels: list[str] = []
    w, h = projection.width, projection.height
    for lon in range(math.ceil(west / GRID_STEP) * GRID_STEP, math.floor(east) + 1, GRID_STEP):
        if not west < lon < east:
            continue
        x, _ = projection(lon, north)
        lines.append(f"M{_num(x)} 0V{_num(h)}")
        hemi = "E" if lon >= 0 else "W"
        labels.append(
            f'<text class="fl-grid-label" x="{_num(x + 2)}" y="{_num(h - 3)}" font-size="9">'
            f"{abs(lon)}°{hemi}</text>"
        )
    for lat in range(math.ceil(south / GRID_STEP) * GRID_STEP, math.floor(north) + 1, GRID_STEP):
        if not south < lat < north:
            continue
        _, y = projection(west, lat)
        lines.append(f"M0 {_num(y)}H{_num(w)}")
        hemi = "N" if lat >= 0 else "S"
        labels.append(
            f'<text class="fl-grid-label" x="3" y="{_num(y - 2)}" font-size="9">{abs(lat)}°{hemi}</text>'
        )
    if not lines:
        return []
    out = [f'<g class="fl-graticule" aria-hidden="true" id="{prefix}-grid">']
    out.append(f'<path class="fl-grid" fill="none" d="{"".join(lines)}"/>')
    if w >= 240:
        out.extend(labels)
    out.append("</g>")
    return out


def _spread(count: int, radius: float) -> list[tuple[float, float]]:
    """Offsets for ``count`` markers sharing one position: evenly around a circle, first at the top."""
    if count <= 1:
        return [(0.0, 0.0)]
    ring = max(radius * 1.8, count * (2 * radius + 2) / (2 * math.pi))
    offsets = []
    for i in range(count):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        offsets.append((ring * math.cos(angle), ring * math.sin(angle)))
    return offsets


def _marker_elements(markers: Sequence[Marker], projection: _Projection, bbox: BBox) -> list[str]:
    west, south, east, north = bbox
    visible = [m for m in markers if west <= m.lon <= east and south <= m.lat <= north]
    groups: dict[tuple[float, float], list[Marker]] = {}
    for marker in visible:
        groups.setdefault((round(marker.lon, 4), round(marker.lat, 4)), []).append(marker)
    out: list[str] = []
    # Leader lines for spread groups first, so every marker is drawn above them.
    placed: list[tuple[Marker, float, float]] = []
    for (lon, lat), members in groups.items():
        cx, cy = projection(lon, lat)
        offsets = _spread(
            len(members), APPROX_RADIUS if any(m.approximate for m in members) else MARKER_RADIUS
        )
        for marker, (dx, dy) in zip(members, offsets, strict=True):
            placed.append((marker, cx + dx, cy + dy))
            if len(members) > 1:
                out.append(
                    f'<line class="fl-leader" aria-hidden="true" stroke="currentColor" x1="{_num(cx)}" '
                    f'y1="{_num(cy)}" x2="{_num(cx + dx)}" y2="{_num(cy + dy)}"/>'
                )
    for marker, x, y in placed:
        classes = ["fl-marker"]
        slug = css_slug(marker.kind)
        if slug:
            classes.append(f"fl-marker--{slug}")
        position = f'cx="{_num(x)}" cy="{_num(y)}"'
        if marker.approximate:
            classes.append("fl-marker--approx")
            circle = (
                f'<circle class="{" ".join(classes)}" {position} r="{_num(APPROX_RADIUS)}" '
                'fill="none" stroke="currentColor" stroke-dasharray="3 2"/>'
            )
        else:
            circle = f'<circle class="{" ".join(classes)}" {position} r="{_num(MARKER_RADIUS)}"/>'
        label = marker.label + (" (approximate location)" if marker.approximate else "")
        title = f"<title>{_esc(label)}</title>"
        href = safe_href(marker.href)
        if href is not None:
            out.append(f'<a href="{_esc(href)}" aria-label="{_esc(label)}">{circle}{title}</a>')
        else:
            out.append(f'<g class="fl-marker-nolink">{circle}{title}</g>')
    return out


# ----------------------------------------------------------------------------------------------- public


def render_map(
    markers: Sequence[Marker],
    *,
    title: str,
    description: str,
    width: int = 800,
    bbox: BBox | None = None,
) -> str:
    """Render an East Asia map with one clickable circle per marker as an inline SVG string.

    ``bbox`` is ``(west, south, east, north)``; when omitted it is fitted to the markers (with padding
    and a minimum size) or :data:`DEFAULT_BBOX` if there are none.  Markers outside an explicit ``bbox``
    are omitted.  Markers at identical coordinates are spread around their true position with a thin
    leader line, so each stays clickable.
    """
    if width <= 0:
        raise ValueError("width must be positive")
    window = _validate_bbox(bbox) if bbox is not None else _fit_bbox(markers)
    projection = _Projection(window, int(width))
    prefix = _id_prefix(
        "map",
        title,
        description,
        int(width),
        window,
        tuple((m.lat, m.lon, m.label, m.href, m.approximate, m.kind) for m in markers),
    )
    w, h = projection.width, projection.height
    # role="img" would make the marker links presentational (unreachable by screen readers; axe-core
    # nested-interactive): a map with links is a named group instead
    role = "group" if any(m.href for m in markers) else "img"
    parts = [
        f'<svg xmlns="{_SVG_NS}" class="fl-map" role="{role}" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{prefix}-title">{_esc(title)}</title>',
        f'<desc id="{prefix}-desc">{_esc(description)}</desc>',
        f'<rect class="fl-sea" x="0" y="0" width="{w}" height="{h}" fill="none"/>',
        '<g class="fl-lands">',
        *_land_paths(projection, window),
        "</g>",
        *_graticule(projection, window, prefix),
        '<g class="fl-markers">',
        *_marker_elements(markers, projection, window),
        "</g>",
        f'<rect class="fl-frame" x="0.5" y="0.5" width="{w - 1}" height="{h - 1}" fill="none"/>',
        "</svg>",
    ]
    return "\n".join(parts)


def _format_coord(lat: float, lon: float) -> str:
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.2f}°{ns}, {abs(lon):.2f}°{ew}"


@functools.lru_cache(maxsize=4096)  # the same place's map at every `mkdocs serve` rebuild
def render_place_map(lat: float, lon: float, label: str, approximate: bool = False) -> str:
    """Render a small (320 px wide) locator map centred on one place."""
    marker = Marker(lat=lat, lon=lon, label=label, href="", approximate=approximate, kind="place")
    half_lon, half_lat = 6.0, 4.5
    margin = PAD_MIN_DEG
    west, east = _shift_into(
        lon - half_lon, lon + half_lon, min(DATA_BBOX[0], lon - margin), max(DATA_BBOX[2], lon + margin)
    )
    south, north = _shift_into(
        lat - half_lat, lat + half_lat, min(DATA_BBOX[1], lat - margin), max(DATA_BBOX[3], lat + margin)
    )
    south, north = max(south, -85.0), min(north, 85.0)
    if south >= north:  # pragma: no cover - only at the poles
        south, north = lat - 1.0, lat + 1.0
    qualifier = "approximate location" if approximate else "location"
    description = f"Map showing the {qualifier} of {label} at {_format_coord(lat, lon)}."
    return render_map(
        [marker],
        title=f"Map: {label}",
        description=description,
        width=320,
        bbox=(west, south, east, north),
    )
