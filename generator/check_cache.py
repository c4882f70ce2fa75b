"""``faultlines check``'s cache between runs: each content file's parsed Document and the problems it had, as
``mkdocs serve`` keeps them in memory (load.py's LoadCache), saved in ``.cache/fault-lines/check.marshal``.

A file is read again unless its kind, inode, modification time, change time (both in nanoseconds, set by the
system at every write) and size are those it had when it was read; the whole cache is dropped when the
generator's code or Python's version differs from the one that wrote it (the same key as the page cache's
code part). The cross-file check still runs over every document: only reading and parsing are saved. The file
may be deleted at any time; one that cannot be read is ignored.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import sys
from pathlib import Path
from typing import Any

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
    """The cache the last check of ``root`` left, or an empty one."""
    try:
        version, entries = marshal.loads(path(root).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if version != _version() or not isinstance(entries, dict):
        return {}
    cache: LoadCache = {}
    try:
        for relative, (key, document, problems) in entries.items():
            cache[relative] = (
                tuple(key),
                Document(**dict(zip(_DOCUMENT, document, strict=True))),
                [Diagnostic(**dict(zip(_DIAGNOSTIC, p, strict=True))) for p in problems],
            )  # type: ignore[assignment]
    except (TypeError, ValueError):
        return {}
    return cache


def write(root: Path, cache: LoadCache) -> None:
    """Save ``cache`` for the next check (atomically; a cache that cannot be written is only slower)."""
    entries: dict[str, Any] = {
        relative: (
            key,
            tuple(getattr(document, name) for name in _DOCUMENT),
            [tuple(getattr(p, name) for name in _DIAGNOSTIC) for p in problems],
        )
        for relative, (key, document, problems) in cache.items()
    }
    target = path(root)
    try:
        data = marshal.dumps((_version(), entries))
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{FILE}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
    except (OSError, ValueError):
        pass
