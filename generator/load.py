"""Stage 1, load: find content files, split front matter from body, compose YAML with line and column.

Values are resolved the YAML 1.2 (core schema) way, so ``NO``, ``on`` and ``12:30`` stay text and dates stay
as written; explicit tags and aliases are refused, duplicate keys reported at the second key.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import marshal
import multiprocessing
import os
import re
import stat
import sys
import threading
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from generator import yaml_errors
from generator.diagnostics import Diagnostic
from generator.pools import fork_pool

try:  # the C parser is many times faster; the pure-Python one behaves the same
    from yaml.cyaml import CParser

    class _ComposeLoader(CParser, yaml.resolver.BaseResolver):
        """Composes nodes without resolving implicit types (YAML 1.2 resolution is done here)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)

except ImportError:  # pragma: no cover - depends on how PyYAML was built

    class _ComposeLoader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        yaml.resolver.BaseResolver,
    ):
        """Pure-Python fallback of the composer above."""

        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.BaseResolver.__init__(self)


# The composer calls three resolver hooks for every node, as Python methods. BaseResolver has no implicit
# or path resolvers, so they have nothing to decide, and C functions that ignore their arguments take their
# place (the method calls were about a tenth of composing). An untagged node is given the tag of text
# whatever its kind: only whether a tag is one of ``_STANDARD_TAGS`` is ever looked at, and an explicit tag
# (``!!python/object``) is not resolved, so it is still reported.
_ComposeLoader.resolve = "tag:yaml.org,2002:str".format  # type: ignore[assignment] # ignores extra arguments
_ComposeLoader.descend_resolver = {}.get  # type: ignore[assignment] # (parent, index): nothing recorded
_ComposeLoader.ascend_resolver = int  # type: ignore[assignment] # (): nothing to undo

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 20
MAX_ALIAS_REPORTS = 10
KINDS = ("incident", "actor", "place", "vocabulary")

Pos = tuple[int, int]
KeyPath = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True)
class Document:
    """One content file after loading: its front matter as plain values, with positions, and its body."""

    path: str  # relative to the project root, with forward slashes
    kind: str
    id: str
    data: dict[str, Any] | None
    body: str = ""
    body_line: int = 1
    refused: frozenset[KeyPath] = frozenset()
    """Key paths whose value the loader refused (a tag, an alias, too deep): already reported, so later
    stages say nothing more about them. ``data`` is ``None`` when the file could not be read at all."""
    front: str = ""
    """The YAML text the data came from, and the number of lines before it in the file: positions are only
    wanted for the few values a diagnostic points at, so they are worked out from it when first asked for
    (recording one for every key and value of every file was a third of the load time)."""
    front_line_offset: int = 0

    @cached_property
    def _positions(self) -> tuple[dict[KeyPath, Pos], dict[KeyPath, Pos]]:
        """(value positions, key positions) by key path, from composing the front matter again."""
        if not self.front:  # the file was not read, or was not YAML
            return {}, {}
        composed = compose(self.front, self.path, self.front_line_offset, [], positions=True)
        assert composed is not None  # it composed once, when the document was loaded
        builder = composed[1]
        return builder.values, builder.keys

    @property
    def value_positions(self) -> dict[KeyPath, Pos]:
        """(line, column) of every value by key path."""
        return self._positions[0]

    @property
    def key_positions(self) -> dict[KeyPath, Pos]:
        """(line, column) of every mapping key by key path."""
        return self._positions[1]

    def position(self, keypath: KeyPath) -> Pos:
        """The best position for a problem at ``keypath``: the value, else the key, else its parent."""
        values, keys = self._positions
        while True:
            if keypath in values:
                return values[keypath]
            if keypath in keys:
                return keys[keypath]
            if not keypath:
                return (1, 1)
            keypath = keypath[:-1]

    def key_position(self, keypath: KeyPath) -> Pos:
        """The position of the key naming ``keypath`` (falls back to the value)."""
        return self.key_positions.get(keypath) or self.position(keypath)


_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NOT_ALWAYS_TEXT = frozenset("0123456789+-.~nNtTfF")
_WORD_STARTS = frozenset("nNtTfF")
_STANDARD_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


