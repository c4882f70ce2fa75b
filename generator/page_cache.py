"""An input-keyed cache of the generated pages as MkDocs builds them: reused by ``mkdocs serve`` rebuilds (in
memory) and by the next ``mkdocs build`` (on disk, in ``.cache/fault-lines/``, which may be deleted at any time).

MkDocs builds each page in two steps, and each has its own key:

1. **Conversion** (Markdown → HTML, its table of contents, title and anchors, its search entries). Its key is a
   hash of the site's key (:func:`site_key`) and the page's own inputs: its path, its URL and its whole
   generated Markdown, which already holds everything of the chronology the page shows (its record, the names
   and titles of what it links to). The links MkDocs resolved while converting are kept with the entry and
   looked up again before it is used: a page linking to a file that was since added or removed is converted
   again.
2. **Output** (the theme's template around the converted page). Its key adds what the theme shows besides the
   page: the navigation (:func:`nav_signature`), the page's neighbours and sections, its edit link and date.

The site's key covers the rest: the versions of Python, MkDocs, Material, Markdown and this generator (a hash of
its source files), the configuration as MkDocs resolved it (mkdocs.yml, ``serve``'s address included), and
every template of the theme. Any change to one of them is a new key and so a new namespace (a folder): an entry
is found only by the hash of every input it was made from, and a stale one can never be served.

A conversion that logged anything (a link MkDocs could not resolve, ...) is not cached, so that every build
says it again. Entries are gzip-compressed JSON, one file per page, named by their key; a build keeps the
entries it used and removes the others of its namespace, and namespaces unused for a week are removed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from generator.code_digest import files_digest as _files_digest
from generator.code_digest import generator_digest

FORMAT = 1  # the layout of an entry; a new layout is a new key
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


def _hash(*parts: str) -> str:
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
    return _hash(
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
    return _hash(json.dumps([items(nav.items), getattr(homepage, "url", None)]))


def output_key(conversion: str, nav: str, page: Page) -> str:
    """The key of ``page``'s templated output: its conversion's key, the navigation's signature and what the
    theme shows of the page's place in it."""
    neighbours = [[p.title, p.url] if p is not None else None for p in (page.previous_page, page.next_page)]
    ancestors = [str(a.title) for a in page.ancestors]
    return _hash(
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
    """Entries by key: in memory for the process's life (``mkdocs serve``), and in ``folder`` when given."""

    def __init__(self) -> None:
        self._memory: dict[str, bytes] = {}
        self._used: set[str] = set()
        self.folder: Path | None = None
        self.site = ""
        self.hits = self.misses = self.written = 0
        self._bytecode = _MemoryBytecodeCache()

    def start(self, site: str, folder: Path | None) -> None:
        """A new build, with the site key ``site``; ``folder``: the cache on disk (``None``: memory only)."""
        if site != self.site:
            self._memory.clear()  # entries of another site key can never be found again
        self.site, self.folder = site, folder
        self._used.clear()
        self.hits = self.misses = self.written = 0

    @property
    def namespace(self) -> Path | None:
        return self.folder / self.site[:32] if self.folder is not None else None

    def conversion_key(self, page: Page, markdown: str) -> str:
        return _hash(self.site, page.file.src_uri, page.file.dest_uri, page.url, markdown)

    def get(self, key: str, files: Files) -> _Entry | None:
        """The entry of ``key``, if there is one and the files its links point to are still the same."""
        entry = self.load(key)
        if entry is None or not self._links_unchanged(entry, files):
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def load(self, key: str) -> _Entry | None:
        """The entry of ``key``, if there is one."""
        blob = self._memory.get(key)
        if blob is None and self.namespace is not None:
            try:
                blob = (self.namespace / f"{key}.json.gz").read_bytes()
            except OSError:
                blob = None
        entry = None
        if blob is not None:
            try:
                entry = json.loads(gzip.decompress(blob))
            except (OSError, ValueError, EOFError):
                entry = None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        self._memory[key] = blob  # type: ignore[assignment]
        self._used.add(key)
        return entry

    @staticmethod
    def _links_unchanged(entry: _Entry, files: Files) -> bool:
        for path, url in entry.get("lookups", {}).items():
            found = files.get_file_from_path(path)
            if (found.url if found is not None else None) != url:
                return False
        return True

    def put(self, entry: _Entry) -> None:
        key = entry["key"]
        blob = gzip.compress(json.dumps(entry, ensure_ascii=False).encode(), compresslevel=1, mtime=0)
        self._memory[key] = blob
        self._used.add(key)
        self.written += 1
        if self.namespace is None:
            return
        try:
            self.namespace.mkdir(parents=True, exist_ok=True)
            temporary = self.namespace / f".{key}.{os.getpid()}.tmp"
            temporary.write_bytes(blob)
            temporary.replace(self.namespace / f"{key}.json.gz")
        except OSError:
            pass  # a cache that cannot be written is only slower

    def finish(self) -> None:
        """The build is done: forget the entries it did not use, in memory and in its namespace on disk, and
        remove the namespaces no build used for a week."""
        for key in self._memory.keys() - self._used:
            del self._memory[key]
        namespace = self.namespace
        if namespace is None or not namespace.is_dir():
            return
        for path in namespace.iterdir():
            if path.name.removesuffix(".json.gz") not in self._used:
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
        return sum(path.stat().st_size for path in namespace.iterdir())
