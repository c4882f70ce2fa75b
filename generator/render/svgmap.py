"""Inline SVG maps of anywhere on Earth with incident markers and routes.

Rendering is pure: the only I/O is reading the shipped world land polygons (``generator/data/land-50m.json``
and ``land-110m.json``, Natural Earth, public domain; see NATURAL_EARTH.md) through :mod:`importlib.resources`,
cached after the first call. The same input always yields a byte-identical SVG string.

Projection is equirectangular with the x axis scaled by ``cos(mid-latitude)``, which is adequate for a
regional overview; the window is fitted to the places it shows, and may run past the antimeridian.  Styling lives in CSS classes (see :data:`MAP_CSS`); the markup carries no inline
``style`` attributes and no scripts.  Every text node and attribute value is XML-escaped, and marker links
are kept only for relative or ``http(s)`` URLs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_BBOX",
    "MAP_CSS",
    "Marker",
    "css_slug",
    "fit_bbox",
    "land_rings",
    "render_locator_map",
    "render_map",
    "render_place_map",
    "safe_href",
    "unwrap_longitudes",
]

BBox = tuple[float, float, float, float]
"""(west, south, east, north) in degrees."""

DEFAULT_BBOX: BBox = (115.0, 18.0, 150.0, 50.0)
"""Window used when there are no markers to fit."""

MIN_SPAN_LON = 10.0
MIN_SPAN_LAT = 8.0
PAD_FRACTION = 0.15
PAD_MIN_DEG = 1.5
GRID_STEP = 5
MARKER_RADIUS = 5.0
APPROX_RADIUS = 8.0
HIT_RADIUS = 14.0
"""Radius of a link's transparent touch target, in map units (28 px across where a unit is a pixel, 24 px
at the map page's width on a computer and on a phone)."""
ARROW_SIZE = 7.0
LAND_STEP = 0.8
"""Coastline points closer than this (in map units, about a pixel) to the last one drawn are left out."""
LOCATOR_HALF_LON = 6.0
LOCATOR_HALF_LAT = 4.5

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
    route: tuple[tuple[float, float], ...] = ()
    """Ordered (lat, lon) points of the path the incident took, drawn as a line ending in an arrowhead."""
    data: tuple[tuple[str, str], ...] = ()
    """``data-*`` attributes for the marker's link (name without ``data-``, value), e.g. for filters."""

    def __post_init__(self) -> None:
        for lat, lon in ((self.lat, self.lon), *self.route):
            if not (math.isfinite(lat) and math.isfinite(lon)):
                raise ValueError(f"marker {self.label!r}: coordinates must be finite")
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                raise ValueError(f"marker {self.label!r}: coordinates out of range ({lat}, {lon})")