def resolve_plain(text: str) -> Any:
    """Resolve a plain (unquoted) scalar by the YAML 1.2 core schema; everything else stays text."""
    if text and text[0] not in _NOT_ALWAYS_TEXT:  # fast path: no null, bool or number starts this way
        return text
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text[0] in _WORD_STARTS:  # a word that is not one of those: no number starts with a letter
        return text
    try:
        if _INT.match(text):
            return int(text)
        if _OCT.match(text):
            return int(text[2:], 8)
        if _HEX.match(text):
            return int(text[2:], 16)
    except ValueError:  # more digits than Python converts (4300): no field wants such a number
        return text
    if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
        return float(text)
    lowered = text.lower()
    if lowered in {".inf", "+.inf", "-.inf", ".nan"}:
        return float(lowered.replace(".", ""))
    return text


class _Builder:
    """Turns composed YAML nodes into plain Python values, recording where each key and value came from."""

    def __init__(self, path: str, line_offset: int, problems: list[Diagnostic], text: str = "") -> None:
        self.path = path
        self.line_offset = line_offset
        self.problems = problems
        self.text = text
        self.seen: set[int] = set()
        self.values: dict[KeyPath, Pos] = {}
        self.keys: dict[KeyPath, Pos] = {}
        self.refused: set[KeyPath] = set()
        self.aliases_reported = False
        self.may_alias = "*" in text or not text

    def pos(self, node: yaml.Node) -> Pos:
        return self.mark_position(node.start_mark)

    def mark_position(self, mark: Any) -> Pos:
        """(line, column) of a YAML mark in the file, 1-based."""
        return (mark.line + 1 + self.line_offset, mark.column + 1)

    def error(self, node: yaml.Node, code: str, message: str, hint: str = "") -> None:
        line, col = self.pos(node)
        self.problems.append(Diagnostic(self.path, line, col, code, message, hint))

    def build(self, node: yaml.Node, keypath: KeyPath = (), depth: int = 0) -> Any:
        # a node is reached twice only through an alias, and an alias needs a '*' in the text
        if self.may_alias:
            if id(node) in self.seen:
                self.refused.add(keypath)
                self.report_aliases()
                return None
            self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.refused.add(keypath)
            self.error(node, "FL114", f"the YAML nests more than {MAX_DEPTH} levels deep")
            return None
        if node.tag not in _STANDARD_TAGS:
            self.refused.add(keypath)
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.error(node, "FL109", f"YAML tag '{tag}' is not allowed; content is data, never code")
            return None
        mark = node.start_mark
        self.values[keypath] = (mark.line + 1 + self.line_offset, mark.column + 1)
        cls = node.__class__
        if cls is yaml.ScalarNode:
            return resolve_plain(node.value) if not node.style else node.value
        if cls is yaml.SequenceNode:
            return [self.build(item, (*keypath, i), depth + 1) for i, item in enumerate(node.value)]
        return self.build_mapping(node, keypath, depth)

    def report_aliases(self) -> None:
        """One FL110 at each ``*alias`` of the text (composed nodes do not say where their aliases are)."""
        if self.aliases_reported:
            return
        self.aliases_reported = True
        aliases = [e for e in yaml.parse(self.text, Loader=_ComposeLoader) if isinstance(e, yaml.AliasEvent)]
        for event in aliases[:MAX_ALIAS_REPORTS]:
            line, column = self.mark_position(event.start_mark)
            self.problems.append(
                Diagnostic(
                    self.path,
                    line,
                    column,
                    "FL110",
                    f"YAML alias '*{event.anchor}' is not allowed",
                    "write the value out in full instead of using anchors (&) and aliases (*)",
                )
            )
        if len(aliases) > MAX_ALIAS_REPORTS:
            line, column = self.mark_position(aliases[MAX_ALIAS_REPORTS].start_mark)
            self.problems.append(
                Diagnostic(
                    self.path,
                    line,
                    column,
                    "FL110",
                    f"{len(aliases) - MAX_ALIAS_REPORTS} more YAML aliases from here on are not allowed",
                )
            )

    def build_mapping(self, node: yaml.MappingNode, keypath: KeyPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                self.error(
                    key_node, "FL303", "a key must be plain text, not a list, a mapping or a tagged value"
                )
                continue
            key = key_node.value
            child = (*keypath, key)
            if key in result:
                first = self.keys[child][0]
                self.error(
                    key_node,
                    "FL101",
                    f"duplicate key '{key}' (first defined on line {first})",
                    "remove one of the two keys; YAML would silently keep only one value",
                )
                continue
            mark = key_node.start_mark
            self.keys[child] = (mark.line + 1 + self.line_offset, mark.column + 1)
            result[key] = self.build(value_node, child, depth + 1)
        return result


class _Unusual(Exception):
    """Raised by the plain builder at anything ``_Builder`` has to report or refuse."""


_ScalarNode, _SequenceNode = yaml.ScalarNode, yaml.SequenceNode


def _plain_value(node: yaml.Node, depth: int) -> Any:
    """The plain value of a node, like ``_Builder.build`` but without positions and without diagnostics.

    Nearly every file has nothing to report, and then values are all a check needs: this walk does no
    bookkeeping and resolves scalars inline, so it costs a fraction of ``_Builder``. At the first thing the
    builder would report or refuse (a tag, a non-text key, a duplicate key, deep nesting) it raises
    ``_Unusual`` and the caller runs ``_Builder`` from the start, so what is reported never differs."""
    cls = node.__class__
    if node.tag not in _STANDARD_TAGS:
        raise _Unusual
    if cls is _ScalarNode:
        text = node.value
        return text if node.style or (text and text[0] not in _NOT_ALWAYS_TEXT) else resolve_plain(text)
    if depth >= MAX_DEPTH:  # its items would be nested deeper than allowed (or nearly): let _Builder judge
        raise _Unusual
    depth += 1
    if cls is _SequenceNode:
        items = []
        for item in node.value:  # text items (places, tags) inline, as mapping values below
            if item.__class__ is _ScalarNode and item.tag in _STANDARD_TAGS:
                text = item.value
                plain = text and text[0] not in _NOT_ALWAYS_TEXT
                items.append(text if item.style or plain else resolve_plain(text))
            else:
                items.append(_plain_value(item, depth))
        return items
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.__class__ is not _ScalarNode or key_node.tag not in _STANDARD_TAGS:
            raise _Unusual
        key = key_node.value
        if key in result:
            raise _Unusual
        if value_node.__class__ is _ScalarNode and value_node.tag in _STANDARD_TAGS:
            text = value_node.value
            result[key] = (
                text
                if value_node.style or (text and text[0] not in _NOT_ALWAYS_TEXT)
                else resolve_plain(text)
            )
        else:
            result[key] = _plain_value(value_node, depth)
    return result


# YAML 1.1 (PyYAML) breaks lines at these too, which would silently change a value and shift every line number
_EXTRA_BREAKS = re.compile("[\x85\u2028\u2029]")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


def _offset_position(line_starts: list[int], offset: int, line_offset: int) -> Pos:
    index = bisect.bisect_right(line_starts, offset) - 1
    return (index + 1 + line_offset, offset - line_starts[index] + 1)


def compose(
    text: str, path: str, line_offset: int, problems: list[Diagnostic], positions: bool = False
) -> tuple[Any, _Builder] | None:
    """Parse YAML text into plain values; ``None`` (and a diagnostic) when it is not YAML.

    The builder returned holds what the loader refused, and with ``positions`` (or when there was something
    to report) the position of every key and value; otherwise those are left empty, see ``Document``."""
    extra_break = _EXTRA_BREAKS.search(text)
    if extra_break:
        line, column = _offset_position(_line_starts(text), extra_break.start(), line_offset)
        problems.append(
            Diagnostic(
                path,
                line,
                column,
                "FL102",
                f"invisible line-break character U+{ord(extra_break.group()):04X} is not allowed here",
                "delete it, or replace it with a space or a real line break",
            )
        )
        return None
    builder = _Builder(path, line_offset, problems, text)
    loader = _ComposeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = yaml_errors.position(exc)
        line, column = builder.mark_position(mark) if mark else (line_offset + 1, 1)
        if mark and text[mark.index : mark.index + 1] == "\t":
            # reported only where the parser stumbles: a tab inside a `|` block of text is fine
            indenting = not text[text.rfind("\n", 0, mark.index) + 1 : mark.index].strip(" ")
            problems.append(
                Diagnostic(
                    path,
                    line,
                    column,
                    "FL108",
                    f"tab used for {'indentation' if indenting else 'spacing'}; YAML allows only spaces",
                    "replace the tab with spaces",
                )
            )
            return None
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        problems.append(
            Diagnostic(
                path, line, column, "FL102", f"invalid YAML: {problem}{context}", yaml_errors.hint(exc, text)
            )
        )
        return None
    except yaml.reader.ReaderError as exc:  # control characters
        line, column = _offset_position(_line_starts(text), exc.position, line_offset)
        character = exc.character if isinstance(exc.character, str) else chr(exc.character or 0)
        problems.append(
            Diagnostic(
                path,
                line,
                column,
                "FL102",
                f"invalid YAML: control character U+{ord(character):04X} is not allowed",
                "delete the invisible character (it often comes from copying text out of a PDF)",
            )
        )
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - every other error of PyYAML carries a mark
        problems.append(Diagnostic(path, line_offset + 1, 1, "FL102", f"invalid YAML: {exc}"))
        return None
    finally:
        loader.dispose()
    if node is None:
        return None, builder
    if not positions and not builder.may_alias:  # an alias needs a '*'; _Builder refuses and reports it
        try:
            return _plain_value(node, 0), builder
        except _Unusual:
            pass
    return builder.build(node), builder


def decode(raw: bytes, path: str, problems: list[Diagnostic]) -> str | None:
    """UTF-8 text with BOM and CRLF accepted; a diagnostic for NUL bytes and other encodings."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        problems.append(
            Diagnostic(
                path,
                1,
                1,
                "FL106",
                "the file is saved as UTF-16 or UTF-32, not UTF-8",
                "re-save the file as UTF-8",
            )
        )
        return None
    if b"\x00" in raw:
        line, column = _byte_position(raw, raw.index(b"\x00"))
        problems.append(
            Diagnostic(
                path,
                line,
                column,
                "FL107",
                "the file contains a NUL byte",
                "save the file as UTF-8 text (not UTF-16 or binary)",
            )
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        problems.append(
            Diagnostic(
                path,
                line,
                column,
                "FL106",
                f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                "re-save the file as UTF-8",
            )
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _byte_position(raw: bytes, offset: int) -> Pos:
    """(line, column) of a byte offset, the column counted in characters as an editor shows it."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    before = raw[line_start:offset].decode("utf-8", errors="replace")
    if line_start == 0:
        before = before.removeprefix("\ufeff")
    return raw.count(b"\n", 0, offset) + 1, len(before) + 1


_FENCE = re.compile(r"^---[ \t]*$")


def split_front_matter(text: str, path: str, problems: list[Diagnostic]) -> tuple[str, str, int] | None:
    """Split ``---`` front matter from the body: (yaml text, body, body start line).

    The closing fence is looked for where a line starts with ``---`` (a substring search), not by matching
    every line of the file (which was most of this function's time)."""
    first_end = text.find("\n")
    if not _FENCE.match(text if first_end == -1 else text[:first_end]):
        problems.append(
            Diagnostic(
                path,
                1,
                1,
                "FL103",
                "the file does not start with front matter ('---')",
                "the first line must be '---', followed by the fields and a closing '---'",
            )
        )
        return None
    start = first_end  # the line break before a line that may be the closing fence
    while start != -1 and (start := text.find("\n---", start)) != -1:
        end = text.find("\n", start + 1)
        if _FENCE.match(text[start + 1 : end if end != -1 else len(text)]):
            body = text[end + 1 :] if end != -1 else ""
            return text[first_end + 1 : start], body, text.count("\n", 0, start) + 3
        start += 1
    problems.append(
        Diagnostic(
            path, 1, 1, "FL104", "the front matter is never closed", "add a line '---' after the last field"
        )
    )
    return None


def _stem(relative: str) -> str:
    """``PurePosixPath(relative).stem``: the file name without its last suffix."""
    name = relative.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def load_file(root: Path, relative: str, kind: str, problems: list[Diagnostic]) -> Document:
    """Load one content file; problems go to ``problems``, and ``data`` is ``None`` when nothing is usable."""
    full = os.path.join(root, relative)  # text, not Path: this runs for every file
    stem = _stem(relative)
    unreadable = Document(relative, kind, stem, None)  # still counts as an id, so others' links do not break
    status = os.stat(full)
    if not stat.S_ISREG(status.st_mode):  # a FIFO or a device would block or never end
        problems.append(Diagnostic(relative, 0, 0, "FL102", "cannot read the file: it is not a regular file"))
        return unreadable
    size = status.st_size
    if size > MAX_FILE_BYTES:
        problems.append(
            Diagnostic(
                relative,
                1,
                1,
                "FL111",
                f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                "split the text; a single entry should never need this much",
            )
        )
        return unreadable
    with open(full, "rb") as file:
        raw = file.read()
    text = decode(raw, relative, problems)
    if text is None:
        return unreadable
    if kind == "vocabulary":
        front, body, body_line, offset = text, "", 1, 0
    else:
        parts = split_front_matter(text, relative, problems)
        if parts is None:
            return unreadable
        front, body, body_line = parts
        offset = 1
    composed = compose(front, relative, offset, problems)
    dropped: set[KeyPath] = set()
    if composed is None:  # a syntax error: read the rest without the broken field (yaml_errors.recover)
        recovered = yaml_errors.recover(front, relative, offset, problems, compose)
        if recovered is None:
            return Document(relative, kind, stem, None, body, body_line)
        composed, front, dropped = recovered
    data, builder = composed
    if not isinstance(data, dict) and () not in builder.refused:
        what = "empty" if data is None else f"a {type(data).__name__}"
        problems.append(
            Diagnostic(
                relative,
                offset + 1 if offset else 1,
                1,
                "FL105",
                f"the {'file' if kind == 'vocabulary' else 'front matter'} is {what}, "
                "not a mapping of fields",
            )
        )
    if not isinstance(data, dict):
        data = None
    refused = frozenset(builder.refused | dropped)
    return Document(relative, kind, stem, data, body, body_line, refused, front, offset)


def discover(root: Path, problems: list[Diagnostic]) -> Iterator[tuple[str, str]]:
    """Yield (relative path, kind) for every content file under ``root/content``, sorted; report strays."""
    content = root / "content"
    content_real = content.resolve()
    found: list[tuple[str, str]] = []
    for directory, dirnames, filenames in os.walk(content):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(directory)
        # paths are worked out once per folder and joined as text: Path objects for each of 10,000 files
        # were most of this function's time
        prefix = here.relative_to(root).as_posix()
        inside = here.relative_to(content).parts
        for name in [*dirnames, *sorted(filenames)]:
            if name.startswith(".") and (name in dirnames or not _looks_like_content(name)):
                continue  # hidden folders, and hidden files that are not text (.gitkeep, .DS_Store)
            relative = f"{prefix}/{name}"
            if os.path.islink(os.path.join(directory, name)):
                problem = _symlink_problem(here / name, content_real)
                if problem:
                    problems.append(Diagnostic(relative, 0, 0, "FL112", problem))
                    if name in dirnames:
                        dirnames.remove(name)
                    continue
            if name in dirnames:
                continue
            kind = None if name.startswith(".") else classify((*inside, name))
            if kind is None:
                problems.append(Diagnostic(relative, 0, 0, "FL113", *_stray_message((*inside, name))))
                continue
            found.append((relative, kind))
    yield from sorted(found)


_CONTENT_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".yml", ".yaml", ".txt")


