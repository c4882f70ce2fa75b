"""What the caches are keyed by besides their inputs: the generator's own version (a hash of its files), and the
folder they live in. A module of its own, so that ``faultlines check`` reads its cache without importing MkDocs
(generator/page_cache.py, which keys the pages, does)."""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

CACHE_DIR = ".cache/fault-lines"
_GENERATOR = Path(__file__).resolve().parent


def files_digest(folders: Iterable[Path], patterns: tuple[str, ...]) -> str:
    """A hash of the names and bytes of every file matching ``patterns`` under ``folders``.

    The files are read again only when one of them was added, removed or written since the last call for the
    same folders (its inode, size, modification or change time differ): ``mkdocs serve`` asks at every rebuild,
    and the theme's templates are hundreds of files."""
    listing: list[tuple[str, str, tuple[int, ...]]] = []  # (pattern, name under its folder, path), stat
    for folder in folders:
        if not folder.is_dir():
            continue
        found = []
        for index, path in _walk(folder, patterns):
            status = os.stat(path)
            if stat.S_ISREG(status.st_mode):
                found.append((index, os.path.relpath(path, folder), path, status))
        for _, relative, path, status in sorted(found, key=lambda item: (item[0], item[2])):
            signature = (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
            listing.append((relative, path, signature))
    memo_key = (tuple(str(folder) for folder in folders), patterns)
    seen = [(path, signature) for _, path, signature in listing]
    known = _DIGESTS.get(memo_key)
    if known is not None and known[0] == seen:
        return known[1]
    digest = hashlib.sha256()
    for relative, path, _ in listing:
        digest.update(f"{Path(relative).as_posix()}\0".encode())
        digest.update(Path(path).read_bytes())
    _DIGESTS[memo_key] = (seen, digest.hexdigest())
    return digest.hexdigest()


_DIGESTS: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[list[tuple[str, tuple[int, ...]]], str]] = {}


def _walk(folder: Path, patterns: tuple[str, ...]) -> list[tuple[int, str]]:
    """Every file under ``folder`` (not in ``__pycache__``) whose name matches one of ``patterns``, with the
    pattern's index. A folder's listing is read again only when the
    folder changed (its modification time moves whenever an entry is added, removed or renamed): the theme's
    folder holds some 14,000 icons, which listing at every rebuild of ``mkdocs serve`` cost more than the rest."""
    paths: list[tuple[int, str]] = []
    pending = [str(folder)]
    while pending:
        top = pending.pop()
        changed = os.stat(top).st_mtime_ns
        known = _LISTINGS.get((top, patterns))
        if known is None or known[0] != changed:
            files, folders = [], []
            with os.scandir(top) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            folders.append(entry.path)
                        continue
                    for index, pattern in enumerate(patterns):
                        if fnmatch.fnmatchcase(entry.name, pattern):
                            files.append((index, entry.path))
                            break
            known = _LISTINGS[(top, patterns)] = (changed, files, folders)
        paths.extend(known[1])
        pending.extend(known[2])
    return paths


_LISTINGS: dict[tuple[str, tuple[str, ...]], tuple[int, list[tuple[int, str]], list[str]]] = {}


# every kind of file the generator reads (its code, templates, map data, share cards' fonts); its licence notes
# (*.md) are not read
CODE_PATTERNS = ("*.py", "*.j2", "*.json", "*.css", "*.js", "*.ttf")


@functools.cache
def generator_digest() -> str:
    """A hash of this generator's code, templates and data files (its version, edits included)."""
    return files_digest([_GENERATOR], CODE_PATTERNS)
