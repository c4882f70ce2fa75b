"""``faultlines new incident|actor|place``: write a correctly named file with every required field and a
commented template. The only command that writes into content/, and it never overwrites."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from pathlib import Path

from generator.check.identity import slugify
from generator.dates import PartialDate


class ScaffoldError(ValueError):
    """The file cannot be written: it exists (``usage`` False), or an argument is invalid (``usage`` True)."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


_SECTIONS = {"incident": ("incident_types", "--type"), "actor": ("actor_kinds", "--kind"),
             "place": ("place_kinds", "--kind")}  # fmt: skip


def _known(root: Path, section: str) -> list[str] | None:
    """The keys of a vocabulary section, or ``None`` when the vocabulary cannot be read (the check says why)."""
    from generator.load import load_file

    if not (root / "content" / "vocabulary.yml").is_file():
        return None
    document = load_file(root, "content/vocabulary.yml", "vocabulary", [])
    terms = (document.data or {}).get(section)
    return sorted(str(key) for key in terms) if isinstance(terms, dict) else None


def _require_term(root: Path, kind: str, value: str) -> None:
    """Refuse a type or kind the vocabulary does not define, with every closest key as a suggestion."""
    from generator.check.schema_errors import closest, did_you_mean

    section, option = _SECTIONS[kind]
    known = _known(root, section)
    if known is None or value in known:
        return
    guess = did_you_mean(closest(value, known))
    raise ScaffoldError(
        f"{option} '{value}' is not a key of {section} in content/vocabulary.yml{guess} (known: {', '.join(known)})",
        usage=True,
    )


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are YAML strings


def incident_text(date: PartialDate, title: str, type_: str) -> str:
    """The template of a new incident."""
    key = f"source-{date.month:02d}{date.day:02d}" if date.day else "source"
    return f"""---
title: {_quote(title)}
date: {date.iso()}
# end_date: {date.iso()}          # last day, for incidents over several days
type: {type_}
# status: reported                 # confirmed (default), reported, disputed, retracted; say why in status_note
summary: >-
  TODO: one plain-text paragraph (at most 400 characters): what happened, where, who.
actors:
  - actor: TODO-actor-id           # a file name in content/actors/ (without .md)
    role: participant              # a key of roles in content/vocabulary.yml
# places: [east-china-sea]         # file names in content/places/
# time: "16:32–16:35"              # local time, free text
# timezone: Asia/Tokyo             # IANA zone, when not the vocabulary's default
# claims:                          # what a party said, attributed; quote: true only for exact words
#   - actor: TODO-actor-id
#     text: ...                    # with quote: true, these words must be in an excerpt of the source
#     source: {key}           # the key of one of the sources below
# figures:                         # numbers as each source gives them (and its excerpt quotes)
#   - what: aircraft
#     value: 4
#     source: {key}
sources:
  - key: {key}                # what the text, claims and figures cite: the publisher's short name and
                                   # the month and day of publication (jiji-1210, mod-1216)
    url: https://TODO.example/the-article   # the page, exactly as published
    publisher: TODO Publisher
    # title: "Headline exactly as published"   # never invented
    # published: {date.iso()}
    # kind: newspaper                            # a key of source_kinds in vocabulary.yml
    # archive_url: https://web.archive.org/...
    # excerpts:                                  # the page's own words that support the incident, copied
    #   - text: "..."                            # verbatim: at most 500 characters and 4 passages
    #     translation: "..."                     # for a page not in English (our translation)
# related: [other-incident-id]
---
<!-- Optional narrative in Markdown, in place of this comment. Link an actor, place or incident by its id in
double square brackets. End every paragraph and list item with the key of the source it rests on, right after
the final punctuation: "... and turned back off Shikoku.[^{key}]"; several sources side by side. -->
"""


def actor_text(name: str, kind: str) -> str:
    """The template of a new actor."""
    return f"""---
name: {_quote(name)}
kind: {kind}                        # a key of actor_kinds in content/vocabulary.yml
# country: JP                       # ISO 3166-1 alpha-2
# parent: japan-ministry-of-defense # the actor this one belongs to
# names: {{ja: 航空自衛隊}}             # names in other languages
# aliases: [JASDF]
# positions:                        # offices held (people)
#   - title: Minister of Defense
#     of: japan-ministry-of-defense
#     from: 2025-10-21
---
"""


def place_text(name: str, kind: str) -> str:
    """The template of a new place."""
    return f"""---
name: {_quote(name)}
kind: {kind}                        # a key of place_kinds in content/vocabulary.yml
# coordinates: [29.0, 125.0]        # [latitude, longitude]
# coordinates_approximate: true     # when only a rough centre point is known
# parent: pacific-ocean
# names: {{ja: 東シナ海, zh: 东海, ko: 동중국해}}
# aliases: []
---
"""


def create(root: Path, kind: str, *, title: str, date: str | None = None, type_: str = "", slug: str = "",
           entity_kind: str = "") -> Path:  # fmt: skip
    """Write the new file and return its path; raise ScaffoldError rather than overwrite anything."""
    content = root / "content"
    if not content.is_dir():
        raise ScaffoldError(f"no content/ folder in {root}; run this in the project root", usage=True)
    if not title.strip():
        raise ScaffoldError("--title (or --name) is empty", usage=True)
    slug = slug or slugify(title)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise ScaffoldError(
            f"--id '{slug}' is not a valid id (lowercase a-z, 0-9 and single hyphens)", usage=True
        )
    if kind == "incident" and entity_kind:
        raise ScaffoldError("--kind is for actors and places; an incident has --type", usage=True)
    if kind != "incident" and (type_ or date):
        raise ScaffoldError(f"--type and --date are for incidents; {'an' if kind == 'actor' else 'a'} {kind} has --kind",
                            usage=True)  # fmt: skip
    if type_ or entity_kind:
        _require_term(root, kind, type_ or entity_kind)
    if kind == "incident":
        if not date:
            raise ScaffoldError("an incident needs --date (YYYY-MM-DD, YYYY-MM or YYYY)", usage=True)
        try:
            when = PartialDate.parse(date)
        except ValueError as exc:
            raise ScaffoldError(
                f"--date '{date}': {exc} (write YYYY-MM-DD, YYYY-MM or YYYY)", usage=True
            ) from exc
        path = content / "incidents" / f"{when.year:04d}" / f"{when.iso()}-{slug}.md"
        text = incident_text(when, title, type_ or "TODO-type")
    elif kind == "actor":
        path = content / "actors" / f"{slug}.md"
        text = actor_text(title, entity_kind or "TODO-kind")
    else:
        path = content / "places" / f"{slug}.md"
        text = place_text(title, entity_kind or "TODO-kind")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(root)} already exists; nothing was written")
    _write_new(path, text, root)
    return path


def _write_new(path: Path, text: str, root: Path) -> None:
    """Write ``text`` to the new file ``path`` atomically: into a temporary file beside it (named so that the check
    ignores it), flushed to disk, then linked into place, which fails if ``path`` exists. A full disk or a kill
    leaves no half-written or empty ``path`` to block the next try."""
    handle, temporary = tempfile.mkstemp(prefix=".faultlines-new-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        try:
            os.link(temporary, path)  # never replaces an existing file
        except FileExistsError as exc:
            raise ScaffoldError(f"{path.relative_to(root)} already exists; nothing was written") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
