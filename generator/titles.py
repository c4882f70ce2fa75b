"""A generated page's title as the first entry of its table of contents (Material's "Skip to content" goes there).

The sidebar cache that lived here (Material's sidebars rendered once per kind of page) was removed in the fourth
round: with the page cache printing unchanged pages as they were, it no longer earned its place (cold build at
1,000 incidents, median of 3: 20.4 CPU s with it, 20.6 without; a serve rebuild the same within the noise).
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.structure.toc import AnchorLink, TableOfContents

TITLE_ID = "fl-title"
_PLAIN_H1 = re.compile(r"\A(\s*)<h1>(.*?)</h1>", re.S)


def anchor_title(html: str, page: Any) -> str:
    """Give a generated page's title (a plain ``<h1>`` first in its HTML, written by a template so that the
    title is never read as Markdown) an id, and make it the first entry of the page's table of contents, with
    the page's headings under it, as a Markdown ``# Title`` would be. Material's "Skip to content" link goes
    to the first entry: to the title, not past the facts to the first ``##`` heading; its table of contents
    shows the entries under a level-1 first entry, so the sidebar is unchanged."""
    match = _PLAIN_H1.match(html)
    toc = getattr(page, "toc", None)
    if match is None or not isinstance(toc, TableOfContents):
        return html
    items = list(toc)
    if items and items[0].level == 1:
        return html
    title = AnchorLink(html_text(match.group(2)), TITLE_ID, 1)
    title.children = items
    page.toc = TableOfContents([title])
    return title_id(html)


def title_id(html: str) -> str:
    """``html`` with its first plain ``<h1>`` given the title's id."""
    return _PLAIN_H1.sub(lambda m: f'{m.group(1)}<h1 id="{TITLE_ID}">{m.group(2)}</h1>', html, count=1)


def html_text(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped, entities kept), as the toc holds a heading's title."""
    return re.sub(r"<[^>]+>", "", fragment)
