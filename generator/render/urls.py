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
    rel = _relpath(target, base)
    if (target.endswith("/") or not target) and not rel.endswith("/"):
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")


def _relpath(target: str, base: str) -> str:
    """``posixpath.relpath`` for site-relative paths, without its filesystem calls (it is on the hot path:
    every link on every page)."""
    target_parts = [part for part in target.split("/") if part and part != "."]
    base_parts = [part for part in base.split("/") if part and part != "."]
    common = 0
    while common < min(len(target_parts), len(base_parts)) and target_parts[common] == base_parts[common]:
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + target_parts[common:]) or "."


def display_host(url: str) -> str:
    """How a source's address is shown: its host alone, without ``www.`` (``https://www.nippon.com/en/news/…``
    → ``nippon.com``). The host stays as the address has it (an internationalised one in its ``xn--`` form,
    which cannot pass for another site's name); a URL without a host is shown whole."""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    if not host:
        return url
    return host.removeprefix("www.") if host.count(".") > 1 else host
