"""``mkdocs serve --dirty`` (issue 22, item 1; generator/serve_dirty.py): a real server on a loopback port, and
after each kind of save the site folder it serves from is, byte for byte, the site a cold build of the same files
makes (search index, sitemap, 404 page and exports included; nothing is allowed to differ: the live-reload script
is added to each HTML response by the server, not written in the files). One incident's edit makes MkDocs write a
few pages, not all of them; a deleted incident's page is gone at once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import incident_path, minimal_files, write_tree
from mkdocs_project import build_env
from test_page_cache import CHANGED, SERVE_CHANGES, site_files, with_cache
from test_serve_errors import free_port
from test_site import copy_site_sources

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
DEADLINE = 240  # seconds for a build of the small fixture on a busy machine
WRITTEN = re.compile(r"serve --dirty: ([\d,]+) of ([\d,]+) pages written")
DELETED = "2025-12-06-radar-lock-on"  # SERVE_CHANGES["deleted incident"]

# A cold serve build of the project as it is now, in a fresh process, without any cache: the reference.
COLD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = sys.argv[3]
try:
    build(config, serve_url=sys.argv[3])
finally:
    config.plugins.on_shutdown()
"""


class Server:
    """``mkdocs serve --dirty`` in ``root``, its log read as it comes."""

    def __init__(self, root: Path, tmp: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/fault-lines/"
        tmp.mkdir()
        self.tmp = tmp  # serve builds into a folder it makes here (tempfile)
        self.lines: list[str] = []
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--dirty",
            "--no-strict",
            "-a",
            f"127.0.0.1:{self.port}",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=root,
            env=build_env(PYTHONPATH=str(REPO), TMPDIR=str(tmp)),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def wait_for_builds(self, done: int) -> None:
        """Until ``done`` builds have finished and no other starts within a second and a half (one save can
        give two file events)."""
        deadline = time.monotonic() + DEADLINE
        quiet_since = None
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "mkdocs serve exited:\n" + "".join(self.lines)
            finished = self.builds
            running = self.count("Building documentation") > finished
            if finished >= done and not running:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 1.5:
                    return
            else:
                quiet_since = None
            time.sleep(0.2)
        raise AssertionError("timed out waiting for the rebuild:\n" + "".join(self.lines[-30:]))

    @property
    def builds(self) -> int:
        # the first build (then it watches and serves), and each rebuild
        return self.count("Serving on http") + self.count("Reloading browsers")

    @property
    def site(self) -> Path:
        [site] = self.tmp.glob("mkdocs_*")
        return site

    def written(self) -> tuple[int, int]:
        [line] = [line for line in self.lines if WRITTEN.search(line)][-1:]
        match = WRITTEN.search(line)
        assert match is not None
        return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, ""

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Server]]:
    root = write_tree(tmp_path / "project", minimal_files())
    copy_site_sources(root)
    server = Server(root, tmp_path / "servetmp")
    try:
        server.wait_for_builds(1)
        assert server.builds == 1
        yield root, server
    finally:
        server.stop()


def cold_build(root: Path, out: Path, url: str) -> dict[str, bytes]:
    config = root / with_cache(root, "", cache=False)  # mkdocs.yml as it is now, without the page cache
    subprocess.run(
        [sys.executable, "-c", COLD, str(config), str(out), url],
        cwd=root,
        env=build_env(PYTHONPATH=str(REPO)),
        check=True,
        capture_output=True,
        timeout=600,
    )
    config.unlink()
    return site_files(out)