def _looks_like_content(name: str) -> bool:
    """Whether a file name ends like a content file (any case): such a file is never silently skipped."""
    return name.lower().endswith(_CONTENT_SUFFIXES)


def _stray_message(parts: tuple[str, ...]) -> tuple[str, str]:
    """(message, hint) of FL113 for a file at ``parts`` inside content/ that is not part of the model."""
    name = parts[-1]
    stem, dot, suffix = name.rpartition(".")
    where = (
        "incidents go in content/incidents/<year>/, actors in content/actors/, places in content/places/, "
        "all as <id>.md files"
    )
    if name.startswith("."):
        return (
            "this file's name starts with '.', so it is hidden and never published",
            f"rename it without the leading dot ({name.lstrip('.')})",
        )
    if dot and stem and suffix.lower() in ("md", "markdown", "mdown", "mkd") and suffix != "md":
        fixed = f"{stem}.md"
        if classify((*parts[:-1], fixed)):
            return (
                f"content files end in '.md' (lowercase), not '.{suffix}': it is not published",
                f"rename it to {fixed}",
            )
    if dot and suffix.lower() in ("yml", "yaml") and parts[0] in ("incidents", "actors", "places"):
        return (
            "content files are Markdown with YAML front matter, not .yml files: it is not published",
            f"rename it to {stem}.md and put its fields between two '---' lines",
        )
    if name.endswith(".md"):
        return "this content file is in the wrong folder and is not published", where
    return "this file is not part of the content model and is not published", where


