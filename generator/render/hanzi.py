"""The other Chinese script's forms of a name, so that search finds a place or actor whichever script a reader
types: 钓鱼岛 (simplified) finds what the record writes 釣魚島 (traditional), and the other way round.

Conversion is OpenCC's (https://github.com/BYVoid/OpenCC), at build time: simplified to traditional in its
standard, Taiwan and Hong Kong forms (臺灣, and 台灣 as Taiwan writes it), and traditional to simplified. Only
the searchable text gets these forms (the timeline's words filter, the site search index); what a contributor
wrote is shown as written. A Japanese name in kanji alone gets them too (尖閣諸島 is written 尖阁诸岛 in
Chinese); one with kana (東シナ海) is Japanese text, which Chinese conversion would only garble (东シナ海).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

# the CJK ideograph blocks: unified, extension A, compatibility, and the supplementary planes' extensions
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

# Japanese kana (hiragana, katakana, their phonetic extensions and half-width forms)
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")

# OpenCC configurations, in the order their forms are listed
CONVERSIONS = ("t2s", "s2t", "s2tw", "s2hk")


@cache
def _converter(config: str) -> Any:
    import opencc  # loaded on the first name with a Han character: most builds of other records never need it

    return opencc.OpenCC(config)


@cache
def variants(text: str) -> tuple[str, ...]:
    """The forms of ``text`` in the other Chinese scripts that differ from it, in a fixed order; none when it
    has no Han character, or has kana."""
    if not _HAN.search(text) or _KANA.search(text):
        return ()
    forms: dict[str, None] = {}
    for config in CONVERSIONS:
        converted = _converter(config).convert(text)
        if converted != text:
            forms.setdefault(converted, None)
    return tuple(forms)


def with_variants(names: Iterable[str]) -> list[str]:
    """``names``, each followed by its other-script forms, without repeats."""
    found: dict[str, None] = {}
    for name in names:
        found.setdefault(name, None)
        for form in variants(name):
            found.setdefault(form, None)
    return list(found)