MAP_CSS = """\
/* Fault Lines map styles. Colours follow Material for MkDocs variables, so dark mode works; a marker's and a
   route's colour is its type's (--fl-type-color, set on .fl-type--{type} in this stylesheet). */
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
/* a precise place: a solid dot with a rim */
.fl-map .fl-marker {
  fill: var(--fl-type-color, var(--md-accent-fg-color, #e91e63));
  stroke: var(--md-default-bg-color, #fff);
  stroke-width: 1.5;
}
/* an approximate place: a larger tinted area with a dashed edge */
.fl-map .fl-marker--approx {
  fill: var(--fl-type-color, var(--md-accent-fg-color, #e91e63));
  fill-opacity: 0.28;
  stroke: var(--fl-type-color, var(--md-accent-fg-color, #e91e63));
  stroke-width: 2;
  stroke-dasharray: 3 2;
}
[data-md-color-scheme="slate"] .fl-map .fl-marker { fill: var(--fl-type-color-light, #ffab91); stroke: #000; }
[data-md-color-scheme="slate"] .fl-map .fl-marker--approx { stroke: var(--fl-type-color-light, #ffab91); }
.fl-map .fl-hit { fill: transparent; stroke: none; }
.fl-map .fl-route {
  stroke: var(--fl-type-color, var(--md-accent-fg-color, #e91e63));
  stroke-width: 2.5;
  stroke-linejoin: round;
  stroke-linecap: round;
  fill: none;
}
.fl-map .fl-route--approx { stroke-dasharray: 10 3; }
.fl-map .fl-route-arrow { fill: var(--fl-type-color, var(--md-accent-fg-color, #e91e63)); }
.fl-map .fl-route-hit { stroke: transparent; stroke-width: 14; fill: none; }
[data-md-color-scheme="slate"] .fl-map .fl-route { stroke: var(--fl-type-color-light, #ffab91); }
[data-md-color-scheme="slate"] .fl-map .fl-route-arrow { fill: var(--fl-type-color-light, #ffab91); }
.fl-map a:hover .fl-marker, .fl-map a:focus .fl-marker { stroke: var(--md-default-fg-color, #000); stroke-width: 2.5; }
.fl-map a:hover .fl-marker--approx, .fl-map a:focus .fl-marker--approx { stroke-dasharray: none; }
.fl-map a:hover .fl-route, .fl-map a:focus .fl-route { stroke-width: 4; }
.fl-map a:focus { outline: none; }
.fl-map a:focus-visible .fl-marker { stroke-width: 3.5; stroke: var(--md-default-fg-color, #000); }
.fl-map [hidden] { display: none; }
.fl-map .fl-leader { stroke: var(--md-default-fg-color--light, #666); stroke-width: 0.75; }
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


LandPolygon = tuple[tuple[float, float, float, float], tuple[tuple[tuple[float, float], ...], ...]]
"""((west, south, east, north) of the outer ring, rings of (lon, lat) points: the outer one first, then holes)."""

LAND_FILES = {"50m": "land-50m.json", "110m": "land-110m.json"}
COARSE_ABOVE_DEG = 100.0
"""Windows wider than this many degrees of longitude are drawn from the 1:110m land, narrower ones from 1:50m."""


@lru_cache(maxsize=2)
def _land(scale: str = "50m") -> tuple[LandPolygon, ...]:
    """Load the shipped world land polygons at ``scale`` (``50m`` or ``110m``), each with its bounding box."""
    name = LAND_FILES[scale]
    text = resources.files("generator").joinpath("data", name).read_text(encoding="utf-8")
    document = json.loads(text)
    polygons = []
    for polygon in document["polygons"]:
        rings = tuple(tuple(zip(flat[0::2], flat[1::2], strict=True)) for flat in polygon)
        xs = [p[0] for p in rings[0]]
        ys = [p[1] for p in rings[0]]
        polygons.append(((min(xs), min(ys), max(xs), max(ys)), rings))
    return tuple(polygons)


def land_rings(bbox: BBox, holes: bool = True) -> Iterator[tuple[int, list[tuple[float, float]]]]:
    """Every land ring that reaches into ``bbox``, clipped to it, as (polygon number, [(lon, lat), ...]).

    The window may run past the antimeridian (west of -180° or east of 180°): land is then taken a second
    time, shifted by 360°, so a map of the Bering Sea shows both Chukotka and Alaska. A polygon's first ring
    is its outline; with ``holes`` its lakes follow under the same number."""
    west, south, east, north = bbox
    scale = "110m" if east - west > COARSE_ABOVE_DEG else "50m"
    number = 0
    for shift in (-360.0, 0.0, 360.0):
        if east < -180.0 + shift or west > 180.0 + shift:
            continue
        for (pw, ps, pe, pn), rings in _land(scale):
            if pe + shift < west or pw + shift > east or pn < south or ps > north:
                continue
            number += 1
            for index, ring in enumerate(rings if holes else rings[:1]):
                moved = [(lon + shift, lat) for lon, lat in ring] if shift else ring
                clipped = _clip_ring(moved, bbox)
                if len(clipped) < 3:
                    if index == 0:
                        break
                    continue
                yield number, clipped


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


def unwrap_longitudes(lons: Sequence[float]) -> list[float]:
    """``lons`` moved by 360° where that keeps them together: places on both sides of the antimeridian (the
    Bering Sea at 178° E and 178° W) become 178 and 182 rather than lying a world apart."""
    if not lons:
        return []
    plain = max(lons) - min(lons)
    east = [lon + 360.0 if lon < 0 else lon for lon in lons]
    return list(east) if max(east) - min(east) < plain else list(lons)


def _points(markers: Sequence[Marker]) -> list[tuple[float, float]]:
    """Every (lat, lon) a map must show: each marker and each point of its route."""
    out: list[tuple[float, float]] = []
    for marker in markers:
        out.append((marker.lat, marker.lon))
        out.extend(marker.route)
    return out


def fit_bbox(points: Sequence[tuple[float, float]]) -> BBox:
    """A window around (lat, lon) ``points`` with padding and a minimum size, anywhere on Earth (it may run
    past 180° when the points lie on both sides of the antimeridian); :data:`DEFAULT_BBOX` for none."""
    if not points:
        return DEFAULT_BBOX
    lons = unwrap_longitudes([p[1] for p in points])
    lats = [p[0] for p in points]
    west, east = min(lons), max(lons)
    south, north = min(lats), max(lats)
    pad_lon = max(PAD_MIN_DEG, (east - west) * PAD_FRACTION)
    pad_lat = max(PAD_MIN_DEG, (north - south) * PAD_FRACTION)
    west, east, south, north = west - pad_lon, east + pad_lon, south - pad_lat, north + pad_lat
    west, east = _grow(west, east, MIN_SPAN_LON)
    south, north = _grow(south, north, MIN_SPAN_LAT)
    south, north = max(south, -85.0), min(north, 85.0)
    if east - west > 360.0:
        west, east = -180.0, 180.0
    return (round(west, 4), round(south, 4), round(east, 4), round(north, 4))


def _fit_bbox(markers: Sequence[Marker]) -> BBox:
    return fit_bbox(_points(markers))


def _grow(low: float, high: float, minimum: float) -> tuple[float, float]:
    if high - low >= minimum:
        return low, high
    mid = (low + high) / 2.0
    return mid - minimum / 2.0, mid + minimum / 2.0


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

    def wrap(self, lon: float) -> float:
        """``lon`` moved by whole turns to where the window has it (a window may run past 180°)."""
        while lon < self.west - 1e-9 and lon + 360.0 <= self.east + 180.0:
            lon += 360.0
        while lon > self.east + 1e-9 and lon - 360.0 >= self.west - 180.0:
            lon -= 360.0
        return lon

    def inside(self, lat: float, lon: float) -> bool:
        return self.west <= self.wrap(lon) <= self.east and self.south <= lat <= self.north

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.west) * self.kx * self.scale
        y = (self.north - lat) * self.scale
        return x, y

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        """Canvas position of a (lat, lon) place, its longitude wrapped into the window."""
        return self(self.wrap(lon), lat)


@lru_cache(maxsize=256)
def _land_paths(bbox: BBox, width: int) -> tuple[str, ...]:
    """The land of ``bbox`` drawn ``width`` pixels wide, kept for the last 256 windows (a few kilobytes each):
    incidents placed by the same place, without coordinates of their own, share their locator map's window.
    In the benchmark's corpus (10,000 incidents at 200 places) drawing it again was a ninth of a cold build's
    CPU time; the real record has few such incidents (3 of 70 maps share a window)."""
    projection = _Projection(bbox, width)
    parts_by_polygon: dict[int, list[str]] = {}
    for number, ring in land_rings(bbox):
        coords: list[str] = []
        last: tuple[float, float] | None = None
        for lon, lat in ring:
            x, y = projection(lon, lat)
            # The canvas height is rounded to whole pixels; clamp so clip edges stay on the canvas.
            x = min(max(x, 0.0), float(projection.width))
            y = min(max(y, 0.0), float(projection.height))
            # a point closer than LAND_STEP to the last one kept adds bytes, not shape, at this scale
            if last is not None and abs(x - last[0]) < LAND_STEP and abs(y - last[1]) < LAND_STEP:
                continue
            pair = f"{_num(x)} {_num(y)}"
            if not coords or coords[-1] != pair:
                coords.append(pair)
                last = (x, y)
        while len(coords) > 1 and coords[0] == coords[-1]:
            coords.pop()
        if len(coords) < 3:
            continue
        parts_by_polygon.setdefault(number, []).append("M" + " ".join(coords) + "Z")
    return tuple(
        f'<path class="fl-land" fill-rule="evenodd" d="{"".join(parts)}"/>'
        for parts in parts_by_polygon.values()
    )


def _graticule(projection: _Projection, bbox: BBox, prefix: str) -> list[str]:
    west, south, east, north = bbox
    lines: list[str] = []
    labels: list[str] = []
    w, h = projection.width, projection.height
    step = GRID_STEP if east - west <= 60 else GRID_STEP * 2
    for lon in range(math.ceil(west / step) * step, math.floor(east) + 1, step):
        if not west < lon < east:
            continue
        x, _ = projection(lon, north)
        if x > w - 30:  # no room for a label at the right edge: no line either
            continue
        lines.append(f"M{_num(x)} 0V{_num(h)}")
        shown = (lon + 180) % 360 - 180  # 185° is 175° W
        hemi = "" if shown in (0, -180) else ("E" if shown > 0 else "W")
        labels.append(
            f'<text class="fl-grid-label" x="{_num(x + 2)}" y="{_num(h - 3)}" font-size="9">'
            f"{abs(shown)}°{hemi}</text>"
        )
    for lat in range(math.ceil(south / step) * step, math.floor(north) + 1, step):
        if not south < lat < north:
            continue
        _, y = projection(west, lat)
        lines.append(f"M0 {_num(y)}H{_num(w)}")
        hemi = "N" if lat > 0 else ("S" if lat < 0 else "")
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


def _attributes(marker: Marker) -> str:
    """The marker's ``data-*`` attributes (names re-slugified, values escaped), for filters in the page."""
    out = []
    for name, value in marker.data:
        slug = css_slug(name)
        if slug:
            out.append(f' data-{slug}="{_esc(value)}"')
    return "".join(out)


