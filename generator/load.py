"""Stage 1, load: find content files, split front matter from body, compose YAML with line and column.

Values are resolved the YAML 1.2 (core schema) way, so ``NO``, ``on`` and ``12:30`` stay text and dates stay as
written; explicit tags and aliases are refused, duplicate keys reported at the second key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import Diagnostic

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


MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 20
KINDS = ("incident", "actor", "place", "vocabulary")

Pos = tuple[int, int]
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """One content file after loading: its front matter as plain values, with positions, and its body."""

    path: str  # relative to the project root, with forward slashes
    kind: str
    id: str
    data: dict[str, Any] | None
    body: str = ""
    body_line: int = 1
    value_positions: dict[KeyPath, Pos] = field(default_factory=dict)
    key_positions: dict[KeyPath, Pos] = field(default_factory=dict)

    def position(self, keypath: KeyPath) -> Pos:
        """The best position for a problem at ``keypath``: the value, else the key, else its parent."""
        while True:
            if keypath in self.value_positions:
                return self.value_positions[keypath]
            if keypath in self.key_positions:
                return self.key_positions[keypath]
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
_STANDARD_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


def resolve_plain(text: str) -> Any:
    """Resolve a plain (unquoted) scalar by the YAML 1.2 core schema; everything else stays text."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
        return float(text)
    lowered = text.lower()
    if lowered in {".inf", "+.inf", "-.inf", ".nan"}:
        return float(lowered.replace(".", ""))
    return text


class _Builder:
    """Turns composed YAML nodes into plain Python values, recording where each key and value came from."""

    def __init__(self, path: str, line_offset: int, problems: list[Diagnostic]) -> None:
        self.path = path
        self.line_offset = line_offset
        self.problems = problems
        self.seen: set[int] = set()
        self.values: dict[KeyPath, Pos] = {}
        self.keys: dict[KeyPath, Pos] = {}

    def pos(self, node: yaml.Node) -> Pos:
        return (node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)

    def error(self, node: yaml.Node, code: str, message: str, hint: str = "") -> None:
        line, col = self.pos(node)
        self.problems.append(Diagnostic(self.path, line, col, code, message, hint))

    def build(self, node: yaml.Node, keypath: KeyPath = (), depth: int = 0) -> Any:
        if id(node) in self.seen:
            line, col = self.values.get(keypath[:-1], self.pos(node))
            key_line, key_col = self.keys.get(keypath, (line, col))
            self.problems.append(
                Diagnostic(
                    self.path,
                    key_line,
                    key_col,
                    "FL110",
                    "YAML aliases are not allowed (an anchor is reused here)",
                    "write the value out in full",
                )
            )
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.error(node, "FL114", f"the YAML nests more than {MAX_DEPTH} levels deep")
            return None
        if node.tag not in _STANDARD_TAGS:
            self.error(
                node,
                "FL109",
                f"YAML tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed; content is data, never code",
            )
            return None
        self.values[keypath] = self.pos(node)
        if isinstance(node, yaml.ScalarNode):
            return resolve_plain(node.value) if not node.style else node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*keypath, i), depth + 1) for i, item in enumerate(node.value)]
        return self.build_mapping(node, keypath, depth)

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
            self.keys[child] = self.pos(key_node)
            result[key] = self.build(value_node, child, depth + 1)
        return result


def compose(
    text: str, path: str, line_offset: int, problems: list[Diagnostic]
) -> tuple[Any, _Builder] | None:
    """Parse YAML text into plain values with positions; ``None`` (and a diagnostic) when it is not YAML."""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            problems.append(
                Diagnostic(
                    path,
                    number + line_offset,
                    len(line) - len(stripped) + 1,
                    "FL108",
                    "tab used for indentation; YAML allows only spaces",
                    "replace the tab with spaces",
                )
            )
            return None
    loader = _ComposeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        column = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        problems.append(Diagnostic(path, line, column, "FL102", f"invalid YAML: {problem}{context}"))
        return None
    except yaml.YAMLError as exc:  # reader errors (control characters) and the like
        problems.append(Diagnostic(path, line_offset + 1, 1, "FL102", f"invalid YAML: {exc}"))
        return None
    finally:
        loader.dispose()
    builder = _Builder(path, line_offset, problems)
    if node is None:
        return None, builder
    return builder.build(node), builder


