"""``mkdocs serve --dirty`` made exact: after a save, MkDocs writes only the pages whose output changed, and the
site it serves stays byte for byte the one a cold build of the same files makes.

What MkDocs' ``--dirty`` does by itself: it keeps the site folder between rebuilds (no emptying, no copying the
theme again) and skips reading and writing each page whose ``File.is_modified()`` is False, which by default
means "its source file is older than its output"; a generated file is always modified. That rule knows nothing
of what else a page shows (the navigation, its neighbours, the record shown through markers), nor of files that
are gone, and a page it skips is missing from the search index; MkDocs warns that the result is inaccurate.

Here each documentation page's ``is_modified`` is replaced (:meth:`DirtyPages.start`, one named override per
file, MkDocs' build itself is not touched):

* while MkDocs reads the pages it is True for every page: each is converted (from the page cache,
  generator/page_cache.py, when its inputs did not change), so titles, navigation, anchors and the sitemap are
  a cold build's;
* on_env gives every page the key of its output (:meth:`DirtyPages.plan`): the page cache's output key (its
  conversion's key over its whole Markdown and the site's key, the navigation, its neighbours, date and edit
  link), or for a page the cache does not hold (a hand-written one) the same over its converted HTML; from then
  on ``is_modified`` is False for a page whose output of the same key is already in the site folder, and MkDocs
  neither templates nor writes it. A change to anything site-wide (configuration, templates, versions: the
  site's key; the navigation) changes every key, so everything is written again.

And what ``--dirty`` leaves wrong is put right:

* files of the previous build that this build does not have (a deleted incident; the pages of a tree with
  errors) are removed from the site folder before anything is written (:meth:`DirtyPages.remove_gone`);
* the search index gets the entries of the pages not written, in a cold build's order: those before the first
  written page at once, the others right after the written page they follow (:meth:`DirtyPages.indexed_after`);
  Material's own dirty-reload merge, which assumes one changed page and appends it at the end, is turned off
  (:func:`complete_search_index`);
* MkDocs' warning about inaccurate navigation is not given (it would abort every build of a ``strict`` site);
* a generated file (an export, a feed, a share card) is written only when its bytes differ from those the last
  build wrote there (:meth:`DirtyPages.keep_files`): by itself ``--dirty`` writes every one of them again at each
  save, some 300 files on the real record, and rewriting a file in place can wait for the disk.

Requests wait while MkDocs builds (its live-reload server), so no half-written site is ever served. With plugins
whose page events the keys do not cover (any but ``search`` and ``fault-lines``) every page is written.

Why ``--dirty`` and not plain ``serve``: without it MkDocs empties the site folder and templates and writes every
page in ``build()`` itself; a plugin could only avoid that by replacing the server's builder or MkDocs' build
loop. ``--dirty`` is MkDocs' own switch for this, and ``File.is_modified`` the one question it asks.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator.page_cache import hash_parts

DIRTY_WARNING = "A 'dirty' build is being performed"


def _toc(items: Iterable[Any]) -> list[Any]:
    return [
        [str(getattr(i, "title", "")), getattr(i, "id", None), getattr(i, "level", None), _toc(i.children)]
        for i in items
    ]


def content_key(site: str, page: Page) -> str:
    """What a page the page cache does not hold gives its template: its converted HTML, title, front matter and
    table of contents (with the site's key)."""
    return hash_parts(
        site,
        page.file.src_uri,
        page.url,
        page.content or "",
        json.dumps([str(page.title), page.meta, _toc(page.toc)], sort_keys=True, default=repr),
    )


def page_key(base: str, page: Page, errors: str) -> str:
    """The key of a page's output under ``serve``: ``base`` (what its template is given) with its inclusion (a
    draft is marked) and the content errors shown over every page."""
    return hash_parts(base, str(page.file.inclusion), errors)


class _NoDirtyWarning(logging.Filter):
    """Drops MkDocs' warning that a dirty build's navigation is inaccurate: here it is not (see the module)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(DIRTY_WARNING)


class DirtyPages:
    """The pages of ``mkdocs serve --dirty`` builds: which one MkDocs writes, and what the site folder holds."""

    def __init__(self) -> None:
        self._written: dict[str, str] = {}  # a page's output file -> the key of the output written there
        self._files: dict[
            str, tuple[str, int]
        ] = {}  # a generated file's output -> (hash, size) written there
        self._outputs: set[str] = set()  # every file the last build put in the site folder (MkDocs' files)
        self._keys: dict[str, str] = {}  # page (src_uri) -> the key of its output in this build
        self._kept: set[str] = set()  # pages not written in this build (their output is in the folder)
        self._after: dict[str, list[Page]] = {}  # a written page -> the pages not written that follow it
        self._filter = _NoDirtyWarning()
        self.pages = 0

    def quiet(self, on: bool) -> None:
        """Drop (or give again) MkDocs' "inaccurate navigation" warning."""
        logger = logging.getLogger("mkdocs.commands.build")
        if on:
            logger.addFilter(self._filter)
        else:
            logger.removeFilter(self._filter)

    def start(self, files: Files) -> None:
        """A new build: every page is read (and so written) until :meth:`plan` says otherwise."""
        self._keys, self._kept, self._after = {}, set(), {}
        for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):  # drafts too
            file.is_modified = functools.partial(self._modified, file)  # type: ignore[method-assign]

    def _modified(self, file: File) -> bool:
        """``File.is_modified`` of a page: whether MkDocs reads and writes it in this build."""
        return file.src_uri not in self._kept

    def keep_files(self, files: Files) -> None:
        """Each generated file that is not a page (exports, feeds, share cards: made in memory) is written by
        MkDocs only when its bytes are not already in the site folder from the last build."""
        for file in files:
            if file.generated_by and not file.is_documentation_page():
                file.is_modified = functools.partial(self._file_modified, file)  # type: ignore[method-assign]

    def _file_modified(self, file: File) -> bool:
        """``File.is_modified`` of a generated file: False when the last build wrote the same bytes to its
        output and a file of that size is still there; otherwise True (and MkDocs writes it now)."""
        data = file.content_bytes
        written = (hashlib.blake2b(data, digest_size=32).hexdigest(), len(data))
        dest = os.path.normpath(file.abs_dest_path)
        if self._files.get(dest) == written:
            try:
                if os.stat(dest).st_size == written[1]:
                    return False
            except OSError:
                pass  # removed meanwhile: written again
        self._files[dest] = written
        return True

    def remove_gone(self, files: Files, site_dir: str) -> list[str]:
        """Remove from the site folder the files of the previous build this one does not have (and folders
        left empty by them); the site-wide files (search index, sitemap, 404 page) are written by every build."""
        site = Path(site_dir).resolve()
        current = {os.path.normpath(file.abs_dest_path) for file in files}
        gone = sorted(self._outputs - current)
        for name in gone:
            path = Path(name)
            if not path.resolve().is_relative_to(site):
                continue  # never outside the site folder
            path.unlink(missing_ok=True)
            self._written.pop(name, None)
            self._files.pop(name, None)
            folder = path.parent
            while folder != site and folder.is_relative_to(site) and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
        self._outputs = current
        return gone

    def plan(self, pages: list[Page], keys: dict[str, str]) -> list[Page]:
        """Given each page's output key (``pages`` in the order MkDocs builds them), keep the pages whose output
        of that key is in the site folder; the pages kept before the first written one (their search entries are
        due first) are returned."""
        self._keys = keys
        self.pages = len(pages)
        leading: list[Page] = []
        run = leading
        for page in pages:
            dest = os.path.normpath(page.file.abs_dest_path)
            key = keys.get(page.file.src_uri)
            if key is not None and self._written.get(dest) == key and os.path.isfile(dest):
                self._kept.add(page.file.src_uri)
                run.append(page)
            else:
                run = self._after.setdefault(page.file.src_uri, [])
        return leading

    @property
    def written(self) -> int:
        """Pages written in this build."""
        return self.pages - len(self._kept)

    def indexed_after(self, page: Page) -> list[Page]:
        """The pages not written that follow ``page`` (written) in the build, to be indexed right after it."""
        return self._after.get(page.file.src_uri, [])

    def wrote(self, page: Page, output: str) -> None:
        """MkDocs is writing ``output`` (after on_post_page) as ``page``'s file."""
        key = self._keys.get(page.file.src_uri)
        dest = os.path.normpath(page.file.abs_dest_path)
        if key is not None and output.strip():
            self._written[dest] = key
        else:  # MkDocs writes no empty page; an unkeyed one is written every time
            self._written.pop(dest, None)

    def forget_page(self, file: File) -> None:
        """``file``'s page was written outside a build (generator/serve_preview.py): the next build writes it."""
        self._written.pop(os.path.normpath(file.abs_dest_path), None)

    def finish(self) -> None:
        """The build is done: nothing of its pages is held (memory: the next build's are new objects)."""
        self._after = {}

    def forget(self) -> None:
        """A build failed part way: the next one writes every page and file again."""
        self._written.clear()
        self._files.clear()


def in_build_order(files: Files) -> list[Page]:
    """The pages ``mkdocs serve`` builds, in its order."""
    return [
        f.page for f in files.documentation_pages(inclusion=InclusionLevel.is_in_serve) if f.page is not None
    ]


def complete_search_index(config: Any, leading: list[Page]) -> None:
    """Give each search index the entries of ``leading`` now (see :meth:`DirtyPages.plan`), and turn off
    Material's dirty-reload merge: its ``search_index_prev`` (the previous build's index) is read when the index
    is written and would add the previous entries of every page again."""
    for plugin in config.plugins.values():
        if hasattr(plugin, "search_index_prev"):
            plugin.search_index_prev = None
        index = getattr(plugin, "search_index", None)
        add_entry = getattr(index, "add_entry_from_context", None)
        if callable(add_entry):
            for page in leading:
                add_entry(page)
