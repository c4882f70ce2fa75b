"""Hand MkDocs our pages' HTML without making Python-Markdown parse it again.

Generated pages are Markdown headings (for the table of contents) between large raw-HTML blocks that Markdown
passes through verbatim, after parsing them with its HTML parser: the largest single cost of a build. Each such
block is swapped for a plain token before conversion and swapped back into the converted HTML, which is what
Markdown would have produced. Only blocks that are certainly raw HTML blocks are swapped; anything else is left
for Markdown. A test builds the site both ways and requires byte-identical pages.

What is left for Markdown, a page's *skeleton* (its headings between tokens), is the same on every page of one
shape (the 1,119 generated pages of the 1,000-incident benchmark have 18 skeletons), so :class:`SkeletonMemo`
converts each skeleton once and gives the other pages of that shape the same HTML and table of contents.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

# Python-Markdown passes these through as raw HTML blocks when they start a block at column 0
_BLOCK_START = re.compile(r"^<(div|dl|ol|ul|table|nav|figure|h1|p)[\s>]")
_BLANK_LINES = re.compile(r"(\n\n+)")


def stash(markdown: str, prefix: str) -> tuple[str, dict[str, str]]:
    """Markdown with each raw-HTML block replaced by a token, and the blocks by token."""
    blocks = _BLANK_LINES.split(markdown)  # blocks at even indexes, the blank lines between them at odd ones
    chunks: dict[str, str] = {}
    open_tag, depth = "", 0  # a raw block that spans blank lines: nothing inside it is swapped
    for index in range(0, len(blocks), 2):
        block = blocks[index]
        if open_tag:
            depth += block.count(f"<{open_tag}") - block.count(f"</{open_tag}>")
            open_tag = open_tag if depth > 0 else ""
            continue
        match = _BLOCK_START.match(block)
        if not match:
            continue
        tag = match.group(1)
        depth = block.count(f"<{tag}") - block.count(f"</{tag}>")
        if depth != 0 or not block.endswith(f"</{tag}>"):
            open_tag = tag if depth > 0 else ""  # the element may not close where the block ends
            continue
        token = f"{prefix}x{index // 2}x"
        chunks[token] = block
        blocks[index] = token
    return "".join(blocks), chunks


_TOKEN = re.compile(r"(.*)x\d+x", re.DOTALL)


def restore(html: str, chunks: dict[str, str]) -> str:
    """Put each stashed block back where Markdown left its token (as a paragraph of its own).

    One pass over the converted page: text coming back from the blocks (contributor text included) is never
    scanned for tokens again."""
    if not chunks:
        return html
    # every token is the page's prefix, then "x<n>x" (see stash): one pattern for all of them, not an
    # alternation of every token (compiling that took 0.17 s per build for the lists of 1,000 incidents)
    prefix = _TOKEN.fullmatch(next(iter(chunks)))
    pattern = re.compile("<p>(" + re.escape(prefix.group(1) if prefix else "") + r"x\d+x)</p>(\n?)")

    def put_back(match: re.Match[str]) -> str:
        chunk = chunks.get(match.group(1))
        if chunk is None:
            return match.group(0)  # not one of this page's blocks
        # Markdown follows a raw block with a blank line where a paragraph gets a line break (none at the end)
        return chunk + ("\n\n" if match.group(2) else "")

    return pattern.sub(put_back, html)


# a block Material's search skips whole: excluded, and no nested element of its name (the search parser matches
# elements by name when it leaves one, so a nested namesake would end the exclusion early) and no heading
_EXCLUDED_START = re.compile(r"<(div|dl|ol|ul|table|nav|figure)\b[^>]*\sdata-search-exclude[\s>=]")
_HEADING = re.compile(r"<h[1-6][\s>]")


def search_excluded(chunks: dict[str, str]) -> set[str]:
    """The tokens of blocks that Material's search parser reads only to skip (see :func:`search_view`)."""
    excluded = set()
    for token, block in chunks.items():
        match = _EXCLUDED_START.match(block)
        if match and not _HEADING.search(block) and len(re.findall(f"<{match.group(1)}[\\s>]", block)) == 1:
            excluded.add(token)
    return excluded