def decode(raw: bytes, path: str, problems: list[Diagnostic]) -> str | None:
    """UTF-8 text with BOM and CRLF accepted; a diagnostic for NUL bytes and other encodings."""
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
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
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
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


_FENCE = re.compile(r"^---[ \t]*$")


def split_front_matter(text: str, path: str, problems: list[Diagnostic]) -> tuple[str, str, int] | None:
    """Split ``---`` front matter from the body: (yaml text, body, body start line)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
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
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    problems.append(
        Diagnostic(
            path, 1, 1, "FL104", "the front matter is never closed", "add a line '---' after the last field"
        )
    )
    return None


def load_file(root: Path, relative: str, kind: str, problems: list[Diagnostic]) -> Document | None:
    """Load one content file; problems go to ``problems`` and ``None`` comes back when nothing is usable."""
    full = root / relative
    size = full.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(
            Diagnostic(
                relative, 1, 1, "FL111", f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
            )
        )
        return None
    text = decode(full.read_bytes(), relative, problems)
    if text is None:
        return None
    stem = Path(relative).stem
    if kind == "vocabulary":
        front, body, body_line, offset = text, "", 1, 0
    else:
        parts = split_front_matter(text, relative, problems)
        if parts is None:
            return None
        front, body, body_line = parts
        offset = 1
    composed = compose(front, relative, offset, problems)
    if composed is None:
        return None
    data, builder = composed
    if not isinstance(data, dict):
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
        data = None
    return Document(relative, kind, stem, data, body, body_line, builder.values, builder.keys)


def discover(root: Path, problems: list[Diagnostic]) -> Iterator[tuple[str, str]]:
    """Yield (relative path, kind) for every content file under ``root/content``, sorted; report strays."""
    content = root / "content"
    content_real = content.resolve()
    found: list[tuple[str, str]] = []
    for directory, dirnames, filenames in os.walk(content):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(directory)
        for name in [*dirnames, *filenames]:
            entry = here / name
            if entry.is_symlink():
                target = entry.resolve()
                if not target.is_relative_to(content_real):
                    relative = entry.relative_to(root).as_posix()
                    problems.append(
                        Diagnostic(
                            relative, 0, 0, "FL112", "symbolic link points outside content/; it is not read"
                        )
                    )
                    if name in dirnames:
                        dirnames.remove(name)
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            entry = here / name
            relative = entry.relative_to(root).as_posix()
            if entry.is_symlink() and not entry.resolve().is_relative_to(content_real):
                continue
            kind = classify(entry.relative_to(content).parts)
            if kind is None:
                problems.append(
                    Diagnostic(
                        relative,
                        0,
                        0,
                        "FL113",
                        "this file is not part of the content model and is not published",
                        "incidents go in content/incidents/<year>/, actors in content/actors/, "
                        "places in content/places/, all as .md files",
                    )
                )
                continue
            found.append((relative, kind))
    yield from sorted(found)


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


def load(root: Path) -> tuple[list[Document], list[Diagnostic]]:
    """Load every content file under ``root/content``: the documents and the problems found."""
    problems: list[Diagnostic] = []
    if not (root / "content").is_dir():
        problems.append(
            Diagnostic(
                f"{root.as_posix().rstrip('/')}/content",
                0,
                0,
                "FL113",
                "there is no content/ folder here",
                "run the command from the project root, or pass the root: faultlines check PATH",
            )
        )
        return [], problems
    documents = []
    for relative, kind in discover(root, problems):
        try:
            document = load_file(root, relative, kind, problems)
        except OSError as exc:
            problems.append(Diagnostic(relative, 0, 0, "FL102", f"cannot read the file: {exc.strerror}"))
            continue
        if document is not None:
            documents.append(document)
    return documents, problems
