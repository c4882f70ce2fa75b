"""Share cards (generator/render/cards.py): real PNGs read back with Pillow, deterministic, one per incident
up to the limit and the site's beyond."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from helpers import incident_path, minimal_files, valid_incident, write_tree
from PIL import Image

from generator.pipeline import run
from generator.render import cards
from generator.render.site import social_card_files


def read(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_card_is_a_deterministic_1200x630_png_of_what_it_shows() -> None:
    first = cards.card_png("T", "China and Russia fly a joint patrol", "9 December 2025", "Joint patrol",
                           "#8e1b1b", (32.0, 133.5), ((40.0, 134.0), (32.0, 133.5)))  # fmt: skip
    again = cards.card_png("T", "China and Russia fly a joint patrol", "9 December 2025", "Joint patrol",
                           "#8e1b1b", (32.0, 133.5), ((40.0, 134.0), (32.0, 133.5)))  # fmt: skip
    other = cards.card_png("T", "China and Russia fly a joint patrol", "10 December 2025", "Joint patrol",
                           "#8e1b1b", (32.0, 133.5), ((40.0, 134.0), (32.0, 133.5)))  # fmt: skip
    assert first == again != other
    image = read(first)
    assert (image.format, image.size) == ("PNG", (1200, 630))
    # the badge is drawn in the type's colour, the map's sea and the accent are there
    colours = {colour for _, colour in image.convert("RGB").getcolors(1 << 16) or []}
    assert (0x8E, 0x1B, 0x1B) in colours
    assert (0xDB, 0xE7, 0xF0) in colours  # sea: the locator map was drawn


def test_a_card_without_a_place_shows_the_mark_and_long_titles_are_cut_with_an_ellipsis() -> None:
    draw = Image.new("RGB", (10, 10))
    from PIL import ImageDraw

    lines = cards._wrap(ImageDraw.Draw(draw), "word " * 200, cards._font(46, bold=True), 600, 5)
    assert len(lines) == 5 and lines[-1].endswith("…")
    image = read(cards.card_png("T", "A statement", "2025", "Statement", "#4e5b31"))
    colours = {colour for _, colour in image.convert("RGB").getcolors(1 << 16) or []}
    assert (0xDB, 0xE7, 0xF0) not in colours  # no map without a point


@pytest.mark.parametrize(
    ("option", "incidents", "mode"),
    [("auto", 1, "incidents"), ("auto", cards.INCIDENT_CARDS_UP_TO, "incidents"),
     ("auto", cards.INCIDENT_CARDS_UP_TO + 1, "site"), ("incidents", 10**6, "incidents"), ("site", 1, "site"),
     ("off", 1, "off")],
)  # fmt: skip
def test_cards_mode(option: str, incidents: int, mode: str) -> None:
    assert cards.cards_mode(option, incidents) == mode


def test_card_files_per_mode(tmp_path: Path) -> None:
    files = minimal_files()
    files[incident_path("2025-12-11-other")] = valid_incident(
        title="Another incident of the record", date="2025-12-11"
    )
    result = run(write_tree(tmp_path, files), today=dt.date(2026, 1, 1))
    assert result.chronology is not None
    ids = [r.id for r in result.chronology.incidents]
    assert social_card_files(result.chronology, "off") == {}
    assert set(social_card_files(result.chronology, "site")) == {"cards/site.png"}
    every = social_card_files(result.chronology, "incidents")
    assert set(every) == {"cards/site.png", *(f"cards/{i}.png" for i in ids)}
    assert len(set(every.values())) == len(every)  # each card differs
