"""An input-keyed cache of the generated pages as MkDocs builds them: reused by ``mkdocs serve`` rebuilds (in
memory) and by the next ``mkdocs build`` (on disk, in ``.cache/fault-lines/``, which may be deleted at any time).

MkDocs builds each page in two steps, and each has its own key:

1. **Conversion** (Markdown → HTML, its table of contents, title and anchors, its search entries). Its key is a
   hash of the site's key (:func:`site_key`) and the page's own inputs: its path, its URL and its whole
   generated Markdown, which already holds everything of the chronology the page shows (its record, the names
   and titles of what it links to). An incident page's Markdown is stood for by its memo key (the key of
   everything its Markdown is made from, generator/render/memo.py), so that a page whose conversion is here is
   not read at all. The links MkDocs resolved while converting are kept with the entry and
   looked up again before it is used: a page linking to a file that was since added or removed is converted
   again.
2. **Output** (the theme's template around the converted page). Its key adds what the theme shows besides the
   page: the navigation (:func:`nav_signature`), the page's neighbours and sections, its edit link and date.

The site's key covers the rest: the versions of Python, MkDocs, Material, Markdown and this generator (a hash of
its source files), the configuration as MkDocs resolved it (mkdocs.yml, ``serve``'s address included), and
every template of the theme. Any change to one of them is a new key and so a new namespace (a folder): an entry
is found only by the hash of every input it was made from, and a stale one can never be served.

A conversion that logged anything (a link MkDocs could not resolve, ...) is not cached, so that every build
says it again. Entries are compressed JSON in one SQLite file per site key (``<site key>/entries.sqlite``), each
stored with its key, which is checked when it is read back; a page's HTML and templated output are read only
when the build needs them. A build keeps the entries it used and removes the others of its namespace, and
namespaces unused for a week are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import orjson
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from generator.code_digest import CACHE_DIR as CACHE_DIR
from generator.code_digest import files_digest as _files_digest
from generator.code_digest import generator_digest

FORMAT = 2  # the layout of an entry; a new layout is a new key
UNUSED_NAMESPACE_DAYS = 7
_PACKAGES = (
    "mkdocs",
    "properdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "markupsafe",
    "pygments",
)
_Entry = dict[str, Any]
DB_NAME = "entries.sqlite"
_TEXTS = ("content", "output")  # an entry's large texts, read only when needed (PageCache.text)


def _pack(label: str, value: Any) -> bytes:
    """``value`` as stored: JSON after its label (the entry's key, and which text), compressed. The label is
    checked when it is read back, so a value copied from another entry is never taken for this one."""
    return zlib.compress(label.encode() + b"\n" + orjson.dumps(value), 1)


def _labelled(label: str, blob: bytes) -> bool:
    """Whether ``blob`` was packed under ``label`` (only its first bytes are decompressed)."""
    expected = label.encode() + b"\n"
    try:
        return zlib.decompressobj().decompress(blob, len(expected)) == expected
    except zlib.error:
        return False


def _pack_text(label: str, text: str) -> bytes:
    """A large text as stored: its UTF-8 after its label, compressed (no JSON to escape and parse)."""
    return zlib.compress(label.encode() + b"\n" + text.encode("utf-8", "surrogatepass"), 1)


def _unpack_text(label: str, blob: Any) -> str | None:
    if not isinstance(blob, bytes):
        return None
    try:
        head, _, body = zlib.decompress(blob).partition(b"\n")
        return body.decode("utf-8", "surrogatepass") if head == label.encode() else None
    except (zlib.error, UnicodeError):
        return None


def _unpack(label: str, blob: Any) -> Any:
    """What :func:`_pack` stored under ``label``, or ``None`` (nothing, damaged, or another entry's)."""
    return _parsed(_unpacked_json(label, blob))


def _unpacked_json(label: str, blob: Any) -> bytes | None:
    """The JSON :func:`_pack` stored under ``label``, or ``None`` (nothing, damaged, or another entry's)."""
    if not isinstance(blob, bytes):
        return None
    try:
        head, _, body = zlib.decompress(blob).partition(b"\n")
    except zlib.error:
        return None
    return body if head == label.encode() else None


def _parsed(body: bytes | None) -> Any:
    if body is None:
        return None
    try:
        return orjson.loads(body)
    except (orjson.JSONDecodeError, UnicodeError):
        return None


def hash_parts(*parts: str) -> str:
    """A hash of ``parts`` as one sequence (each part ended, so ("ab", "c") and ("a", "bc") differ)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """``value`` as JSON-able data, for the configuration's part of the site key: objects by their type and
    their attributes (never by their address, which changes between runs)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict) or hasattr(value, "items"):
        try:
            return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        except TypeError:
            pass
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "__dict__"):
        attributes = {k: v for k, v in vars(value).items() if not k.startswith("_")}
        return [type(value).__qualname__, _plain(attributes)]
    return [type(value).__qualname__, repr(value) if " at 0x" not in repr(value) else ""]


