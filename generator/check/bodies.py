"""Markdown bodies: what passes the check builds in bounded time, and publishes every word it was given.

Python-Markdown's cost grows with the square of some inputs: each ``[`` is matched by scanning forward to its
``]`` (or to the end of the paragraph when there is none), each ``<`` to its ``>``; and nesting recurses. So a
body is refused, with its line, when it is over the size limit (FL510), nests lists or quotes deeper than the
limit (FL511), or holds more bracket scanning than the budget (FL512): together they bound the time a body can
take to render, whatever it holds (SECURITY.md gives the numbers). A body that still fails to render is FL513.

Then the sanitiser: whatever nh3 would remove or change in the rendered body (an unknown tag such as
``<unnamed official>``, an attribute, a ``<textarea>`` that turns the rest into text, a link whose
scheme is not allowed) is FL514 at its line, so a contributor learns it before publishing, instead of the
words silently going missing.
"""

from __future__ import annotations

import difflib
import re
from html.parser import HTMLParser

from generator.diagnostics import Diagnostic
from generator.load import Document

MAX_BODY_CHARACTERS = 50_000
MAX_NESTING = 10
# characters Markdown may scan for brackets in one body: the sum, over every '[', every link's '](' and every
# '<' that opens a tag, of the distance to its closing ']', ')' or '>' (or to the end of the paragraph or text
# when there is none);
# a body at the budget renders in about 0.4 s (at 2,000,000: 0.7 s)
MAX_BRACKET_SCAN = 1_000_000

_BLANK = re.compile(r"\n[ \t]*\n")
_CONTAINERS = re.compile(r"[ \t>]*+")
_TAG_OPEN = re.compile(r"<[a-zA-Z/!?]")
# what may make the sanitiser change the rendered body: raw HTML or entities, or a link or image
_SANITISER_MATTERS = re.compile(r"[<&]|\]\(|\]:")


def check_document(document: Document, sanitiser: bool = True) -> list[Diagnostic]:
    """FL510-FL514 for the body of one document (the front matter is checked elsewhere); ``sanitiser=False``
    leaves out FL514 (for a body the safety rules refused already)."""
    body = document.body
    if not body.strip():
        return []
    problems = _limits(document, body)
    if problems:
        return problems  # rendering an over-limit body is what the limits are there to avoid
    if not sanitiser or _SANITISER_MATTERS.search(body) is None:
        return []
    return _rendered(document, body)


def _line(document: Document, body: str, offset: int) -> int:
    return document.body_line + body.count("\n", 0, max(0, offset))


