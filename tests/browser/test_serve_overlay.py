"""The live preview in Chromium (issue 16, point 7): a real ``mkdocs serve`` of a tree with an error shows the
errors over the page, MkDocs' reload script runs under the preview's Content-Security-Policy, and once the file
is fixed the page comes back by itself, without the reader reloading it."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from helpers import valid_incident, write_tree
from test_serve_errors import PATROL, get, served, wait_for  # noqa: F401  (served: the fixture)


def test_the_overlay_shows_the_errors_and_goes_away_by_itself(
    served: tuple[Path, str, subprocess.Popen[str]],  # noqa: F811 (the fixture imported above)
    context: Any,
) -> None:
    root, base, process = served
    wait_for(lambda: get(base, timeout=5)[0] == 200, "the first page", process)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(base, wait_until="load")
    overlay = page.locator("#fl-serve-errors")
    assert overlay.is_visible()
    text = overlay.inner_text()
    assert f"{PATROL}:4:7: error FL203 unknown incident type 'joint-patrl'" in text
    assert " 4 | type: joint-patrl" in text

    write_tree(root, {PATROL: valid_incident()})  # the fix, saved in the editor
    page.wait_for_function("() => !document.getElementById('fl-serve-errors')", timeout=180_000)
    assert page.url.rstrip("/") == base.rstrip("/")  # the same page, reloaded by the preview's own script
    assert not [line for line in console if "Content Security Policy" in line], console
