"""The record over time on the site: each incident's history, tombstones for retracted incidents, and the
Changes page with ``changes.json`` and ``changes.xml`` (Atom).

Everything here is read from a ``History`` (git commits by file, see generator/history.py) that the publish
step computes once per build; rendering stays pure: the same chronology and history give the same bytes.

What counts as a change, per incident file (its current path and the paths of its ``previous_ids``):
``new`` is the oldest commit, ``corrected`` every later one, and for an incident whose status is now
``retracted`` the newest commit is reported as ``retracted``. What each change did is said in a reader's words,
read from the file's versions (``Change.note``, generator/changenotes.py); the commit's message is for
developers and appears only in changes.json.

A retracted incident keeps its URL as a tombstone page (what it was, why it was withdrawn, what replaces it),
never a 404. It stays in the timeline and the other lists, marked with its "Retracted" status badge and
``data-status="retracted"``, so a reader who remembers it can find out what happened to it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from feedgen.feed import FeedGenerator

from generator.dates import MONTHS, human_range
from generator.history import Change, History
from generator.model import Chronology, IncidentRecord
from generator.render.urls import page_path, page_url, relative

if TYPE_CHECKING:
    from generator.render.pages import GeneratedPage, SiteRenderer

RETRACTED = "retracted"
KINDS = {"new": "New", "corrected": "Corrected", "retracted": "Retracted"}
KIND_NOTES = {"new": "Added", "corrected": "Corrected", "retracted": "Retracted"}
# a commit that changed more incidents than this is one entry of the Changes page, with their list folded under it
GROUP_ABOVE = 3
PAGE = "changes.md"
JSON_PATH = "changes.json"
ATOM_PATH = "changes.xml"
PAGE_LIMIT = 500
FEED_LIMIT = 100
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class ChangeEvent:
    """One commit's effect on one incident."""

    kind: str  # new | corrected | retracted
    change: Change
    incident: IncidentRecord

    @property
    def moment(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.change.timestamp) if self.change.timestamp else EPOCH


def _sentence(note: str) -> str:
    return note[:1].upper() + note[1:] + "." if note else ""


# --- per incident -----------------------------------------------------------------------------------------


def paths_by_id(history: Mapping[str, Sequence[Change]]) -> dict[str, list[str]]:
    """Every file path in the history, by the id it names (its stem): how ``previous_ids`` find the commits
    of a renamed file. One pass over the whole history, so a build makes it once, not once per incident."""
    paths: dict[str, list[str]] = {}
    for path in history:
        paths.setdefault(PurePosixPath(path).stem, []).append(path)
    return paths


def incident_changes(
    record: IncidentRecord, history: History, paths: dict[str, list[str]]
) -> tuple[Change, ...]:
    """The commits of an incident's file and of the files its ``previous_ids`` had, newest first."""
    previous = [p for old in record.data.previous_ids for p in paths.get(old, ())]
    return history.of(record.path, previous)


def history_view(
    record: IncidentRecord, history: History | None, paths: dict[str, list[str]] | None = None
) -> tuple[list[dict[str, str]], str]:
    """(entries for the page's History list, a note when there is no history to show).

    ``paths`` is ``paths_by_id(history)``; pass it when rendering many incidents, since it is the same for all.
    """
    if history is None:
        return [], ""
    if history.unavailable:
        return [], _sentence(history.unavailable)
    changes = incident_changes(record, history, paths_by_id(history) if paths is None else paths)
    if not changes:
        return [], "Not yet committed: this incident has no recorded history."
    entries = []
    for index, change in enumerate(changes):
        kind = _kind(record, index, len(changes))
        entries.append({
            "date": change.date,
            "when": human_day(change.date),
            "kind": kind,
            "note": reader_note(change, kind),
            "commit": change.commit[:12],
        })  # fmt: skip
    return entries, ""


def human_day(day: str) -> str:
    """``6 December 2026`` for ``2026-12-06``."""
    date = dt.date.fromisoformat(day)
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def reader_note(change: Change, kind: str) -> str:
    """What ``change`` did, for a reader: its note (generator/changenotes.py), or without one, what its kind
    says ("Added", "Corrected", "Retracted"), never the commit's message."""
    if kind == "retracted" and "retracted" not in change.note.lower():
        return "Retracted" + (f"; {change.note[:1].lower()}{change.note[1:]}" if change.note else "")
    return change.note or KIND_NOTES[kind]


