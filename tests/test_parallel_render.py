"""Incident pages rendered by worker processes are the same pages, in the same order, as from one process."""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from pathlib import Path

import pytest
from helpers import minimal_files, write_tree

from generator.pipeline import run
from generator.render.pages import GeneratedPage, SiteRenderer
from generator.render.parallel import IncidentPages, _render_chunk, usable_processes
from generator.render.site import render_site


@pytest.mark.skipif(usable_processes(1) == 0, reason="no fork on this platform")
def test_worker_processes_render_the_same_site(tmp_path: Path) -> None:
    result = run(write_tree(tmp_path, minimal_files()))
    assert result.chronology is not None
    alone = render_site(result.chronology, site_url="https://example.org/")
    # a threshold of one incident forces the workers on this small tree
    shared = render_site(result.chronology, site_url="https://example.org/", processes=1, parallel_min=1)
    assert list(shared.pages) == list(alone.pages) and shared.pages == alone.pages
    assert shared.files == alone.files
    # and the workers did render them (no silent fall-back to this process); the renderer as render_site makes it
    renderer = SiteRenderer(result.chronology, site_url="https://example.org/", social_cards="incidents")
    incidents = IncidentPages(renderer, 1, minimum=1)
    assert incidents.futures, "the worker pool did not start"
    pages = [page for future in incidents.futures for page in future.result()]
    incidents.close()
    assert pages and all(alone.pages[page.path] == page for page in pages)


def _slow_render_chunk(start: int, stop: int) -> list[GeneratedPage]:
    """A worker's task, slowed down (module level: tasks are pickled by name)."""
    time.sleep(0.5)
    return _render_chunk(start, stop)


@pytest.mark.skipif(usable_processes(1) == 0, reason="no fork on this platform")
def test_this_process_takes_back_the_tasks_a_slow_worker_has_not_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.render.parallel as parallel

    result = run(write_tree(tmp_path, minimal_files()))
    assert result.chronology is not None and len(result.chronology.incidents) >= 3
    monkeypatch.setattr(parallel, "_CHUNK", 1)
    monkeypatch.setattr(parallel, "_render_chunk", _slow_render_chunk)
    renderer = SiteRenderer(result.chronology, site_url="https://example.org/")
    # each incident four times: a worker holds at most two tasks ahead (the pool's call queue), so most of them
    # are still waiting when this process looks; with three tasks, all three could be on their way by then
    records = list(result.chronology.incidents) * 4
    incidents = IncidentPages(renderer, 1, minimum=1, records=records)
    futures = list(incidents.futures)
    pages = incidents.result()
    assert any(future.cancelled() for future in futures), "nothing was taken back from the slow worker"
    serial = SiteRenderer(result.chronology, site_url="https://example.org/")
    assert pages == [serial.incident(record) for record in records]


def test_no_workers_while_another_thread_runs() -> None:
    # mkdocs serve's web server runs in a thread: forking beside it could deadlock the children
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert usable_processes() == 0 and usable_processes(4) == 0
    finally:
        stop.set()
        thread.join()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_terminated_render_worker_leaves_the_build_folder_alone(tmp_path: Path) -> None:
    # the build's SIGTERM clean-up is inherited by forked workers; only the build itself may remove its folder
    from generator.mkdocs_plugin import FaultLinesPlugin

    staging = tmp_path / ".site-staging"
    staging.mkdir()
    plugin = FaultLinesPlugin()
    plugin.staging_dir = str(staging)
    previous = signal.getsignal(signal.SIGTERM)
    plugin._clean_up_on_sigterm()
    try:
        child = os.fork()
        if child == 0:  # the worker: terminated on its own; never back into pytest
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                os._exit(0)  # not reached: the handler exits
            except SystemExit as exit:
                os._exit(int(exit.code or 0))
            finally:
                os._exit(1)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 128 + signal.SIGTERM
        assert staging.is_dir()
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_generated_page_keeps_its_text_compressed() -> None:
    text = "---\ntitle: Patrol – 東シナ海\n---\n\n" + "<div>the same block</div>\n\n" * 2000
    page = GeneratedPage("incidents/a.md", text, source="content/incidents/a.md", in_nav=True)
    assert page.markdown == text
    assert len(page.packed) * 10 < len(text.encode("utf-8"))
    assert pickle.loads(pickle.dumps(page)) == page  # as it comes back from a worker
    assert page != GeneratedPage("incidents/a.md", text + "!", source="content/incidents/a.md", in_nav=True)
