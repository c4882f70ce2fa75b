"""Evidence rules: the narrative cites its sources, and quotes and figures are in the sources' own words.

- Every paragraph and list item of an incident's body cites at least one source with a ``[^key]`` marker
  (FL701), and every marker names one of the incident's sources (FL702). Markers belong in incident bodies
  only: anywhere else they would reach a summary, a feed or a page as raw text (FL703).
- A ``quote: true`` claim is in an excerpt of the source it cites (FL704); a figure's value is (FL705); words
  in double quotation marks in a claim or a paragraph are in an excerpt of a source cited there (FL706).

Texts are compared after :func:`normalise`: Unicode compatibility forms, whitespace, curly and straight quotes,
dashes and hyphens, case; an ellipsis in a quote stands for words left out, so each part is looked for alone.
Every pattern here is linear: no nested or adjacent unbounded quantifiers over the same characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.check.schema_errors import suggest
from generator.diagnostics import Diagnostic
from generator.render.citations import ANY_MARKER
from generator.schema import Claim, Excerpt, Figure, Incident, Source

if TYPE_CHECKING:
    from generator.check import Validated
    from generator.load import Document, KeyPath

# --- normalising -------------------------------------------------------------------------------------------

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
        "\u201c": "'", "\u201d": "'", "\u201e": "'", "\u201f": "'", "\u2033": "'", "\u00ab": "'", "\u00bb": "'",
        '"': "'",
    }
)  # fmt: skip  # every quotation mark is one: a quote inside a quote swaps double and single marks
_DASH = re.compile(" ?[\u2010-\u2015\u2212\ufe58\ufe63\uff0d-] ?")
_ELLIPSIS = re.compile(r"\.\.\.+")
_EDGES = " .,;:!?'\"()"


def normalise(text: str) -> str:
    """``text`` for comparison: NFKC (full-width forms, ``…`` as ``...``), one quotation mark, one kind of dash
    with no space around it, single spaces, case-folded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = " ".join(text.split())  # first: the dash pattern then needs at most one space on each side
    return _DASH.sub("-", text).casefold()


def _parts(text: str) -> list[str]:
    """The parts of a normalised quote between ellipses, without the punctuation around them."""
    return [p for p in (part.strip(_EDGES) for part in _ELLIPSIS.split(text)) if p]


def _texts(source: Source, translations: bool) -> list[str]:
    """A source's excerpts, and with ``translations`` their English translations too (ours: good enough to find
    a number or words quoted in English from a source in another language, never for a ``quote: true``)."""
    texts = [e.text for e in source.excerpts]
    if translations:
        texts += [e.translation for e in source.excerpts if e.translation]
    return texts


def _segments(source: Source, translations: bool = False) -> list[str]:
    """A source's excerpts, normalised, each cut at its ellipses (a quote must not run across a cut)."""
    return [segment for text in _texts(source, translations) for segment in _ELLIPSIS.split(normalise(text))]


def quoted_in(text: str, source: Source, translations: bool = False) -> bool:
    """Whether every part of ``text`` (between ellipses) is in one of ``source``'s excerpts (or, with
    ``translations``, their translations)."""
    segments = _segments(source, translations)
    return all(any(part in segment for segment in segments) for part in _parts(normalise(text)))


# --- numbers -----------------------------------------------------------------------------------------------

NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_WORD_VALUES = {word: n for n, word in enumerate(NUMBER_WORDS) if n} | {"dozen": 12}
_NUMBER_IN_TEXT = re.compile(r"[0-9][0-9,.]*|[a-z]+")


def _number_text(value: float) -> list[str]:
    """How a number may be written: ``1200``, ``1,200``; ``8.5``."""
    if isinstance(value, float) and not value.is_integer():
        return [repr(value)]
    n = int(value)
    return list(dict.fromkeys([str(n), f"{n:,}"]))


def number_in(value: float, text: str) -> bool:
    """Whether the number is in (normalised) ``text``: as digits, with or without thousands separators, not
    as part of a longer number, or as a word (one to twenty, "dozen" for 12)."""
    for digits in _number_text(value):
        pattern = r"(?<![0-9])(?<![0-9][,.])" + re.escape(digits) + r"(?![0-9])(?![,.][0-9])"
        if re.search(pattern, text):
            return True
    if isinstance(value, float) and not value.is_integer():
        return False
    words = [w for w, n in _WORD_VALUES.items() if n == int(value)]
    return any(re.search(rf"\b{word}\b", text) for word in words)


def numbers_of(value: str) -> list[float]:
    """The numbers inside a text figure (``about 8 hours``: 8; ``two to three``: 2, 3)."""
    found: list[float] = []
    for token in _NUMBER_IN_TEXT.findall(normalise(value)):
        if token[0].isdigit():
            digits = token.rstrip(",.").replace(",", "")
            try:
                found.append(int(digits) if digits.isdigit() else float(digits))
            except ValueError:
                continue
        elif token in _WORD_VALUES:
            found.append(_WORD_VALUES[token])
    return found


