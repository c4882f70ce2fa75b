"""``faultlines check``'s text output, in the manner of rustc and ruff: each problem's ``path:line:col: severity
CODE message`` line (the form editors and CI parse), then the source line with a caret under the column, a
``help:`` line and a link to the code's entry on the Error codes page. Colour only on a terminal.

A problem about a whole file (its name, its folder, a duplicate id) is shown at its first line, never ``:0:0``;
a file that is gone (an id removed since ``--base``, a missing vocabulary) is named without a position."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import IO

from generator.codes import CODES, code_url
from generator.diagnostics import Diagnostic, one_line, summary

MAX_SNIPPET_FILE = 1_000_000  # bytes; a larger file is not read again for its lines
_KEY = re.compile(r"(?:\"[^\"]*\"|'[^']*'|[^\s:#\"'][^:#]*?)(?=:(?:\s|$))")
_COMMENT = re.compile(r"\s+#")

_STYLES = {
    "error": "\033[1;31m",
    "warning": "\033[1;33m",
    "bold": "\033[1m",
    "gutter": "\033[1;34m",
    "help": "\033[1;36m",
    "reset": "\033[0m",
}


def use_color(choice: str, stream: IO[str]) -> bool:
    """``--color always|never|auto``: auto is a terminal, unless NO_COLOR is set or TERM is dumb."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Sources:
    """The lines of each file shown, read once (``None`` when it is missing, too large or not UTF-8 text)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            self._lines[path] = self._read(path)
        return self._lines[path]

    def exists(self, path: str) -> bool:
        return os.path.lexists(self.root / path)

    def _read(self, path: str) -> list[str] | None:
        full = self.root / path
        try:
            if full.is_symlink() or not full.is_file() or full.stat().st_size > MAX_SNIPPET_FILE:
                return None
            text = full.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None
        return [line.rstrip("\r") for line in text.split("\n")]


def _width(text: str) -> int:
    """Columns a terminal gives ``text`` (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _span(line: str, column: int, diagnostic: Diagnostic) -> int:
    """How many characters the caret underlines: the given end, else the key or the value at ``column``."""
    if diagnostic.end_line == diagnostic.line and diagnostic.end_column > diagnostic.column:
        return diagnostic.end_column - diagnostic.column
    rest = line[column - 1 :]
    if diagnostic.code in ("FL102", "FL108"):  # the parser's position: one character
        return 1
    key = _KEY.match(rest)
    if key and diagnostic.code in ("FL101", "FL301", "FL302"):  # problems about a key (or its mapping)
        return max(1, len(key.group()))
    comment = _COMMENT.search(rest)
    value = (rest[: comment.start()] if comment else rest).rstrip()
    return max(1, len(value))


def format_pretty(items: list[Diagnostic], root: Path, color: bool = False, note: str = "") -> str:
    """Every problem with its source line, caret, help and link, then the summary line."""
    style: Callable[[str, str], str] = (
        (lambda name, text: f"{_STYLES[name]}{text}{_STYLES['reset']}") if color else (lambda _, text: text)
    )
    sources = _Sources(root)
    out: list[str] = []
    for d in items:
        lines = sources.lines(d.path)
        line, column = d.line, d.column
        if not line and lines is not None:
            line, column = 1, 1  # a whole-file problem: shown at the file's first line
        where = f"{one_line(d.path)}:{line}:{column}" if line else one_line(d.path)
        out.append(f"{style('bold', where + ':')} {style(d.severity, d.severity)} {style('bold', d.code)} "
                   f"{one_line(d.message)}")  # fmt: skip
        if lines is not None and 1 <= line <= len(lines):
            text = lines[line - 1]
            number = str(line)
            pad = " " * len(number)
            shown = one_line(text.replace("\t", " "))
            out.append(style("gutter", f" {pad} |"))
            out.append(f"{style('gutter', f' {number} |')} {shown}")
            if d.line and column >= 1:
                start = _width(one_line(text[: column - 1].replace("\t", " ")))
                length = _width(one_line(text[column - 1 : column - 1 + _span(text, column, d)]))
                out.append(
                    f"{style('gutter', f' {pad} |')} {' ' * start}{style(d.severity, '^' * max(1, length))}"
                )
        gutter = " " * (len(str(line)) + 1) if line else " "
        if d.hint:
            out.append(f"{gutter} {style('help', '= help:')} {one_line(d.hint)}")
        if d.code in CODES:
            out.append(f"{gutter} {style('help', '= see:')} {code_url(d.code)}")
    out.append(summary(items) + note)
    return "\n".join(out) + "\n"
