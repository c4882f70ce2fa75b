"""Related incidents read as a thread: the relation is named on both pages, from each page's point of view."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import incident_path, minimal_files, write_tree

from generator.pipeline import run
from generator.render.site import render_site


def related_items(markdown: str) -> list[str]:
    block = markdown.split('<ul class="fl-related"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", block)]


def test_a_response_is_named_on_both_pages(tmp_path: Path) -> None:
    files = minimal_files()
    statement = incident_path("2025-12-10-defense-ministry-statement")
    files[statement]["related"] = [{"incident": "2025-12-09-joint-bomber-patrol", "relation": "responds-to"}]
    write_tree(tmp_path, files)
    result = run(tmp_path)
    assert result.chronology is not None, result.diagnostics
    pages = render_site(result.chronology).pages
    on_statement = related_items(pages["incidents/2025-12-10-defense-ministry-statement.md"].markdown)
    on_patrol = related_items(pages["incidents/2025-12-09-joint-bomber-patrol.md"].markdown)
    assert on_statement == ["Responds to: 9 December 2025 Joint bomber patrol over the East China Sea"]
    assert on_patrol == [
        "Responds to this incident: 10 December 2025 Japan&#39;s defense ministry protests the joint patrol"
    ]
