"""``mkdocs serve --dirty`` shows a saved incident's page first (issue 22, item 1; generator/serve_preview.py).

In this process, with real MkDocs builds of the fixture tree: after each kind of change, the first step runs only
when every saved content file is an existing incident and the content checks clean; it writes that incident's
page and nothing else, and the page it writes is, byte for byte, the page the whole build then makes; after the
whole build the site is the one a cold build makes. A save of the same text writes nothing. With a real server,
test_serve_dirty.py times nothing but checks the site after every save with this step in place."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import incident_path, minimal_files, write_tree
from test_page_cache import CHANGED, SERVE_CHANGES, site_files, with_cache
from test_serve_dirty import cold_build
from test_site import copy_site_sources
from watchdog.events import FileCreatedEvent, FileDeletedEvent, FileModifiedEvent

from generator.serve_preview import SavedFirst

pytestmark = pytest.mark.slow

# the changes whose saved page is shown first: an incident's own file, existing, checked clean after a clean build
SERVE_URL = "http://127.0.0.1:8000"
FIRST = {"incident text", "incident actors", "incident title", "title"}


def snapshot(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (root / "content").rglob("*") if p.is_file()}


def saved_events(before: dict[Path, int], after: dict[Path, int]) -> list[object]:
    """The file events a save gives (a watchdog observer's, as generator/mkdocs_plugin.py's handler gets them)."""
    events: list[object] = [FileCreatedEvent(str(p)) for p in after.keys() - before.keys()]
    events += [FileDeletedEvent(str(p)) for p in before.keys() - after.keys()]
    events += [FileModifiedEvent(str(p)) for p in before.keys() & after.keys() if before[p] != after[p]]
    return events


def serve_build(root: Path, site: Path) -> str:
    """One `mkdocs serve --dirty` rebuild in this process (MkDocs keeps the plugin instances between them)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(root / with_cache(root, "")), site_dir=str(site))
    config.site_url = serve_url = SERVE_URL.removesuffix("/") + urlsplit(config.site_url or "/").path
    build(config, serve_url=serve_url, dirty=True)
    return serve_url


@contextlib.contextmanager
def served_project(tmp_path: Path) -> Iterator[tuple[Path, object]]:
    """The fixture tree, built once as `mkdocs serve --dirty` builds it: its root and the plugin."""
    root = write_tree(tmp_path / "project", minimal_files())
    copy_site_sources(root)
    from mkdocs.config import load_config

    config = load_config(str(root / with_cache(root, "")), site_dir=str(tmp_path / "served"))
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        serve_build(root, tmp_path / "served")
        yield root, config.plugins["fault-lines"]
    finally:
        config.plugins.on_shutdown()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, object]]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765238400")
    with served_project(tmp_path) as served:
        yield served


def test_the_saved_page_first_is_the_whole_builds_page(project: tuple[Path, object], tmp_path: Path) -> None:
    root, plugin = project
    served = tmp_path / "served"
    page = f"incidents/{CHANGED}/index.html"
    for kind, change in SERVE_CHANGES.items():
        before_files = snapshot(root)
        change(root)
        for event in saved_events(before_files, snapshot(root)):
            plugin._preview.note(event)  # type: ignore[attr-defined]
        before = site_files(served)
        shown = plugin._saved_first()  # type: ignore[attr-defined]
        assert shown == (kind in FIRST), kind
        first = site_files(served)
        changed = sorted(path for path in first if first[path] != before.get(path))
        assert changed == ([page] if shown else []), f"{kind}: the first step wrote {changed}"
        if kind == "incident title":
            assert b"Joint bomber patrol, edited" in first[page]
            assert b"Joint bomber patrol, edited" not in first["timeline/index.html"]  # the rest: next step
        serve_url = serve_build(root, served)
        whole = site_files(served)
        if shown:
            assert whole[page] == first[page], f"{kind}: the page shown first is not the whole build's"
        # in a fresh process: a build here would be the plugin's last build (MkDocs keeps one instance)
        cold = cold_build(root, tmp_path / f"cold-{kind.replace(' ', '-')}", serve_url)
        assert list(whole) == list(cold), kind
        different = [path for path in cold if whole[path] != cold[path]]
        assert not different, f"after a change of {kind}, the served site differs in {different[:5]}"
        if kind == "incident title":
            assert b"Joint bomber patrol, edited" in whole["timeline/index.html"]


def test_a_save_of_the_same_text_writes_nothing(project: tuple[Path, object], tmp_path: Path) -> None:
    root, plugin = project
    served = tmp_path / "served"
    times = {path: path.stat().st_mtime_ns for path in served.rglob("*") if path.is_file()}
    path = root / incident_path(CHANGED)
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    plugin._preview.note(FileModifiedEvent(str(path)))  # type: ignore[attr-defined]
    assert plugin._saved_first()  # type: ignore[attr-defined]
    assert all(path.stat().st_mtime_ns == ns for path, ns in times.items())


