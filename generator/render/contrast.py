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