def _kind(record: IncidentRecord, index: int, count: int) -> str:
    """``new`` for an incident's oldest change, ``retracted`` for the newest of a retracted one, else
    ``corrected`` (``index`` counts from the newest)."""
    if index == 0 and record.data.status == RETRACTED:
        return "retracted"
    return "new" if index == count - 1 else "corrected"


def events(chronology: Chronology, history: History) -> list[ChangeEvent]:
    """Every change to every incident, newest first (ties broken by commit, then incident id)."""
    paths = paths_by_id(history)
    found = []
    for record in chronology.incidents:
        changes = incident_changes(record, history, paths)
        for index, change in enumerate(changes):
            found.append(ChangeEvent(_kind(record, index, len(changes)), change, record))
    return sorted(found, key=lambda e: (-e.moment.timestamp(), e.change.commit, e.incident.id))


# --- tombstones -------------------------------------------------------------------------------------------


def tombstone_page(renderer: SiteRenderer, record: IncidentRecord) -> GeneratedPage:
    """The page of a retracted incident: what it was, that it is withdrawn, why, and what replaces it."""
    from generator.render.pages import GeneratedPage, page_meta

    here = page_path("incidents", record.id)
    data = record.data
    replacement = renderer.c.incident_by_id.get(data.replaced_by or "")
    history, history_note = history_view(record, renderer.history, renderer.history_paths)
    view = {
        "title": data.title,
        "iso": data.date.iso(),
        "when": human_range(data.date, data.end_date),
        "type": renderer.term(here, "incident_types", data.type),
        "status": renderer.term(here, "statuses", data.status),
        "reason": data.status_note or "",
        "replaced_by": {
            "title": replacement.data.title,
            "url": renderer.url(here, "incidents", replacement.id),
            "when": human_range(replacement.data.date, replacement.data.end_date),
        }
        if replacement
        else None,
        "history": history,
        "history_note": history_note,
    }
    meta = page_meta(f"Retracted: {data.title}", data.status_note or "This incident was retracted.",
                     fault_lines_source=record.path)  # fmt: skip
    text = renderer.template_text("tombstone.md.j2", meta=meta, t=view)
    return GeneratedPage(here, text, source=record.path)


# --- the Changes page and its feeds -----------------------------------------------------------------------


def changes_page(renderer: SiteRenderer, history: History) -> GeneratedPage:
    """``changes.md``: the latest changes, newest first, grouped by day."""
    from generator.render.pages import GeneratedPage, page_meta

    found = events(renderer.c, history)
    # by day, then by commit (in the order of their newest event): one commit that changed many incidents (the
    # first import, a pass over the sources) is one entry with the list folded under it
    days: dict[str, dict[str, list[ChangeEvent]]] = {}
    for event in found[:PAGE_LIMIT]:
        days.setdefault(event.change.date, {}).setdefault(event.change.commit, []).append(event)

    def item(event: ChangeEvent) -> dict[str, str]:
        return {
            "kind": event.kind,
            "label": KINDS[event.kind],
            "title": event.incident.data.title,
            "url": renderer.url(PAGE, "incidents", event.incident.id),
            "note": reader_note(event.change, event.kind),
        }

    entries_by_day = []
    for day, commits in days.items():
        entries: list[dict[str, Any]] = []
        for group in commits.values():
            if len(group) <= GROUP_ABOVE:
                entries.extend({"group": False, **item(e)} for e in group)
            else:
                entries.append(_group_entry([item(e) for e in group]))
        entries_by_day.append({"date": day, "when": human_day(day), "changes": entries})
    lede = (
        f"What changed in {renderer.vocab.title}: incidents added, corrected and retracted, and what changed "
        "in each, newest first."
    )
    meta = page_meta("Changes", lede)
    text = renderer.render(
        "changes.md.j2",
        PAGE,
        meta=meta,
        lede=lede,
        days=entries_by_day,
        total=len(found),
        limit=PAGE_LIMIT,
        unavailable=_sentence(history.unavailable),
        json_url=relative(PAGE, JSON_PATH, renderer.directory_urls),
        atom_url=relative(PAGE, ATOM_PATH, renderer.directory_urls),
    )
    return GeneratedPage(PAGE, text, in_nav=True)