def figure_in(value: int | float | str, source: Source) -> bool:
    """Whether a figure's value is in one of the source's excerpts or their translations (for text: every
    number in it, or the text itself when it holds none)."""
    texts = [normalise(text) for text in _texts(source, translations=True)]
    if isinstance(value, str):
        numbers = numbers_of(value)
        if not numbers:
            wanted = normalise(value).strip(_EDGES)
            return any(wanted in text for text in texts)
        return all(any(number_in(n, text) for text in texts) for n in numbers)
    return any(number_in(value, text) for text in texts)


# --- the body: paragraphs and list items, with their lines --------------------------------------------------


@dataclass
class Unit:
    """A paragraph or list item of a body: its text (code spans blanked) and where each of its lines starts."""

    lines: list[tuple[int, int, str]]  # (file line, column of the first character, text)
    kind: str = "paragraph"  # or "list item", "table row"

    @property
    def text(self) -> str:
        return _blank_code("\n".join(text for _, _, text in self.lines))

    def position(self, offset: int) -> tuple[int, int]:
        """File line and column of a character offset in ``text``."""
        for line, column, text in self.lines:
            if offset <= len(text):
                return line, column + offset
            offset -= len(text) + 1
        line, column, text = self.lines[-1]
        return line, column + len(text)


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_ITEM = re.compile(r"( {0,12})(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]+|$)")
_QUOTE_PREFIX = re.compile(r" {0,3}>[ ]?")
_REFERENCE = re.compile(r" {0,3}\[[^\]\n]{1,999}\]:[ \t]*\S")
_CODE_SPAN = re.compile(r"(`{1,10})[^`]{1,10000}?\1(?!`)")
_ESCAPED = "\\"


def _blank_code(text: str) -> str:
    """``text`` with every code span's content replaced by spaces (same length, same line breaks)."""
    if "`" not in text:
        return text
    return _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _rule(text: str) -> bool:
    """A thematic break: three or more of one of ``* - _``, spaces between."""
    if text.lstrip(" ")[:1] not in ("*", "-", "_"):
        return False  # most lines: one look at the first character
    bare = text.replace(" ", "").replace("\t", "")
    return (
        len(text) - len(text.lstrip(" ")) <= 3 and len(bare) >= 3 and len(set(bare)) == 1 and bare[0] in "*-_"
    )


def _table_delimiter(text: str) -> bool:
    """A table's delimiter row (``| --- | :-: |``)."""
    bare = text.strip()
    return "-" in bare and not set(bare) - set("|:- \t")


def body_units(body: str, first_line: int) -> Iterator[Unit]:
    """The paragraphs and list items of a Markdown body (code, headings, rules and link definitions are not;
    each table row under a header row is)."""
    lines = body.split("\n")
    unit: Unit | None = None
    fence = ""
    blank_before = True
    in_list = False
    table = False
    comment = False
    for index, raw in enumerate(lines):
        number = first_line + index
        if fence:
            if raw.strip().startswith(fence):
                fence = ""
            continue
        if comment:
            comment = "-->" not in raw
            continue
        column = 1
        text = raw
        while match := _QUOTE_PREFIX.match(text):  # a blockquote's lines are read without their '>'
            column += match.end()
            text = text[match.end() :]
        if not text.strip():
            if unit:
                yield unit
            unit, blank_before, table = None, True, False
            continue
        if match := _FENCE.match(text):
            if unit:
                yield unit
            unit, fence = None, match.group(1)[:3]
            continue
        if text.lstrip().startswith("<!--"):
            if unit:
                yield unit
            unit, comment = None, "-->" not in text
            continue
        indented = text.startswith(("    ", "\t"))
        if indented and blank_before and not in_list:
            continue  # an indented code block
        if unit and len(unit.lines) == 1 and "|" in unit.lines[0][2] and _table_delimiter(text):
            unit, table = None, True  # the header row: labels, not statements
            continue
        if unit and _SETEXT.match(text):
            unit.lines.pop()  # a setext underline makes the line above it a heading
            if unit.lines:
                yield unit
            unit, blank_before, in_list = None, False, False
            continue
        if _HEADING.match(text) or _rule(text) or _REFERENCE.match(text):
            if unit:
                yield unit
            unit, blank_before = None, False
            in_list = in_list and bool(_REFERENCE.match(text))
            continue
        if table:
            yield Unit([(number, column, text)], "table row")
            continue
        if match := _ITEM.match(text):
            if unit:
                yield unit
            in_list = True
            unit = Unit([(number, column + match.end(), text[match.end() :])], "list item")
        elif unit:
            unit.lines.append((number, column, text))
        else:
            in_list = in_list and (indented or not blank_before)
            unit = Unit([(number, column, text)])
        blank_before = False
    if unit:
        yield unit


