"""YAML syntax errors a newcomer can act on: a plain-language hint for each of PyYAML's messages, the position
where the mistake starts (an unclosed quote is reported where it opens, not where the file ends), and recovery:
the top-level field holding the mistake is set aside and the rest of the front matter is read, so every other
problem of the file is reported in the same run."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from generator.diagnostics import Diagnostic

# the parser's context when the mistake is where the construct starts, not where the parser gave up
_STARTS_AT_CONTEXT = (
    "while scanning a quoted scalar",
    "while scanning a simple key",
    "while parsing a flow sequence",
    "while parsing a flow mapping",
    "while scanning a block scalar",
)
_TOP_LEVEL_KEY = re.compile(r"^(?:\"[^\"]*\"|'[^']*'|[^\s#\-?:][^:#]*?)\s*:(?:\s|$)")
MAX_RECOVERIES = 10


def position(exc: yaml.MarkedYAMLError) -> Any:
    """The mark to report: where the construct the parser was reading started, for an unclosed quote, bracket
    or key; the parser's own mark otherwise."""
    if exc.context in _STARTS_AT_CONTEXT and exc.context_mark is not None:
        return exc.context_mark
    return exc.problem_mark or exc.context_mark


def hint(exc: yaml.MarkedYAMLError, text: str) -> str:
    """What to do about a YAML syntax error, in plain words."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark
    line = text.splitlines()[mark.line] if mark is not None and mark.line < len(text.splitlines()) else ""
    if "mapping values are not allowed" in problem and mark is not None and ":" not in line[: mark.column]:
        return (
            "this line is indented differently from the fields around it (check the indentation: the fields of "
            "one mapping start in the same column); if it continues the text above, put that text in quotes"
        )
    if "mapping values are not allowed" in problem:
        key = line.split(":", 1)[0].strip()
        return (
            "a ': ' inside a value starts a new field; put the value in quotes: "
            f'{key}: "{line.split(":", 1)[1].strip()}"'
            if ":" in line
            else "a ': ' inside a value starts a new field; put the value in quotes"
        )
    if context == "while scanning a quoted scalar":
        return 'this quote is never closed; add the closing quote (inside "...", write a quote as \\")'
    if "found unknown escape character" in problem:
        return 'inside "double quotes" a backslash starts an escape; write \\\\ for a backslash, or use single quotes'
    if context == "while scanning a simple key" or "could not find expected ':'" in problem:
        return (
            "each line must be 'field: value', a list item '- value', or the indented continuation of a value; "
            "check for a missing ':' or a line indented less than the value it continues"
        )
    if context in ("while parsing a flow sequence", "while parsing a flow mapping"):
        closing = "]" if "sequence" in context else "}"
        return (
            f"this [ or {{ list is not closed with '{closing}', or an item needs quotes (commas and colons)"
        )
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return (
            "check the indentation: the fields of one mapping, and the '- ' items of one list, must start in the "
            "same column (use spaces, two per level)"
        )
    if "did not find expected '-' indicator" in problem:
        return "the items of a list must all start with '- ' in the same column"
    if "cannot start any token" in problem:
        return "a value cannot start with this character (such as @ or `); put the value in quotes"
    if "found a tab character" in problem:
        return "replace the tab with spaces"
    if "expected alphabetic or numeric character" in problem or "found undefined" in problem:
        return "'*' and '&' start YAML aliases; put a value starting with them in quotes"
    if "block scalar" in context or "block scalar" in problem:
        return "after '|' or '>' the text goes on the following lines, indented"
    return "check the quotes, colons and indentation at this line; put text containing ': ' or ' #' in quotes"


def recover(
    front: str,
    path: str,
    line_offset: int,
    problems: list[Diagnostic],
    compose: Callable[..., Any],
) -> tuple[Any, str, set[tuple[str]]] | None:
    """Read the front matter without its broken top-level fields: (composed, the text read, the fields set
    aside), or ``None``. Each syntax error met on the way is reported (they are real ones: a second mistake
    elsewhere in the file)."""
    lines = front.split("\n")
    dropped: set[tuple[str]] = set()
    last = problems[-1] if problems else None
    for _ in range(MAX_RECOVERIES):
        if last is None or last.code != "FL102" or last.path != path or not last.line:
            return None
        if not last.message.startswith("invalid YAML: ") or "control character" in last.message:
            return None  # not a syntax error of the parser: nothing to set aside
        block = _block(lines, last.line - line_offset - 1)
        if block is None:
            return None
        start, end, key = block
        if (key,) in dropped:
            return None
        dropped.add((key,))
        lines[start:end] = [""] * (end - start)  # the same number of lines: positions stay right
        text = "\n".join(lines)
        found: list[Diagnostic] = []
        composed = compose(text, path, line_offset, found)
        problems.extend(d for d in found if d not in problems)
        if composed is not None:
            return (composed, text, dropped) if isinstance(composed[0], dict) and composed[0] else None
        last = found[-1] if found else None
    return None


def _block(lines: list[str], index: int) -> tuple[int, int, str] | None:
    """(first line, line after the last, key) of the top-level field holding line ``index`` (0-based)."""
    if not 0 <= index < len(lines):
        return None
    start = index
    while start >= 0 and not _TOP_LEVEL_KEY.match(lines[start]):
        start -= 1
    if start < 0:
        return None
    end = index + 1
    while end < len(lines) and not _TOP_LEVEL_KEY.match(lines[end]):
        end += 1
    key = lines[start].split(":", 1)[0].strip().strip("\"'")
    return start, end, key
