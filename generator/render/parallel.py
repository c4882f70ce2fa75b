"""Render a large chronology's incident pages in forked worker processes while this process renders the rest.

MkDocs builds on one core; the incident pages, most of the generator's time, are independent of each other, so
on a machine with several cores they are rendered by worker processes (forked: they share the renderer and its
compiled templates, and send back only the pages' text) while the main process renders the other pages and the
data files. The pages are the same bytes in the same order as from one process (a test compares them), and the
main process renders them itself whenever the workers cannot be used.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Container, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from generator.model import IncidentRecord
from generator.pools import fork_pool
from generator.render.pages import GeneratedPage, SiteRenderer

PARALLEL_MIN_INCIDENTS = 1000
"""From this many incidents on, workers render the incident pages: below it, starting them costs more."""
_CHUNK = 100  # incidents per task

_renderer: SiteRenderer | None = None  # the renderer the forked workers inherit


_records: Sequence[IncidentRecord] = ()  # the incidents they render


def _render_chunk(start: int, stop: int) -> list[GeneratedPage]:
    assert _renderer is not None, "workers are forked after the renderer is set"
    return [_renderer.incident(record) for record in _records[start:stop]]


def usable_processes(requested: int | None = None) -> int:
    """How many worker processes may render here: one per core but the one this process keeps busy with the
    other pages and files, and only where fork is safe.

    Fork is unsafe with other threads running (``mkdocs serve`` runs its web server in one) and on macOS, and
    unavailable on Windows: there the answer is 0 and everything is rendered in this process."""
    if sys.platform == "darwin" or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if threading.active_count() > 1:
        return 0
    if requested is not None:
        return max(0, requested)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores - 1, 8)


def take_back_last(futures: Sequence[Future[Any] | None], after: int, taken: Container[int]) -> int | None:
    """Cancel the last task after ``after`` (not in ``taken``) that no worker has started, for the caller to do
    itself; its index, or ``None`` when every later task is started or done. Workers take tasks from the front,
    so the two sides meet without either waiting while there is work."""
    for task in range(len(futures) - 1, after, -1):
        future = futures[task]
        if task not in taken and future is not None and future.cancel():
            return task
    return None


class IncidentPages:
    """The pages of ``records`` (default: every incident of ``renderer``), started in workers when worth it;
    :meth:`result` gathers them."""

    def __init__(
        self,
        renderer: SiteRenderer,
        processes: int,
        minimum: int = PARALLEL_MIN_INCIDENTS,
        records: Sequence[IncidentRecord] | None = None,
    ) -> None:
        global _renderer, _records
        self.renderer = renderer
        self.records = renderer.c.incidents if records is None else records
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[list[GeneratedPage]]] = []
        count = len(self.records)
        if processes < 1 or count < minimum:
            return
        _renderer, _records = renderer, self.records
        try:
            self.pool = fork_pool(processes)
            self.futures = [
                self.pool.submit(_render_chunk, start, min(start + _CHUNK, count))
                for start in range(0, count, _CHUNK)
            ]
        except (BrokenProcessPool, OSError):
            self.close()

    def result(self) -> list[GeneratedPage]:
        """Every incident's page, in the chronology's order.

        While waiting, this process renders the last tasks no worker has started (the workers take them from
        the front), so it is never idle while there is work, whichever side was faster."""
        try:
            if self.futures:
                done: dict[int, list[GeneratedPage]] = {}
                for task, future in enumerate(self.futures):
                    while task not in done:
                        if future.cancel():
                            done[task] = self._render(task)
                        elif not future.done() and self._render_last(after=task, into=done):
                            continue
                        else:
                            done[task] = future.result()
                return [page for task in range(len(self.futures)) for page in done[task]]
        except (BrokenProcessPool, OSError):  # a worker died or could not start: render here instead
            pass
        finally:
            self.close()
        return [self.renderer.incident(record) for record in self.records]

    def _render(self, task: int) -> list[GeneratedPage]:
        start = task * _CHUNK
        return [self.renderer.incident(record) for record in self.records[start : start + _CHUNK]]

    def _render_last(self, after: int, into: dict[int, list[GeneratedPage]]) -> bool:
        """Render here the last task after ``after`` that no worker has started; false if there is none."""
        task = take_back_last(self.futures, after, into)
        if task is None:
            return False
        into[task] = self._render(task)
        return True

    def close(self) -> None:
        """Stop the workers (if any) and let go of the renderer they shared."""
        global _renderer, _records
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.futures = []
        _renderer, _records = None, ()
