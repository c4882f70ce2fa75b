"""The one escaping path: plain contributor text to HTML, Markdown bodies to sanitised HTML, [[links]] to URLs.

Templates get contributor text only through Jinja2's autoescape (one environment, see ``pages.py``) or through the
functions here; nothing a contributor wrote is ever a template.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

import markdown
import nh3

from generator.check.references import WIKI_LINK
from generator.render.citations import CitationContext, CitationExtension

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&])")


def escape(text: object) -> str:
    """HTML-escape any value, quotes included."""
    return html.escape(str(text), quote=True)


def markdown_inline(text: str) -> str:
    """Plain text that shows literally inside a Markdown heading or list item: HTML entities for ``< > &``,
    backslashes for Markdown punctuation."""
    escaped = html.escape(text, quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|])", r"\\\1", escaped)


def sanitise(fragment: str) -> str:
    """Remove every element, attribute and URL scheme not on the allowlist (second line of defence)."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@functools.cache
def _converter() -> markdown.Markdown:
    """One Markdown converter, reset between bodies (building one costs more than converting a body)."""
    return markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


@functools.cache
def _citing_converter() -> tuple[markdown.Markdown, CitationExtension]:
    """The converter of incident bodies: the same, with ``[^key]`` citation markers (render/citations.py)."""
    extension = CitationExtension()
    return markdown.Markdown(extensions=["tables", "sane_lists", extension], output_format="html"), extension


def body_html(
    body: str, link: Callable[[str], tuple[str, str] | None], citations: CitationContext | None = None
) -> str:
    """Render a contributor's Markdown body to sanitised HTML, resolving ``[[id]]`` and ``[[id|text]]``.

    ``link(id)`` returns (url, label) or ``None``; unresolved links stay as plain text (the check reports them).
    ``citations``: an incident's sources, for its ``[^key]`` markers; the citations found are added to it.
    """
    if not body.strip():
        return ""

    def replace(match: re.Match[str]) -> str:
        target = match.group(1).strip()
        resolved = link(target)
        if resolved is None:
            return markdown_inline(match.group(0))
        url, label = resolved
        text = match.group(2) or label
        return f"[{markdown_inline(text.strip())}]({url})"

    source = WIKI_LINK.sub(replace, body)
    if citations is None:
        rendered = _converter().reset().convert(source)
    else:
        converter, extension = _citing_converter()
        extension.context = citations
        try:
            rendered = converter.reset().convert(source)
        finally:
            extension.context = None
    # headings inside a body must not compete with the page's own h1/h2 structure
    rendered = re.sub(r"<(/?)h1>", r"<\1h3>", rendered)
    # citation links are ours, built from escaped source data: added after the sanitiser, which would strip them
    return sanitise(rendered) if citations is None else citations.finish(sanitise(rendered))