def _route_path(marker: Marker, projection: _Projection) -> tuple[str, str] | None:
    """(path data, arrowhead path data) for a marker's route, or None when it has none to draw."""
    if len(marker.route) < 2:
        return None
    lons = [projection.wrap(lon) for lon in unwrap_longitudes([p[1] for p in marker.route])]
    points = [projection(lon, lat) for (lat, _), lon in zip(marker.route, lons, strict=True)]
    d = "M" + " ".join(f"{_num(x)} {_num(y)}" for x, y in points)
    # an arrowhead at the last point, along the last leg that has a length
    (x1, y1), (x2, y2) = points[-2], points[-1]
    for index in range(len(points) - 2, -1, -1):
        x1, y1 = points[index]
        if math.hypot(x2 - x1, y2 - y1) > 0.5:
            break
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    size = ARROW_SIZE
    bx, by = x2 - ux * size, y2 - uy * size
    px, py = -uy * size * 0.55, ux * size * 0.55
    arrow = f"M{_num(x2)} {_num(y2)}L{_num(bx + px)} {_num(by + py)}L{_num(bx - px)} {_num(by - py)}Z"
    return d, arrow


def _route_elements(markers: Sequence[Marker], projection: _Projection) -> list[str]:
    """Routes as lines coloured by type, under every marker. Each is a link for a pointer or a finger; the
    keyboard reaches the incident through its marker, so the line is out of the tab order and hidden from
    assistive technology (the marker names the same incident)."""
    out: list[str] = []
    for marker in markers:
        drawn = _route_path(marker, projection)
        if drawn is None:
            continue
        d, arrow = drawn
        slug = css_slug(marker.kind)
        kind = f" fl-type--{slug}" if slug else ""
        approx = " fl-route--approx" if marker.approximate else ""
        body = (
            f'<path class="fl-route-hit" fill="none" stroke="transparent" d="{d}"/>'
            f'<path class="fl-route{approx}" fill="none" stroke="currentColor" d="{d}"/>'
            f'<path class="fl-route-arrow" d="{arrow}"/>'
        )
        href = safe_href(marker.href)
        if href is not None:
            out.append(
                f'<a class="fl-route-link{kind}" href="{_esc(href)}" tabindex="-1" aria-hidden="true"'
                f"{_attributes(marker)}>{body}</a>"
            )
        else:
            out.append(f'<g class="fl-route-link{kind}" aria-hidden="true"{_attributes(marker)}>{body}</g>')
    return out