def test_other_saves_wait_for_the_whole_build(project: tuple[Path, object], tmp_path: Path) -> None:
    """A folder's event (its files not named), an editor's own files beside the incident, a file outside
    content/incidents, nothing saved: the first step says no (or, for the editor's files alone, has nothing to
    show); nothing is written."""
    from watchdog.events import DirCreatedEvent

    root, plugin = project
    preview: SavedFirst = plugin._preview  # type: ignore[attr-defined]
    assert not plugin._saved_first()  # type: ignore[attr-defined]  # nothing saved
    incident = root / incident_path(CHANGED)
    preview.note(DirCreatedEvent(str(incident.parent / "new-folder")))
    preview.note(FileModifiedEvent(str(incident)))
    assert preview.take() is None  # a folder's files are not known one by one
    preview.note(FileModifiedEvent(str(incident.parent / f".{incident.name}.swp")))
    preview.note(FileModifiedEvent(str(incident.parent / "4913")))
    assert preview.take() == []  # not content files
    preview.note(FileModifiedEvent(str(root / "content" / "vocabulary.yml")))
    preview.note(FileModifiedEvent(str(incident)))
    assert not plugin._saved_first()  # type: ignore[attr-defined]
    incidents = sorted((root / "content" / "incidents").rglob("*.md"))
    assert len(incidents) > 1
    with (
        pytest.MonkeyPatch.context() as patch
    ):  # more incidents at once than MOST_SAVED (a branch checked out)
        patch.setattr("generator.serve_preview.MOST_SAVED", len(incidents) - 1)
        for path in incidents:
            preview.note(FileModifiedEvent(str(path)))
        assert not plugin._saved_first()  # type: ignore[attr-defined]
        for path in incidents[1:]:
            preview.note(FileModifiedEvent(str(path)))
        assert plugin._saved_first()  # type: ignore[attr-defined]


def test_slim_keeps_every_title(project: tuple[Path, object]) -> None:
    """The last build is kept for the next save without its pages' texts, and every page keeps its title."""
    _, plugin = project
    base = plugin._preview.base  # type: ignore[attr-defined]
    assert base is not None
    pages = [f.page for f in base.files.documentation_pages() if f.page is not None]
    titles = [page.title for page in pages]
    SavedFirst.slim(base.files)
    assert [page.title for page in pages] == titles
    kept = [page.file.src_uri for page in pages if page.content or page.markdown]
    assert len(kept) <= len(pages) // 10, kept  # only a page whose title comes from its text keeps it


def test_staged_builds_show_the_saved_page_then_build_the_whole_site(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's builder in two steps (serve_preview.staged), on MkDocs' own live-reload server: after the first
    step the site's epoch is shown (browsers reload, requests are answered), the whole build then runs under a new
    epoch (requests wait for it); no cycle collection runs from the save until the whole build starts; without
    a first step, or for the first build (given its configuration), the whole build alone."""
    import gc
    import threading

    from mkdocs.livereload import LiveReloadServer

    from generator import serve_preview

    monkeypatch.setattr(serve_preview, "GRACE_S", 0.05)
    events: list[tuple[str, bool, int, int]] = []
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=".")
    try:
        assert serve_preview.can_stage(server)
        server._wanted_epoch = 1000
        server._visible_epoch = 999  # a build is under way: requests wait

        def note(what: str) -> None:
            events.append((what, gc.isenabled(), server._visible_epoch, server._wanted_epoch))

        shown = threading.Event()
        build = serve_preview.staged(
            server, lambda config=None: note("whole"), lambda: (note("first"), shown.is_set())[1]
        )
        build()  # nothing to show first
        shown.set()
        build()
        build({"config": "of the first build"})
    finally:
        server.server_close()
    assert gc.isenabled()
    assert events[0][:2] == ("first", False) and events[1] == ("whole", True, 999, 1000)
    first, whole = events[2], events[3]
    assert first == ("first", False, 999, 1000)
    assert whole[0] == "whole" and whole[1] is True
    assert (
        whole[2] == 1000 and whole[3] > 1000
    )  # the saved page's epoch shown, the whole build's still to come
    assert [e[0] for e in events[4:]] == ["whole"]


def test_the_last_build_is_kept_however_long_its_end_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collection that frees a build between saves starts only once the build has ended: at 10,000 incidents
    the page cache's finish outlasted its delay, the collection let go of the build's files meanwhile, and the first
    save after start-up was never shown first."""
    import time

    from generator.mkdocs_plugin import IdleCollection
    from generator.page_cache import PageCache

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765238400")
    monkeypatch.setattr(IdleCollection, "DELAY_S", 0.0)
    finish = PageCache.finish
    monkeypatch.setattr(PageCache, "finish", lambda self: (time.sleep(0.5), finish(self))[1])
    with served_project(tmp_path) as (_, plugin):
        time.sleep(0.3)
        assert plugin._preview.base is not None  # type: ignore[attr-defined]
