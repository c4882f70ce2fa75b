"""The MkDocs plugin (``fault-lines``): runs load → check → render once per build and adds every generated page
and file to the build in memory, so ``mkdocs build`` and ``mkdocs serve`` need no extra step.

The build's steps, by MkDocs event:

1. ``on_config``: the output goes to a staging folder that replaces ``site/`` only when the build succeeds.
2. ``on_files``: load and check ``content/`` (generator/pipeline.py; unchanged files from check's cache),
   render every page and export (generator/render/site.py; pages and export pieces whose inputs did not change
   come from the cache, generator/render/memo.py), and hand them to MkDocs as generated files.
3. ``on_nav``: each page's date for the sitemap; the search index is given what the cache and the workers have.
4. ``on_pre_page`` … ``on_page_content``: MkDocs converts each page; a generated page found in the page cache is
   not converted again (generator/page_cache.py), the others are handed over pre-rendered
   (generator/prerender.py). Their HTML is then kept compressed until the page is built (memory).
5. ``on_env``: pages whose templated output is in the cache are printed as they are; the others are built, part
   of them by worker processes under ``mkdocs build`` (generator/page_workers.py).
6. ``on_page_context`` / ``on_post_page``: each page is printed (from the cache, a worker or the theme), kept in
   the cache, written, and its HTML let go.
7. ``on_post_build``: the cache drops what this build did not use; the staging folder replaces ``site/``.

Under ``mkdocs serve --dirty`` only the pages whose output changed are written (generator/serve_dirty.py), and a
saved incident's own page is written before the whole build (``on_serve``, generator/serve_preview.py).

Every speed-up keeps the output byte-identical (tests build each way and compare)."""

from __future__ import annotations

import contextlib
import copy
import functools
import gc
import html
import logging
import os
import re
import secrets
import shutil
import signal
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import meta
from watchdog.events import (
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from generator import check_cache, material_theme
from generator.check import Made, Memo
from generator.code_digest import CACHE_DIR
from generator.diagnostics import format_text
from generator.history import file_history, last_changed
from generator.load import LoadCache
from generator.memory import give_back
from generator.page_cache import (
    PageCache,
    RecordingFiles,
    logging_counted,
    nav_signature,
    output_key,
    site_key,
    toc_from_data,
    toc_to_data,
)
from generator.page_workers import (
    PARALLEL_MIN_PAGES,
    PREBUILT,
    PREBUILT_TEMPLATE,
    PageWorkers,
    add_prebuilt_template,
    known_plugins,
)
from generator.pipeline import Result, run
from generator.pools import kill_workers
from generator.prerender import restore, search_excluded, search_view, stash
from generator.pretty import format_pretty
from generator.publish import (
    BuildLock,
    BuildLocked,
    UnsafeOutput,
    check_destination,
    check_replaceable,
    clean_stale,
    new_staging,
    replace_directory,
    write_marker,
)
from generator.render.cards import SITE_CARD
from generator.render.changes import human_day
from generator.render.memo import Fragments
from generator.render.pages import GeneratedPage
from generator.render.parallel import PARALLEL_MIN_INCIDENTS, usable_processes
from generator.render.site import (
    STYLESHEET,
    SUMMARY_INDEX_ABOVE,
    SiteOutput,
    render_site,
    search_index_mode,
    site_renderer,
)
from generator.render.text import BodyError
from generator.render.urls import page_path
from generator.selection import Selection, report
from generator.serve_dirty import DirtyPages, complete_search_index, content_key, in_build_order, page_key
from generator.serve_preview import Base, SavedFirst, build_page, can_stage, saved_pages, staged
from generator.standalone import fill_markers
from generator.titles import anchor_title, title_id

log = logging.getLogger("mkdocs.plugins.fault-lines")
SERVE_ERRORS = (
    '<div id="fl-serve-errors" role="alert" style="position:fixed;inset:0;z-index:100000;overflow:auto;'
    'background:#1b1b1f;color:#f2f2f2;padding:2rem;font:14px/1.5 ui-monospace,monospace">'
    '<h1 style="color:#ff7b72;font:bold 1.5rem/1.3 sans-serif;margin:0 0 .5rem">The content has errors</h1>'
    '<p style="font:1rem/1.5 sans-serif;margin:0 0 1rem">mkdocs serve keeps running: fix the files below and '
    "this page reloads by itself once they check clean (<code>faultlines check</code> shows the same).</p>"
    '<pre style="white-space:pre-wrap;margin:0;background:none;color:inherit">{errors}</pre></div>'
)
PLACEHOLDER = "flprerenderedblock"


def placeholder() -> str:
    """The prefix of the tokens that stand for pre-rendered blocks: new and random for every build (128 bits),
    so no text a contributor writes can be taken for one (a body paragraph reading like a fixed token was
    replaced by other blocks of its page). Tokens never reach the output, so builds stay reproducible."""
    return f"{PLACEHOLDER}{secrets.token_hex(16)}"


class FaultLinesConfig(Config):
    """Options under ``plugins: - fault-lines:`` in mkdocs.yml."""

    root = c.Type(str, default=".")  # project root holding content/, relative to mkdocs.yml
    repository = c.Type(str, default="")  # https://github.com/owner/repo, for "edit this file" links
    branch = c.Type(str, default="main")
    strict = c.Type(bool, default=False)  # warnings fail the build
    atomic = c.Type(bool, default=True)  # build into a temporary folder that replaces site/ only on success
    # "summary": incidents are found by title, summary and facts; their bodies and sections are not indexed;
    # "auto": full up to 1,000 incidents, summary beyond (render/site.py SUMMARY_INDEX_ABOVE)
    search_index = c.Choice(("auto", "full", "summary"), default="auto")
    # share cards (og:image): one per incident up to 1,000 incidents and the site's beyond ("auto"), always one
    # per incident ("incidents"), the site's only ("site"), or none ("off"); see generator/render/cards.py
    social_cards = c.Choice(("auto", "incidents", "site", "off"), default="auto")
    # reuse work between generated pages (generator/prerender.py); the output is the same
    prerendered_html = c.Type(bool, default=True)
    # worker processes for `mkdocs build` (generator/page_workers.py, generator/render/parallel.py); by default
    # one per core but one, for chronologies of 1,000 incidents or more; 0: none; a number: that many, any size
    processes = c.Optional(c.Type(int))
    # reuse each generated page as MkDocs built it while its inputs are the same (generator/page_cache.py): in
    # memory across `mkdocs serve` rebuilds, and in this folder (relative to root; "" for none) across builds
    cache = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=CACHE_DIR)


