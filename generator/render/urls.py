"""Where each page lives and how pages link to each other (relative URLs, so the site works under any prefix)."""

from __future__ import annotations

import posixpath


def page_path(kind: str, key: str | int | None = None) -> str:
    """The generated Markdown file for a page: ``incidents/<id>.md``, ``actors/index.md``, ``timeline.md``."""
    if kind == "timeline":
        return "timeline.md"
    if key is None:
        return f"{kind}/index.md"
    return f"{kind}/{key}.md"


def page_url(path: str, directory_urls: bool = True) -> str:
    """The site URL (relative to the root) of a Markdown file, as MkDocs publishes it."""
    stem = path.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if directory_urls else f"{stem}.html"


def relative(from_path: str, to_url: str, directory_urls: bool = True) -> str:
    """A link from the page built from ``from_path`` to the site URL ``to_url`` (which may have a #fragment)."""
    target, _, fragment = to_url.partition("#")
    here = page_url(from_path, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    rel = posixpath.relpath(target or ".", base or ".")
    if (target.endswith("/") or not target) and not rel.endswith("/"):
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")