def site_key(config: Any, plugin_config: Any, command: str = "build") -> str:
    """Everything every page depends on besides its own inputs (see the module's docstring); ``command``: the
    MkDocs command (``serve`` pages differ from built ones: the live-reload script, the error overlay)."""
    # the tool running the build, MkDocs or a fork of it (ProperDocs): each prints its own name in the pages
    tools = sorted(name for name in ("mkdocs", "properdocs") if name in sys.modules)
    versions = [sys.version, type(config).__module__, *tools]
    for package in _PACKAGES:
        try:
            versions.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package}=none")
    theme_dirs = [Path(folder) for folder in getattr(config.theme, "dirs", [])]
    configuration = {
        key: _plain(config[key])
        for key in sorted(config.keys())
        if key not in ("plugins", "theme", "config_file_path", "site_dir", "docs_dir")
    }
    configuration["theme"] = [
        getattr(config.theme, "name", None),
        _plain({k: config.theme[k] for k in config.theme}),
    ]
    configuration["plugins"] = {name: _plain(dict(plugin.config)) for name, plugin in config.plugins.items()}
    configuration["fault-lines"] = _plain(dict(plugin_config))
    return hash_parts(
        f"format {FORMAT}",
        command,
        *versions,
        generator_digest(),
        json.dumps(configuration, sort_keys=True, default=str),
        _files_digest(theme_dirs, ("*.html", "*.xml", "*.json")),
    )


def nav_signature(nav: Any) -> str:
    """What the theme prints of the whole navigation in every page: each item's kind, title and URL."""

    def items(entries: Iterable[Any]) -> list[Any]:
        return [
            [
                type(item).__name__,
                str(item.title),
                getattr(item, "url", None),
                items(getattr(item, "children", None) or []),
            ]
            for item in entries
        ]

    homepage = getattr(nav, "homepage", None)
    return hash_parts(json.dumps([items(nav.items), getattr(homepage, "url", None)]))


def output_key(conversion: str, nav: str, page: Page) -> str:
    """The key of ``page``'s templated output: its conversion's key, the navigation's signature and what the
    theme shows of the page's place in it."""
    neighbours = [[p.title, p.url] if p is not None else None for p in (page.previous_page, page.next_page)]
    ancestors = [str(a.title) for a in page.ancestors]
    return hash_parts(
        conversion,
        nav,
        json.dumps(
            [
                neighbours,
                ancestors,
                page.is_homepage,
                page.update_date,
                getattr(
                    page, "fault_lines_changed", None
                ),  # the "Last changed" line (mkdocs_plugin._date_pages)
                page.edit_url,
                page.canonical_url,
            ],
            default=str,
        ),
    )


def toc_to_data(toc: Any) -> list[Any] | None:
    """A table of contents as JSON-able data; ``None`` when it holds anything but MkDocs' plain anchor links."""
    if type(toc) is not TableOfContents:
        return None

    def link(item: Any) -> dict[str, Any] | None:
        if type(item) is not AnchorLink:
            return None
        data = {k: v for k, v in vars(item).items() if k != "children"}
        if not all(isinstance(v, (str, int, float, bool)) or v is None for v in data.values()):
            return None
        children = [link(child) for child in item.children]
        if any(child is None for child in children):
            return None
        return {**data, "children": children}

    items = [link(item) for item in toc.items]
    return None if any(item is None for item in items) else items  # type: ignore[return-value]


def toc_from_data(items: list[Any]) -> TableOfContents:
    def link(data: dict[str, Any]) -> AnchorLink:
        item = object.__new__(AnchorLink)
        item.__dict__.update({k: v for k, v in data.items() if k != "children"})
        item.children = [link(child) for child in data["children"]]
        return item

    return TableOfContents([link(item) for item in items])


