"""Inline citations: ``[^key]`` markers in an incident's body become numbered links to its sources.

A marker names one of the incident's sources by its key (``[^jiji-1210]``) and is written after the sentence or
paragraph it supports; several sit side by side (``[^a][^b]``). A Python-Markdown inline pattern finds them, so
a marker in a code span or code block, or escaped (``\\[^key]``), stays text. Markdown's own footnote syntax is
not enabled: contributor text never makes HTML. The pattern leaves each marker in the tree as a text token
(nonce and number) that the sanitiser keeps as plain text; only after sanitising are the tokens replaced by
the citation links, built here from the sources' own (escaped) publisher and date.
"""

from __future__ import annotations

import html
import re
import secrets
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from dataclasses import dataclass, field

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from generator.schema import Incident

# a key as the schema allows it (a slug of at most 40 characters); one character class, bounded: linear time
MARKER = r"\[\^([a-z0-9-]{1,40})\]"
# anything a contributor may have meant as a marker (wrong case, spaces, ...): what the check looks for
ANY_MARKER = re.compile(r"\[\^([^\[\]\n]{0,100})\]")
_TAG = "fl-cite"


@dataclass(frozen=True)
class CitedSource:
    """What a marker links to: the source's number on the page and its publisher and date."""

    number: int
    label: str  # "Jiji Press, 10 December 2025"


@dataclass(frozen=True)
class Citation:
    """One marker as rendered: its own id, the source it links to, and the paragraph it stands in."""

    id: str  # "cite-3"
    number: int
    paragraph: int | None  # 1-based among the body's paragraphs and list items; None in a table or heading


def cited_sources(incident: Incident) -> dict[str, CitedSource]:
    """The incident's sources by key, numbered as the Sources list numbers them."""
    found = {}
    for number, source in enumerate(incident.sources, start=1):
        label = source.publisher + (f", {source.published.human()}" if source.published else "")
        found[source.key] = CitedSource(number, label)
    return found


@dataclass
class CitationContext:
    """One body's conversion: the sources its markers may name, and the citations found, in order."""

    sources: Mapping[str, CitedSource]
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    citations: list[Citation] = field(default_factory=list)

    def token(self, index: int) -> str:
        # letters and digits only: Markdown, the HTML serialiser and the sanitiser all keep it as it is
        return f"FLCITE{self.nonce}N{index}E"

    def finish(self, html: str) -> str:
        """The sanitised HTML with each token replaced by its citation link."""
        pattern = re.compile(f"FLCITE{self.nonce}N([0-9]+)E")
        return pattern.sub(lambda m: self.link(self.citations[int(m.group(1))]), html)

    def link(self, citation: Citation) -> str:
        label = html.escape(next(s.label for s in self.sources.values() if s.number == citation.number))
        # out of the search index: "[2]" is not a word anyone searches for
        return (
            f'<sup class="fl-ref" id="{citation.id}" data-search-exclude>'
            f'<a href="#source-{citation.number}" title="{label}" '
            f'aria-label="Source {citation.number}: {label}">[{citation.number}]</a></sup>'
        )

    def backlinks(self) -> dict[int, list[Citation]]:
        """By source number, the first citation of it in each paragraph (for "cited in ¶1, ¶3")."""
        links: dict[int, list[Citation]] = {}
        for citation in self.citations:
            seen = links.setdefault(citation.number, [])
            if citation.paragraph is None or all(c.paragraph != citation.paragraph for c in seen):
                seen.append(citation)
        return links


class _MarkerPattern(InlineProcessor):
    def __init__(self, extension: CitationExtension) -> None:
        super().__init__(MARKER)
        self.extension = extension

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        context = self.extension.context
        if context is None or m.group(1) not in context.sources:
            return None, None, None  # not a source of this incident: stays text (the check reports it)
        element = etree.Element(_TAG)
        element.set("key", m.group(1))
        return element, m.start(0), m.end(0)


class _Numbering(Treeprocessor):
    """Numbers paragraphs and list items, gives each marker its id, and leaves a token where it stood.

    A marker inside a link's text is moved just after the link: links do not nest."""

    def __init__(self, md: markdown.Markdown, extension: CitationExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        context = self.extension.context
        if context is None:
            return
        self.paragraph = 0
        self._walk(root, None, False, context)

    def _walk(
        self, element: etree.Element, unit: int | None, in_item: bool, context: CitationContext
    ) -> None:
        for child in list(element):
            if child.tag == _TAG:
                self._replace(element, child, [self._token(child, unit, context)])
                continue
            if child.tag == "a":
                markers = [m for m in child.iter(_TAG)]
                if markers:
                    tokens = [self._token(m, unit, context) for m in markers]
                    for marker in markers:
                        self._remove(child, marker)
                    child.tail = "".join(tokens) + (child.tail or "")
                continue
            child_unit, child_in_item = unit, in_item
            if child.tag == "li" or (child.tag == "p" and not in_item):
                self.paragraph += 1
                child_unit = self.paragraph
                child_in_item = in_item or child.tag == "li"
            elif child.tag in ("table", "h2", "h3", "h4", "h5", "h6"):
                child_unit = None
            self._walk(child, child_unit, child_in_item, context)

    @staticmethod
    def _token(marker: etree.Element, unit: int | None, context: CitationContext) -> str:
        index = len(context.citations)
        number = context.sources[marker.get("key", "")].number
        context.citations.append(Citation(f"cite-{index + 1}", number, unit))
        return context.token(index)

    def _replace(self, parent: etree.Element, marker: etree.Element, tokens: list[str]) -> None:
        marker.tail = "".join(tokens) + (marker.tail or "")
        self._remove(parent, marker)

    @staticmethod
    def _remove(ancestor: etree.Element, marker: etree.Element) -> None:
        """Take ``marker`` out of the tree under ``ancestor``, keeping the text that follows it."""
        for parent in ancestor.iter():
            children = list(parent)
            if marker not in children:
                continue
            index = children.index(marker)
            tail = marker.tail or ""
            if index == 0:
                parent.text = (parent.text or "") + tail
            else:
                previous = children[index - 1]
                previous.tail = (previous.tail or "") + tail
            parent.remove(marker)
            return


class CitationExtension(Extension):
    """The marker pattern and the numbering, with the context of the body being converted."""

    def __init__(self) -> None:
        super().__init__()
        self.context: CitationContext | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # after code spans (190) and backslash escapes (180), before reference links (170): `[^k]` is never a link
        md.inlinePatterns.register(_MarkerPattern(self), "fl-cite", 175)
        # after the inline patterns (20), before pretty-printing (10)
        md.treeprocessors.register(_Numbering(md, self), "fl-cite-numbering", 15)
