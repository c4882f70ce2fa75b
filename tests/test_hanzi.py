"""The other Chinese script's forms of names (OpenCC, at build time): in the words filter's data and the search
index, never in what a page shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import PLACE_DIR, minimal_files
from mkdocs_project import make_project, mkdocs_build

from generator.render.hanzi import variants, with_variants


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("釣魚島", ("钓鱼岛",)),  # traditional -> simplified
        ("钓鱼岛", ("釣魚島",)),  # simplified -> traditional
        ("台湾", ("臺灣", "台灣")),  # OpenCC's standard traditional, and Taiwan's own form
        ("黄岩岛", ("黃巖島",)),
        ("尖閣諸島", ("尖阁诸岛",)),  # a Japanese name in kanji alone, as Chinese writes it
        ("東シナ海", ()),  # Japanese with kana: not Chinese text
        ("독도", ()),
        ("Tu-95", ()),
        ("", ()),
    ],
)
def test_variants(name: str, forms: tuple[str, ...]) -> None:
    assert variants(name) == forms


def test_with_variants_keeps_each_form_once_after_its_name() -> None:
    assert with_variants(["釣魚島", "钓鱼岛", "JASDF", "台湾"]) == [
        "釣魚島",
        "钓鱼岛",
        "JASDF",
        "台湾",
        "臺灣",
        "台灣",
    ]


@pytest.mark.slow
def test_a_real_build_searches_both_scripts_and_shows_the_name_as_written(tmp_path: Path) -> None:
    files = minimal_files()
    files[f"{PLACE_DIR}/east-china-sea.md"]["names"] = {"zh-Hant": "東海", "ja": "東シナ海"}
    files[f"{PLACE_DIR}/east-china-sea.md"]["aliases"] = ["东中国海"]
    root = make_project(tmp_path, files)
    mkdocs_build(root)
    site = root / "site"
    place = (site / "places" / "east-china-sea" / "index.html").read_text(encoding="utf-8")
    assert '<dd lang="zh-Hant">東海<span class="fl-variants" hidden> 东海</span></dd>' in place
    assert '东中国海<span class="fl-variants" hidden> 東中國海</span>' in place
    assert "东シナ海" not in place  # kana: left alone
    timeline = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert 'data-fl-words="東海 东海 東シナ海 东中国海 東中國海' in timeline
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(
        doc["text"] for doc in index["docs"] if doc["location"].startswith("places/east-china-sea/")
    )
    assert "東海 东海" in text
