"""Hand MkDocs our pages' HTML without making Python-Markdown parse it again.

Generated pages are Markdown headings (for the table of contents) between large raw-HTML blocks that Markdown
passes through verbatim, after parsing them with its HTML parser: the largest single cost of a build. Each such
block is swapped for a plain token before conversion and swapped back into the converted HTML, which is what
Markdown would have produced. Only blocks that are certainly raw HTML blocks are swapped; anything else is left
for Markdown. A test builds the site both ways and requires byte-identical pages.
"""

from __future__ import annotations

import re

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