class FaultLinesPlugin(BasePlugin[FaultLinesConfig]):
    """Adds the chronology to an MkDocs site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.dirty = False
        self.result: Result | None = None
        self.load_cache: LoadCache = {}  # parsed files, kept across `mkdocs serve` rebuilds (see load.load)
        self.check_memo: Memo = {}  # and each file's own problems (see generator.check.Memo)
        self.check_made: Made = {}  # and their models and records (see generator.check.Made)
        self.output: SiteOutput | None = None
        self.final_site_dir: str | None = None
        self.serve_errors = ""  # under `mkdocs serve`, the content errors every page shows until fixed
        self.staging_dir: str | None = None
        self._lock: BuildLock | None = None
        self._placeholder = placeholder()
        self._stashed: dict[str, dict[str, str]] = {}  # page -> its raw-HTML blocks, between the two events
        self._search_views: dict[str, tuple[str, str]] = {}  # page -> (its content, the lighter search view)
        self._search_worker: str | None = None  # Material's search worker file (on_config)
        self._workers = PageWorkers()
        self._env: Any = None
        self._nav: Any = None
        self._cache = PageCache()
        # pieces of the pages and files that show every incident, kept between `mkdocs serve` rebuilds
        self._fragments = Fragments()
        self._caching = False  # whether this build uses the cache (see _start_cache)
        self._indexing = False  # whether the site has a search index (see _index_search_view)
        self._reused = 0
        self._entries: dict[str, dict[str, Any]] = {}  # page -> its cache entry (found, or being made)
        self._cached_outputs: dict[str, str] = {}  # page -> the key of its templated output in the cache
        self._generated_paths: frozenset[str] = frozenset()  # the generated pages of this build
        self._packing = False  # whether pages' HTML is kept compressed until they are built (see _pack)
        self._packed: dict[str, bytes] = {}
        self._unread: dict[str, GeneratedPage] = {}  # `mkdocs build`: generated pages MkDocs has not read yet
        self._observer: Any = None  # the file events content/ is watched by under `mkdocs serve`
        self._dirty = DirtyPages()  # under `mkdocs serve --dirty`: the pages MkDocs writes (see _plan_writes)
        # under `mkdocs serve`: the last build is freed between saves
        self._idle = IdleCollection(self._release_build)
        # under `mkdocs serve --dirty`: a saved incident's page first, then the rest (generator/serve_preview.py)
        self._preview = SavedFirst()
        self._files: Files | None = None
        self._saving_first = False  # while the saved pages are made, before the whole build

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.dirty = dirty
        self._dirty.quiet(self._serving_dirty)  # its warning of inaccurate navigation is not true here

    @property
    def _serving_dirty(self) -> bool:
        """``mkdocs serve --dirty``: only pages whose output changed are written (generator/serve_dirty.py)."""
        return self.command == "serve" and self.dirty

    def _processes(self) -> tuple[int, bool]:
        """How many worker processes this build may fork, and whether that number was asked for.

        Only ``mkdocs build`` forks: ``mkdocs serve`` runs a web server thread beside the build, and forking
        beside a thread is unsafe (see :func:`usable_processes`)."""
        if self.command not in ("build", "gh-deploy") or self.dirty:
            return 0, False
        requested = self.config.processes
        return usable_processes(requested), requested is not None

    @property
    def root(self) -> Path:
        return self._root

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.command == "serve":
            self._preview.build_starts()  # the whole site: what was saved so far, and the last build let go
        self._collect_previous_build()
        self._search_worker = self._material_search_worker(config)
        self._placeholder = placeholder()  # a new one for every build (serve rebuilds too)
        base = Path(config.config_file_path or ".").resolve().parent
        self._root = (base / self.config.root).resolve()
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if self.command != "serve":  # serve builds into a temporary folder of its own
            self._check_site_dir(config, base)
        if self.command == "build" and self.config.atomic:
            self.final_site_dir = config.site_dir
            target = Path(config.site_dir).resolve()
            target.parent.mkdir(parents=True, exist_ok=True)
            self._lock = BuildLock(target)  # held until the swap: two builds at once get a clear message
            try:
                self._lock.acquire()
            except BuildLocked as exc:
                raise PluginError(str(exc)) from None
            removed = clean_stale(target)
            if removed:
                log.info(
                    "removed %d staging folder(s) of killed builds: %s", len(removed), ", ".join(removed)
                )
            self.staging_dir = str(new_staging(target))
            config.site_dir = self.staging_dir
            self._clean_up_on_sigterm()
        return config

    @staticmethod
    def _material_search_worker(config: MkDocsConfig) -> str | None:
        """Material's search worker file, which overrides/main.html wraps (generator/material_theme.py); None
        without Material or without search. A Material whose worker cannot be found stops the build."""
        if config.theme.name != "material" or not any(
            name in config.plugins for name in ("search", "material/search")
        ):
            return None
        try:
            return material_theme.search_worker(config.theme.dirs)
        except material_theme.ThemeError as exc:
            raise PluginError(f"fault-lines: {exc}") from None

    def _collect_previous_build(self) -> None:
        """In ``mkdocs serve``, free the previous build before the next one: its pages, navigation and files
        reference each other, so only the cycle collector frees them, and the objects the last build froze (see
        on_env) sit in its oldest generation, which it seldom scans on its own: without this, every rebuild
        added the size of a build to the server's memory. Done between saves (:class:`IdleCollection`); here
        only when a save came before it could be."""
        if self.command != "serve":
            return
        self.result = self.output = None  # the chronology and rendered pages: freed as they are let go
        if self._idle.build_started():
            self._release_build()
            gc.collect()

    def _release_build(self) -> None:
        """Let go of the last build's MkDocs objects (its navigation, pages and environment: they reference each
        other, so only the cycle collector frees them). Its ``result`` and ``output`` stay readable until the
        next build starts."""
        self._nav = self._env = self._files = None
        self._entries.clear()
        self._cached_outputs.clear()
        if self._preview.base is not None:  # kept for the next save's page, without the pages' texts
            self._preview.slim(self._preview.base.files)

    def _check_site_dir(self, config: MkDocsConfig, base: Path) -> None:
        """Refuse a ``site_dir`` MkDocs would empty (it cleans it before building) or the swap would replace: one
        holding files no build wrote, or a folder of the project (content/, the docs_dir, ...)."""
        also = {base: "the folder of mkdocs.yml", Path(config.docs_dir): "the docs_dir"}
        try:
            check_destination(self.root, Path(config.site_dir), also=also, option="site_dir")
        except UnsafeOutput as exc:
            raise PluginError(f"{exc} (site_dir is set by 'mkdocs build -d DIR' or in mkdocs.yml)") from None

    def _clean_up_on_sigterm(self) -> None:
        """A terminated build (CI cancel, a wrapper's Ctrl-C) stops at once: its worker processes are killed
        without finishing their task, its staging folder is removed (site/ was never touched) and it exits with
        128 + SIGTERM. It exits from the handler: unwinding would wait for the workers' pools, and a worker's
        death is otherwise taken as a reason to go on without it (see generator/pools.py)."""
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set from the main thread (an embedding program's business)
        builder = os.getpid()

        def terminate(signum: int, frame: Any) -> None:
            if os.getpid() == builder:  # a worker forked before it dropped this handler just stops
                kill_workers()
                if self.staging_dir:
                    shutil.rmtree(self.staging_dir, ignore_errors=True)
                os.write(2, b"fault-lines: build terminated; site/ was not changed\n")
            os._exit(128 + signum)  # the lock goes with the process

        signal.signal(signal.SIGTERM, terminate)

    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        processes, requested = self._processes()
        self._unread = {}
        self._caching = False  # until the content is known to be sound (see _start_cache)
        # files not yet cached (all of them in `mkdocs build`) are read as `faultlines check` reads them: a large
        # tree by one process per core, or by as many as the option asks; with workers ruled out (serve,
        # `processes: 0`), here
        reading = 1 if not processes else self.config.processes  # None: load's own default
        kept = self._kept_check()
        if kept:  # the parsed files and their own problems the last build or check left on disk
            self.load_cache, self.check_memo = check_cache.load(self.root)
            before = check_cache.state(self.load_cache, self.check_memo)
        result = run(
            self.root,
            cache=self.load_cache,
            processes=reading,
            memo=self.check_memo,
            made=self.check_made if self.command == "serve" else None,
        )
        if kept and check_cache.state(self.load_cache, self.check_memo) != before:
            check_cache.write(self.root, self.load_cache, self.check_memo)
        if self.command != "serve":
            self.load_cache, self.check_memo = {}, {}  # memory: only `mkdocs serve` keeps them between builds
        self.result = result
        gc.freeze()  # the chronology lives until the end of the build (see on_env)
        found = report(result.diagnostics, Selection(self.root), strict=self.config.strict)
        text = format_text(found.shown, found.note()).rstrip("\n")
        self.serve_errors = ""
        if result.failed(self.config.strict):
            log.error("content check:\n%s", text)
        elif result.diagnostics:  # warnings only: one line, the details are in 'faultlines check'
            log.info("content check: %s (run 'faultlines check' for details)", text.splitlines()[-1])
        if (result.failed(self.config.strict) or result.chronology is None) and self.command == "serve":
            # `mkdocs serve` keeps running: every page shows the errors until the files are fixed (a raised
            # error would leave the server waiting for a build that never comes, and every request hanging)
            errors = [d for d in found.shown if d.severity == "error"] or found.shown
            self.serve_errors = format_pretty(errors, self.root, note=found.note())
            self.output = None
            # the generated pages are missing until the fix: links to them are no news (nor strict failures)
            for validation in (config.validation.nav, config.validation.links):
                validation.not_found = logging.DEBUG
            self._add_contributing(files, config)
            return files
        if result.failed(self.config.strict) or result.chronology is None:
            raise PluginError(
                f"content has errors ({text.splitlines()[-1]}); run 'faultlines check' for details"
            )
        history = file_history(self.root)  # one git call per build; says so when the clone is shallow
        if history.unavailable:
            log.info("%s", history.unavailable)
        self._start_cache(config)
        log.debug("rendering %d incidents (%d worker processes)", len(result.chronology.incidents), processes)
        lazy = self.command != "serve"
        written: dict[str, File] = {}  # under `mkdocs build`, the data files as soon as they are made

        def write_out(path: str, data: bytes) -> None:
            written[path] = self._written_out(config, path, data)

        try:
            self.output = render_site(
                result.chronology,
                directory_urls=config.use_directory_urls,
                site_url=config.site_url or "",
                history=history,
                search_index=self._search_index(len(result.chronology.incidents)),
                social_cards=self.config.social_cards,
                processes=processes,
                parallel_min=1 if requested else PARALLEL_MIN_INCIDENTS,
                memo=self._cache if self._caching else None,
                fragments=self._fragments if self._caching and self.command == "serve" else None,
                pieces=self._fragments
                if self._caching
                else None,  # the exports' pieces (on disk, see _start_cache)
                pack=self.command != "serve",  # serve: reused pages as text, not compressed each rebuild
                sink=write_out if lazy else None,
            )
        except BodyError as exc:  # a body the renderer failed on: the file's error, not a traceback
            raise PluginError(str(exc)) from None
        if self._caching:
            rendered = len(self.output.rendered)
            log.info("generated pages: %s rendered, %s from the cache", f"{rendered:,}",
                     f"{len(self.output.pages) - rendered:,}")  # fmt: skip
        gc.freeze()  # and so do the rendered pages
        # memory: under `mkdocs build`, each page's text stays compressed until MkDocs reads it (see
        # on_page_read_source), and the exports were written out as soon as they were made (see _written_out)
        for page in self.output.pages.values():
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(f"timeline/{page.path} clashes with a generated page; rename or remove it")
            text = "" if lazy else page.markdown
            files.append(File.generated(config, page.path, content=text, inclusion=inclusion))
        self._add_contributing(files, config)
        for file in written.values():
            files.append(file)
        for path, data in self.output.files.items():
            files.append(self._written_out(config, path, data) if lazy else File.generated(
                config, path, content=data, inclusion=InclusionLevel.NOT_IN_NAV
            ))  # fmt: skip
        self._generated_paths = frozenset(self.output.pages)
        if lazy:
            self._unread = dict(self.output.pages)
            self.output.pages.clear()
            self.output.files.clear()
        return files

    @staticmethod
    def _written_out(config: MkDocsConfig, path: str, data: bytes) -> File:
        """An export written into the site folder at once, and given to MkDocs as a file already in place (which
        MkDocs leaves where it is: its way for plugins that write into the site), instead of held until MkDocs
        copies the files, after every page is built."""
        out = Path(config.site_dir) / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        return File.generated(config, path, abs_src_path=str(out), inclusion=InclusionLevel.NOT_IN_NAV)

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """A generated page's text, under ``mkdocs build``: compressed until now, let go once read."""
        unread = self._unread.pop(page.file.src_uri, None)
        return unread.markdown if unread is not None else None

    def _text_or_key(self, file: File) -> str:
        """What stands for a generated page's text in its conversion's key: for an incident page, the memo key of
        everything its text is made from (its text is then not read: under ``mkdocs build`` a page from the memo
        is not even held, see memo.partition); for another page, its text, whether or not MkDocs has read it."""
        generated = self._unread.get(file.src_uri)
        if generated is None and self.output is not None:
            generated = self.output.pages.get(file.src_uri)
        if generated is not None and generated.key:
            return f"\0incident page of memo key {generated.key}"
        return generated.markdown if generated is not None else file.content_string

    def _kept_check(self) -> bool:
        """Whether ``mkdocs build`` reads and keeps ``faultlines check``'s cache (generator/check_cache.py, in the
        default cache folder): a file whose bytes did not change is not parsed or checked on its own again; the
        checks across files always run. ``mkdocs serve`` keeps the same in memory instead."""
        return (
            self.command != "serve"
            and self.config.cache
            and not self.dirty
            and self.config.cache_dir == CACHE_DIR
        )

    def _add_contributing(self, files: Files, config: MkDocsConfig) -> None:
        guide = self.root / "CONTRIBUTING.md"
        if guide.is_file() and files.get_file_from_path("contributing.md") is None:
            # one source for the guide: the repository's CONTRIBUTING.md is also the site's page
            text = 'title: "Contributing"\n'
            files.append(
                File.generated(
                    config,
                    "contributing.md",
                    content=f"---\n{text}---\n\n" + guide.read_text(encoding="utf-8"),
                )
            )

    # -- the page cache (generator/page_cache.py): pages whose inputs did not change are not built again ----------

    def _start_cache(self, config: MkDocsConfig) -> None:
        """Open the page cache for this build, unless it is off, ``mkdocs build --dirty`` (which skips pages) or
        the site has plugins whose page events the cache does not know (their effects would not be in the cached
        pages). ``mkdocs serve --dirty`` reads every page (see generator/serve_dirty.py)."""
        self._entries.clear()
        self._cached_outputs.clear()
        self._reused = 0  # generated pages printed from the cache (see _cached_output)
        self._caching = bool(
            self.config.cache
            and (not self.dirty or self._serving_dirty)
            and known_plugins(config, FaultLinesPlugin)
        )
        if self._caching:
            folder = self.root / self.config.cache_dir if self.config.cache_dir else None
            site = site_key(config, self.config, self.command)
            if site != self._cache.site:
                self._fragments.clear()  # a new theme, configuration or version: nothing is kept
            self._cache.start(site, folder, remember=self.command == "serve")
            # the exports' pieces: on disk between builds, in memory between `mkdocs serve` rebuilds
            self._fragments.use(self._cache if self.command != "serve" else None)

    def _cache_conversion(self, page: Page, files: Files) -> None:
        """Convert ``page`` from its cache entry if it has one; otherwise convert it as usual and note what the
        conversion made, for its entry (completed in on_page_content and on_post_page)."""
        src = page.file.src_uri
        key = self._cache.conversion_key(page, self._text_or_key(page.file))
        entry = self._cache.get(key, files)
        if entry is not None:
            entry["hit"] = True
            self._entries[src] = entry
            if "meta" in entry:  # its front matter as MkDocs read it: not parsed again
                self._unread.pop(src, None)  # read here
                read = functools.partial(_read_from_entry, page, entry)
                page.read_source = read  # type: ignore[method-assign]
            page.render = functools.partial(_render_from_entry, page, entry)  # type: ignore[method-assign]
            return
        convert = page.render

        def render_and_note(config: MkDocsConfig, files: Files) -> None:
            recording = RecordingFiles(files)
            with logging_counted() as logged:
                convert(config, recording)  # type: ignore[arg-type]
            toc = toc_to_data(page.toc)
            if logged.count or toc is None:  # its messages are said again by every build: not cached
                return
            links = page.links_to_anchors
            meta = page.meta if _plain_json(page.meta) else None
            self._entries[src] = {
                "key": key,
                **({"meta": meta} if meta is not None else {}),
                "lookups": recording.lookups,
                "toc": toc,
                "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
                "links": {f.src_uri: dict(v) for f, v in links.items()} if links is not None else None,
            }
            if not self._indexing:
                self._entries[src]["entries"] = None  # no search index to give entries to

        page.render = render_and_note  # type: ignore[method-assign]

    def _cached_output(self, nav: Any, files: Files) -> list[str]:
        """Once every page is converted: the pages whose templated output is in the cache, which MkDocs then
        prints as it is (the prebuilt template); each entry gets the key of its output."""
        signature = nav_signature(nav)
        for file in files.documentation_pages():
            entry = self._entries.get(file.src_uri)
            if entry is None or file.page is None:
                continue
            entry["output_key"] = key = output_key(entry["key"], signature, file.page)
            if not entry.get("hit"):
                continue
            if entry.get("output_of") == key:  # its output is read when MkDocs reaches the page
                self._cached_outputs[file.src_uri] = entry["key"]
                file.page.meta["fault_lines_template"] = file.page.meta.get("template")
                file.page.meta["template"] = PREBUILT_TEMPLATE
                continue
            # converted from the cache, but the theme must print it again: its HTML is needed now
            entry["content"] = file.page.content = self._cache.text(entry["key"], "content")
        self._reused = len(self._cached_outputs)
        return list(self._cached_outputs)

    def _cache_output(self, page: Page, output: str) -> None:
        """Complete the entry of ``page`` with its templated output and keep it."""
        entry = self._entries.pop(page.file.src_uri, None)
        if entry is None or "entries" not in entry:
            return
        if entry.get("hit") and entry.get("output_of") == entry.get("output_key"):
            return  # used as it was
        if not entry.get("hit"):
            self._unpack(page)  # a page a worker built: its HTML was not needed here until now
            entry["content"] = page.content
        entry.pop("hit", None)
        entry["output_of"] = entry.pop("output_key")
        entry["output"] = output
        self._cache.put(entry)

    def _search_index(self, incidents: int) -> str:
        """The option's ``full`` or ``summary``, ``auto`` decided by the number of incidents (and logged)."""
        mode = search_index_mode(self.config.search_index, incidents)
        if self.config.search_index == "auto" and mode == "summary":
            log.info(
                "search index: %s incidents (more than %s), so incidents are indexed by title, summary and "
                "facts; set the fault-lines option 'search_index: full' to index their whole pages",
                f"{incidents:,}",
                f"{SUMMARY_INDEX_ABOVE:,}",
            )
        return mode

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self._nav = nav
        self._search_views.clear()
        self._indexing = self._index_search_view(config)
        self._packed.clear()
        self._packing = self.command != "serve" and known_plugins(config, FaultLinesPlugin)
        self._date_pages(files, config)
        if self._serving_dirty:
            self._dirty.start(files)
        return nav

    def _date_pages(self, files: Files, config: MkDocsConfig) -> None:
        """When each page's content last changed, from history, not the build date: the sitemap's ``lastmod``
        and the "Last changed" line under every page (overrides/partials/source-file.html, which reads
        ``page.fault_lines_changed``). Generated pages get their own day (generator/export/revisions.py); a
        hand-written page its file's last commit, or the record's when it shows the record (a fault-lines
        marker); the contributors' guide and the reference pages the files they are made from. Without history
        (a shallow clone, no git) MkDocs' build date stays, and the line says that is all it knows."""
        modified = self.output.modified if self.output is not None else {}
        pages = [file for file in files.documentation_pages() if file.page is not None]
        build = pages[0].page.update_date if pages else ""  # type: ignore[union-attr]  # MkDocs': SOURCE_DATE_EPOCH or today
        built = {"known": False, "iso": build, "human": _human_day(build), "reason": "no-history"}
        if not modified:
            for file in pages:
                file.page.fault_lines_changed = built  # type: ignore[union-attr]
            return
        record = max(modified.values())
        docs = Path(config.docs_dir).resolve()
        made_from = dict(MADE_FROM)
        for file in pages:
            if not file.generated_by and (docs / file.src_uri).is_relative_to(self.root):
                made_from[file.src_uri] = (docs / file.src_uri).relative_to(self.root).as_posix()
        committed = last_changed(self.root, made_from.values())
        for file in pages:
            page = file.page
            day = modified.get(file.src_uri)
            if day is None and file.src_uri in made_from:
                day = committed.get(made_from[file.src_uri])
                if day is not None and not file.generated_by and "<!-- fault-lines:" in _text(file):
                    day = max(day, record)  # it shows the record: it changes when the record does
            page.update_date = day.isoformat() if day else ""  # type: ignore[union-attr]  # no lastmod rather than a wrong day
            page.fault_lines_changed = (  # type: ignore[union-attr]
                {"known": True, "iso": day.isoformat(), "human": _human_day(day.isoformat()),
                 "history": file.src_uri.startswith("incidents/") and bool(file.generated_by)}
                if day else {**built, "reason": "not-committed"}  # a new file, or one from outside the repository
            )  # fmt: skip

    @event_priority(-100)  # the last of the event: the workers see the environment MkDocs builds with
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # `mkdocs serve` injects an inline script that reloads the page after a rebuild: the preview's
        # Content-Security-Policy lets it run (overrides/main.html); a built site never does
        env.globals["fault_lines_serve"] = self.command == "serve"
        # the site-wide share card, for pages without one of their own (none when social_cards is off)
        env.globals["fault_lines_card"] = "" if self.config.social_cards == "off" else SITE_CARD
        # Material's search worker, which overrides/main.html replaces with ours (that loads it)
        if self._search_worker:
            env.globals["fault_lines_search_worker"] = self._search_worker
        self._env = env
        self._files = files
        if self._caching:
            env.bytecode_cache = self._cache.bytecode_cache()  # the theme's templates, compiled once
        cached = self._cached_output(self._nav, files) if self._caching else []
        if cached:
            add_prebuilt_template(env)
        # pages printed from the cache: their HTML is not read again (the search plugin would scan it for nothing)
        for src in cached:
            page = files.get_file_from_path(src).page  # type: ignore[union-attr]
            if page is not None and self._entries.get(src, {}).get("entries") is not None:
                page.content = ""
        if self._serving_dirty:
            self._plan_writes(config, files)
        # everything read so far (pages, navigation, the chronology) lives until the end of the build: the cycle
        # collector stops re-scanning it (seconds per full collection at 10,000 incidents), and forked workers
        # share it without copying it; unfrozen when the build ends
        gc.freeze()
        processes, requested = self._processes()
        # page workers only when `processes` is set: forked once every page is read, a worker and the build
        # write to the memory they share until each holds its own copy (at 10,000 incidents the build's peak
        # with one, 1.25-1.33 GB, against ~0.8 GB without), for about a tenth of the wall time on two cores
        # and no CPU time (see the Benchmarks page)
        if processes and requested and known_plugins(config, FaultLinesPlugin):
            self._workers.start(
                config,
                files,
                self._nav,
                env,
                processes,
                minimum=1 if requested else PARALLEL_MIN_PAGES,
                cached=frozenset(cached),
            )
            for page in self._workers_pages(files):  # memory: the workers index these from their own copy
                self._search_views.pop(page.file.src_uri, None)
            log.debug("building pages (%d worker processes)", self._workers.processes)
        return env

    def _plan_writes(self, config: MkDocsConfig, files: Files) -> None:
        """``mkdocs serve --dirty`` (generator/serve_dirty.py): remove what the previous build had and this one
        does not, give every page the key of its output, and let MkDocs write only those whose output of that key
        is not in the site folder; the search index gets the others' entries. With plugins whose page events the
        keys do not cover, every page is written."""
        self._dirty.remove_gone(files, config.site_dir)
        self._dirty.keep_files(files)
        pages = in_build_order(files)
        keys: dict[str, str] = {}
        if known_plugins(config, FaultLinesPlugin):
            site = self._cache.site if self._caching else site_key(config, self.config, self.command)
            signature = nav_signature(self._nav)
            for page in pages:
                entry = self._entries.get(page.file.src_uri)
                if entry is None or "output_key" not in entry:  # a page the cache does not hold: by its HTML
                    base = output_key(content_key(site, page), signature, page)
                elif entry.get("hit") and entry.get("entries") is None and self._indexing:
                    continue  # its search entries could not be given without building it
                else:
                    base = entry["output_key"]
                keys[page.file.src_uri] = page_key(base, page, self.serve_errors)
        complete_search_index(config, self._dirty.plan(pages, keys))

    def _workers_pages(self, files: Files) -> list[Page]:
        return [
            f.page
            for f in files.documentation_pages()
            if f.page is not None and self._workers.assigned(f.page)
        ]

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        if self._caching and self._generated(page):
            self._cache_conversion(page, files)
            if self.command == "serve":  # front matter read once per text (see _read_source)
                read = functools.partial(_read_source, page, self._fragments)
                page.read_source = read  # type: ignore[method-assign]
        return page

    def _generated(self, page: Page) -> bool:
        return bool(
            page.file.generated_by and self.output is not None and self._is_generated(page.file.src_uri)
        )

    def _prerendered(self, page: Page) -> bool:
        """Whether ``page`` is one of ours and is handed to MkDocs pre-rendered."""
        return bool(
            page.file.generated_by
            and self.config.prerendered_html
            and self.output is not None
            and self._is_generated(page.file.src_uri)
        )

    def _is_generated(self, src: str) -> bool:
        # the rendered pages are let go under `mkdocs build` once MkDocs has them (see on_files)
        return src in self._generated_paths or (self.output is not None and src in self.output.pages)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._prerendered(page):
            if not page.meta:  # every generated page has a title: its front matter was not read
                raise PluginError(
                    f"MkDocs could not read the front matter generated for {page.file.src_uri}; "
                    "it would be published as text (please report this)"
                )
            if self._entries.get(page.file.src_uri, {}).get("hit"):
                # converted from the cache: its Markdown is not read again (MkDocs would keep it to the end)
                return ""
            markdown, self._stashed[page.file.src_uri] = stash(markdown, self._placeholder)
            return markdown
        if page.file.generated_by or self.result is None or self.result.chronology is None:
            return markdown
        return fill_markers(markdown, self.result.chronology, page.file.src_uri, config.use_directory_urls)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self._pack(page, self._page_content(html, page))

    # -- memory: between reading the pages and writing them, MkDocs holds every page's HTML; ours is kept
    #    compressed meanwhile (``mkdocs build`` with only the plugins whose page events are known) -------------

    def _pack(self, page: Page, html: str) -> str:
        """The page's HTML, compressed until the page is built (see _unpack); its content is empty meanwhile."""
        src = page.file.src_uri
        if not self._packing or src not in self._generated_paths or not html:
            return html
        self._packed[src] = zlib.compress(html.encode("utf-8", "surrogatepass"), 1)
        view = self._search_views.get(src)
        if view is not None:
            self._search_views[src] = (None, zlib.compress(view[1].encode("utf-8", "surrogatepass"), 1))
        return ""

    def _unpack(self, page: Page) -> None:
        """The page's HTML back, when it is about to be indexed or printed."""
        blob = self._packed.pop(page.file.src_uri, None)
        if blob is None:
            return
        page.content = zlib.decompress(blob).decode("utf-8", "surrogatepass")
        view = self._search_views.get(page.file.src_uri)
        if view is not None and view[0] is None:
            packed = view[1]
            self._search_views[page.file.src_uri] = (
                page.content,
                zlib.decompress(packed).decode("utf-8", "surrogatepass"),  # type: ignore[arg-type]
            )

    def _page_content(self, html: str, page: Page) -> str:
        chunks = self._stashed.pop(page.file.src_uri, None)
        if not chunks:
            return anchor_title(html, page)
        content = restore(html, chunks)
        anchored = anchor_title(content, page)
        excluded = search_excluded(chunks)
        if excluded:
            view = search_view(html, chunks, excluded)
            self._search_views[page.file.src_uri] = (
                anchored,
                title_id(view) if anchored != content else view,
            )
        return anchored

    def _index_search_view(self, config: MkDocsConfig) -> bool:
        """Give Material's search index the entries of a page a worker built, and let it read each page's search
        view instead of its whole HTML (same index).

        Wraps the index's ``add_entry_from_context(page)``; without it (another search plugin, another Material
        version) every page is indexed from its content as usual. Whether there is a search index."""
        indexing = False
        for plugin in config.plugins.values():
            index = getattr(plugin, "search_index", None)
            add_entry = getattr(index, "add_entry_from_context", None)
            if index is None or not callable(add_entry):
                continue
            indexing = True
            if getattr(add_entry, "fault_lines", False):
                continue

            def add_entry_from_view(page: Page, index: Any = index, add_entry: Any = add_entry) -> Any:
                try:
                    return add_one(page, index, add_entry)
                finally:  # `mkdocs serve --dirty`: the pages not written that follow it (see _plan_writes)
                    for later in self._dirty.indexed_after(page):
                        add_one(later, index, add_entry)

            def add_one(page: Page, index: Any, add_entry: Any) -> Any:
                entry = self._entries.get(page.file.src_uri)
                if entry is not None and entry.get("hit") and entry.get("entries") is not None:
                    index.entries.extend(entry["entries"])  # from the cache
                    return None
                before = len(index.entries)
                try:
                    return indexed(page, index, add_entry)
                finally:
                    if entry is not None and not entry.get("hit"):
                        entry["entries"] = index.entries[before:]

            def indexed(page: Page, index: Any, add_entry: Any) -> Any:
                if self._workers.assigned(page):
                    built = self._workers.built(page)
                    if built is not None and built.entries is not None:
                        self._search_views.pop(page.file.src_uri, None)
                        index.entries.extend(built.entries)
                        return None
                self._unpack(page)
                content, view = self._search_views.pop(page.file.src_uri, (None, None))
                if view is None or page.content is not content:  # changed by another plugin since
                    return add_entry(page)
                page.content = view
                try:
                    return add_entry(page)
                finally:
                    page.content = content

            add_entry_from_view.fault_lines = True  # type: ignore[attr-defined]
            index.add_entry_from_context = add_entry_from_view
        return indexing

    @event_priority(-100)  # the last of the event: what it hands the template is final
    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        repository = self.config.repository.rstrip("/")
        if repository:
            source = page.meta.get("fault_lines_source")
            if not source and not page.file.generated_by:
                docs = Path(config.docs_dir).resolve()
                source = (docs / page.file.src_uri).relative_to(self.root).as_posix()
            page.edit_url = f"{repository}/edit/{self.config.branch}/{source}" if source else None
        key = self._cached_outputs.pop(page.file.src_uri, None)
        if key is not None:  # from the cache: printed as it is by the prebuilt template
            template = page.meta.pop("fault_lines_template", None)
            page.meta["template"] = template
            if template is None:
                del page.meta["template"]
            context[PREBUILT] = Markup(self._cache.text(key, "output"))
            return context
        if self._workers.assigned(page):
            return self._workers.finish(page, context, self._env)
        self._unpack(page)  # printed here
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self._saving_first:
            return self._saved_output(page, output)
        if self._caching:
            self._cache_output(page, output)  # the template's output, as the cache keeps it
        if self.command != "serve" and page.file.src_uri in self._generated_paths:
            page.content = ""  # memory: written from here on (the search index has its entries)
            self._packed.pop(page.file.src_uri, None)
        output = self._with_errors(output)
        if self._serving_dirty:
            self._dirty.wrote(page, output)
        return output

    def _saved_output(self, page: Page, output: str) -> str:
        """A saved page made before the whole build: written only when it differs from the page in the site folder
        (MkDocs writes no empty output); if written, the whole build writes it again (its record of what the
        folder holds no longer says which output is there)."""
        try:
            same = Path(page.file.abs_dest_path).read_bytes() == output.encode("utf-8", "xmlcharrefreplace")
        except OSError:
            same = False
        if same:
            return ""
        self._dirty.forget_page(page.file)
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return self._with_errors(output_content)  # 404.html: the pages of a broken tree are not built

    def _with_errors(self, output: str) -> str:
        """The page with the content errors over it, under ``mkdocs serve`` while the content has errors."""
        if not self.serve_errors:
            return output
        overlay = SERVE_ERRORS.format(errors=html.escape(self.serve_errors, quote=False))
        body = re.search(r"<body[^>]*>", output)
        return output[: body.end()] + overlay + output[body.end() :] if body else overlay + output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()
        self._unread = {}
        if self.serve_errors:
            _forget_strict_counts()  # the preview stays up, showing the errors, instead of aborting
        if self._caching:
            self._cache.finish()
            self._fragments.finish()
            generated = len(self._generated_paths) if self.output is not None else 0
            log.info(
                "page cache: %s pages reused, %s built", f"{self._reused:,}", f"{generated - self._reused:,}"
            )
            self._entries.clear()
        if self._serving_dirty:
            self._dirty.finish()
            whole = not self.serve_errors and self.output is not None and self._files is not None
            self._preview.build_ended(
                Base(config, self._files, self._nav, self._env)  # type: ignore[arg-type]
                if whole and known_plugins(config, FaultLinesPlugin)
                else None
            )
            log.info(
                "serve --dirty: %s of %s pages written", f"{self._dirty.written:,}", f"{self._dirty.pages:,}"
            )
        if self.command == "serve":
            # the build is over only now: the collection must not free what the steps above still use (at
            # 10,000 incidents the page cache's finish alone can outlast its delay)
            self._idle.build_ended()
        if self.command != "serve" and not self.staging_dir:
            write_marker(Path(config.site_dir))  # a build in place (atomic: false) marks its output too
        summary = self._workers.summary()
        if summary:
            log.info("%s", summary)
        self._workers.close()
        if self.staging_dir and self.final_site_dir:
            if _strict_warnings_counted():
                return  # the build aborts right after this event; on_build_error discards the staging folder
            write_marker(Path(self.staging_dir))
            try:
                check_replaceable(Path(self.final_site_dir), option="site_dir")
            except UnsafeOutput as exc:  # the folder changed while the site was built
                raise PluginError(str(exc)) from None
            # site/ is in place at every instant (see replace_directory); then the lock is let go
            left = replace_directory(Path(self.staging_dir), Path(self.final_site_dir).resolve())
            if left:
                log.info("%s", left)  # after the swap: a strict build must not report the new site failed
            config.site_dir = self.final_site_dir
            self.staging_dir = None
            self._release_lock()

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        self._preview.build_ended(None)
        if self.command == "serve":
            self._idle.build_ended()
        self._dirty.forget()  # the next build writes every page again
        self._workers.close()
        if self.staging_dir:
            shutil.rmtree(self.staging_dir, ignore_errors=True)
            self.staging_dir = None
        self._release_lock()

    def _release_lock(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    def on_shutdown(self) -> None:
        self.on_build_error(error=Exception("shutdown"))
        self._dirty.quiet(False)
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        self._watch_content(server)
        if self._serving_dirty and self._observer is not None and can_stage(server):
            # a saved incident's page first (generator/serve_preview.py): told which files changed by the
            # file events; without them (a polled folder) every save rebuilds the whole site at once
            content = str(self.root / "content")
            self._observer.schedule(self._preview.handler(), content, recursive=True, event_filter=_CHANGES)
            server.builder = staged(server, server.builder, self._saved_first)
        return server

    def _saved_first(self) -> bool:
        """Write the pages of the incidents saved since the last build, before the whole site is built again
        (generator/serve_preview.py); False, having written nothing, when only a whole build will do."""
        base, saved = self._preview.base, self._preview.take()
        if base is None or not saved or not known_plugins(base.config, FaultLinesPlugin):
            why = "no clean last build" if base is None else "no incident saved" if not saved else "plugins"
            log.debug("saved page first: not this time (%s)", why)
            return False
        with self._idle.paused():
            caching, self._caching = self._caching, False  # nothing of this step goes into the page cache
            self._saving_first = True
            try:
                return self._build_saved(base, saved)
            except Exception as exc:  # the whole build that follows reports whatever it is
                log.debug("saved page not shown first (%s: %s)", type(exc).__name__, exc)
                return False
            finally:
                self._caching, self._saving_first = caching, False

    def _build_saved(self, base: Base, saved: list[Path]) -> bool:
        result = run(
            self.root, cache=self.load_cache, processes=1, memo=self.check_memo, made=self.check_made
        )
        if result.failed(self.config.strict) or result.chronology is None:
            log.debug("saved page first: not this time (the content has errors)")
            return False  # the whole build shows the errors
        found = saved_pages(
            saved, self.root, result.chronology, base.files, lambda i: page_path("incidents", i)
        )
        if found is None:
            log.debug("saved page first: not this time (not only existing incidents saved: %s)", saved[:3])
            return False
        renderer = site_renderer(
            result.chronology,
            directory_urls=base.config.use_directory_urls,
            site_url=base.config.site_url or "",
            history=file_history(self.root),
            search_index=self.config.search_index,
            social_cards=self.config.social_cards,
        )
        pages = [(renderer.incident(record), file) for record, file in found]
        for generated, file in pages:
            build_page(file, generated.markdown, base)  # written only if it changed (see _saved_output)
        log.info("saved: %s", ", ".join(file.src_uri for _, file in pages))
        return True

    def _watch_content(self, server: LiveReloadServer) -> None:
        """Rebuild when a file under content/ changes, told by the system's file events (inotify on Linux).

        MkDocs polls what it watches every half second: half a second of a save's latency on average, and a
        scan of every watched file twice a second (10,000 incidents: 10,000 stats). content/ is watched with
        MkDocs' own callback (``server.watch``) on an event-based observer instead; where the system has no file
        events to give (or no more watches), it is polled like the rest."""
        content = str(self.root / "content")
        events = Observer()
        try:
            # the watch the server's is added to: if it cannot be started, nothing of the server was touched
            events.schedule(FileSystemEventHandler(), content, recursive=True, event_filter=_CHANGES)
            events.start()
        except (OSError, ValueError, TypeError) as exc:  # no folder, no watches left, no filters
            log.debug("file events unavailable (%s): content/ is polled", exc)
            server.watch(content)
            return
        polling, server.observer = server.observer, _ChangesOnly(events)  # type: ignore[assignment]
        try:
            server.watch(content)
        finally:
            server.observer = polling
        self._observer = events


# the file events that change content (not a file opened or closed unwritten, as every build reads some)
_CHANGES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    FileAttribEvent,
]


class _ChangesOnly:
    """Stands for the server's observer while ``server.watch`` adds content/ to ``observer``, with only the
    events that change a file (see _CHANGES)."""

    def __init__(self, observer: Any) -> None:
        self._observer = observer

    def schedule(self, handler: Any, path: str, *, recursive: bool = False) -> Any:
        return self._observer.schedule(handler, path, recursive=recursive, event_filter=_CHANGES)


class IdleCollection:
    """Under ``mkdocs serve``: the last build's objects are freed a moment after it ends, while the preview waits
    for the next save, instead of when the next build starts, where the collection was on the path from a save
    to the page (0.13 s of a rebuild at 1,000 incidents, and it grows with the site). A save that comes first
    finds them not freed yet, and its build frees them as before. The collection and a build never run at the
    same time: each holds the lock."""

    DELAY_S = 1.0  # after the build: the browsers have reloaded the page by then

    def __init__(self, release: Callable[[], None]) -> None:
        self._release = release
        self._lock = threading.Lock()
        self._builds = 0
        self._freed = True

    def build_started(self) -> bool:
        """A build starts (waiting for a collection under way): True when the last build was not freed yet."""
        with self._lock:
            self._builds += 1
            freed, self._freed = self._freed, False
        return not freed

    def build_ended(self) -> None:
        """A build ended: free it after :attr:`DELAY_S`, unless another build has started by then."""
        with self._lock:
            build = self._builds
        timer = threading.Timer(self.DELAY_S, self._collect, args=(build,))
        timer.daemon = True  # never keeps the server from stopping
        timer.start()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """No collection while the block runs (a saved page being made from the last build's objects), nor after
        it: a collection still to come would hold the interpreter for seconds on a large site (3 s at 10,000
        incidents) just as browsers fetch the saved page; the whole build that follows frees the last one first
        (``build_started``)."""
        with self._lock:
            self._builds += 1  # the collection waiting for its delay gives way
            yield

    def _collect(self, build: int) -> None:
        with self._lock:
            if build != self._builds or self._freed:
                return  # a newer build started (it frees this one), or this one is freed already
            self._release()
            gc.collect()
            give_back()  # what the build freed goes back to the system, not only to the allocator's free lists
            self._freed = True


# pages made from files other than their own: the contributors' guide and the reference pages (by the code that
# writes them); their "Last changed" is that file's last commit
MADE_FROM = {
    "contributing.md": "CONTRIBUTING.md",
    "reference/error-codes.md": "generator/codes.py",
    "reference/fields.md": "generator/schema.py",
}


def _human_day(iso: str) -> str:
    """``6 December 2026`` for ``2026-12-06`` (MkDocs' own dates are ISO days too); anything else as it is."""
    try:
        return human_day(iso)
    except ValueError:
        return iso


def _text(file: File) -> str:
    try:
        return file.content_string
    except (OSError, UnicodeDecodeError):
        return ""


def _read_from_entry(page: Page, entry: dict[str, Any], config: MkDocsConfig) -> None:
    """``Page.read_source`` for a page in the cache: its front matter as it was read when the entry was made
    (the entry's key covers the page's whole text). Its Markdown is not converted again, nor kept: a generated
    page's Markdown after conversion is its blocks' random tokens (see ``placeholder``), which no template can
    print in a reproducible site. Used once: the page lets go of it (and of the entry)."""
    page.markdown = ""
    page.meta = entry["meta"]
    page.__dict__.pop("read_source", None)


def _plain_json(value: Any) -> bool:
    """Whether ``value`` is made of JSON's types only (and so comes back from the cache as it went in)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(map(_plain_json, value))
    return value is None or isinstance(value, (str, bool, int, float))


def _render_from_entry(page: Page, entry: dict[str, Any], config: MkDocsConfig, files: Files) -> None:
    """``Page.render`` for a page in the cache: what MkDocs' conversion made, from the entry. Its HTML is read
    only if the theme has to print it again (see ``_cached_output``); until then the page's content is empty."""
    page.__dict__.pop("render", None)  # used once: the page lets go of the entry
    page.content = entry.get("content", "")
    page.toc = toc_from_data(entry["toc"])
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["anchors"]) if entry["anchors"] is not None else None
    links = entry["links"]
    if links is not None:
        targets = ((files.get_file_from_path(src), anchors) for src, anchors in links.items())
        page.links_to_anchors = {target: dict(anchors) for target, anchors in targets if target is not None}


