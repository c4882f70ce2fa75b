"""Identity rules: file names are ids, incident paths agree with dates, no two ids collide ignoring case."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic
from generator.load import Document

if TYPE_CHECKING:
    from generator.check import Validated

# matched with fullmatch: ``$`` also matches before a final newline, and a file named "china\n.md" passed
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_INCIDENT_NAME = re.compile(r"(\d{4}(?:-\d{2}(?:-\d{2})?)?)-([a-z0-9]+(?:-[a-z0-9]+)*)")
# as long as a slug in front matter may be (schema.Slug): an id becomes a file and folder name on the site
MAX_ID_LENGTH = 80
# ids whose page would take the place of a generated one (actors/index.md is the list of actors)
RESERVED_IDS = frozenset({"index"})


def check(documents: list[Document], validated: Validated) -> list[Diagnostic]:
    """File-name, path and uniqueness problems."""
    problems = []
    seen: dict[tuple[str, str], Document] = {}
    for document in documents:
        if document.kind == "vocabulary":
            continue
        if len(document.id) > MAX_ID_LENGTH:
            problems.append(
                Diagnostic(
                    document.path,
                    0,
                    0,
                    "FL401",
                    f"file name is {len(document.id)} characters long; an id has at most {MAX_ID_LENGTH}",
                    f"rename it to '{slugify(document.id, MAX_ID_LENGTH)}.md'",
                )
            )
        elif not _SLUG.fullmatch(document.id):
            problems.append(
                Diagnostic(
                    document.path,
                    0,
                    0,
                    "FL401",
                    f"file name '{document.id}.md' is not a valid id",
                    f"rename it to '{slugify(document.id)}.md'",
                )
            )
        elif document.id in RESERVED_IDS:
            problems.append(
                Diagnostic(
                    document.path,
                    0,
                    0,
                    "FL401",
                    f"'{document.id}' is reserved: its page would replace the list of {document.kind}s",
                    "choose another file name",
                )
            )
        elif document.kind == "incident" and not _INCIDENT_NAME.fullmatch(document.id):
            problems.append(
                Diagnostic(
                    document.path,
                    0,
                    0,
                    "FL401",
                    f"incident file name '{document.id}.md' must start with its date",
                    "name it <date>-<slug>.md, for example 2025-12-09-joint-patrol.md",
                )
            )
        key = (document.kind, document.id.lower())
        if key in seen:
            problems.append(
                Diagnostic(
                    document.path,
                    0,
                    0,
                    "FL403",
                    f"{document.kind} id '{document.id}' is also used by {seen[key].path}",
                    "ids must be unique, ignoring case",
                )
            )
        else:
            seen[key] = document
    if validated.vocabulary is not None:  # types and series have pages of their own, beside their lists
        document, vocabulary = validated.vocabulary
        for group in ("incident_types", "series"):
            for key in getattr(vocabulary, group):
                if key in RESERVED_IDS:
                    line, column = document.key_position((group, key))
                    problems.append(
                        Diagnostic(
                            document.path,
                            line,
                            column,
                            "FL401",
                            f"'{key}' is reserved: its page would replace the list of {group.replace('_', ' ')}",
                            "choose another key",
                        )
                    )
    previous: dict[str, Document] = {}
    for document, incident in validated.incidents:
        written = incident.date.iso()
        match = _INCIDENT_NAME.fullmatch(document.id)
        parts = document.path.split("/")
        if match and match.group(1) != written:
            line, column = document.position(("date",))  # only on a hit: positions are worked out on demand
            problems.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL402",
                    f"file name starts with {match.group(1)} but date is {written}",
                    f"rename the file to {written}-{match.group(2)}.md",
                )
            )
        if len(parts) == 4 and parts[2] != f"{incident.date.year:04d}":
            line, column = document.position(("date",))
            problems.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL402",
                    f"incident is in folder '{parts[2]}' but its date is in {incident.date.year}",
                    f"move it to content/incidents/{incident.date.year}/",
                )
            )
        elif len(parts) != 4:
            problems.append(
                Diagnostic(
                    document.path,
                    0,
                    0,
                    "FL402",
                    "incident is not in a year folder",
                    f"move it to content/incidents/{incident.date.year}/",
                )
            )
        for index, old in enumerate(incident.previous_ids):
            claimed = previous.setdefault(old, document)
            found: list[tuple[str, str, str]] = []  # (code, message, hint) for this entry
            if not _INCIDENT_NAME.fullmatch(old) or len(old) > MAX_ID_LENGTH:
                found.append((
                    "FL401",
                    f"previous id '{old}' is not an incident id (<date>-<slug>, at most {MAX_ID_LENGTH} "
                    "characters): its redirect would take the place of another page",
                    "list only ids this incident had before (old file names without .md)",
                ))  # fmt: skip
            elif claimed is not document:
                found.append((
                    "FL403",
                    f"previous id '{old}' is also claimed by {claimed.path}",
                    "an old id redirects to one incident: keep it in one file's previous_ids",
                ))  # fmt: skip
            if ("incident", old) in seen:
                found.append((
                    "FL403",
                    f"previous id '{old}' is still the id of {seen[('incident', old)].path}",
                    "an old id must not be reused",
                ))  # fmt: skip
            if found:
                line, column = document.position(("previous_ids", index))
                problems.extend(Diagnostic(document.path, line, column, *entry) for entry in found)
    return problems


def slugify(text: str, limit: int = 60) -> str:
    """A lowercase ASCII slug from any text: accents folded, everything else turned into single hyphens
    (``'Joint Patrol!'`` → ``joint-patrol``)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:limit].rstrip("-") or "untitled"