def _marker_elements(markers: Sequence[Marker], projection: _Projection, touch: bool) -> list[str]:
    visible = [m for m in markers if projection.inside(m.lat, m.lon)]
    groups: dict[tuple[float, float], list[Marker]] = {}
    for marker in visible:
        groups.setdefault((round(projection.wrap(marker.lon), 4), round(marker.lat, 4)), []).append(marker)
    out: list[str] = []
    # Leader lines for spread groups first, so every marker is drawn above them.
    placed: list[tuple[Marker, float, float]] = []
    for (lon, lat), members in groups.items():
        cx, cy = projection(lon, lat)
        offsets = _spread(len(members), HIT_RADIUS * 0.75 if touch else APPROX_RADIUS)
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
                'stroke-dasharray="3 2"/>'
            )
        else:
            circle = f'<circle class="{" ".join(classes)}" {position} r="{_num(MARKER_RADIUS)}"/>'
        hit = (
            f'<circle class="fl-hit" {position} r="{_num(HIT_RADIUS)}" fill="transparent"/>' if touch else ""
        )
        label = marker.label + (" (approximate location)" if marker.approximate else "")
        title = f"<title>{_esc(label)}</title>"
        href = safe_href(marker.href)
        kind = f' class="fl-type--{slug}"' if slug else ""
        if href is not None:
            out.append(
                f'<a{kind} href="{_esc(href)}" aria-label="{_esc(label)}"{_attributes(marker)}>'
                f"{hit}{circle}{title}</a>"
            )
        else:
            nolink = f' class="fl-marker-nolink fl-type--{slug}"' if slug else ' class="fl-marker-nolink"'
            out.append(f"<g{nolink}{_attributes(marker)}>{circle}{title}</g>")
    return out


