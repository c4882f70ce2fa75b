"""Share cards: the 1200×630 PNG a link preview shows (``og:image``), drawn at build time with Pillow.

One card per incident (its title, date, type and a locator map of its point and route, or the chronology's
mark when it has no place of its own) and one site-wide card for every other page. No network, no system
fonts: the text is set in DejaVu Sans, vendored in generator/data/ (see DEJAVU.md), so the same Pillow version
gives the same bytes on every machine. Contributor text is only ever drawn as pixels.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

from generator.render.contrast import text_color
from generator.render.svgmap import DATA_BBOX, _clip_ring, _land, _Projection

WIDTH, HEIGHT = 1200, 630  # what Facebook, LinkedIn, Mastodon and X ask for (1.91:1)
MAP_WIDTH = 460
INK, PAPER, MUTED, ACCENT = "#1a1a1a", "#fafaf7", "#5f6368", "#8e1b1b"
SEA, LAND, COAST = "#dbe7f0", "#f1efe8", "#9aa5ad"
SPAN_LAT = 14.0  # the locator map shows about this many degrees of latitude around the incident


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    with resources.files("generator").joinpath("data", name).open("rb") as handle:
        return ImageFont.truetype(io.BytesIO(handle.read()), size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, lines: int
) -> list[str]:
    """``text`` in at most ``lines`` lines that fit ``width`` pixels; an ellipsis when it had to be cut."""
    for chars in range(60, 8, -2):
        wrapped = textwrap.wrap(text, chars, break_long_words=True)
        if all(draw.textlength(line, font=font) <= width for line in wrapped):
            break
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1].rstrip(" ,;:.") + "…"
    return wrapped


def _locator(
    draw: ImageDraw.ImageDraw, left: int, point: tuple[float, float], route: Sequence[tuple[float, float]]
) -> None:
    """Land, the route as a line and the point as a ringed dot, in a window around the incident."""
    points = [point, *route]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    mid_lat, mid_lon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
    kx = math.cos(math.radians(mid_lat))
    aspect = MAP_WIDTH / HEIGHT
    span_lat = max(SPAN_LAT, (max(lats) - min(lats)) * 1.4, (max(lons) - min(lons)) * 1.4 * kx / aspect)
    span_lon = span_lat * aspect / kx
    south, north = max(-85.0, mid_lat - span_lat / 2), min(85.0, mid_lat + span_lat / 2)
    bbox = (mid_lon - span_lon / 2, south, mid_lon + span_lon / 2, north)
    projection = _Projection(bbox, MAP_WIDTH)
    sy = HEIGHT / projection.height

    def xy(lat: float, lon: float) -> tuple[float, float]:
        x, y = projection(lon, lat)
        return left + x, y * sy

    draw.rectangle((left, 0, WIDTH, HEIGHT), fill=SEA)
    west, _, east, _ = bbox
    if west < DATA_BBOX[2] and east > DATA_BBOX[0]:
        for polygon in _land():
            for ring in polygon[:1]:  # outer rings; holes are lakes, too small to matter at this scale
                clipped = _clip_ring(ring, bbox)
                if len(clipped) >= 3:
                    draw.polygon([xy(lat, lon) for lon, lat in clipped], fill=LAND, outline=COAST)
    if len(route) >= 2:
        draw.line([xy(lat, lon) for lat, lon in route], fill=ACCENT, width=6, joint="curve")
    x, y = xy(*point)
    draw.ellipse((x - 22, y - 22, x + 22, y + 22), outline=ACCENT, width=5)
    draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill=ACCENT)


def _mark(draw: ImageDraw.ImageDraw, left: int) -> None:
    """The chronology's mark for cards with no map: a fault line crossing the panel."""
    draw.rectangle((left, 0, WIDTH, HEIGHT), fill="#f3e9e6")
    step = MAP_WIDTH / 6
    line = [(left + i * step, HEIGHT / 2 + (60 if i % 2 else -60)) for i in range(7)]
    draw.line(line, fill=ACCENT, width=14, joint="curve")


@lru_cache(maxsize=64)
def _palette(type_color: str) -> Image.Image:
    """The 64 colours of a card with this badge colour, found once by median cut on a sample card: mapping
    each card to a fixed palette is fifty times faster than finding its own, and exactly as deterministic."""
    sample = _draw(
        "Fault Lines",
        "Sample title 0123456789",
        "1 January 2000",
        "Type",
        type_color,
        (35.0, 135.0),
        ((30.0, 130.0), (35.0, 135.0)),
    )
    return sample.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def card_png(
    site_title: str,
    title: str,
    when: str,
    type_label: str,
    type_color: str,
    point: tuple[float, float] | None = None,
    route: Sequence[tuple[float, float]] = (),
) -> bytes:
    """One card as PNG bytes (palette-reduced: small, fast to encode, byte-identical between builds).

    Each text is drawn on one line: line breaks a contributor wrote (a label may hold one) are spaces here, as
    a browser shows them (Pillow refuses to measure multi-line text)."""
    site_title, title, when, type_label = (" ".join(t.split()) for t in (site_title, title, when, type_label))
    image = _draw(site_title, title, when, type_label, type_color, point, route)
    out = io.BytesIO()
    image.quantize(palette=_palette(type_color), dither=Image.Dither.NONE).save(
        out, format="PNG", compress_level=6
    )
    return out.getvalue()


def _draw(
    site_title: str,
    title: str,
    when: str,
    type_label: str,
    type_color: str,
    point: tuple[float, float] | None,
    route: Sequence[tuple[float, float]],
) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - MAP_WIDTH - 2 * 56
    left = WIDTH - MAP_WIDTH
    if point is not None:
        _locator(draw, left, point, route)
    else:
        _mark(draw, left)
    draw.rectangle((0, 0, 14, HEIGHT), fill=ACCENT)
    draw.text((56, 48), site_title, font=_font(30), fill=MUTED)
    y = 110
    if type_label:
        label = _font(26)
        width = draw.textlength(type_label, font=label)
        draw.rounded_rectangle((56, y, 56 + width + 32, y + 46), radius=8, fill=type_color)
        draw.text((72, y + 8), type_label, font=label, fill=text_color(type_color))
        y += 78
    title_font = _font(46, bold=True)
    for line in _wrap(draw, title, title_font, text_width, 5):
        draw.text((56, y), line, font=title_font, fill=INK)
        y += 60
    draw.text((56, HEIGHT - 84), when, font=_font(32), fill=INK)
    return image


INCIDENT_CARDS_UP_TO = 300
"""``social_cards="auto"`` draws a card per incident up to this many incidents and gives every page the
site-wide card beyond: a card takes about 9 ms to draw and encode and 20–30 KB to store, which at 10,000
incidents would add 90 s to a 50 s build and 250 MB to the site (see the Benchmarks page)."""
SITE_CARD = "cards/site.png"


def cards_mode(option: str, incidents: int) -> str:
    """``incidents`` (a card per incident, and the site card), ``site`` (the site card only) or ``off``."""
    if option != "auto":
        return option
    return "incidents" if incidents <= INCIDENT_CARDS_UP_TO else "site"


def card_path(incident_id: str) -> str:
    return f"cards/{incident_id}.png"
