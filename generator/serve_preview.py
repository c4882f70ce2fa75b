"""``mkdocs serve --dirty``: a saved incident's own page first, then the rest of the site.

A saved incident shows on many pages (the timeline, its year, type, actors and places, the map, the exports);
rebuilding them all takes seconds on a large chronology, and the page the writer is looking at is only one of
them. So when every content file saved since the last build is an incident whose page that build made, the
server's builder (:func:`staged`) works in two steps, as Hugo's "fast render" does:

1. **The saved pages** (the plugin's ``_saved_first``, given the files :class:`SavedFirst` noted): the content is
   checked as in a build (unchanged files are not read again); with no error, each saved incident's page is
   rendered by the build's own renderer and written with the last build's navigation, theme and configuration,
   through MkDocs' own page steps and every plugin's page events (only if its bytes changed); browsers reload and
   show it.
2. **The whole site**, a moment later (:data:`GRACE_S`, time for the browsers to fetch the page): the usual
   build, exact and complete, and browsers reload again. It writes a saved page again whenever the first step
   wrote it, so whatever that step showed, the site served is the one a cold build makes
   (generator/serve_dirty.py). No cycle collection runs from the save until the whole build starts.

Anything else saved (an actor, a place, the vocabulary, a new or deleted incident, more than :data:`MOST_SAVED`
incidents), an error in the content, a last build with errors, another plugin with page events, or no file
events (a polled folder): the whole site at once, as before. The first step writes only the saved pages' own
files, while requests wait as during any build; the search index, the sitemap and the lists are the last
build's until the second step.

Memory: the last build's navigation, files and theme are kept between saves, without the pages' texts
(:meth:`SavedFirst.slim`); a build lets them go when it starts.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files, InclusionLevel
from watchdog.events import FileSystemEvent, FileSystemEventHandler

log = logging.getLogger("mkdocs.plugins.fault-lines")

GRACE_S = 0.3
"""Between the saved pages and the rest of the build: browsers told to reload fetch the page (and its styles and
scripts) meanwhile; a request that comes later waits for the whole build, as during any build."""

MOST_SAVED = 8
"""More incidents saved at once (a branch checked out, a search and replace) are not shown first: the whole build
would wait for their pages, and it rewrites them anyway."""

# the files the loader reads; an editor's other files (swap files, backups) are not content
CONTENT_SUFFIXES = (".md", ".yml", ".yaml")


@dataclass
class Base:
    """What the last build leaves for rendering a page after it: MkDocs' configuration, files, navigation and
    template environment."""

    config: Any
    files: Files
    nav: Any
    env: Any


class SavedFirst:
    """The content files saved since the last build began, and that build's :class:`Base`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._saved: set[str] = set()
        self._all_known = True  # False once a file event could not be told apart (a folder moved, ...)
        self.base: Base | None = None

    # -- file events (the observer's thread) --------------------------------------------------------------------

    def handler(self) -> FileSystemEventHandler:
        """A watchdog handler noting every path under content/ an event names."""
        preview = self

        class Noted(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                preview.note(event)

        return Noted()

    def note(self, event: FileSystemEvent) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        with self._lock:
            if event.is_directory and event.event_type not in ("modified", "closed", "opened"):
                self._all_known = False  # a folder created, moved or deleted: its files are not named
            for path in paths:
                if path:
                    self._saved.add(path if isinstance(path, str) else path.decode())

    # -- builds ---------------------------------------------------------------------------------------------

    def build_starts(self) -> None:
        """A whole build starts: it reads every file, so what was saved so far is its business; the last build's
        base is let go (memory)."""
        with self._lock:
            self._saved.clear()
            self._all_known = True
        self.base = None

    def build_ended(self, base: Base | None) -> None:
        """A build ended: ``base`` when it made every page without errors (None: the next save rebuilds all)."""
        self.base = base

    def take(self) -> list[Path] | None:
        """The content files saved since the last build began (and forgets them), or None when one of them
        cannot be known."""
        with self._lock:
            saved, known = self._saved, self._all_known
            self._saved, self._all_known = set(), True
        if not known:
            return None
        return sorted(Path(p) for p in saved if Path(p).suffix in CONTENT_SUFFIXES)

    @staticmethod
    def slim(files: Files) -> None:
        """Let go of each page's Markdown and HTML once it is written (the next save's page is read again);
        a page whose title would change without them keeps them."""
        for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
            page = file.page
            if page is None or page.markdown is None:
                continue
            title = page.title
            markdown, content = page.markdown, page.content
            page.markdown, page.content = "", ""
            if page.title != title:
                page.markdown, page.content = markdown, content


def saved_pages(
    saved: Sequence[Path], root: Path, chronology: Any, files: Files, page_path: Callable[[str], str]
) -> list[tuple[Any, File]] | None:
    """Each saved file's incident record and the file of its page in the last build; None unless every saved
    file is an existing incident whose page that build has (a new, moved or deleted incident, an actor, a
    place or the vocabulary: the whole site is rebuilt), and there are at most :data:`MOST_SAVED` of them."""
    root = root.resolve()
    records = {r.path: r for r in chronology.incidents}  # by their path from the root, as the loader gives it
    incidents = root / "content" / "incidents"
    found: list[tuple[Any, File]] = []
    if len(saved) > MOST_SAVED:
        return None
    for path in saved:
        resolved = path.resolve()
        if not resolved.is_relative_to(incidents) or resolved.suffix != ".md":
            return None
        record = records.get(resolved.relative_to(root).as_posix())
        if record is None:
            return None
        file = files.get_file_from_path(page_path(record.id))
        if file is None or file.page is None:
            return None
        found.append((record, file))
    return found or None


@contextmanager
def quiet_mkdocs() -> Any:
    """MkDocs' messages while the saved pages are made (links, anchors): the whole build after says them."""

    class Drop(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return record.levelno >= logging.ERROR

    logger = logging.getLogger("mkdocs")
    handlers = [h for h in logger.handlers]
    drop = Drop()
    for handler in handlers:
        handler.addFilter(drop)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(drop)


def build_page(file: File, markdown: str, base: Base) -> None:
    """Read, convert, template and write ``file``'s page from ``markdown``, as MkDocs' build does (its own page
    steps, every plugin's page events), with the last build's configuration, files, navigation and theme."""
    from mkdocs.commands.build import _build_page, _populate_page

    file.content_string = markdown
    page = file.page
    assert page is not None
    for step in ("read_source", "render"):  # MkDocs' own: the last build may have replaced them (page cache)
        page.__dict__.pop(step, None)
    with quiet_mkdocs():
        _populate_page(page, base.config, base.files)
        documents = base.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        _build_page(page, base.config, documents, base.nav, base.env)


def staged(server: Any, builder: Callable[..., None], first: Callable[[], bool]) -> Callable[..., None]:
    """The server's builder, in two steps when ``first()`` has written the saved pages: browsers reload to them,
    and after :data:`GRACE_S` the whole build runs (``builder``), requests waiting for it as usual. MkDocs'
    server (mkdocs/livereload) serves the site of its ``_visible_epoch`` and holds requests while it differs from
    ``_wanted_epoch``; the first step makes the two equal for a moment."""

    def build(config: Any = None) -> None:
        if config is None:
            # no cycle collection from the save until browsers have the page: on a large site one holds the
            # interpreter for seconds (3 s at 10,000 incidents), and the server's threads with it; the whole
            # build collects first (the plugin's on_config)
            collecting = gc.isenabled()
            gc.disable()
            try:
                if first():
                    with server._epoch_cond:
                        server._visible_epoch = server._wanted_epoch
                        server._epoch_cond.notify_all()
                    log.info("saved page shown; rebuilding the rest of the site")
                    time.sleep(GRACE_S)
                    with server._epoch_cond:
                        server._wanted_epoch = max(round(time.monotonic() * 1000), server._visible_epoch + 1)
            finally:
                if collecting:
                    gc.enable()
        builder(config)

    return build


def can_stage(server: Any) -> bool:
    """Whether this MkDocs server has the parts :func:`staged` uses (MkDocs 1.6's live-reload server)."""
    return all(
        hasattr(server, name) for name in ("_epoch_cond", "_visible_epoch", "_wanted_epoch", "builder")
    )