def _symlink_problem(entry: Path, content_real: Path) -> str | None:
    """Why a symbolic link is not read, or ``None`` when it stays inside content/."""
    try:
        target = entry.resolve(strict=False)
    except (OSError, RuntimeError):  # a loop of links
        return "symbolic link cannot be followed (it loops); it is not read"
    if not target.is_relative_to(content_real):
        return "symbolic link points outside content/; it is not read"
    return None


def classify(parts: tuple[str, ...]) -> str | None:
    """The kind of a file from its path inside content/, or ``None`` for a stray file."""
    if parts == ("vocabulary.yml",):
        return "vocabulary"
    if not parts[-1].endswith(".md"):
        return None
    if parts[0] == "incidents" and len(parts) in (2, 3):
        return "incident"
    if parts[0] == "actors" and len(parts) == 2:
        return "actor"
    if parts[0] == "places" and len(parts) == 2:
        return "place"
    return None


CacheKey = tuple[str, int, int, int, int]
"""(kind, inode, mtime_ns, ctime_ns, size) of a file when it was loaded."""
LoadCache = dict[str, tuple[CacheKey, Document, list[Diagnostic]]]
"""A file's cache key, its Document and the problems it had, by path."""


def _cache_key(root: Path, relative: str, kind: str) -> CacheKey:
    """What ``cache`` compares to tell an unchanged file: its kind, inode, mtime, ctime and size (ctime
    changes when only the permissions do, so a file made unreadable is read again and reported)."""
    status = os.stat(os.path.join(root, relative))
    return (kind, status.st_ino, status.st_mtime_ns, status.st_ctime_ns, status.st_size)


