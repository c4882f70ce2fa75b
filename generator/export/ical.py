"""incidents.ics (RFC 5545, via icalendar): one all-day event per incident, at the precision it is known."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from generator.dates import human_range
from generator.export.feeds import timestamp, xml_text
from generator.export.records import Links
from generator.export.revisions import Revision
from generator.model import Chronology, IncidentRecord
from generator.render.memo import Fragments

PRECISION_NOTE = {"month": "month-precision date", "year": "year-precision date"}
FOLD_AT = 75  # RFC 5545 3.1: a content line of fewer octets than this is never folded


def event(
    chronology: Chronology, record: IncidentRecord, links: Links, revision: Revision | None = None
) -> Event:
    """An all-day VEVENT. A month- or year-precision incident spans its whole month or year and says so in
    SUMMARY, DESCRIPTION and X-FAULT-LINES-PRECISION, rather than being pinned to an invented first day."""
    data, vocab = record.data, chronology.vocabulary
    first = data.date.first_day()
    last = (data.end_date or data.date).last_day()
    note = PRECISION_NOTE.get(data.date.precision)
    url = links.page("incidents", record.id)
    lines = [data.summary, "", f"When: {human_range(data.date, data.end_date)}"]
    if note:
        lines.append(f"Known only to the {data.date.precision} ({note}): the event spans the whole period.")
    lines += ["", "Sources:", *(f"- {s.publisher}: {s.url}" for s in data.sources), "", url]
    item = Event()
    item.add("uid", f"{record.id}@fault-lines")
    # with history: when the record was first published, last changed and how often (calendar apps replace an
    # event whose SEQUENCE grew); without, the content's own first day, as before
    item.add("dtstamp", revision.last if revision else timestamp(first))
    if revision:
        item.add("created", revision.first)
        item.add("last-modified", revision.last)
        item.add("sequence", revision.sequence)
    item.add("dtstart", first)
    item.add("dtend", last + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
    # RFC 5545 TEXT allows no control characters but tab (line breaks are escaped by the library)
    item.add("summary", xml_text(f"{data.title} ({note})" if note else data.title))
    item.add("description", xml_text("\n".join(lines)))
    item.add("url", url)
    item.add("categories", [xml_text(vocab.incident_types[data.type].label)])
    item.add("transp", "TRANSPARENT")
    item.add("x-fault-lines-precision", data.date.precision)
    item.add("x-fault-lines-type", data.type)
    item.add("x-fault-lines-status", data.status)
    return item


def render_calendar(
    chronology: Chronology,
    links: Links,
    revised: dict[str, Revision] | None = None,
    fragments: Fragments | None = None,
) -> dict[str, bytes]:
    """incidents.ics, events oldest first. ``fragments``: where each event's lines are kept by everything they are
    made from (``mkdocs serve`` rebuilds only the events that changed); the bytes are the same either way."""
    calendar = Calendar()
    calendar.add("prodid", "-//Fault Lines//fault-lines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # an X- property is not escaped like TEXT by the library: a line break in the title would end the line
    calendar.add("x-wr-calname", xml_text(" ".join(chronology.vocabulary.title.split())))
    *head, end = to_ical(calendar).splitlines(keepends=True)  # BEGIN:VCALENDAR, its properties; END:VCALENDAR
    events = []
    for record in reversed(chronology.incidents):
        revision = (revised or {}).get(record.id)

        def lines(record: IncidentRecord = record, revision: Revision | None = revision) -> bytes:
            return to_ical(event(chronology, record, links, revision))

        if fragments is None:
            events.append(lines())
            continue
        label = chronology.vocabulary.incident_types[record.data.type].label
        url = links.page("incidents", record.id)
        events.append(
            fragments.get(("ical", fragments.record_text(record), label, url, repr(revision)), lines)
        )
    return {"incidents.ics": b"".join([*head, *events, end])}


def to_ical(component: Calendar | Event) -> bytes:
    """``component.to_ical()``, byte for byte, at about half the cost.

    icalendar folds every content line character by character, and that loop was most of the calendar's
    time. A line shorter than 75 octets folds to itself, so only the long ones (descriptions, long titles)
    go through the library's folding; the lines, their order and the CRLF joins are the library's own
    (``Component.content_lines`` and ``Contentlines.to_ical``). A calendar's events are its lines between
    its properties and its END line, so a calendar is also its head, its events' lines and its end, joined.
    """
    folded = (
        line.to_ical() if len(line.encode()) >= FOLD_AT else line.encode()
        for line in component.content_lines()
        if line
    )
    return b"\r\n".join(folded) + b"\r\n"
