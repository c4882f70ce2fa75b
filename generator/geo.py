"""Where an incident happened, for maps: its point, its route, and whether its type belongs on a map at all."""

from __future__ import annotations

from generator.model import Chronology, IncidentRecord


def coordinates(chronology: Chronology, record: IncidentRecord) -> tuple[float, float, bool, str] | None:
    """Where to put an incident on a map: (lat, lon, approximate, what the point is).

    ``location.coordinates`` first; otherwise the first place with coordinates, which is always approximate
    (a sea's or zone's centre point stands in for where the incident happened). ``None`` for an incident whose
    type is not mapped (``on_map: false``: statistics, statements), or that has no coordinates at all.
    """
    data = record.data
    if not on_map(chronology, record):
        return None
    if data.location and data.location.coordinates:
        lat, lon = data.location.coordinates
        return lat, lon, data.location.approximate, data.location.description
    for place_id in data.places:
        place = chronology.places[place_id].data
        if place.coordinates:
            return place.coordinates[0], place.coordinates[1], True, place.name
    return None


def on_map(chronology: Chronology, record: IncidentRecord) -> bool:
    """False for an incident whose type has no place of its own (``on_map: false`` in the vocabulary, e.g.
    periodic statistics placed at a country's centre, statements): no map shows or lists it."""
    return chronology.vocabulary.incident_types[record.data.type].on_map


def route(record: IncidentRecord) -> tuple[tuple[float, float], ...]:
    """The incident's route as ordered (lat, lon) points, or () when its file gives none."""
    location = record.data.location
    if not (location and location.route):
        return ()
    return tuple((float(lat), float(lon)) for lat, lon in location.route)