# ----------------------------------------------------------------------------------------------- public


def render_map(
    markers: Sequence[Marker],
    *,
    title: str,
    description: str,
    width: int = 800,
    bbox: BBox | None = None,
    touch: bool = True,
) -> str:
    """Render a map of land with one circle per marker (a link when it has one) as an inline SVG string.

    ``bbox`` is ``(west, south, east, north)``; when omitted it is fitted to the markers and their routes
    (with padding and a minimum size, across the antimeridian when they lie on both sides of it) or
    :data:`DEFAULT_BBOX` if there are none.  Markers outside an explicit ``bbox`` are omitted.  Markers
    at identical coordinates are spread around their true position with a thin leader line, so each stays
    clickable; with ``touch`` each link also gets a transparent target of :data:`HIT_RADIUS`, finger-sized
    when the map is shown at its own width.  A marker's route is drawn as a line with an arrowhead at its
    end, under every marker.
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
        tuple((m.lat, m.lon, m.label, m.href, m.approximate, m.kind, m.route, m.data) for m in markers),
    )
    w, h = projection.width, projection.height
    # role="img" would make the marker links presentational (unreachable by screen readers; axe-core
    # nested-interactive): a map with links is a named group instead
    role = "group" if any(safe_href(m.href) for m in markers) else "img"
    parts = [
        f'<svg xmlns="{_SVG_NS}" class="fl-map" role="{role}" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{prefix}-title">{_esc(title)}</title>',
        f'<desc id="{prefix}-desc">{_esc(description)}</desc>',
        f'<rect class="fl-sea" x="0" y="0" width="{w}" height="{h}" fill="none"/>',
        '<g class="fl-lands">',
        *_land_paths(window, projection.width),
        "</g>",
        *_graticule(projection, window, prefix),
        '<g class="fl-routes">',
        *_route_elements(markers, projection),
        "</g>",
        '<g class="fl-markers">',
        *_marker_elements(markers, projection, touch),
        "</g>",
        f'<rect class="fl-frame" x="0.5" y="0.5" width="{w - 1}" height="{h - 1}" fill="none"/>',
        "</svg>",
    ]
    return "\n".join(parts)


def _format_coord(lat: float, lon: float) -> str:
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.2f}°{ns}, {abs(lon):.2f}°{ew}"


def locator_bbox(points: Sequence[tuple[float, float]]) -> BBox:
    """A locator map's window: about 12° × 9° around one point, more when a route needs it."""
    lats = [p[0] for p in points]
    lons = unwrap_longitudes([p[1] for p in points])
    mid_lat, mid_lon = (max(lats) + min(lats)) / 2.0, (max(lons) + min(lons)) / 2.0
    half_lat = max(LOCATOR_HALF_LAT, (max(lats) - min(lats)) / 2.0 + PAD_MIN_DEG * 1.5)
    # at least as wide as high once drawn (a degree of longitude shrinks with cos(latitude)), so a locator far
    # north is not a tall strip of sea
    kx = max(0.2, math.cos(math.radians(mid_lat)))
    half_lon = max(LOCATOR_HALF_LON, half_lat * 1.2 / kx, (max(lons) - min(lons)) / 2.0 + PAD_MIN_DEG * 1.5)
    south, north = max(mid_lat - half_lat, -85.0), min(mid_lat + half_lat, 85.0)
    if south >= north:  # pragma: no cover - only at the poles
        south, north = mid_lat - 1.0, mid_lat + 1.0
    return (mid_lon - half_lon, south, mid_lon + half_lon, north)