def markers(text: str) -> Iterator[re.Match[str]]:
    """The citation markers of a (code-blanked) text; one after a backslash is escaped text."""
    if "[^" not in text:
        return
    for match in ANY_MARKER.finditer(text):
        if text[match.start() - 1 : match.start()] != _ESCAPED:
            yield match


_FRAGMENT = re.compile(r'"([^"]{1,600})"|\u201c([^\u201c\u201d]{1,600})\u201d')


def fragments(text: str) -> Iterator[re.Match[str]]:
    """Words in double quotation marks, straight or curly."""
    return _FRAGMENT.finditer(text)


# --- the rules ---------------------------------------------------------------------------------------------


def usable(incident: Incident) -> Incident:
    """What of a salvaged incident (one that failed its schema: see ``check/salvage.py``) the evidence rules can
    read, so that its uncited paragraphs and unfound quotes are reported in the same run as its schema errors.
    Lists keep their length (positions are found by index); a value of the wrong kind reads as empty."""

    def text(value: object) -> str | None:
        return value if isinstance(value, str) else None

    sources = []
    for source in incident.sources or []:
        excerpts = [
            Excerpt.model_construct(text=e.text, translation=text(getattr(e, "translation", None)))
            for e in (getattr(source, "excerpts", None) or [])
            if isinstance(getattr(e, "text", None), str)
        ]
        sources.append(
            Source.model_construct(
                key=text(getattr(source, "key", None)),
                url=text(getattr(source, "url", None)) or "",
                publisher=text(getattr(source, "publisher", None)) or "",
                note=text(getattr(source, "note", None)),
                excerpts=excerpts,
            )
        )
    claims = [
        Claim.model_construct(
            actor=text(getattr(c, "actor", None)) or "",
            text=text(getattr(c, "text", None)) or "",
            quote=getattr(c, "quote", False) is True,
            source=(text(getattr(c, "source", None)) or "") if text(getattr(c, "text", None)) else "",
        )
        for c in incident.claims or []
    ]
    figures = []
    for f in incident.figures or []:
        value = getattr(f, "value", None)
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        figures.append(
            Figure.model_construct(
                what=text(getattr(f, "what", None)) or "",
                value=value if ok else "",
                source=(text(getattr(f, "source", None)) or "") if ok else "",  # no source: not checked
                note=text(getattr(f, "note", None)),
            )
        )
    location = incident.location if isinstance(getattr(incident.location, "description", None), str) else None
    return Incident.model_construct(
        title=text(incident.title),
        summary=text(incident.summary),
        status_note=text(incident.status_note),
        location=location,
        sources=sources,
        claims=claims,
        figures=figures,
    )


def check(
    documents: list[Document],
    validated: Validated,
    of_incident: Callable[[Document, Incident], Iterable[Diagnostic]] | None = None,
) -> list[Diagnostic]:
    """Every evidence problem of the validated incidents, and markers in actors' and places' bodies.
    ``of_incident``: what gives an incident's problems (default :func:`incident_problems`; the check's memo)."""
    problems: list[Diagnostic] = []
    for document, incident in validated.incidents:
        problems.extend((of_incident or incident_problems)(document, incident))
    for document in documents:
        if document.kind in ("actor", "place"):
            for unit in body_units(document.body, document.body_line):
                for match in markers(unit.text):
                    line, column = unit.position(match.start())
                    problems.append(
                        Diagnostic(
                            document.path,
                            line,
                            column,
                            "FL703",
                            f"citation marker {match.group(0)} outside an incident's body",
                            f"only incident bodies cite sources; write the {document.kind}'s text without it",
                            line,
                            column + len(match.group(0)),
                        )
                    )
    return problems


def incident_problems(document: Document, incident: Incident) -> list[Diagnostic]:
    """The evidence problems of one incident: they read nothing but its own file."""
    return [*_body(document, incident), *_front_matter(document, incident)]


