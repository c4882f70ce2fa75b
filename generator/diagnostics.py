"""Diagnostics are values: every stage returns what it found, and one formatter per output prints them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from generator.codes import CODES, code_url

SEVERITIES = ("error", "warning")


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, at a line and column (1-based; 0 when the whole file is meant)."""

    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    end_line: int = 0
    end_column: int = 0
    severity: str = field(default="")

    def __post_init__(self) -> None:
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code].severity)

    def promoted(self) -> Diagnostic:
        """The same diagnostic as an error (``--strict``)."""
        return Diagnostic(**{**asdict(self), "severity": "error"})


class Diagnostics:
    """Collects diagnostics from every stage of one run."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []

    def add(
        self,
        path: str,
        line: int,
        column: int,
        code: str,
        message: str,
        hint: str = "",
        end: tuple[int, int] = (0, 0),
    ) -> None:
        """Record one problem."""
        self._items.append(Diagnostic(path, line, column, code, message, hint, end[0], end[1]))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        """Record several problems."""
        self._items.extend(items)

    def sorted(self, strict: bool = False) -> list[Diagnostic]:
        """All problems sorted by path, line and column; warnings become errors under ``strict``."""
        items = sorted(set(self._items))
        return [d.promoted() for d in items] if strict else items

    @property
    def has_errors(self) -> bool:
        """True when at least one problem is an error."""
        return any(d.severity == "error" for d in self._items)

    def __len__(self) -> int:
        return len(self._items)


def summary(items: list[Diagnostic]) -> str:
    """``3 errors, 1 warning in 2 files`` (or ``no problems``)."""
    if not items:
        return "no problems found"
    errors = sum(d.severity == "error" for d in items)
    warnings = len(items) - errors
    files = len({d.path for d in items})

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')}"


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with control characters and line breaks shown as escapes (``\\n``, ``\\x07``).

    Messages quote what contributors wrote: a key holding a newline must not start a second, fake problem
    line.
    """
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def line_start_text(text: str) -> str:
    """:func:`one_line` for text that may begin a line of output: a CI runner reads a line that starts (after
    spaces) with ``::`` or ``##[`` as a workflow command, so that first character is escaped too."""
    line = one_line(text)
    body = line.lstrip()
    if body.startswith(("::", "##[")):
        indent = len(line) - len(body)
        line = f"{line[:indent]}\\x{ord(body[0]):02x}{body[1:]}"
    return line


def format_text(items: list[Diagnostic], note: str = "") -> str:
    """``path:line:col: error CODE message`` lines, each hint indented below, then the summary (and ``note``:
    what was left out)."""
    lines = []
    for d in items:
        lines.append(f"{one_line(d.path)}:{d.line}:{d.column}: {d.severity} {d.code} {one_line(d.message)}")
        if d.hint:
            lines.append(f"    hint: {one_line(d.hint)}")
    lines.append(summary(items) + note)
    return "\n".join(lines) + "\n"


def _escape_property(value: str) -> str:
    return (
        _ANNOTATION_CONTROL.sub(lambda m: repr(m.group())[1:-1], value)
        .replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


# controls other than the two line breaks the command syntax encodes: shown as escapes, as in the text format
_ANNOTATION_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _escape_data(value: str) -> str:
    value = _ANNOTATION_CONTROL.sub(lambda m: repr(m.group())[1:-1], value)
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def format_github(items: list[Diagnostic], note: str = "") -> str:
    """GitHub Actions workflow commands, so a pull request shows each problem on its line."""
    lines = []
    for d in items:
        props = [f"file={_escape_property(d.path)}"]
        if d.line:
            props.append(f"line={d.line}")
        if d.column:
            props.append(f"col={d.column}")
        if d.end_line:
            props.append(f"endLine={d.end_line}")
            if d.end_column and d.end_line == d.line:
                props.append(f"endColumn={d.end_column}")
        props.append(f"title={_escape_property(d.code)}")
        message = (
            d.message
            + (f"\n{d.hint}" if d.hint else "")
            + (f"\n{code_url(d.code)}" if d.code in CODES else "")
        )
        lines.append(f"::{d.severity} {','.join(props)}::{_escape_data(message)}")
    lines.append(summary(items) + note)
    return "\n".join(lines) + "\n"


# what JSON leaves raw but a log viewer or terminal may read as a line break or a control: C1 controls (NEL
# among them), LINE and PARAGRAPH SEPARATOR
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029]")


def json_text(value: object) -> str:
    """JSON as the CLI prints it (indented, UTF-8), with every character that could break a log line escaped:
    a string holding ``\n::error …`` stays on its line, as ``\\n::error …``."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def format_json(items: list[Diagnostic], note: str = "") -> str:
    """A JSON list of objects with path, line, column, end, severity, code, message and hint (no summary, so
    ``note`` is not written)."""
    records = [
        {
            "path": d.path,
            "line": d.line,
            "column": d.column,
            "end": {"line": d.end_line, "column": d.end_column} if d.end_line else None,
            "severity": d.severity,
            "code": d.code,
            "name": CODES[d.code].name,
            "message": d.message,
            "hint": d.hint or None,
            "url": code_url(d.code),  # the code's entry on the Error codes page
        }
        for d in items
    ]
    return json_text(records)


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