def _group_entry(items: list[dict[str, str]]) -> dict[str, Any]:
    """One entry for a commit that changed many incidents: how many, of which kind, and its most common notes."""
    kinds = {i["kind"] for i in items}
    count = len(items)
    if kinds == {"new"}:
        label, heading = "New", f"{count} incidents added"
    elif kinds == {"corrected"}:
        label, heading = "Corrected", f"{count} incidents corrected"
    else:
        label, heading = "Changed", f"{count} incidents added, corrected or retracted"
    parts: dict[str, int] = {}
    for entry in items:
        if entry["kind"] == "corrected":
            for part in entry["note"].split("; "):
                # "sources added: Jiji, 10 Dec 2025" counts as "sources added", "details of 2 sources corrected"
                # as "source details corrected"
                part = re.sub(r"^details of (\d+|a) sources? corrected$", "source details corrected",
                              part.split(":")[0].lower())  # fmt: skip
                part = {"source added": "sources added", "source removed": "sources removed"}.get(part, part)
                parts[part] = parts.get(part, 0) + 1
    common = sorted(parts.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
    summary = ", ".join(f"{part} ({n})" for part, n in common)
    return {"group": True, "kind": "new" if kinds == {"new"} else "corrected", "label": label,
            "heading": heading, "summary": summary[:1].upper() + summary[1:], "items": items}  # fmt: skip


def _links(site_url: str, directory_urls: bool) -> Any:
    from generator.export.records import Links

    return Links(site_url, directory_urls)


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (a commit message may carry control bytes)."""
    return _NOT_XML.sub("", text)


def _event_id(event: ChangeEvent) -> str:
    return f"urn:fault-lines:change:{event.change.commit}:{event.incident.id}"


def changes_json(
    chronology: Chronology, history: History, *, site_url: str = "", directory_urls: bool = True
) -> bytes:
    """``changes.json``: every change, newest first, so data users fetch only what changed since last time."""
    links = _links(site_url, directory_urls)
    document = {
        "title": f"{chronology.vocabulary.title}: changes",
        "commit": history.head or None,
        "complete": not history.unavailable,
        "note": history.unavailable or None,
        "kinds": {
            "new": "the commit that added the incident's file",
            "corrected": "a later commit that changed it",
            "retracted": "the latest commit of an incident whose status is now retracted (approximate)",
        },
        "changes": [
            {
                "id": _event_id(e),
                "kind": e.kind,
                "date": e.change.date,
                "timestamp": e.change.timestamp,
                "commit": e.change.commit,
                "note": reader_note(e.change, e.kind),
                "message": e.change.message,
                "incident": e.incident.id,
                "title": e.incident.data.title,
                "status": e.incident.data.status,
                "path": e.incident.path,
                "url": links.page("incidents", e.incident.id),
            }
            for e in events(chronology, history)
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def changes_atom(
    chronology: Chronology, history: History, *, site_url: str = "", directory_urls: bool = True
) -> bytes:
    """``changes.xml``: the latest changes as an Atom feed (RFC 4287)."""
    links = _links(site_url, directory_urls)
    found = events(chronology, history)[:FEED_LIMIT]
    feed = FeedGenerator()
    feed.id(links.site(ATOM_PATH) if site_url else f"urn:fault-lines:feed:{ATOM_PATH}")
    feed.title(_xml_text(f"{chronology.vocabulary.title}: changes"))
    feed.subtitle(f"The latest {FEED_LIMIT} new, corrected and retracted incidents.")
    feed.author({"name": _xml_text(chronology.vocabulary.title)})
    feed.link(href=links.site(ATOM_PATH), rel="self", type="application/atom+xml")
    feed.link(href=links.site(page_url(PAGE, directory_urls)), rel="alternate", type="text/html")
    feed.generator("Fault Lines")
    feed.language("en")
    feed.updated(max((e.moment for e in found), default=EPOCH))
    for event in found:
        entry = feed.add_entry(order="append")
        entry.id(_event_id(event))
        entry.title(_xml_text(f"{KINDS[event.kind]}: {event.incident.data.title}"))
        entry.link(href=links.page("incidents", event.incident.id), rel="alternate", type="text/html")
        entry.updated(event.moment)
        entry.summary(_xml_text(reader_note(event.change, event.kind)))
        entry.category(term=event.kind, label=KINDS[event.kind])
    return feed.atom_str(pretty=True)


def changes_files(
    chronology: Chronology, history: History, *, site_url: str = "", directory_urls: bool = True
) -> dict[str, bytes]:
    """The two data files of the Changes page."""
    options = {"site_url": site_url, "directory_urls": directory_urls}
    return {
        JSON_PATH: changes_json(chronology, history, **options),  # type: ignore[arg-type]
        ATOM_PATH: changes_atom(chronology, history, **options),  # type: ignore[arg-type]
    }
