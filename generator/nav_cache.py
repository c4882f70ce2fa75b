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
from collections.abc import Hashable
from typing import Any

from mkdocs.utils import get_relative_url


def _toc_signature(items: Any) -> tuple[Hashable, ...]:
    """Everything of a table of contents that Material's toc partials print."""
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