def _error(document: Document, line: int, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(document.path, line, 1, code, message, hint)


def _limits(document: Document, body: str) -> list[Diagnostic]:
    problems = []
    if len(body) > MAX_BODY_CHARACTERS:
        problems.append(
            _error(
                document,
                _line(document, body, MAX_BODY_CHARACTERS),
                "FL510",
                f"the body is {len(body):,} characters long; the limit is {MAX_BODY_CHARACTERS:,}",
                "shorten it or split it (an incident's page should stay readable)",
            )
        )
        return problems
    # quick tests first: no level without four columns of indentation or a '>', no scan longer than the body
    # for each '[' and '<' (nearly every body passes both)
    nested = "    " in body or "\t" in body or body.count(">") > MAX_NESTING
    deepest, deepest_at = nesting(body) if nested else (0, 0)
    if deepest > MAX_NESTING:
        problems.append(
            _error(
                document,
                _line(document, body, deepest_at),
                "FL511",
                f"lists or quotes nest {deepest} levels deep here; the limit is {MAX_NESTING}",
                "flatten the list (each level of nesting is four more spaces or one more '>')",
            )
        )
    openers = body.count("[") + body.count("<")
    scan, worst_at = bracket_scan(body) if openers * len(body) > MAX_BRACKET_SCAN else (0, 0)
    if scan > MAX_BRACKET_SCAN:
        problems.append(
            _error(
                document,
                _line(document, body, worst_at),
                "FL512",
                f"too many unclosed '[' or '<' for Markdown to read in time (the first from this line on; "
                f"{scan:,} characters to scan, the limit is {MAX_BRACKET_SCAN:,})",
                "close each '[' with ']', each link's '(' with ')' and each '<' with '>', or write them as \\[ and &lt;",
            )
        )
    return problems


def nesting(body: str) -> tuple[int, int]:
    """(deepest nesting of lists and quotes, the offset of its line): a '>' or four columns of indentation
    open one level, as Python-Markdown counts them (a tab is four columns)."""
    deepest, deepest_at, offset = 0, 0, 0
    for line in body.split("\n"):
        lead = _CONTAINERS.match(line)
        prefix = lead.group() if lead else ""
        columns = len(prefix.replace(">", "").replace("\t", "    "))
        depth = prefix.count(">") + columns // 4
        if depth > deepest and line[len(prefix) :].strip():
            deepest, deepest_at = depth, offset
        offset += len(line) + 1
    return deepest, deepest_at


def bracket_scan(body: str) -> tuple[int, int]:
    """(characters Markdown's bracket and tag matching may scan in ``body``, the offset of the '[' or '<' that
    costs most). Linear: one pass over each paragraph with a stack of open brackets, one ``find`` per tag."""
    total, worst, worst_at = 0, -1, 0
    start = 0
    for separator in [*_BLANK.finditer(body), None]:
        end = separator.start() if separator else len(body)
        opened: list[int] = []  # '[' not yet closed
        parens: list[int] = []  # '(' not yet closed; negative: a link's '](' whose ')' is looked for
        for index in range(start, end):
            char = body[index]
            if char == "[":
                opened.append(index)
            elif char == "]" and opened:
                total += index - opened.pop()
            elif char == "(":
                parens.append(-index if index > start and body[index - 1] == "]" else index)
            elif char == ")" and parens:
                position = parens.pop()
                total += index + position if position < 0 else 0
        for index in [
            *opened,
            *(-p for p in parens if p < 0),
        ]:  # never closed: scanned to the paragraph's end
            total += end - index
            if end - index > worst:
                worst, worst_at = end - index, index
        start = separator.end() if separator else len(body)
    # a '<' that opens a tag is matched against the whole text (raw HTML blocks span paragraphs)
    for match in _TAG_OPEN.finditer(body):
        close = body.find(">", match.end())
        cost = (close if close != -1 else len(body)) - match.start()
        total += cost
        if cost > worst:
            worst, worst_at = cost, match.start()
    return total, worst_at


# --- the sanitiser ------------------------------------------------------------------------------------------


class _Events(HTMLParser):
    """What a browser would be given: elements, their attributes (but rel, which the sanitiser adds) and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = " ".join(f'{k}="{v}"' if v is not None else k for k, v in sorted(attrs) if k != "rel")
        self.events.append(("start", f"<{tag}{' ' + shown if shown else ''}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))

    def handle_comment(self, data: str) -> None:
        pass  # a comment is a note to editors, shown nowhere (`faultlines new` writes one): not text that is lost

    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", f"<!{decl}>"))

    def handle_pi(self, data: str) -> None:
        self.events.append(("pi", f"<?{data}>"))

    def unknown_decl(self, data: str) -> None:
        self.events.append(("decl", f"<![{data}]>"))


def events(fragment: str) -> list[tuple[str, str]]:
    parser = _Events()
    parser.feed(fragment)
    parser.close()
    return [
        (kind, " ".join(text.split())) if kind == "text" else (kind, text) for kind, text in parser.events
    ]


def _rendered(document: Document, body: str) -> list[Diagnostic]:
    from generator.render.text import markdown_html, sanitise  # render imports check: import late

    try:
        before = markdown_html(body, lambda target: ("#", target))
    except Exception as exc:  # any failure of the renderer is the file's error, not a traceback
        return [
            _error(
                document,
                document.body_line,
                "FL513",
                f"the body could not be rendered ({type(exc).__name__}: {str(exc)[:200]})",
                "simplify its Markdown; please report it with the text that caused it",
            )
        ]
    old, new = events(before), events(sanitise(before))
    old = [event for event in old if event != ("text", "")]
    new = [event for event in new if event != ("text", "")]
    if old == new:
        return []
    lost = _first_change(old, new)
    offset = _find(body, lost)
    return [
        _error(
            document,
            _line(document, body, offset),
            "FL514",
            f"{_describe(lost)}: the page would not show what is written here",
            "write the text without it; for a literal '<' write &lt; (or \\<), and link only http(s) and mailto",
        )
    ]


def _first_change(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> tuple[str, str]:
    """The first markup (else text) that the sanitiser removes or changes."""
    for tag, i1, i2, j1, _j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        changed = old[i1:i2] or new[j1 : j1 + 1]
        markup = [event for event in changed if event[0] != "text"]
        return (markup or changed)[0]
    return old[0]  # not reached: the lists differ


def _describe(lost: tuple[str, str]) -> str:
    kind, text = lost
    shown = text if len(text) <= 60 else text[:57] + "..."
    if kind == "start":
        return f"the sanitiser would remove or change {shown!r} (and may hide what follows it)"
    if kind == "end":
        return f"the sanitiser would remove or move {shown!r}"
    if kind == "text":
        return f"the sanitiser would change the text {shown!r}"
    return f"the sanitiser would remove {shown!r}"


def _find(body: str, event: tuple[str, str]) -> int:
    """Where in the source the event comes from, as nearly as can be told (its tag, else its text)."""
    kind, text = event
    if kind in ("start", "end"):
        name = re.match(r"</?([^\s>]+)", text)
        needle = ("</" if kind == "end" else "<") + (name.group(1) if name else "")
    else:
        needle = text[:4] if kind != "text" else text.split(" ")[0]
    found = body.lower().find(needle.lower()) if needle else -1
    if found == -1 and kind == "start" and "href" in text:
        found = body.find("](")
    return max(found, 0)
