"""Incidents, actors and places as plain JSON-ready dicts: the one resolved view every export uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.model import Chronology, IncidentRecord
from generator.render.urls import page_path, page_url
from generator.schema import Incident

FORMAT_VERSION = "1.0"
LICENCE = "Content CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); code MIT."


@dataclass(frozen=True)
class Links:
    """Turns site paths into the URLs exports publish: absolute under ``site_url``, else root-relative."""

    site_url: str = ""
    directory_urls: bool = True

    def site(self, path: str) -> str:
        """The URL of a file or page URL inside the site (``data/incidents.json``, ``incidents/x/``)."""
        base = self.site_url.rstrip("/") + "/" if self.site_url else ""
        return base + path

    def page(self, kind: str, key: str | int | None = None) -> str:
        return self.site(page_url(page_path(kind, key), self.directory_urls))

    def incident_id(self, incident_id: str) -> str:
        """A stable Atom/JSON Feed id: the page URL when the site has one, else a URN."""
        if self.site_url:
            return self.page("incidents", incident_id)
        return f"urn:fault-lines:incident:{incident_id}"


def coordinates(chronology: Chronology, record: IncidentRecord) -> tuple[float, float, bool, str] | None:
    """Where to put an incident on a map: (lat, lon, approximate, what the point is).

    ``location.coordinates`` first; otherwise the first place with coordinates, which is always approximate
    (a sea's or zone's centre point stands in for where the incident happened). ``None`` for an incident whose
    type is not mapped (``on_map: false``: statistics, statements), or that has no coordinates at all.
    """
    data = record.data
    if not chronology.vocabulary.incident_types[data.type].on_map:
        return None
    if data.location and data.location.coordinates:
        lat, lon = data.location.coordinates
        return lat, lon, data.location.approximate, data.location.description
    for place_id in data.places:
        place = chronology.places[place_id].data
        if place.coordinates:
            return place.coordinates[0], place.coordinates[1], True, place.name
    return None


def latest_date(chronology: Chronology) -> dt.date:
    """The latest day any incident covers: the exports' only "now" (keeps the bytes reproducible)."""
    days = [(r.data.end_date or r.data.date).last_day() for r in chronology.incidents]
    return max(days, default=dt.date(1970, 1, 1))


def incident_record(chronology: Chronology, record: IncidentRecord, links: Links) -> dict[str, Any]:
    """One incident with every reference resolved (names beside ids), as published in incidents.json."""
    c, data, vocab = chronology, record.data, chronology.vocabulary
    located = coordinates(chronology, record)
    series = None
    if data.series:
        series = {
            "id": data.series,
            "label": vocab.series[data.series].label,
            "number": data.series_number,
            "alt_number": data.series_alt_number,
        }
    return {
        "id": record.id,
        "url": links.page("incidents", record.id),
        "title": data.title,
        "date": data.date.iso(),
        "end_date": data.end_date.iso() if data.end_date else None,
        "date_precision": data.date.precision,
        "first_day": data.date.first_day().isoformat(),
        "last_day": (data.end_date or data.date).last_day().isoformat(),
        "time": data.time,
        "timezone": data.timezone or vocab.default_timezone,
        "type": {"id": data.type, "label": vocab.incident_types[data.type].label},
        "status": {"id": data.status, "label": vocab.statuses[data.status].label},
        "status_note": data.status_note,
        "replaced_by": data.replaced_by,
        "summary": data.summary,
        "actors": [
            {
                "id": a.actor,
                "name": c.actors[a.actor].data.name,
                "role": a.role,
                "role_label": vocab.roles[a.role].label,
            }
            for a in data.actors
        ],
        "places": [
            {
                "id": p,
                "name": c.places[p].data.name,
                "coordinates": list(c.places[p].data.coordinates) if c.places[p].data.coordinates else None,
            }
            for p in dict.fromkeys(data.places)
        ],
        "location": data.location.model_dump(mode="json") if data.location else None,
        "coordinates": {"lat": located[0], "lon": located[1], "approximate": located[2], "of": located[3]}
        if located
        else None,
        "series": series,
        "claims": [
            {
                **claim.model_dump(mode="json"),
                "actor_name": c.actors[claim.actor].data.name,
                "source_url": _source_url(data, claim.source),
            }
            for claim in data.claims
        ],
        "figures": [
            {**figure.model_dump(mode="json"), "source_url": _source_url(data, figure.source)}
            for figure in data.figures
        ],
        "sources": [source.model_dump(mode="json") for source in data.sources],
        "related": [
            {
                "id": link.incident.id,
                "title": link.incident.data.title,
                "relation": link.relation,
                "direction": "incoming" if link.inverse else "outgoing",
                "url": links.page("incidents", link.incident.id),
            }
            for link in c.related.get(record.id, ())
        ],
        "previous_ids": list(data.previous_ids),
        "tags": list(data.tags),
        "content_path": record.path,
    }


def _source_url(incident: Incident, ref: str) -> str:
    source = incident.source_for(ref)
    return source.url if source else ref


def actor_record(chronology: Chronology, actor_id: str, links: Links) -> dict[str, Any]:
    """One actor, with its incident count and the URLs of its page and feed."""
    record = chronology.actors[actor_id]
    data = record.data
    incidents = sorted({r.id for r, _ in chronology.by_actor.get(actor_id, ())})
    return {
        "id": actor_id,
        "url": links.page("actors", actor_id),
        "feed": links.site(f"feeds/actors/{actor_id}.xml"),
        "name": data.name,
        "kind": {"id": data.kind, "label": chronology.vocabulary.actor_kinds[data.kind].label},
        "country": data.country,
        "parent": data.parent,
        "names": dict(sorted(data.names.items())),
        "aliases": list(data.aliases),
        "links": dict(sorted(data.links.items())),
        "positions": [p.model_dump(mode="json", by_alias=True) for p in data.positions],
        "incident_count": len(incidents),
        "incidents": incidents,
        "content_path": record.path,
    }


def place_record(chronology: Chronology, place_id: str, links: Links) -> dict[str, Any]:
    """One place, with its incident count and page URL."""
    record = chronology.places[place_id]
    data = record.data
    incidents = sorted(r.id for r in chronology.by_place.get(place_id, ()))
    return {
        "id": place_id,
        "url": links.page("places", place_id),
        "name": data.name,
        "kind": {"id": data.kind, "label": chronology.vocabulary.place_kinds[data.kind].label},
        "coordinates": list(data.coordinates) if data.coordinates else None,
        "coordinates_approximate": data.coordinates_approximate,
        "parent": data.parent,
        "names": dict(sorted(data.names.items())),
        "aliases": list(data.aliases),
        "incident_count": len(incidents),
        "incidents": incidents,
        "content_path": record.path,
    }