def _read_source(page: Page, fragments: Fragments, config: MkDocsConfig) -> None:
    """``Page.read_source`` for a generated page under ``mkdocs serve``: its front matter read once per text
    and kept between rebuilds (most pages' front matter is the same after a save; YAML is slow to parse)."""
    source = config.plugins.on_page_read_source(page=page, config=config)
    if source is None:
        source = page.file.content_string
    front = meta.YAML_RE.match(source)
    if front is None:
        page.markdown, page.meta = meta.get_data(source)
        return

    def parse() -> tuple[bool, dict[str, Any]]:
        markdown, data = meta.get_data(source)
        return markdown is not source, data  # the front matter is cut off only when it was read

    read, data = fragments.get(("front matter", front.group(1)), parse)
    page.markdown = source[front.end() :].lstrip("\n") if read else source
    page.meta = copy.deepcopy(data)  # a page's meta is changed by plugins (ours too): each gets its own


def _strict_warnings_counted() -> bool:
    """True when ``--strict`` has counted a warning: MkDocs (and ProperDocs) raise their "Aborted with N
    warnings" only after ``on_post_build``, so swapping the staging folder in there would publish a failed build."""
    for name in ("mkdocs", "properdocs"):
        for handler in logging.getLogger(name).handlers:
            get_counts = getattr(handler, "get_counts", None)
            if callable(get_counts) and get_counts():
                return True
    return False


def _forget_strict_counts() -> None:
    """Reset what ``strict`` counted in this build (``mkdocs serve`` on broken content only: an abort would stop the
    server on the first build and leave every request of a later one hanging)."""
    for name in ("mkdocs", "properdocs"):
        for handler in logging.getLogger(name).handlers:
            counts = getattr(handler, "counts", None)
            if callable(getattr(handler, "get_counts", None)) and isinstance(counts, dict):
                counts.clear()