def render_locator_map(
    lat: float,
    lon: float,
    label: str,
    approximate: bool = False,
    route: Sequence[tuple[float, float]] = (),
    kind: str = "place",
    width: int = 320,
) -> str:
    """Render a small locator map of one place, or one incident's point and route, without links."""
    marker = Marker(
        lat=lat, lon=lon, label=label, href="", approximate=approximate, kind=kind, route=tuple(route)
    )
    qualifier = "approximate location" if approximate else "location"
    description = f"Map showing the {qualifier} of {label} at {_format_coord(lat, lon)}"
    if len(marker.route) >= 2:
        first, last = marker.route[0], marker.route[-1]
        description += (
            f", and the route its sources describe from {_format_coord(*first)} to {_format_coord(*last)}"
            f" through {len(marker.route) - 2} more point{'' if len(marker.route) == 3 else 's'}"
        )
    return render_map(
        [marker],
        title=f"Map: {label}",
        description=description + ".",
        width=width,
        bbox=locator_bbox(_points([marker])),
        touch=False,
    )


@functools.lru_cache(maxsize=4096)  # the same place's map at every `mkdocs serve` rebuild
def render_place_map(lat: float, lon: float, label: str, approximate: bool = False) -> str:
    """Render a small (320 px wide) locator map centred on one place."""
    return render_locator_map(lat, lon, label, approximate)
