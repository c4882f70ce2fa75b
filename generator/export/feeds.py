"""Atom (RFC 4287, via feedgen) and JSON Feed 1.1 of the latest incidents; Atom per actor and type too."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from generator.dates import human_range
from generator.export.records import Links, latest_date
from generator.export.revisions import Revision
from generator.export.tables import to_json
from generator.model import Chronology, IncidentRecord
from generator.render.memo import Fragments
from generator.render.text import escape

FEED_SIZE = 50
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# characters XML 1.0 cannot carry at all (lxml refuses them): C0 controls but tab, LF and CR; DEL; surrogates
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text an XML document can hold: each character XML forbids becomes U+FFFD, so it stays visible."""
    return _NOT_XML.sub("\ufffd", text)


def timestamp(day: dt.date) -> dt.datetime:
    """Midnight UTC of a content date: the only clock the feeds use, so builds are reproducible."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def entry_day(record: IncidentRecord) -> dt.date:
    """The day an entry is dated: the first day the incident covers (never a later, invented day)."""
    return record.data.date.first_day()


def content_html(chronology: Chronology, record: IncidentRecord, links: Links) -> str:
    """The entry body: date, type, actors, the full summary and every source as a link (all text escaped)."""
    data, vocab = record.data, chronology.vocabulary
    actors = ", ".join(
        f"{escape(chronology.actors[a.actor].data.name)} ({escape(vocab.roles[a.role].label.lower())})"
        for a in data.actors
    )
    sources = "".join(
        f'<li><a href="{escape(s.url)}">{escape(s.publisher)}{": " + escape(s.title) if s.title else ""}</a>'
        f"{' (' + escape(s.published.human()) + ')' if s.published else ''}</li>"
        for s in data.sources
    )
    return (
        f"<p><strong>{escape(human_range(data.date, data.end_date))}</strong> · "
        f"{escape(vocab.incident_types[data.type].label)} · {escape(vocab.statuses[data.status].label)}</p>"
        f"<p>{escape(data.summary)}</p>"
        f"<p>Actors: {actors}</p>"
        f"<p>Sources:</p><ul>{sources}</ul>"
        f'<p><a href="{escape(links.page("incidents", record.id))}">Read the full entry</a></p>'
    )


def latest(records: Sequence[IncidentRecord]) -> list[IncidentRecord]:
    """The newest FEED_SIZE incidents (records are already sorted newest first)."""
    return list(records[:FEED_SIZE])


@dataclass
class FeedEntries:
    """Each incident's entry HTML and Atom entry, built once per build and shared by every feed it is in.

    An incident appears in the site-wide feeds, in the feed of each of its actors and in its type's feed;
    building its entry for each of them did the same work up to five times. feedgen serialises a FeedEntry
    afresh for every feed it is added to (``add_entry(feedEntry=...)``), so one object can sit in many feeds.
    """

    chronology: Chronology
    links: Links
    revised: dict[str, Revision] = field(default_factory=dict)  # from git history; empty without it
    _html: dict[str, str] = field(default_factory=dict)
    _atom: dict[str, FeedEntry] = field(default_factory=dict)
    _latest: dt.date | None = None

    def html(self, record: IncidentRecord) -> str:
        """``content_html`` of the record (JSON Feed and Atom use the same text)."""
        if record.id not in self._html:
            self._html[record.id] = content_html(self.chronology, record, self.links)
        return self._html[record.id]

    def atom(self, record: IncidentRecord) -> FeedEntry:
        """The record's Atom entry; never changed once built, since feeds share it."""
        if record.id not in self._atom:
            data, vocab = record.data, self.chronology.vocabulary
            entry = FeedEntry()
            entry.id(self.links.incident_id(record.id))
            entry.title(xml_text(data.title))
            entry.link(href=self.links.page("incidents", record.id), rel="alternate", type="text/html")
            entry.published(self.published(record))
            entry.updated(self.updated(record))
            entry.summary(xml_text(data.summary))
            entry.content(xml_text(self.html(record)), type="html")
            entry.category(term=data.type, label=xml_text(vocab.incident_types[data.type].label))
            self._atom[record.id] = entry
        return self._atom[record.id]

    def published(self, record: IncidentRecord) -> dt.datetime:
        """When the record was first committed; without history, midnight UTC of its first day."""
        revision = self.revised.get(record.id)
        return revision.first if revision else timestamp(entry_day(record))

    def updated(self, record: IncidentRecord) -> dt.datetime:
        """When the record last changed (a correction is an update); without history, as ``published``."""
        revision = self.revised.get(record.id)
        return revision.last if revision else timestamp(entry_day(record))

    def latest_date(self) -> dt.date:
        """``latest_date`` of the chronology (a pass over every incident), computed at most once."""
        if self._latest is None:
            self._latest = latest_date(self.chronology)
        return self._latest


def feed_key(
    entries: FeedEntries, fragments: Fragments, shown: Sequence[IncidentRecord], *about: str
) -> tuple[str, ...]:
    """Everything a feed of the incidents ``shown`` is made from (for ``fragments``): ``about`` (its path,
    titles, page), the links, the vocabulary, and each incident's record, revision and actors' names."""
    c = entries.chronology
    parts = [*about, repr(entries.links), fragments.record_text(c.vocabulary)]
    for record in shown:
        names = [c.actors[a.actor].data.name for a in record.data.actors]
        parts += [fragments.record_text(record), repr(entries.revised.get(record.id)), repr(names)]
    if not shown:  # an empty feed is dated by the whole chronology's latest day
        parts.append(entries.latest_date().isoformat())
    return tuple(parts)


