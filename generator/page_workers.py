"""Build part of MkDocs' pages in forked worker processes while MkDocs builds the others.

MkDocs builds its pages one after the other on one core: for each page the theme's template is rendered and the
search plugin parses the page, about two thirds of a large chronology's build. Once every page is read and the
navigation is known (``on_env``), the pages are independent of each other, so on a machine with several cores
worker processes (forked: they inherit the pages, the navigation and the compiled templates) build the last
pages of the build's order, exactly as MkDocs would (:func:`mkdocs.commands.build.get_context`, every plugin's
``on_page_context``, the page's template), while MkDocs builds the first ones here. When MkDocs reaches a page a
worker built, the page's template is a one-line template that prints the worker's HTML, and the search index is
given the worker's entries for it; MkDocs then runs ``on_post_page`` and writes the file as usual. If MkDocs
reaches a task that is still running, this process meanwhile builds the last tasks no worker has started, the
same way, so neither side waits while there is work.

The result is byte-identical to building every page here (tests compare whole sites, the search index
included). Workers are used only where that is guaranteed: ``mkdocs build`` (not ``serve``, whose server thread
makes forking unsafe, nor ``--dirty``), on Linux and other systems with a safe ``fork``, and only with the
plugins whose page events are known to have no effect outside the page (Material's search and this one). A
warning a worker logs is logged here, at its page's turn, so ``--strict`` counts it. A worker that fails or
dies leaves its pages to be built here, where any error is then raised as MkDocs raises it.
"""

from __future__ import annotations

import logging
import os
import zlib
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator.pools import fork_pool
from generator.render.parallel import take_back_last

PARALLEL_MIN_PAGES = 1000
"""From this many pages on, workers build pages by default: below it, starting them costs more than it saves."""
PREBUILT_TEMPLATE = "fault-lines/prebuilt.html"
PREBUILT = "fault_lines_prebuilt"  # the template variable holding a worker's HTML
_CHUNK = 100  # pages per task


@dataclass
class Built:
    """One page as a worker built it: the template's output (compressed), its search entries and what it
    logged."""

    output: bytes
    entries: list[dict[str, Any]] | None
    records: list[logging.LogRecord] = field(default_factory=list)


@dataclass
class _Job:
    pages: list[Page]
    doc_files: Any
    config: MkDocsConfig
    nav: Any
    env: jinja2.Environment
    entries: list[dict[str, Any]] | None  # the search index's entries (None without Material's search)
    templates: list[str]  # each page's template


_job: _Job | None = None  # what the forked workers inherit
_records: list[logging.LogRecord] = []  # what a worker logged for the page it is building


class _Collector(logging.Handler):
    """A worker's log handler: keeps the records, to be logged by the build at the page's turn."""

    def emit(self, record: logging.LogRecord) -> None:
        if not any(kept is record for kept in _records):  # a record can pass several loggers
            _records.append(record)


def _collect_logs() -> None:
    """In a new worker: every logger that prints (MkDocs' own, the root) hands its records to the collector."""
    collector = _Collector()
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        if isinstance(logger, logging.Logger) and logger.handlers:
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.addHandler(collector)


def _portable(record: logging.LogRecord) -> logging.LogRecord:
    """``record`` with its message formatted, so that it survives pickling whatever its arguments."""
    record.msg = record.getMessage()
    record.args = None
    if record.exc_info:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
    return record


def _build_chunk(start: int, stop: int) -> list[Built]:
    """In a worker: build pages ``start:stop`` of the job."""
    assert _job is not None, "workers are forked after the job is set"
    built = _build_pages(_job, start, stop)
    for page in _job.pages[start:stop]:
        # memory: the build lets go of a page's HTML once it writes the page (its on_post_page); a worker, which
        # runs no such step, would otherwise hold the HTML of every page it built
        page.content = ""
    return built


