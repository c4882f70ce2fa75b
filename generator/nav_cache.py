"""Render Material's sidebars once per kind of page instead of once per page.

The theme renders the whole navigation and the page's table of contents into every page: about half of the
theme's time per page. For a page that is not itself in the navigation, that HTML depends only on the links as
seen from the page's folder and on the page's table of contents, and thousands of incident, actor and place
pages share both (same folder depth, same headings). ``timeline/overrides/main.html`` asks this cache for the
``site_nav`` block and renders it only on a miss. Pages in the navigation, or hiding parts of it, are always
rendered. A test builds the site with and without the cache and requires byte-identical pages.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Hashable
from typing import Any

from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url

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


def _toc_signature(items: Any) -> tuple[Hashable, ...]:
    """Everything of a table of contents that Material's toc partials print: for a level-1 first entry (a
    page's title), only the entries under it, as the partial shows them."""
    items = list(items)
    if items and items[0].level == 1:
        items = list(items[0].children)
    return tuple(
        (
            item.title,
            item.id,
            item.level,
            repr(getattr(item, "typeset", None)),
            _toc_signature(item.children),
        )
        for item in items
    )


class NavCache:
    """The rendered ``site_nav`` block by the key of :meth:`key`; cleared for every build."""

    def __init__(self) -> None:
        self.enabled = False
        self._html: dict[Hashable, str] = {}
        self._nav_pages: frozenset[int] = frozenset()
        self._targets: tuple[str, ...] = ()

    def start(self, nav: Any, *, enabled: bool) -> None:
        """A new build: forget what was rendered and note which pages the navigation links to."""
        self.enabled = enabled
        self._html.clear()
        pages = list(nav.pages) if nav is not None else []
        self._nav_pages = frozenset(id(page) for page in pages)
        homepage = getattr(nav, "homepage", None)
        self._targets = tuple(page.url for page in [*pages, *([homepage] if homepage else [])])

    def key(self, page: Any) -> Hashable | None:
        """What the sidebars of ``page`` depend on, or ``None`` when they must be rendered."""
        if not self.enabled or page is None or id(page) in self._nav_pages:
            return None
        if page.meta.get("hide") or page.meta.get("toc_title"):
            return None
        folder = posixpath.dirname(page.url.rstrip("/"))
        links = tuple(get_relative_url(target, page.url) for target in self._targets)
        return folder, page.url.endswith("/"), links, _toc_signature(page.toc)

    def get(self, key: Hashable | None) -> str | None:
        return self._html.get(key) if key is not None else None

    def put(self, key: Hashable | None, html: str) -> str:
        if key is not None:
            self._html[key] = html
        return html
