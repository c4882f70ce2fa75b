"""What the caches are keyed by besides their inputs: the generator's own version (a hash of its files), and the
folder they live in. A module of its own, so that ``faultlines check`` reads its cache without importing MkDocs
(generator/page_cache.py, which keys the pages, does)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

CACHE_DIR = ".cache/fault-lines"
_GENERATOR = Path(__file__).resolve().parent


def files_digest(folders: Iterable[Path], patterns: tuple[str, ...]) -> str:
    """A hash of the names and bytes of every file matching ``patterns`` under ``folders``."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for pattern in patterns:
            for path in sorted(folder.rglob(pattern)):
                if path.is_file() and "__pycache__" not in path.parts:
                    digest.update(f"{path.relative_to(folder).as_posix()}\0".encode())
                    digest.update(path.read_bytes())
    return digest.hexdigest()


# every kind of file the generator reads (its code, templates, map data, share cards' fonts); its licence notes
# (*.md) are not read
CODE_PATTERNS = ("*.py", "*.j2", "*.json", "*.css", "*.js", "*.ttf")


@functools.cache
def generator_digest() -> str:
    """A hash of this generator's code, templates and data files (its version, edits included)."""
    return files_digest([_GENERATOR], CODE_PATTERNS)
