"""The saved page first, in Chromium (issue 22; generator/serve_preview.py): a real ``mkdocs serve --dirty`` of the
fixture tree, the incident's page open; after a save of its title the page reloads by itself and shows the new
title, styled, before the whole site is rebuilt; then the timeline shows it too, and the page's file is the one
shown first (the whole build's page is the same)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import incident_path, minimal_files, write_tree
from test_page_cache import CHANGED
from test_serve_dirty import Server
from test_site import copy_site_sources

EDITED = "Joint bomber patrol, edited in the preview"


def test_the_saved_incident_shows_before_the_whole_build(tmp_path: Path, context: Any) -> None:
    root = write_tree(tmp_path / "project", minimal_files())
    copy_site_sources(root)
    server = Server(root, tmp_path / "servetmp")
    try:
        server.wait_for_builds(1)
        page = context.new_page()
        page.goto(server.url + f"incidents/{CHANGED}/", wait_until="load")
        heading = "() => document.querySelector('article h1')?.textContent ?? ''"  # null while reloading
        assert "Joint bomber patrol" in page.evaluate(heading)
        path = root / incident_path(CHANGED)
        path.write_text(
            path.read_text(encoding="utf-8").replace("title: Joint bomber patrol", f"title: {EDITED}", 1),
            encoding="utf-8",
        )
        page.wait_for_function(f"() => ({heading})().includes({EDITED!r})", timeout=180_000)
        # shown by the first step: the whole build had not ended yet (the server logs each one's end)
        assert server.builds == 1, "".join(server.lines[-20:])
        assert server.count("saved: incidents/") == 1
        # and styled: the theme's stylesheet was served with it (a request waiting for the whole build would
        # have left the page unstyled until then)
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
        # the file shown (the DOM is changed by the page's scripts after load: not compared)
        written = server.site / f"incidents/{CHANGED}/index.html"
        shown = written.read_bytes()
        server.wait_for_builds(2)
        assert EDITED in server.get("timeline/")[1]
        assert written.read_bytes() == shown  # the whole build's page is the page shown first
    finally:
        server.stop()