def _body(document: Document, incident: Incident) -> Iterator[Diagnostic]:
    keys = {s.key: s for s in incident.sources}
    for unit in body_units(document.body, document.body_line):
        text = unit.text
        if not _has_words(text):
            continue
        cited: list[Source] = []
        found = list(markers(text))
        for match in found:
            key = match.group(1)
            line, column = unit.position(match.start())
            if key in keys:
                cited.append(keys[key])
                continue
            guess = suggest(key, keys)
            yield Diagnostic(
                document.path,
                line,
                column,
                "FL702",
                f"citation [^{key}] names no source of this incident"
                + (f"; did you mean [^{guess}]?" if guess else ""),
                "" if guess else f"this incident's source keys: {', '.join(keys)}",
                line,
                column + len(match.group(0)),
            )
        if not found:
            line, column = unit.lines[0][0], unit.lines[0][1]
            first = unit.lines[0][2].strip()
            shown = first if len(first) <= 40 else first[:37] + "..."
            yield Diagnostic(
                document.path,
                line,
                column,
                "FL701",
                f"{unit.kind} '{shown}' cites no source",
                "end it with the key of the source that supports it, as [^key] (sources: "
                + ", ".join(keys)
                + ")",
            )
            continue
        if not cited:
            continue
        for match in fragments(text):
            quoted = ANY_MARKER.sub("", match.group(1) or match.group(2))
            if _parts(normalise(quoted)) and not any(quoted_in(quoted, s, translations=True) for s in cited):
                line, column = unit.position(match.start())
                yield _fragment_problem(
                    document.path, line, column, quoted, cited, match.end() - match.start()
                )


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in (ANY_MARKER.sub("", text) if "[^" in text else text))


def _fragment_problem(
    path: str, line: int, column: int, quoted: str, cited: list[Source], length: int
) -> Diagnostic:
    shown = " ".join(quoted.split())
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    names = ", ".join(s.key for s in cited)
    bare = [s.key for s in cited if not s.excerpts]
    return Diagnostic(
        path,
        line,
        column,
        "FL706",
        f'quoted words "{shown}" are in no excerpt of {names}',
        f"add the passage to the excerpts of {', '.join(bare)}"
        if bare
        else "copy the words exactly as the source has them, or cite the source that has them",
        line if "\n" not in quoted else 0,
        column + length if "\n" not in quoted else 0,
    )


def _front_matter(document: Document, incident: Incident) -> Iterator[Diagnostic]:
    # markers where only plain text goes: they would reach summaries, feeds and exports as raw [^key]
    texts: list[tuple[KeyPath, str | None]] = [
        (("title",), incident.title),
        (("summary",), incident.summary),
        (("status_note",), incident.status_note),
        (("location", "description"), incident.location.description if incident.location else None),
    ]
    texts += [(("claims", i, "text"), c.text) for i, c in enumerate(incident.claims)]
    texts += [(("figures", i, "note"), f.note) for i, f in enumerate(incident.figures)]
    texts += [(("sources", i, "note"), s.note) for i, s in enumerate(incident.sources)]
    for keypath, text in texts:
        if text and "[^" in text and (match := ANY_MARKER.search(text)):
            line, column = document.position(keypath)
            yield Diagnostic(
                document.path,
                line,
                column,
                "FL703",
                f"citation marker {match.group(0)} in '{_name(keypath)}'",
                "markers go in the body only; a claim or figure names its source with `source:`",
            )
    for i, claim in enumerate(incident.claims):
        source = incident.source_for(claim.source)
        if source is None:
            continue  # FL205
        if claim.quote:
            if quoted_in(claim.text, source):
                continue
            # positions only for a problem: they cost a second parse of the file (see Document.position)
            line, column = document.position(("claims", i, "text"))
            other = next((s for s in incident.sources if s is not source and quoted_in(claim.text, s)), None)
            if other is not None:
                message = f"quote is not in an excerpt of {source.key}, but it is in one of {other.key}"
                hint = f"cite the source that has these words: source: {other.key}"
            elif not source.excerpts:
                message = f"quote cannot be verified: source {source.key} has no excerpts"
                hint = "add the source's passage with these words to its excerpts, copied from the page"
            else:
                message = f"quote is not in an excerpt of {source.key}"
                hint = (
                    "copy the words exactly as the source has them (an ellipsis marks words left out), "
                    "or make the claim a paraphrase (quote: false)"
                )
            yield Diagnostic(document.path, line, column, "FL704", message, hint)
            continue
        for match in fragments(claim.text):
            quoted = match.group(1) or match.group(2)
            if _parts(normalise(quoted)) and not quoted_in(quoted, source, translations=True):
                line, column = document.position(("claims", i, "text"))
                yield _fragment_problem(document.path, line, column, quoted, [source], 0)
    for i, figure in enumerate(incident.figures):
        source = incident.source_for(figure.source)
        if source is None or figure_in(figure.value, source):
            continue
        line, column = document.position(("figures", i, "value"))
        other = next((s for s in incident.sources if s is not source and figure_in(figure.value, s)), None)
        if other is not None:
            hint = f"the value is in an excerpt of {other.key}: cite that source"
        elif not source.excerpts:
            hint = f"add the passage of {source.key} that gives the number to its excerpts"
        else:
            hint = "add the passage that gives the number, or correct the value"
        yield Diagnostic(
            document.path,
            line,
            column,
            "FL705",
            f"figure value {figure.value!r} is in no excerpt of {source.key}",
            hint,
        )


def _name(keypath: KeyPath) -> str:
    text = ""
    for part in keypath:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
