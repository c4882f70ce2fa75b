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


def escape(text: object) -> str:
    """HTML-escape any value, quotes included."""
    return html.escape(str(text), quote=True)


# HTML's five, plus every character that starts Markdown syntax inside a line (code, emphasis, links and images,
# attr_list's ``{: …}``, a heading's closing ``#``, escapes, table cells) and the line breaks that would start a
# Markdown block: all as character references, which read the same in raw HTML, in Markdown text and in attributes
_PAGE_TEXT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
    | {c: f"&#{ord(c)};" for c in "\\`*_{}[]#!|\n\r"}
)


def page_text(value: object) -> str:
    """The one way contributor text reaches a generated page (Markdown with raw-HTML blocks): safe and literal
    in an HTML element, in a quoted attribute and in a Markdown heading or paragraph alike, so no template line
    depends on which of these it is. The template environment applies it to every value it prints."""
    return str(value).translate(_PAGE_TEXT)


def markdown_inline(text: str) -> str:
    """Plain text that shows literally inside a Markdown heading, list item or link text (:func:`page_text`)."""
    return page_text(text)


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
    """One Markdown converter, reset between bodies (building one costs more than converting a body).

    Table alignment as the ``align`` attribute (allowed), not ``style`` (which the sanitiser removes)."""
    return markdown.Markdown(
        extensions=["tables", "sane_lists"], extension_configs=_TABLES, output_format="html"
    )


_TABLES = {"tables": {"use_align_attribute": True}}


@functools.cache
def _citing_converter() -> tuple[markdown.Markdown, CitationExtension]:
    """The converter of incident bodies: the same, with ``[^key]`` citation markers (render/citations.py)."""
    extension = CitationExtension()
    converter = markdown.Markdown(
        extensions=["tables", "sane_lists", extension], extension_configs=_TABLES, output_format="html"
    )
    return converter, extension


def markdown_html(
    body: str, link: Callable[[str], tuple[str, str] | None], citations: CitationContext | None = None
) -> str:
    """A contributor's Markdown body as HTML, ``[[id]]`` and ``[[id|text]]`` resolved, not yet sanitised (the
    check compares this with :func:`sanitise`'s output, so that nothing is dropped without a word)."""

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
    return re.sub(r"<(/?)h1>", r"<\1h3>", rendered)


class BodyError(ValueError):
    """A body the renderer failed on: the message names the file and line, as a check diagnostic would."""


def body_html(
    body: str,
    link: Callable[[str], tuple[str, str] | None],
    citations: CitationContext | None = None,
    where: str = "",
) -> str:
    """Render a contributor's Markdown body to sanitised HTML, resolving ``[[id]]`` and ``[[id|text]]``.

    ``link(id)`` returns (url, label) or ``None``; unresolved links stay as plain text (the check reports them).
    ``citations``: an incident's sources, for its ``[^key]`` markers; the citations found are added to it.
    A failure of the renderer (the check's limits are there to prevent one) is a :class:`BodyError` naming
    ``where``, never a traceback."""
    if not body.strip():
        return ""
    try:
        clean = sanitise(markdown_html(body, link, citations))
    except RecursionError as exc:
        raise BodyError(
            f"{where}: error FL513 the body could not be rendered ({type(exc).__name__})"
        ) from None
    except Exception as exc:  # reported with the file, as the check reports FL513
        raise BodyError(
            f"{where}: error FL513 the body could not be rendered ({type(exc).__name__}: {exc})"
        ) from exc
    # citation links are ours, built from escaped source data: added after the sanitiser, which would strip them
    return clean if citations is None else citations.finish(clean)
