"""Safety rules: no active markup or dangerous URL anywhere in content, with the exact line of each."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from generator.diagnostics import Diagnostic
from generator.load import Document, KeyPath

# Every pattern here meets contributor text, so each runs in time linear in the text: no quantifier can give
# back what it took (possessive ``*+``/``++``, and the classes on either side of an optional part never overlap),
# and tags are scanned once each (see ``_event_handlers``), not from every ``<`` to the end of the text.
# ``tests/test_linear_checks.py`` holds them to it with adversarial inputs of growing size.
_DANGEROUS_TAG = re.compile(
    r"<\s*+(script|iframe|object|embed|style|frame|frameset|applet|base|meta|link)\b", re.IGNORECASE
)
_TAG_START = re.compile(r"<[a-zA-Z]")
_HANDLER = re.compile(r"[\s/\"'](on[a-zA-Z]++)\s*+=", re.IGNORECASE)
_SCHEME = r"(?:j\s*+a\s*+v\s*+a\s*+s\s*+c\s*+r\s*+i\s*+p\s*+t|v\s*+b\s*+s\s*+c\s*+r\s*+i\s*+p\s*+t|d\s*+a\s*+t\s*+a)\s*+:"
_DANGEROUS_URL = re.compile(
    r"(?:\]\(\s*+<?\s*+|\]:\s*+<?\s*+|<\s*+|(?:href|src|action|formaction|xlink:href|srcset|poster)\s*+=\s*+[\"']?\s*+)"
    + _SCHEME,
    re.IGNORECASE,
)
_ENTITY_SCHEME = re.compile(r"(?:href|src)\s*+=\s*+[\"']?\s*+&#", re.IGNORECASE)
# ``//host/path`` borrows the page's scheme and goes to any host: in a link target it is an off-site link that
# looks relative, so it is refused with the other unsafe URLs (the full https:// address is what to write)
_PROTOCOL_RELATIVE = re.compile(
    r"(?:\]\(\s*+<?\s*+|\]:\s*+<?\s*+|(?:href|src|action|formaction|poster)\s*+=\s*+[\"']?\s*+)//",
    re.IGNORECASE,
)


def _event_handlers(text: str) -> Iterator[re.Match[str]]:
    """Each ``on…=`` attribute inside a tag: from a ``<`` and a letter to the next ``>`` (or the end).

    A ``<`` inside a tag does not start another (HTML reads it as part of an attribute), so the scan goes on
    after the tag's ``>``: every character is looked at a bounded number of times, where the old
    ``<[a-zA-Z][^>]*?…`` pattern ran from each ``<a `` to the end of a text without ``>`` (32 s for 40,000)."""
    position = 0
    while (start := _TAG_START.search(text, position)) is not None:
        end = text.find(">", start.end())
        end = len(text) if end == -1 else end
        yield from _HANDLER.finditer(text, start.end(), end)
        position = end + 1


def scan_text(text: str) -> Iterator[tuple[int, int, str]]:
    """(offset, length, description) for each unsafe construct in ``text``."""
    # fast path: every pattern needs one of these (a '<', an '=', or a Markdown link's '](' or ']:')
    if "<" not in text and "=" not in text and "](" not in text and "]:" not in text:
        return
    for match in _DANGEROUS_TAG.finditer(text):
        yield match.start(), len(match.group(0)), f"raw <{match.group(1).lower()}> element"
    for match in _event_handlers(text):
        yield match.start(1), len(match.group(1)), f"event-handler attribute '{match.group(1).lower()}'"
    for match in _DANGEROUS_URL.finditer(text):
        scheme = re.sub(r"\s", "", match.group(0).split("(")[-1].split("=")[-1].lstrip("]:<\"' ")).lower()
        yield match.start(), len(match.group(0)), f"'{scheme}' URL"
    for match in _ENTITY_SCHEME.finditer(text):
        yield match.start(), len(match.group(0)), "URL hidden in character entities"
    for match in _PROTOCOL_RELATIVE.finditer(text):
        yield match.start(), len(match.group(0)), "protocol-relative '//' URL"


def _position(text: str, offset: int, line: int, column: int) -> tuple[int, int]:
    before = text[:offset]
    newlines = before.count("\n")
    if newlines == 0:
        return line, column + offset
    return line + newlines, offset - before.rfind("\n")


def string_values(value: Any, keypath: KeyPath = ()) -> list[tuple[KeyPath, str]]:
    """Every string in ``value`` with its key path, in document order."""
    found: list[tuple[KeyPath, str]] = []
    _collect(value, keypath, found)
    return found


def _collect(value: Any, keypath: KeyPath, found: list[tuple[KeyPath, str]]) -> None:
    # one list and plain calls: nested generators (``yield from``) were a third of this stage in the benchmark
    if isinstance(value, str):
        found.append((keypath, value))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect(item, (*keypath, index), found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect(item, (*keypath, key), found)


def front_matter_text(data: Any) -> str:
    """Every string value of the front matter, one per line: the quick test of the checks of values.

    A pattern that matches inside one value also matches this text (the patterns have no anchors, and a
    line break is neither a word character nor a control character here), so when the text is clean, every
    value is, and the per-value walk with key paths, ten times dearer, is skipped."""
    if not isinstance(data, dict | list):
        return data if isinstance(data, str) else ""
    found: list[str] = []
    _collect_text(data, found)
    return "\n".join(found)


def _collect_text(value: Any, found: list[str]) -> None:
    # the children are looked at in the loop: one call per list or mapping rather than one per value
    for item in value.values() if isinstance(value, dict) else value:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict | list):
            _collect_text(item, found)


def check_document(document: Document, text: str | None = None) -> list[Diagnostic]:
    """Every unsafe construct in the document's front matter values and body.

    ``text``: ``front_matter_text(document.data)``, when the caller has it already."""
    problems = []
    if text is None:
        text = front_matter_text(document.data or {})
    suspect = next(scan_text(text), None) is not None or _has_control(text)
    strings = string_values(document.data or {}) if suspect else []
    for keypath, text in strings:
        for _offset, _length, what in scan_text(text):
            line, column = document.position(keypath)  # only on a hit: most strings are clean
            # scalar positions point at the value start; offsets inside folded text are approximate
            problems.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL501" if "URL" not in what else "FL502",
                    f"{what} is not allowed in content",
                    "remove it; write plain text",
                )
            )
            break
    problems += _control_characters(document, strings)
    for offset, length, what in scan_text(document.body):
        line, column = _position(document.body, offset, document.body_line, 1)
        problems.append(
            Diagnostic(
                document.path,
                line,
                column,
                "FL501" if "URL" not in what else "FL502",
                f"{what} is not allowed in content",
                "remove it; write plain Markdown",
                end_line=line,
                end_column=column + length,
            )
        )
    return problems


# C0 controls (bar tab and newline), DEL and the XML non-characters: invisible, and feeds (XML) cannot hold them.
# YAML escapes ("\a", "\x1b") are the way they reach a value; the loader refuses them written raw.
# Invisible format characters that change how text around them is shown: bidirectional overrides, embeddings,
# isolates and marks (a title or URL that reads differently from what it holds), zero-width spaces, word
# joiners, the byte-order mark and the soft hyphen. The zero-width (non-)joiners, which some scripts and emoji
# need, are allowed.
INVISIBLE_FORMAT = "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_FORMAT = re.compile(f"[{INVISIBLE_FORMAT}]")
_CONTROL = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff{INVISIBLE_FORMAT}]"
)  # C0, C1 but tab, newline
_CONTROL_BYTES = bytes(sorted(set(range(0x20)) - {0x09, 0x0A})) + b"\x7f"


def _has_control(text: str) -> bool:
    """Whether ``_CONTROL`` matches somewhere in ``text``, several times quicker on (common) ASCII text:
    a character class is searched one character at a time, bytes.translate deletes them in one C loop."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _CONTROL_BYTES)) != len(raw)
    return _CONTROL.search(text) is not None


def _control_characters(document: Document, strings: list[tuple[KeyPath, str]]) -> list[Diagnostic]:
    """One FL308 per text (front matter value or body) that holds an invisible control character."""
    found = []
    for keypath, text in [*strings, (None, document.body)]:
        match = _CONTROL.search(text) if _has_control(text) else None
        if match:
            if keypath is None:
                line, column = _position(text, match.start(), document.body_line, 1)
            else:
                line, column = document.position(keypath)
            found.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL308",
                    _invisible(match.group()),
                    "delete it (it often comes from copying text out of a PDF, a web page or a terminal)",
                )
            )
    return found


def _invisible(char: str) -> str:
    if _FORMAT.fullmatch(char):
        name = unicodedata.name(char, "format character")
        return f"invisible format character U+{ord(char):04X} ({name}) is not allowed in text: it changes how text is shown"
    return f"invisible control character U+{ord(char):04X} is not allowed in text"