def search_view(html: str, chunks: dict[str, str], excluded: set[str]) -> str:
    """The converted page as :func:`restore` makes it, without the search-excluded blocks: the same index.

    Material's search plugin parses every page's HTML and throws away what ``data-search-exclude`` marks; its
    parser costs time per tag. Such a block stands on its own between blank lines, so leaving it out joins only
    whitespace to whitespace, which the parser collapses the same way; blocks before the first Markdown heading
    stay (the first tag of a page opens its first search section).
    A test builds the site both ways and requires a byte-identical search index."""
    first_heading = _HEADING.search(html)
    if not excluded or first_heading is None:
        return restore(html, chunks)
    start = first_heading.start()
    kept = {token: ("" if token in excluded else block) for token, block in chunks.items()}
    return restore(html[:start], chunks) + restore(html[start:], kept)


# a skeleton whose conversion cannot depend on the page: tokens and plain headings, no link, image, HTML or code
_PLAIN_SKELETON = re.compile(r"[^\[\]()<>!`]*")


_IMMUTABLE = (str, int, float, bool, type(None))


def _toc_copier(toc: Any) -> Callable[[], Any]:
    """Makes copies of ``toc`` as it is now, as ``copy.deepcopy`` makes them (each page gets its own), several
    times faster: MkDocs' anchor links hold only text, numbers and their children; anything else is deep-copied."""
    items = getattr(toc, "items", None)
    if type(toc) is not TableOfContents or not isinstance(items, list) or not all(map(_plain_link, items)):
        kept = copy.deepcopy(toc)
        return lambda: copy.deepcopy(kept)
    links = [_copy_link(item) for item in items]
    return lambda: TableOfContents([_copy_link(item) for item in links])


def _plain_link(link: Any) -> bool:
    return (
        type(link) is AnchorLink
        and all(
            isinstance(value, _IMMUTABLE) or (name == "children" and isinstance(value, list))
            for name, value in vars(link).items()
        )
        and all(map(_plain_link, link.children))
    )


def _copy_link(link: AnchorLink) -> AnchorLink:
    clone = object.__new__(AnchorLink)
    clone.__dict__.update(vars(link))
    clone.children = [_copy_link(child) for child in link.children]
    return clone


class SkeletonMemo:
    """Converts each distinct page skeleton once per build (see the module's docstring).

    ``render`` stands in for ``Page.render``: the first page of a skeleton is converted by MkDocs itself; later
    pages with the same skeleton get copies of its content, table of contents, title and anchors. Skeletons
    with links, images, code or HTML are always converted (links are resolved relative to each page)."""

    def __init__(self) -> None:
        # skeleton -> (content, copies of its toc, title, anchor ids, links to its own anchors, links_to_anchors as left)
        self._done: dict[str, tuple[str, Any, str | None, set[str] | None, dict[str, str] | None, Any]] = {}

    def clear(self) -> None:
        self._done.clear()

    def render(self, page: Page, config: Any, files: Files) -> None:
        skeleton = page.markdown or ""
        hit = self._done.get(skeleton)
        if hit is None:
            Page.render(page, config, files)
            links = page.links_to_anchors
            # the only links a plain skeleton has are its headings' permalinks, to the page itself
            if _PLAIN_SKELETON.fullmatch(skeleton) and (not links or set(links) == {page.file}):
                anchors = set(page.present_anchor_ids) if page.present_anchor_ids is not None else None
                own = dict(links[page.file]) if links else None
                self._done[skeleton] = (
                    page.content or "",
                    _toc_copier(page.toc),
                    page._title_from_render,
                    anchors,
                    own,
                    links,
                )
            return
        content, toc, title, anchors, own, links = hit
        page.content = content
        page.toc = toc()
        page._title_from_render = title
        page.present_anchor_ids = set(anchors) if anchors is not None else None
        page.links_to_anchors = {page.file: dict(own)} if own is not None else (None if links is None else {})
