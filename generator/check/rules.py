"""Rules the field reference states that no type can say: ``series_number`` needs ``series``, ``replaced_by``
belongs to a retracted incident, a summary is one paragraph, and an incident is not related to itself (FL308)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic

if TYPE_CHECKING:
    from generator.check import Validated
    from generator.load import Document

_LITERAL = re.compile(r"^\s*summary:\s*\|")


def check(validated: Validated) -> list[Diagnostic]:
    """FL308 for each rule broken by a validated incident."""
    problems: list[Diagnostic] = []
    for document, incident in validated.incidents:

        def problem(
            keypath: tuple[str | int, ...], message: str, hint: str, document: Document = document
        ) -> None:
            line, column = document.position(keypath)
            problems.append(Diagnostic(document.path, line, column, "FL308", message, hint))

        if incident.series_number is not None and incident.series is None:
            problem(
                ("series_number",), "series_number is set but series is not", "add series: <a key of series>"
            )
        if incident.series_alt_number is not None and incident.series is None:
            problem(("series_alt_number",), "series_alt_number is set but series is not", "add series")
        if incident.replaced_by is not None and incident.status != "retracted":
            problem(
                ("replaced_by",),
                f"replaced_by is only for a retracted incident (this one is '{incident.status}')",
                "remove replaced_by, or set status: retracted with a status_note",
            )
        raw = (document.data or {}).get("summary")
        if isinstance(raw, str) and _more_than_one_paragraph(document, raw.strip()):
            problem(
                ("summary",),
                "the summary has more than one paragraph; it is one plain-text paragraph",
                "join the paragraphs, and move the rest to the text below the front matter",
            )
        for index, link in enumerate(incident.related):
            if link.incident == document.id:
                problem(
                    ("related", index, "incident"), "an incident cannot be related to itself", "remove it"
                )
    return problems


def _more_than_one_paragraph(document: Document, summary: str) -> bool:
    """A blank line in a ``|`` block; any line break left in a folded (``>``) or plain value, where YAML keeps one
    only for a blank line."""
    if "\n" not in summary:
        return False
    literal = any(_LITERAL.match(line) for line in document.front.split("\n"))
    return bool(re.search(r"\n[ \t]*\n", summary)) if literal else True
