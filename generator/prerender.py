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


def stash(markdown: str, prefix: str) -> tuple[str, dict[str, str]]:
    """Markdown with each raw-HTML block replaced by a token, and the blocks by token."""
    blocks = markdown.split("\n\n")
    chunks: dict[str, str] = {}
    for index, block in enumerate(blocks):
        match = _BLOCK_START.match(block)
        if not match or not block.endswith(f"</{match.group(1)}>") or "\n\n" in block:
            continue
        if block.count(f"<{match.group(1)}") != block.count(f"</{match.group(1)}>"):
            continue  # the element may not close where the block ends: leave it to Markdown
        token = f"{prefix}x{index}x"
        chunks[token] = block
        blocks[index] = token
    return "\n\n".join(blocks), chunks


def restore(html: str, chunks: dict[str, str]) -> str:
    """Put each stashed block back where Markdown left its token (as a paragraph of its own).

    One pass over the converted page: text coming back from the blocks (contributor text included) is never
    scanned for tokens again."""
    if not chunks:
        return html
    pattern = re.compile("<p>(" + "|".join(map(re.escape, chunks)) + r")</p>(\n?)")

    def put_back(match: re.Match[str]) -> str:
        # Markdown follows a raw block with a blank line where a paragraph gets a line break (none at the end)
        return chunks[match.group(1)] + ("\n\n" if match.group(2) else "")

    return pattern.sub(put_back, html)
