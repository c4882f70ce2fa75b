"""The catalogue of diagnostic codes: stable, documented, one entry per rule.

The error-code reference page is generated from this table, and a test fails when a code has no test that
triggers it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One rule: its code, a short name, its default severity, why it exists and how to fix it."""

    code: str
    name: str
    severity: str
    explanation: str
    fix: str


_TABLE = [
    # --- FL1xx: the file itself (encoding, front matter, YAML) ---------------------------------------------
    Code(
        "FL101",
        "duplicate-key",
        "error",
        "A key appears twice in one mapping. YAML parsers keep only one value, so the other would be lost.",
        "Remove one of the two keys, or merge their values.",
    ),
    Code(
        "FL102",
        "yaml-syntax",
        "error",
        "The front matter (or vocabulary.yml) is not valid YAML. The position is the YAML parser's own.",
        "Fix the syntax at the line shown: check indentation, colons and quotes.",
    ),
    Code(
        "FL103",
        "no-front-matter",
        "error",
        "A Markdown content file must start with a line `---`, its YAML front matter, and a closing `---`.",
        "Add `---` as the first line, then the fields, then `---`.",
    ),
    Code(
        "FL104",
        "unclosed-front-matter",
        "error",
        "The front matter starts with `---` but has no closing `---` line.",
        "Add a line `---` after the last field.",
    ),
    Code(
        "FL105",
        "not-a-mapping",
        "error",
        "The front matter must be a mapping of field names to values, not a list, a scalar or nothing.",
        "Write the fields as `name: value` lines.",
    ),
    Code(
        "FL106",
        "not-utf8",
        "error",
        "Content files must be UTF-8. The bytes at the position shown are not.",
        "Re-save the file as UTF-8 in your editor.",
    ),
    Code(
        "FL107",
        "nul-byte",
        "error",
        "The file contains a NUL byte, which never belongs in text.",
        "Remove the NUL character; the file may have been saved in a binary or UTF-16 format.",
    ),
    Code(
        "FL108",
        "tab-indent",
        "error",
        "YAML does not allow tabs for indentation.",
        "Replace the tab with spaces.",
    ),
    Code(
        "FL109",
        "yaml-tag",
        "error",
        "Explicit YAML tags (such as `!!python/object`) are refused: content is data, never code.",
        "Remove the tag; write the value as plain text, a number, a list or a mapping.",
    ),
    Code(
        "FL110",
        "yaml-alias",
        "error",
        "YAML anchors and aliases (`&x`, `*x`) are refused: they hide repeated data and allow alias bombs.",
        "Write the value out in full where it is needed.",
    ),
    Code(
        "FL111",
        "file-too-large",
        "error",
        "The file is larger than the limit for one content file.",
        "Split the text; a single incident should never need this much.",
    ),
    Code(
        "FL112",
        "symlink-outside",
        "error",
        "A symbolic link under content/ points outside content/. It is not read.",
        "Replace the link with a real file inside content/.",
    ),
    Code(
        "FL113",
        "stray-file",
        "error",
        "A file under content/ is not part of the content model, so nothing in it would be published: a wrong "
        "extension (`.markdown`, `.yml`, `.MD`), a wrong folder, or a hidden name (starting with `.`). Hidden "
        "files that are not text (`.gitkeep`, `.DS_Store`) and hidden folders are ignored.",
        "Rename it to <id>.md in the right folder (incidents in content/incidents/<year>/, actors in "
        "content/actors/, places in content/places/), or move it out of content/.",
    ),
    Code(
        "FL114",
        "too-deep",
        "error",
        "The YAML nests deeper than any field of the content model allows.",
        "Flatten the structure; see the field reference.",
    ),
    Code(
        "FL115",
        "comment-in-value",
        "warning",
        "In YAML, ` #` starts a comment: in an unquoted value such as `publisher: Channel #4 News`, everything "
        "from ` #` on is dropped, and the value is `Channel`.",
        'Put the value in quotes: `publisher: "Channel #4 News"`. A real comment is written with a space after '
        "the `#`.",
    ),
    # --- FL2xx: references ---------------------------------------------------------------------------------
    Code(
        "FL201",
        "unknown-actor",
        "error",
        "An actor id does not match any file in content/actors/.",
        "Use the id of an existing actor (its file name), or add the actor with `faultlines new actor`.",
    ),
    Code(
        "FL202",
        "unknown-place",
        "error",
        "A place id does not match any file in content/places/.",
        "Use the id of an existing place, or add it with `faultlines new place`.",
    ),
    Code(
        "FL203",
        "unknown-vocabulary",
        "error",
        "A type, role, status, kind, series or relation is not defined in content/vocabulary.yml.",
        "Use a key from vocabulary.yml, or add the new term there with a label and description.",
    ),
    Code(
        "FL204",
        "unknown-incident",
        "error",
        "A related incident, replacement or previous id does not match any incident.",
        "Use the id (file name without .md) of an existing incident.",
    ),
    Code(
        "FL205",
        "unknown-source",
        "error",
        "A claim or figure names a source (by key or URL) that is not in this incident's `sources`.",
        "Name the source by its `key`, or add the source to `sources`.",
    ),
    Code(
        "FL206",
        "broken-wiki-link",
        "error",
        "A `[[link]]` in the text does not resolve to an incident, actor or place.",
        "Use an existing id inside the brackets.",
    ),
    Code(
        "FL207",
        "parent-cycle",
        "error",
        "Following `parent` from this entry leads back to it.",
        "Break the cycle: one of the entries must have no parent or another parent.",
    ),
    Code(
        "FL208",
        "retracted-without-reason",
        "error",
        "A retracted incident must say why (`status_note`) so its tombstone page can explain it.",
        "Add `status_note:` with the reason, and `replaced_by:` when another incident replaces it.",
    ),
    # --- FL3xx: schema -------------------------------------------------------------------------------------
    Code(
        "FL301",
        "missing-field",
        "error",
        "A required field is missing.",
        "Add the field; see the field reference.",
    ),
    Code(
        "FL302",
        "unknown-field",
        "error",
        "A field is not part of the content model (often a typo). It would otherwise be silently ignored.",
        "Correct the name (a suggestion is given when one is close) or remove the field.",
    ),
    Code(
        "FL303",
        "wrong-type",
        "error",
        "A value has the wrong type (for example text where a list is expected, or `yes` where `true` is).",
        "Write the value in the form the field reference gives.",
    ),
    Code(
        "FL304",
        "bad-length",
        "error",
        "A text or list is shorter or longer than the field allows.",
        "Shorten or complete it; the limits are in the field reference.",
    ),
    Code(
        "FL305",
        "bad-date",
        "error",
        "A date is not in one of the forms YYYY, YYYY-MM, YYYY-MM-DD, or does not exist (2025-02-30).",
        "Write the date as YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year is known.",
    ),
    Code(
        "FL306",
        "end-before-start",
        "error",
        "`end_date` is before `date`.",
        "Swap the dates or correct one of them.",
    ),
    Code(
        "FL307",
        "bad-slug",
        "error",
        "Ids, keys and tags are lowercase ASCII words joined by single hyphens (`joint-patrol`).",
        "Use only a-z, 0-9 and single hyphens.",
    ),
    Code(
        "FL308",
        "bad-value",
        "error",
        "A value is outside what the field allows (a latitude above 90, a malformed language tag, an "
        "unknown time zone), or text contains an invisible control character that feeds and pages cannot hold, "
        "or an invisible format character that changes how text is shown (right-to-left override U+202E, "
        "isolates U+2066-U+2069, zero-width space U+200B, byte-order mark U+FEFF, soft hyphen U+00AD, ...): a "
        "title, id or URL could read differently from what it holds.",
        "Correct the value (the allowed range is in the message) or delete the invisible character.",
    ),
    Code(
        "FL309",
        "placeholder",
        "error",
        "A value still holds a `TODO` placeholder, as written by `faultlines new` or left by a contributor. "
        "It would be published as if it were a fact.",
        "Replace the placeholder with the real value, or remove the optional field.",
    ),
    # --- FL4xx: identity -----------------------------------------------------------------------------------
    Code(
        "FL401",
        "bad-file-name",
        "error",
        "File names are ids: lowercase slugs ending in .md, and incidents are named <date>-<slug>.md.",
        "Rename the file; `faultlines new` creates correctly named files.",
    ),
    Code(
        "FL402",
        "path-date-mismatch",
        "error",
        "An incident's folder year and file-name date must agree with its `date`.",
        "Move or rename the file to content/incidents/<year>/<date>-<slug>.md.",
    ),
    Code(
        "FL403",
        "duplicate-id",
        "error",
        "Two entries of one kind have the same id, ignoring case (or an old id is reused).",
        "Rename one of them.",
    ),
    Code(
        "FL404",
        "duplicate-source",
        "error",
        "The same source URL, or the same source key, is listed twice in one incident.",
        "Keep one entry; give each source its own key.",
    ),
    Code(
        "FL405",
        "id-removed",
        "error",
        "An incident id that exists in the base revision has disappeared without a redirect or tombstone. "
        "Links to it would break.",
        "List the old id in the new file's `previous_ids`, or keep the file with `status: retracted`.",
    ),
    # --- FL5xx: safety -------------------------------------------------------------------------------------
    Code(
        "FL501",
        "unsafe-html",
        "error",
        "Raw <script>, <iframe>, <object>, <embed>, <style> or an event-handler attribute is not allowed in "
        "content.",
        "Remove the markup; write plain Markdown.",
    ),
    Code(
        "FL502",
        "unsafe-url",
        "error",
        "URLs must be absolute http(s). `javascript:`, `vbscript:` and `data:` URLs are never allowed.",
        "Use the full https:// address of the page.",
    ),
    Code(
        "FL510",
        "body-too-large",
        "error",
        "A Markdown body is longer than the limit (50,000 characters). The limits on bodies bound the time a "
        "build can take, whatever a body holds.",
        "Shorten the text or split it; an incident's page should stay readable.",
    ),
    Code(
        "FL511",
        "too-deeply-nested",
        "error",
        "Lists or block quotes nest deeper than the limit (10 levels). Deeper nesting makes the Markdown "
        "renderer recurse until it fails.",
        "Flatten the list: each level is four more spaces of indentation or one more > at the line's start.",
    ),
    Code(
        "FL512",
        "too-many-brackets",
        "error",
        "The body holds so many unclosed `[` or `<` that Markdown would scan it for minutes: each one is "
        "matched by reading ahead to its `]` or `>`. The budget is 1,000,000 characters of such scanning.",
        "Close each `[` with `]`, each link's `(` with `)` and each < with >, or write them as \\[ and &lt;.",
    ),
    Code(
        "FL513",
        "render-failed",
        "error",
        "The Markdown renderer failed on the body. It is reported as the file's error, never a traceback.",
        "Simplify the Markdown around the line given, and please report the text that caused it.",
    ),
    Code(
        "FL514",
        "sanitiser-would-drop",
        "error",
        "The sanitiser would remove or change something written in the body: an element or attribute it does "
        "not allow (`<unnamed official>` reads as an element, `a<b and c>d` as `<b>` with attributes), an "
        "element such as `<textarea>`, `<template>` or `<svg>` that hides or swallows the rest, or "
        "a link whose scheme is not http, https or mailto. The words would silently go missing.",
        "Write it as text: &lt; (or \\<) for a literal <; link only to http(s) pages.",
    ),
    # --- FL6xx: warnings (errors under --strict) -----------------------------------------------------------
    Code(
        "FL601",
        "no-archive",
        "warning",
        "A source has no `archive_url`. Pages disappear; an archived copy keeps the claim traceable.",
        "Archive the page (for example on web.archive.org) and add `archive_url`.",
    ),
    Code(
        "FL602",
        "single-source",
        "warning",
        "The incident rests on a single source.",
        "Add an independent second source when one exists.",
    ),
    Code(
        "FL603",
        "unused-entry",
        "warning",
        "An actor or place is not mentioned by any incident.",
        "Reference it from an incident, or remove the file.",
    ),
    Code(
        "FL604",
        "no-coordinates",
        "warning",
        "A place has no coordinates, so it cannot be shown on the map.",
        "Add `coordinates: [latitude, longitude]` (and `coordinates_approximate: true` if rough).",
    ),
    Code(
        "FL605",
        "future-date",
        "warning",
        "The date is in the future.",
        "Check the year; the chronology records what has happened.",
    ),
    Code(
        "FL606",
        "near-duplicate",
        "warning",
        "Two incidents look like the same event (same dates, type and an actor, or very similar titles). "
        "Incidents that name each other in `related` are taken as distinct.",
        "Merge them (keep one, list the other's id in `previous_ids`), make the difference clear, or say how they "
        "relate in `related`.",
    ),
    Code(
        "FL607",
        "aggregator-only",
        "warning",
        "Every source of the incident is an aggregator or mirror.",
        "Add the original wire, newspaper or official source.",
    ),
    # --- FL7xx: evidence (the narrative cites its sources; quotes and figures are in their words) ----------
    Code(
        "FL701",
        "uncited-paragraph",
        "error",
        "Every paragraph and list item of an incident's text must cite at least one of the incident's sources, "
        "so that a reader can trace each statement to where it was published.",
        "End the paragraph (or the sentence it rests on) with a marker naming the source's key, right after "
        "the final punctuation: `...off Shikoku.[^jiji-1210]`; several sources side by side: `[^a][^b]`.",
    ),
    Code(
        "FL702",
        "unknown-citation",
        "error",
        "A `[^key]` citation marker names a key that none of the incident's sources has (often a typo).",
        "Use the `key` of one of the incident's `sources` (a suggestion is given when one is close), or add "
        "the source with that key.",
    ),
    Code(
        "FL703",
        "misplaced-citation",
        "error",
        "A `[^key]` marker stands where only plain text goes (title, summary, status_note, a location's "
        "description, a claim's text, a note) or in an actor's or place's text. It would reach summaries, "
        "feeds and exports as raw text.",
        "Cite in the incident's body only; a claim or figure names its source with `source: key`, and the "
        "summary restates the cited body without markers.",
    ),
    Code(
        "FL704",
        "quote-not-in-excerpt",
        "error",
        "A claim marked `quote: true` must be the source's exact words: its text must appear in an excerpt "
        "of the source it cites (compared ignoring case, spacing, curly or straight quotes, kinds of dash; "
        "`...` marks words left out). When another of the incident's sources has the words, it is named.",
        "Copy the passage with these words from the source's page into its `excerpts`, cite the source that "
        "has them, correct the quote to the source's words, or make the claim a paraphrase (`quote: false`).",
    ),
    Code(
        "FL705",
        "figure-not-in-excerpt",
        "warning",
        "A figure's value does not appear in an excerpt of its source (as digits, with or without thousands "
        "separators, or as a word from one to twenty, or `dozen`; for a text value, each number in it).",
        "Add the source's passage that gives the number to its `excerpts`, or correct the value or its source.",
    ),
    Code(
        "FL706",
        "quoted-words-not-in-excerpt",
        "warning",
        "Words in double quotation marks, in a claim's text or in a paragraph, are presented as someone's "
        "own words, but no excerpt of the source(s) cited there contains them.",
        "Add the passage to the cited source's `excerpts`, copy the words exactly, or remove the quotation "
        "marks and paraphrase.",
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _TABLE}

# State-of-the-record findings: how well the record as a whole is sourced. ``faultlines sources`` reports them;
# a whole-tree ``faultlines check`` counts them in its summary (``--verbose`` lists them), lists them for the
# files it is asked about, and ``--strict`` does not fail a whole tree on them (generator/selection.py).
RECORD_CODES = frozenset({"FL601", "FL602", "FL607"})

# The site's Error codes page (mkdocs.yml: site_url + the page's path); each code has an anchor there
ERROR_CODES_URL = "https://fault-lines.github.io/fault-lines/reference/error-codes/"


def code_url(code: str) -> str:
    """The code's entry on the Error codes page."""
    return f"{ERROR_CODES_URL}#{code.lower()}"
