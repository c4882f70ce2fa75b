"""Placeholders: a `TODO` that `faultlines new` wrote, or a contributor left, is never published."""

from __future__ import annotations

import re

from generator.check.safety import front_matter_text, string_values
from generator.diagnostics import Diagnostic
from generator.load import Document

_TODO = re.compile(r"\bTODO\b")


def check_document(document: Document, text: str | None = None) -> list[Diagnostic]:
    """One error for each front-matter value that still holds a TODO placeholder.

    ``text``: ``front_matter_text(document.data)``, when the caller has it already; the values are looked
    at one by one only when it holds a TODO."""
    problems: list[Diagnostic] = []
    if text is None:
        text = front_matter_text(document.data or {})
    if "TODO" not in text or _TODO.search(text) is None:  # a substring test first: many times quicker
        return problems
    for keypath, text in string_values(document.data or {}):
        if _TODO.search(text):
            line, column = document.position(keypath)
            shown = text if len(text) <= 50 else text[:47] + "..."
            problems.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL309",
                    f"placeholder left in place: '{shown}'",
                    "replace it with the real value (see the comment on that line of the template)",
                )
            )
    return problems