def _is_stale(cache: LoadCache, relative: str, key: CacheKey | str) -> bool:
    """Whether ``relative`` has to be read: it could be stat'ed (``key`` is not a message) and is not in
    ``cache`` as it is now."""
    if isinstance(key, str):
        return False
    hit = cache.get(relative)
    return hit is None or hit[0] != key


PARALLEL_MIN_FILES = 2000
"""From this many content files on, ``load`` reads them in worker processes, one per core: below it,
starting the processes costs more than it saves."""
_CHUNK = 250  # files per task: few enough messages, small enough that the cores share the work evenly


def _load_one(root: Path, relative: str, kind: str) -> tuple[Document | None, list[Diagnostic]]:
    """``load_file`` with its problems; a file that cannot be read is FL102 and no document."""
    problems: list[Diagnostic] = []
    try:
        return load_file(root, relative, kind, problems), problems
    except OSError as exc:
        problems.append(Diagnostic(relative, 0, 0, "FL102", f"cannot read the file: {exc.strerror}"))
        return None, problems


def _load_chunk(root: Path, entries: list[tuple[str, str]]) -> list[tuple[Document | None, list[Diagnostic]]]:
    """``_load_one`` for each (relative path, kind)."""
    return [_load_one(root, relative, kind) for relative, kind in entries]


