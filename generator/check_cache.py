"""``faultlines check``'s cache between runs, saved in ``.cache/fault-lines/check.marshal``: each content file's
parsed Document and the problems it had, as ``mkdocs serve`` keeps them in memory (load.py's LoadCache), and each
document's own problems (generator/check's Memo: safety, placeholders, comments, bodies, evidence), by a hash
of the document.

A file is read again unless its kind, inode, modification time, change time (both in nanoseconds, set by the
system at every write) and size are those it had when it was read, and its own checks run again unless its text
is the same; the whole cache is dropped when the generator's code or Python's version differs from the one that
wrote it (the same key as the page cache's code part). The checks across files (references, identity, rules,
warnings) run over every document. The file is written only when something in it changed; it may be deleted at
any time, and one that cannot be read is ignored.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from generator.check import Memo
from generator.code_digest import CACHE_DIR, generator_digest
from generator.diagnostics import Diagnostic
from generator.load import Document, LoadCache

FILE = "check.marshal"
_DOCUMENT = tuple(field.name for field in dataclasses.fields(Document))
_DIAGNOSTIC = tuple(field.name for field in dataclasses.fields(Diagnostic))


def _version() -> str:
    return f"{sys.version}\0{generator_digest()}"


def path(root: Path) -> Path:
    return root / CACHE_DIR / FILE


def read(root: Path) -> LoadCache:
    """The parsed files the last check of ``root`` left, or none."""
    return load(root)[0]


def load(root: Path) -> tuple[LoadCache, Memo]:
    """The parsed files and the documents' own problems the last check of ``root`` left, or empty ones."""
    try:
        version, entries, checked = marshal.loads(path(root).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}, {}
    if version != _version() or not isinstance(entries, dict) or not isinstance(checked, dict):
        return {}, {}
    cache: LoadCache = {}
    memo: Memo = {}
    try:
        for relative, (key, document, problems) in entries.items():
            cache[relative] = (
                tuple(key),
                Document(**dict(zip(_DOCUMENT, document, strict=True))),
                [_diagnostic(p) for p in problems],
            )  # type: ignore[assignment]
        for key, problems in checked.items():
            memo[key] = tuple(_diagnostic(p) for p in problems)
    except (TypeError, ValueError):
        return {}, {}
    return cache, memo


def _diagnostic(fields: Any) -> Diagnostic:
    return Diagnostic(**dict(zip(_DIAGNOSTIC, fields, strict=True)))


def _fields(problem: Diagnostic) -> tuple[Any, ...]:
    return tuple(getattr(problem, name) for name in _DIAGNOSTIC)


def state(cache: LoadCache, memo: Memo) -> tuple[frozenset[tuple[str, Any]], frozenset[str]]:
    """What :func:`write` would save, in brief: a check that leaves it as it found it need not write."""
    return frozenset((relative, entry[0]) for relative, entry in cache.items()), frozenset(memo)


def write(root: Path, cache: LoadCache, memo: Memo | None = None) -> None:
    """Save ``cache`` and ``memo`` for the next check (atomically; a cache that cannot be written is only
    slower)."""
    entries: dict[str, Any] = {
        relative: (
            key,
            tuple(getattr(document, name) for name in _DOCUMENT),
            [_fields(p) for p in problems],
        )
        for relative, (key, document, problems) in cache.items()
    }
    checked = {key: [_fields(p) for p in problems] for key, problems in (memo or {}).items()}
    target = path(root)
    try:
        data = marshal.dumps((_version(), entries, checked))
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{FILE}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
    except (OSError, ValueError):
        pass