def _build_pages(job: _Job, start: int, stop: int, built: list[Built] | None = None) -> list[Built]:
    """Build pages ``start:stop`` of ``job`` as ``mkdocs.commands.build._build_page`` does, without writing;
    appended to ``built``, which keeps the pages built before one that fails."""
    built = [] if built is None else built
    for page, name in zip(job.pages[start:stop], job.templates[start:stop], strict=True):
        before = len(job.entries) if job.entries is not None else 0
        _records.clear()
        job.config._current_page = page
        page.active = True
        try:
            context = get_context(job.nav, job.doc_files, job.config, page)
            template = job.env.get_template(name)
            context = job.config.plugins.on_page_context(context, page=page, config=job.config, nav=job.nav)
            output = template.render(context)
        except BaseException:
            if job.entries is not None:
                del job.entries[
                    before:
                ]  # the failed page is indexed at its own turn, or the build stops there
            _records.clear()
            raise
        finally:
            page.active = False
            job.config._current_page = None
        entries = None
        if job.entries is not None:
            entries = job.entries[before:]
            del job.entries[before:]
        # compressed: it crosses from the worker in a fraction of the bytes and waits for its turn in a fraction
        # of the memory (the workers build ahead of MkDocs)
        packed = zlib.compress(output.encode("utf-8", "surrogatepass"), 1)
        built.append(Built(packed, entries, [_portable(record) for record in _records]))
        _records.clear()
    return built


def add_prebuilt_template(env: jinja2.Environment) -> None:
    """Let ``env`` print a page's HTML as it is, given in the context (pages from workers or the page cache)."""
    first = getattr(env.loader, "loaders", [None])[0]
    if PREBUILT_TEMPLATE not in getattr(first, "mapping", {}):
        env.loader = jinja2.ChoiceLoader(
            [jinja2.DictLoader({PREBUILT_TEMPLATE: "{{ " + PREBUILT + " }}"}), env.loader]
        )


def search_entries(config: MkDocsConfig) -> list[dict[str, Any]] | None:
    """The entries list of Material's search index, or ``None`` when the site has no such index."""
    for plugin in config.plugins.values():
        entries = getattr(getattr(plugin, "search_index", None), "entries", None)
        if _is_material_search(plugin) and isinstance(entries, list):
            return entries
    return None


def _is_material_search(plugin: Any) -> bool:
    return (
        type(plugin).__module__ == "material.plugins.search.plugin"
        and type(plugin).__name__ == "SearchPlugin"
    )


def known_plugins(config: MkDocsConfig, own: type) -> bool:
    """Whether every plugin of the site is one whose page events the workers reproduce exactly."""
    return all(isinstance(plugin, own) or _is_material_search(plugin) for plugin in config.plugins.values())


def _own_share(processes: int) -> float:
    """The share of the pages this process builds before the workers' pages. Less than an equal share, as this
    process also writes every page; if the workers fall behind, it takes tasks back (measured at 10,000
    incidents on two cores: 0.4 left it neither waiting nor taking much back)."""
    return 0.8 / (processes + 1)