_FIELDS = tuple(field.name for field in dataclasses.fields(Document))


def _load_chunk_marshalled(
    root: Path, entries: list[tuple[str, str]]
) -> tuple[bytes, list[list[Diagnostic]]]:
    """``_load_chunk`` in a worker process: the documents as one ``marshal`` blob, the problems as they are.

    Sending the documents back is the price of the workers: pickled Documents cost about a third of what
    loading them did; their fields as plain tuples through marshal, a few times less."""
    results = _load_chunk(root, entries)
    documents = [None if d is None else tuple(getattr(d, name) for name in _FIELDS) for d, _ in results]
    return marshal.dumps(documents), [problems for _, problems in results]


def _unmarshal_chunk(
    chunk: tuple[bytes, list[list[Diagnostic]]],
) -> list[tuple[Document | None, list[Diagnostic]]]:
    """The results of ``_load_chunk_marshalled``, as ``_load_chunk`` returns them."""
    documents, problems = marshal.loads(chunk[0]), chunk[1]
    return [
        (None if d is None else Document(*d), found) for d, found in zip(documents, problems, strict=True)
    ]


def _processes(files: int) -> int:
    """How many processes load ``files`` files: one per core for a large tree, where fork is safe to use.

    Workers are forked (they inherit the imported modules, nothing is re-imported) and send back only the
    documents, which are plain values; without fork (Windows; macOS, where it is unsafe) one process."""
    if files < PARALLEL_MIN_FILES or sys.platform == "darwin":
        return 1
    if threading.active_count() > 1:  # forking beside another thread (mkdocs serve's server) is unsafe
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 8))


