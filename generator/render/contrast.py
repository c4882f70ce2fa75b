"""Readable text on a coloured background: black or white, whichever has the higher WCAG 2 contrast ratio.

The vocabulary chooses each incident type's colour; badges print their label on it, so the text colour is
computed here instead of assuming white (white on the default #607d8b is 4.37:1, below WCAG AA's 4.5:1).
Whichever of black or white wins always reaches at least 4.58:1.
"""

from __future__ import annotations


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_color(background: str) -> str:
    """``#000000`` or ``#ffffff``, whichever reads better on ``background``."""
    return "#ffffff" if contrast(background, "#ffffff") >= contrast(background, "#000000") else "#000000"


SLATE_BACKGROUND = "#1e2129"
"""Material's dark ("slate") page background, near enough for contrast."""


def mix(color: str, other: str, share: float) -> str:
    """``color`` with ``share`` (0 to 1) of ``other`` mixed in, as ``#rrggbb``."""
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def on_dark(color: str, background: str = SLATE_BACKGROUND, minimum: float = 3.0) -> str:
    """``color`` lightened (mixed with white in tenths) until it stands out from a dark ``background`` by at
    least ``minimum`` (3:1: WCAG's contrast for graphics): a dark type colour stays its hue on a dark page."""
    for tenth in range(11):
        lighter = mix(color, "#ffffff", tenth / 10)
        if contrast(lighter, background) >= minimum:
            return lighter
    return "#ffffff"  # pragma: no cover - white always reaches 3:1 on a dark background
