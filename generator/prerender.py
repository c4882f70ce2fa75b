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
    """Markdown with each raw-HTML block replaced by a token, and the blocks by token.

    A raw block may span blank lines (a month of the timeline: its heading and cards in one box): Markdown
    passes the whole element through up to its closing tag, so the whole span is one token. A block whose
    element does not close where a block ends, or that asks Markdown to read inside it (``markdown=``), is left
    to Markdown, and nothing inside it is swapped."""
    blocks = _BLANK_LINES.split(markdown)  # blocks at even indexes, the blank lines between them at odd ones
    chunks: dict[str, str] = {}
    index = 0
    while index < len(blocks):
        match = _BLOCK_START.match(blocks[index])
        if not match:
            index += 2
            continue
        tag = match.group(1)
        last, depth = index, blocks[index].count(f"<{tag}") - blocks[index].count(f"</{tag}>")
        while depth > 0 and last + 2 < len(blocks):  # the element goes on past a blank line
            last += 2
            depth += blocks[last].count(f"<{tag}") - blocks[last].count(f"</{tag}>")
        span = "".join(blocks[index : last + 1])
        if depth == 0 and blocks[last].endswith(f"</{tag}>") and not _READ_INSIDE.search(span):
            token = f"{prefix}x{index // 2}x"
            chunks[token] = span
            blocks[index : last + 1] = [token] + [""] * (last - index)
        index = last + 2
    return "".join(blocks), chunks


_READ_INSIDE = re.compile(r"<[a-z][^>]*\smarkdown=")  # md_in_html: Markdown reads inside this element


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


def search_excluded(chunks: dict[str, str]) -> dict[str, str]:
    """What Material's search parser reads of each block only to skip it (see :func:`search_view`): by token,
    the block without it ("" for a block skipped whole; a month of the timeline without its list of cards)."""
    excluded = {}
    for token, block in chunks.items():
        if _skipped_whole(block):
            excluded[token] = ""
        elif "data-search-exclude" in block:
            trimmed = _without_skipped(block)
            if trimmed != block:
                excluded[token] = trimmed
    return excluded


def _skipped_whole(element: str) -> bool:
    """Whether ``element`` is one excluded element the parser skips from its start to its end: no heading in it
    (a heading opens a section even where it is skipped) and no nested element of its name (the parser would
    leave the exclusion at the namesake's end)."""
    match = _EXCLUDED_START.match(element)
    return bool(
        match and not _HEADING.search(element) and len(re.findall(f"<{match.group(1)}[\\s>]", element)) == 1
    )


def _without_skipped(block: str) -> str:
    """``block`` without the excluded elements inside it that stand on lines of their own and are skipped whole:
    what is left out joins a line break to a line break, which the parser reads as the same whitespace."""
    kept, at = [], 0
    for match in _NESTED_EXCLUDED.finditer(block):
        start = match.start() + 1  # after its line break
        if start < at:
            continue  # inside an element already left out
        end_tag = f"</{match.group(1)}>"
        close = block.find(end_tag, start)
        end = close + len(end_tag)
        if close < 0 or block[end : end + 1] != "\n" or not _skipped_whole(block[start:end]):
            continue
        kept.append(block[at:start])
        at = end
    kept.append(block[at:])
    return "".join(kept)


_NESTED_EXCLUDED = re.compile(r"\n<(div|dl|ol|ul|table|nav|figure)\b[^>]*\sdata-search-exclude[\s>=]")


def search_view(html: str, chunks: dict[str, str], excluded: dict[str, str]) -> str:
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
    kept = {token: excluded.get(token, block) for token, block in chunks.items()}
    return restore(html[:start], chunks) + restore(html[start:], kept)