def _load_all(
    root: Path, entries: list[tuple[str, str]], processes: int
) -> Iterator[tuple[Document | None, list[Diagnostic]]]:
    """``_load_one`` for every entry, in order, in ``processes`` processes, each as soon as it is ready."""
    if processes <= 1 or len(entries) < 2:
        for relative, kind in entries:
            yield _load_one(root, relative, kind)
        return
    chunks = [entries[i : i + _CHUNK] for i in range(0, len(entries), _CHUNK)]
    done = 0
    try:
        with fork_pool(processes) as pool:
            for chunk in pool.map(_load_chunk_marshalled, itertools.repeat(root), chunks):
                results = _unmarshal_chunk(chunk)
                done += 1
                yield from results
    except (BrokenProcessPool, OSError):  # no fork allowed here, or a worker died: this process goes on
        for entry_chunk in chunks[done:]:
            yield from _load_chunk(root, entry_chunk)


def load(
    root: Path, cache: LoadCache | None = None, processes: int | None = None
) -> tuple[list[Document], list[Diagnostic]]:
    """Load every content file under ``root/content``: the documents and the problems found.

    ``cache`` (optional, kept by the caller across runs, as the MkDocs plugin does across ``mkdocs serve``
    rebuilds) maps each file to its last result; an unchanged file (see ``CacheKey``) is not re-parsed. The
    files to read (all of them without a cache) are read in several processes when there are many
    (``processes``: how many, 1 for this one; by default one per core from ``PARALLEL_MIN_FILES`` files on);
    documents and problems come in the same order either way."""
    problems: list[Diagnostic] = []
    documents = list(load_iter(root, problems, cache, processes))
    return documents, problems


def load_iter(
    root: Path, problems: list[Diagnostic], cache: LoadCache | None = None, processes: int | None = None
) -> Iterator[Document]:
    """``load``, one document at a time as it is ready, its problems appended to ``problems`` meanwhile.

    A caller that works on each document as it comes (the check does) overlaps with the worker processes
    still reading the rest; ``problems`` is complete once the iterator is exhausted."""
    if not (root / "content").is_dir():
        problems.append(
            Diagnostic(
                f"{root.as_posix().rstrip('/')}/content",
                0,
                0,
                "FL113",
                "there is no content/ folder here",
                "run the command from the project root, or pass the root: faultlines check PATH",
                severity="error",  # nothing was checked: never a success
            )
        )
        return
    entries = list(discover(root, problems))
    if cache is None:
        for document, found in _load_all(root, entries, processes or _processes(len(entries))):
            problems.extend(found)
            if document is not None:
                yield document
        return
    keys: dict[str, CacheKey | str] = {}  # a file's key, or why it could not be stat'ed
    for relative, kind in entries:
        try:
            keys[relative] = _cache_key(root, relative, kind)
        except OSError as exc:
            keys[relative] = f"cannot read the file: {exc.strerror}"
    # the files not in the cache (all of them at the first build) are read like an uncached tree: by several
    # processes when there are many
    stale = [(r, k) for r, k in entries if _is_stale(cache, r, keys[r])]
    fresh = _load_all(root, stale, processes or _processes(len(stale)))
    try:
        for relative, _ in entries:
            key = keys[relative]
            if isinstance(key, str):
                problems.append(Diagnostic(relative, 0, 0, "FL102", key))
                continue
            if _is_stale(cache, relative, key):
                document, found = next(fresh)
                if document is None:  # unreadable: reported, not remembered, read again next time
                    problems.extend(found)
                    cache.pop(relative, None)
                    continue
                cache[relative] = (key, document, found)
            _, document, found = cache[relative]
            problems.extend(found)
            yield document
    finally:
        fresh.close()  # the worker processes end as soon as the loop does, even when it is left early
    for gone in cache.keys() - keys.keys():  # deleted or renamed files
        del cache[gone]