def atom_feed(
    entries: FeedEntries,
    records: Sequence[IncidentRecord],
    *,
    path: str,
    title: str,
    subtitle: str,
    page: str,
    fragments: Fragments | None = None,
) -> bytes:
    """One Atom feed of ``records`` (newest first) published at ``path``; ``page`` is its HTML alternate.
    ``fragments``: where the feed is kept by :func:`feed_key` (the same bytes either way)."""
    if fragments is not None:
        key = feed_key(entries, fragments, latest(records), "atom", path, title, subtitle, page)
        return fragments.get(key, lambda: atom_feed(entries, records, path=path, title=title,
                                                    subtitle=subtitle, page=page))  # fmt: skip
    links = entries.links
    feed = FeedGenerator()
    feed_url = links.site(path)
    feed.id(feed_url if links.site_url else f"urn:fault-lines:feed:{path}")
    feed.title(xml_text(title))
    feed.subtitle(xml_text(subtitle))
    feed.author({"name": xml_text(entries.chronology.vocabulary.title)})
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    feed.link(href=page, rel="alternate", type="text/html")
    feed.rights("CC BY 4.0")
    feed.generator("Fault Lines")
    feed.language("en")
    shown = latest(records)
    # a feed changes when one of its entries does; an empty feed is dated by the whole chronology's latest day
    feed.updated(max(entries.updated(r) for r in shown) if shown else timestamp(entries.latest_date()))
    for record in shown:
        feed.add_entry(entries.atom(record), order="append")
    return feed.atom_str(pretty=True)


def json_feed(entries: FeedEntries, fragments: Fragments | None = None) -> bytes:
    """JSON Feed 1.1 of the latest incidents; date, precision, type and sources under ``_fault_lines``."""
    chronology, links = entries.chronology, entries.links
    if fragments is not None:
        key = feed_key(entries, fragments, latest(chronology.incidents), "json feed")
        return fragments.get(key, lambda: json_feed(entries))
    vocab = chronology.vocabulary
    items: list[dict[str, Any]] = []
    for record in latest(chronology.incidents):
        data = record.data
        items.append(
            {
                "id": links.incident_id(record.id),
                "url": links.page("incidents", record.id),
                "title": data.title,
                "summary": data.summary,
                "content_html": entries.html(record),
                "content_text": data.summary,
                "date_published": _rfc3339(entries.published(record)),
                "date_modified": _rfc3339(entries.updated(record)),
                "tags": [vocab.incident_types[data.type].label, *data.tags],
                "language": "en",
                "_fault_lines": {
                    "about": links.site("data/"),
                    "date": data.date.iso(),
                    "end_date": data.end_date.iso() if data.end_date else None,
                    "date_precision": data.date.precision,
                    "type": data.type,
                    "status": data.status,
                    "actors": [a.actor for a in data.actors],
                    "places": list(data.places),
                    "sources": [s.url for s in data.sources],
                },
            }
        )
    feed = {
        "version": JSON_FEED_VERSION,
        "title": vocab.title,
        "home_page_url": links.site(""),
        "feed_url": links.site("feed.json"),
        "description": f"The latest {FEED_SIZE} incidents in {vocab.title}, newest first.",
        "language": "en",
        "authors": [{"name": vocab.title}],
        "items": items,
    }
    # without a site URL the home page's relative URL would be "": say nothing rather than something wrong
    if not links.site_url:
        del feed["home_page_url"], feed["feed_url"]
    return to_json(feed)


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def render_feeds(
    chronology: Chronology,
    links: Links,
    revised: dict[str, Revision] | None = None,
    fragments: Fragments | None = None,
) -> dict[str, bytes]:
    """feed.xml, feed.json and feeds/{actors,types}/<id>.xml. ``fragments``: where each feed is kept by
    everything it is made from (:func:`feed_key`): only the feeds a change shows in are made again."""
    vocab = chronology.vocabulary
    entries = FeedEntries(chronology, links, revised or {})
    files = {
        "feed.xml": atom_feed(
            entries,
            chronology.incidents,
            path="feed.xml",
            title=vocab.title,
            subtitle=f"The latest {FEED_SIZE} incidents, newest first.",
            page=links.page("timeline"),
            fragments=fragments,
        ),
        "feed.json": json_feed(entries, fragments),
    }
    for actor_id, actor in chronology.actors.items():
        # by_actor is newest first already; an actor with two roles in one incident appears twice
        records = list({r.id: r for r, _ in chronology.by_actor.get(actor_id, ())}.values())
        path = f"feeds/actors/{actor_id}.xml"
        files[path] = atom_feed(
            entries,
            records,
            path=path,
            title=f"{vocab.title}: {actor.data.name}",
            subtitle=f"The latest incidents involving {actor.data.name}.",
            page=links.page("actors", actor_id),
            fragments=fragments,
        )
    for type_id, term in vocab.incident_types.items():
        path = f"feeds/types/{type_id}.xml"
        files[path] = atom_feed(
            entries,
            chronology.by_type.get(type_id, ()),
            path=path,
            title=f"{vocab.title}: {term.label}",
            subtitle=f"The latest incidents of type {term.label}.",
            page=links.page("types", type_id),
            fragments=fragments,
        )
    return files