class RecordingFiles:
    """``files`` as a page's conversion sees it, noting every file it looked up (and what it found)."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.lookups: dict[str, str | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        found = self._files.get_file_from_path(path)
        self.lookups[path] = found.url if found is not None else None
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)

    def __iter__(self) -> Iterator[File]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.count += 1


@contextmanager
def logging_counted() -> Iterator[_Counter]:
    """Counts what MkDocs (and its Markdown extensions) log meanwhile."""
    counter = _Counter()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class PageCache:
    """Entries by key: in one SQLite file per site key in ``folder`` (``mkdocs build``, across builds), and in
    memory for the process's life when asked (``mkdocs serve``, across rebuilds).

    An entry is a JSON object; its large texts (a page's converted HTML, ``content``, and its templated output,
    ``output``) are kept apart and read only when the build needs them (:meth:`text`): a warm build whose pages
    all come from the cache never holds every page's HTML at once."""

    def __init__(self) -> None:
        self._memory: dict[str, tuple[bytes, dict[str, bytes]]] = {}
        self._decoded: dict[str, bytes] = {}  # under serve: entries (their JSON) read since they were kept
        self._intact: set[str] = set()  # under serve: entries whose texts, held in memory, were checked
        self._used: set[str] = set()
        self._remember = False
        self._db: sqlite3.Connection | None = None
        self.folder: Path | None = None
        self.site = ""
        self.hits = self.misses = self.written = 0
        self._bytecode = _MemoryBytecodeCache()

    def start(self, site: str, folder: Path | None, *, remember: bool = False) -> None:
        """A new build, with the site key ``site``; ``folder``: the cache on disk (``None``: none); ``remember``:
        keep the entries in memory too, for the next build of this process (``mkdocs serve``)."""
        if site != self.site or not remember:
            self._memory.clear()  # entries of another site key can never be found again
            self._decoded.clear()
            self._intact.clear()
        self.close()
        self.site, self.folder, self._remember = site, folder, remember
        self._used.clear()
        self.hits = self.misses = self.written = 0

    @property
    def namespace(self) -> Path | None:
        return self.folder / self.site[:32] if self.folder is not None else None

    def _open(self) -> sqlite3.Connection | None:
        """The SQLite file of this site key (made on first use); ``None`` when there is none or it is unusable."""
        if self._db is not None or self.namespace is None:
            return self._db
        try:
            self.namespace.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.namespace / DB_NAME, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, data BLOB, content BLOB, output BLOB)"
            )
            db.execute("BEGIN")  # one transaction per build, committed by finish()
        except (OSError, sqlite3.Error):
            self.folder = None  # a cache that cannot be opened is only slower
            return None
        self._db = db
        return db

    def close(self) -> None:
        """Commit and close the file (nothing is lost by not calling it: an uncommitted build is not kept)."""
        db, self._db = self._db, None
        if db is not None:
            try:
                if db.in_transaction:
                    db.execute("COMMIT")
                db.close()
            except sqlite3.Error:
                pass

    def conversion_key(self, page: Page, markdown: str) -> str:
        """The key of ``page``'s conversion; ``markdown``: its text, or what stands for it (see the module)."""
        return hash_parts(self.site, page.file.src_uri, page.file.dest_uri, page.url, markdown)

    def get(self, key: str, files: Files) -> _Entry | None:
        """The entry of ``key`` (without its large texts), if there is one and the files its links point to are
        still the same."""
        entry = self.load(key)
        if entry is None or not self._texts_intact(key, entry) or not self._links_unchanged(entry, files):
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def _texts_intact(self, key: str, entry: _Entry) -> bool:
        """Whether the large texts of ``entry`` are there as they were written (by their checksums), so that
        reading them later cannot fail: the build holds one snapshot of the file from start to end."""
        sums = entry.get("texts")
        if not isinstance(sums, dict) or set(sums) != set(_TEXTS):
            return False
        if key in self._intact:
            return True  # its texts in memory were found intact: they cannot have changed since
        kept = self._memory.get(key)
        if kept is not None and set(kept[1]) >= set(sums):
            blobs = [kept[1][name] for name in sums]
        else:
            row = self._row(key, ", ".join(sums))  # the names are _TEXTS (checked above)
            if row is None:
                return False
            blobs = list(row)
        intact = all(
            isinstance(blob, bytes) and zlib.crc32(blob) == crc and _labelled(f"{key}\0{name}", blob)
            for blob, (name, crc) in zip(blobs, sums.items(), strict=True)
        )
        if intact and kept is not None and set(kept[1]) >= set(sums):
            self._intact.add(key)
        return intact

    def _row(self, key: str, columns: str) -> tuple[Any, ...] | None:
        db = self._open()
        if db is None:
            return None
        try:
            return db.execute(f"SELECT {columns} FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None

    def load(self, key: str) -> _Entry | None:
        """The entry of ``key``, without its large texts (see :meth:`text`), if there is one. Under ``mkdocs
        serve`` an entry read once is kept decompressed (its JSON; each load parses it into new objects, which
        the caller may change): every rebuild looks up every incident's entry."""
        decoded = self._decoded.get(key)
        if decoded is not None:
            entry = orjson.loads(decoded)
            self._used.add(key)
            return entry  # type: ignore[no-any-return]
        kept = self._memory.get(key)
        blob = kept[0] if kept is not None else None
        if blob is None:
            row = self._row(key, "data")
            blob = row[0] if row is not None else None
        body = _unpacked_json(key, blob)
        entry = _parsed(body)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        if self._remember:
            if kept is None:
                self._memory[key] = (blob, {})  # type: ignore[assignment]
            self._decoded[key] = body  # type: ignore[assignment]
        self._used.add(key)
        return entry

    def text(self, key: str, name: str) -> str:
        """The large text ``name`` (``content`` or ``output``) of the entry ``key`` found by :meth:`get`, read
        now."""
        if name not in _TEXTS:
            raise ValueError(name)
        kept = self._memory.get(key)
        blob = kept[1].get(name) if kept is not None else None
        if blob is None:
            row = self._row(key, name)
            blob = row[0] if row is not None else None
            if blob is not None and kept is not None:
                kept[1][name] = blob
        text = _unpack_text(f"{key}\0{name}", blob)
        if not isinstance(text, str):  # checked by get(): only a disk failure in the middle of the build
            raise OSError(f"the page cache could not read back entry {key} ({name}); delete {self.folder}")
        return text

    @staticmethod
    def _links_unchanged(entry: _Entry, files: Files) -> bool:
        for path, url in entry.get("lookups", {}).items():
            found = files.get_file_from_path(path)
            if (found.url if found is not None else None) != url:
                return False
        return True

    def put(self, entry: _Entry) -> None:
        """Keep ``entry`` (its ``content`` and ``output``, when it has them, apart from the rest)."""
        key = entry["key"]
        try:
            texts = {name: _pack_text(f"{key}\0{name}", entry[name]) for name in _TEXTS if name in entry}
            sums = {name: zlib.crc32(blob) for name, blob in texts.items()}
            data = _pack(key, {**{k: v for k, v in entry.items() if k not in _TEXTS}, "texts": sums})
        except (TypeError, AttributeError, orjson.JSONEncodeError):
            return  # not JSON (a lone surrogate, ...): not cached
        if self._remember:
            self._memory[key] = (data, texts)
            self._decoded.pop(key, None)  # read from the new data when it is next asked for
            self._intact.discard(key)
        self._used.add(key)
        self.written += 1
        db = self._open()
        if db is None:
            return
        with contextlib.suppress(sqlite3.Error):  # a cache that cannot be written is only slower
            db.execute(
                "INSERT OR REPLACE INTO entries (key, data, content, output) VALUES (?, ?, ?, ?)",
                (key, data, texts.get("content"), texts.get("output")),
            )

    def finish(self) -> None:
        """The build is done: forget the entries it did not use, in memory and in its file on disk, and
        remove the namespaces (site keys) no build used for a week."""
        for key in self._memory.keys() - self._used:
            del self._memory[key]
            self._decoded.pop(key, None)
            self._intact.discard(key)
        namespace = self.namespace
        db = self._open()
        if db is not None:
            try:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                db.execute("DELETE FROM used")
                db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._used))
                db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM used)")
            except sqlite3.Error:
                pass
        self.close()
        if namespace is None or not namespace.is_dir():
            return
        for path in namespace.iterdir():  # anything else in the namespace (an older layout) goes
            if not path.name.startswith(DB_NAME):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        os.utime(namespace)
        assert self.folder is not None
        limit = time.time() - UNUSED_NAMESPACE_DAYS * 86400
        for other in self.folder.iterdir():
            if (
                other not in (namespace, self.folder / "jinja")
                and other.is_dir()
                and other.stat().st_mtime < limit
            ):
                shutil.rmtree(other, ignore_errors=True)

    def bytecode_cache(self) -> jinja2.BytecodeCache:
        """Where Jinja keeps the theme's compiled templates: in memory, for the process's life (every `mkdocs
        serve` rebuild). Never on disk: compiled templates are code, and a cache folder someone else could write
        must never hold code the build runs (entries on disk are data only, checked against their keys)."""
        return self._bytecode

    def size(self) -> int:
        """Bytes of the cache on disk (of this build's namespace)."""
        namespace = self.namespace
        if namespace is None or not namespace.is_dir():
            return 0
        return sum(path.stat().st_size for path in namespace.iterdir() if path.is_file())