def test_each_save_serves_the_cold_build_and_writes_only_what_changed(
    served: tuple[Path, Server], tmp_path: Path
) -> None:
    root, server = served
    changed_page = f"incidents/{CHANGED}/"
    for n, (kind, change) in enumerate(SERVE_CHANGES.items()):
        builds = server.builds
        change(root)
        server.wait_for_builds(builds + 1)
        assert server.builds > builds, f"no rebuild after a change of {kind}"
        served_site = site_files(server.site)
        cold = cold_build(root, tmp_path / f"cold-{n}", server.url)
        assert list(served_site) == list(cold), f"after a change of {kind}: {set(served_site) ^ set(cold)}"
        different = [path for path in cold if served_site[path] != cold[path]]
        assert not different, f"after a change of {kind}, the served site differs in {different[:5]}"
        assert "search/search_index.json" in served_site and "sitemap.xml" in served_site, kind
        written, pages = server.written()
        assert pages > 20 or kind == "content error", kind  # while broken, only the hand-written pages
        if kind in ("incident text", "incident actors", "title"):
            # the incident's page and the lists that show it; never the other incidents' pages
            assert 1 <= written <= 12 < pages, f"a change of {kind} wrote {written} of {pages} pages"
        if kind in ("template", "mkdocs.yml", "content error", "error fixed"):
            assert written == pages, f"a site-wide change ({kind}) wrote {written} of {pages} pages"
        if kind == "title":
            status, page = server.get(changed_page)
            assert status == 200 and "Joint bomber patrol, edited" in page
        if kind == "deleted incident":
            assert server.get(f"incidents/{DELETED}/")[0] == 404  # never a stale page
        if kind == "content error":  # the generated pages are gone until the fix, the others show the errors
            assert server.get(changed_page)[0] == 404
            assert 'id="fl-serve-errors"' in server.get("")[1]


def test_nothing_changed_writes_no_page(served: tuple[Path, Server]) -> None:
    """A save that changes nothing a page shows (the same text written again) writes no page, and the site
    is the same files as before."""
    root, server = served
    before = site_files(server.site)
    times = {path: path.stat().st_mtime_ns for path in server.site.rglob("*") if path.is_file()}
    path = root / incident_path(CHANGED)
    builds = server.builds
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    server.wait_for_builds(builds + 1)
    assert server.written()[0] == 0
    assert site_files(server.site) == before
    # nor any generated file (exports, feeds, share cards): only what every build writes (the search index, the
    # sitemap, the 404 page) is written again
    rewritten = sorted(
        path.relative_to(server.site).as_posix()
        for path, ns in times.items()
        if path.stat().st_mtime_ns != ns
    )
    assert set(rewritten) <= {"404.html", "search/search_index.json", "sitemap.xml", "sitemap.xml.gz"}, (
        rewritten
    )


def test_kept_pages_are_indexed_in_a_cold_builds_order_and_gone_files_removed(tmp_path: Path) -> None:
    """The plan's order: the kept pages before the first written one are indexed at once, each written page
    brings the kept ones that follow it; files of the last build that this one lacks leave the site folder
    (and folders they leave empty), and nothing outside it is touched."""
    from types import SimpleNamespace

    from generator.serve_dirty import DirtyPages

    site = tmp_path / "site"

    def page(name: str) -> SimpleNamespace:
        dest = site / name / "index.html"
        return SimpleNamespace(file=SimpleNamespace(src_uri=f"{name}.md", abs_dest_path=str(dest)))

    pages = [page(name) for name in "abcde"]
    dirty = DirtyPages()
    keys = {p.file.src_uri: f"key-{p.file.src_uri}" for p in pages}
    assert dirty.plan(pages, keys) == []  # nothing written yet: every page is written
    for p in pages:
        Path(p.file.abs_dest_path).parent.mkdir(parents=True)
        Path(p.file.abs_dest_path).write_text("page")
        dirty.wrote(p, "page")  # type: ignore[arg-type]
    dirty.start(SimpleNamespace(documentation_pages=lambda **_: []))  # type: ignore[arg-type]
    changed = {**keys, "b.md": "new", "e.md": "new"}
    a, b, c, d, e = pages
    assert dirty.plan(pages, changed) == [a]
    assert dirty.indexed_after(b) == [c, d] and dirty.indexed_after(e) == []
    assert dirty.written == 2

    outside = tmp_path / "outside.html"
    outside.write_text("not the site's")
    every = [p.file for p in pages] + [SimpleNamespace(abs_dest_path=str(outside))]
    dirty.remove_gone(every, str(site))  # type: ignore[arg-type]
    dirty.remove_gone([a.file, b.file], str(site))  # type: ignore[arg-type]  # c, d, e and the outside file gone
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "a",
        "a/index.html",
        "b",
        "b/index.html",
    ]
    assert outside.read_text() == "not the site's"
