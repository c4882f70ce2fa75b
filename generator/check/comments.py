"""Nothing silently dropped: text after `` #`` in an unquoted value is a YAML comment, so
``publisher: Channel #4 News`` publishes "Channel". A ``#`` right after one space and followed by text (not a
space) reads as part of the value, so it is reported (FL115) with the quoted value to write instead."""

from __future__ import annotations

import re

import yaml

from generator.diagnostics import Diagnostic
from generator.load import Document

_SUSPECT = re.compile(r"[^\s#] #[^\s#]")  # one space, '#', then text at once: "Channel #4", "issue #12"
_AFTER = re.compile(r" #([^\s#].*)$")


def check_document(document: Document) -> list[Diagnostic]:
    """FL115 for each unquoted value followed on its line by `` #text`` (a cheap search first: most files
    have none, and are not scanned again)."""
    front = document.front
    if not front or not _SUSPECT.search(front):
        return []
    try:
        tokens = list(yaml.scan(front, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return []  # reported by the loader
    lines = front.split("\n")
    problems = []
    for token in tokens:
        if not isinstance(token, yaml.ScalarToken) or not token.plain:
            continue
        end = token.end_mark
        after = _AFTER.match(lines[end.line][end.column :]) if end.line < len(lines) else None
        if after is None:
            continue
        dropped = after.group(1).rstrip()
        whole = f"{token.value} #{dropped}".replace("\\", "\\\\").replace('"', '\\"')
        problems.append(
            Diagnostic(
                document.path,
                end.line + 1 + document.front_line_offset,
                end.column + 2,
                "FL115",
                f"'#{dropped}' starts a YAML comment and is dropped: the value is '{token.value}'",
                f'put the value in quotes to keep it whole: "{whole}"',
            )
        )
    return problems