class PageWorkers:
    """The pages built by worker processes in one build, and their results as MkDocs reaches them."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self._owner = os.getpid()
        self._slots: dict[int, tuple[int, int, str | None]] = {}  # id(page) -> (task, index, its template)
        self._futures: list[Future[list[Built]] | None] = []  # None once its pages are taken
        self._results: dict[int, list[Built] | None] = {}  # task -> its pages (None: build them here)
        self._job: _Job | None = None
        self._stealing = False
        self.processes = 0
        self.pages = 0  # pages of this build
        self.from_workers = 0  # pages of this build not built by MkDocs at their turn
        self.taken_back = 0  # of those, pages this process built ahead of their turn

    def start(
        self,
        config: MkDocsConfig,
        files: Files,
        nav: Any,
        env: jinja2.Environment,
        processes: int,
        minimum: int,
        cached: frozenset[str] = frozenset(),
    ) -> None:
        """Fork ``processes`` workers to build the last pages of the build, if there are ``minimum`` pages.

        Call ``gc.freeze()`` first: the workers' garbage collector then leaves the inherited objects alone, and
        fewer memory pages are copied into them."""
        global _job
        self.close()
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        pages = [file.page for file in doc_files if file.page is not None]
        if len(pages) != len(doc_files):
            return
        pages = [page for page in pages if page.file.src_uri not in cached]  # printed from the page cache
        if processes < 1 or len(pages) < max(minimum, 2):
            return
        # this process builds a first share itself while the workers build the rest; a small share, as it also
        # writes every page, and takes tasks back from the end if the workers are slower (see `built`)
        theirs = pages[int(len(pages) * _own_share(processes)) :]
        templates = [page.meta.get("template", "main.html") for page in theirs]
        _job = self._job = _Job(theirs, doc_files, config, nav, env, search_entries(config), templates)
        self._owner = os.getpid()
        try:
            self.pool = fork_pool(processes, initializer=_collect_logs)
            self._futures = [
                self.pool.submit(_build_chunk, start, min(start + _CHUNK, len(theirs)))
                for start in range(0, len(theirs), _CHUNK)
            ]
        except OSError:
            self.close()
            return
        finally:
            _job = None  # the workers have their copy; this process lets go of it
        self.processes, self.pages = processes, len(pages)
        # the workers are forked: from here on, what MkDocs renders for these pages is the workers' HTML
        add_prebuilt_template(env)
        for index, page in enumerate(theirs):
            self._slots[id(page)] = (index // _CHUNK, index % _CHUNK, page.meta.get("template"))
            page.meta["template"] = PREBUILT_TEMPLATE

    def assigned(self, page: Page) -> bool:
        """Whether a worker builds ``page`` (always false inside a worker)."""
        return os.getpid() == self._owner and not self._stealing and id(page) in self._slots

    def built(self, page: Page) -> Built | None:
        """What a worker built for ``page``; ``None`` when it is to be built here (its worker failed, or had not
        started it when MkDocs reached it).

        While the task is still running, this process builds the last tasks no worker has started (the workers
        take them from the front): it is never idle while there is work, whichever side was faster."""
        task, index, _ = self._slots[id(page)]
        while task not in self._results:
            future = self._futures[task]
            assert future is not None, "MkDocs builds each page once"
            if future.done():
                try:
                    self._results[task] = future.result()
                except Exception:  # a failed page is built again here, where MkDocs reports the error
                    self._results[task] = None
            elif future.cancel():
                self._results[task] = None  # built by MkDocs as usual
            elif not self._steal_last(after=task):
                future.exception()  # nothing left to take: wait for it
        self._futures[task] = None  # its result (the pages' HTML) goes once they are written
        if task > 0:
            self._results.pop(task - 1, None)  # MkDocs builds pages in order: that task is done with
        pages = self._results[task]
        return pages[index] if pages is not None and index < len(pages) else None

    def _steal_last(self, after: int) -> bool:
        """Build here the last task after ``after`` that no worker has started; false if there is none.

        This runs inside MkDocs' build of another page, which is active (with its sections) meanwhile: it is
        made inactive while the task's pages are built, as each would be built alone, and then restored."""
        job = self._job
        assert job is not None
        task = take_back_last(self._futures, after, self._results)
        if task is None:
            return False
        start = task * _CHUNK
        pages = job.pages[start : start + _CHUNK]
        current = job.config._current_page
        active = bool(current is not None and current.active)
        if current is not None:
            current.active = False
        self._stealing = True
        for page in pages:  # built as MkDocs would see them: with their own template
            self._restore_template(page)
        built: list[Built] = []
        try:
            _build_pages(job, start, start + len(pages), built)
        except Exception:
            # that page and the rest are built by MkDocs at their turn, which reports the error; one that did
            # not recur there would leave that page indexed from its whole HTML (its lighter search view was
            # used up): not seen with deterministic templates
            pass
        finally:
            self._results[task] = built
            self.taken_back += len(built)
            self._stealing = False
            for page in pages:
                page.meta["template"] = PREBUILT_TEMPLATE
            if current is not None:
                current.active = active
            job.config._current_page = current
        return True

    def _restore_template(self, page: Page) -> None:
        template = self._slots[id(page)][2]
        if template is None:
            page.meta.pop("template", None)
        else:
            page.meta["template"] = template

    def finish(self, page: Page, context: Any, env: jinja2.Environment) -> Any:
        """The last ``on_page_context`` of a page a worker built: restore its template and hand over its HTML
        (or render it here when the worker failed), and log what the worker logged for it."""
        built = self.built(page)
        self._restore_template(page)
        _, _, template = self._slots.pop(id(page))
        if built is None:
            output = env.get_template(template or "main.html").render(context)
        else:
            self.from_workers += 1
            output = zlib.decompress(built.output).decode("utf-8", "surrogatepass")
            for record in built.records:
                logging.getLogger(record.name).handle(record)
        context[PREBUILT] = Markup(output)  # printed as it is, whatever the environment's autoescaping
        return context

    def close(self) -> None:
        """Stop the workers, if any, and forget this build's pages."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self._slots.clear()
        self._futures = []
        self._results.clear()
        self._job = None
        self.processes = self.pages = self.from_workers = self.taken_back = 0

    def summary(self) -> str | None:
        """What the workers did in this build, for the build's log; ``None`` if there were none."""
        if not self.processes:
            return None
        workers = "worker process" if self.processes == 1 else "worker processes"
        ahead = f", {self.taken_back} more here ahead of their turn" if self.taken_back else ""
        built = self.from_workers - self.taken_back
        return f"{built} of {self.pages} pages built by {self.processes} {workers}{ahead}"
