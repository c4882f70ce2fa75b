"""The Chronology: the immutable, fully cross-referenced result of the check stage, which render reads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from generator.dates import PartialDate
from generator.schema import Actor, Incident, Place, Vocabulary

T = TypeVar("T")


@dataclass(frozen=True)
class Record(Generic[T]):
    """One content file's validated front matter, with its id, path and Markdown body."""

    id: str
    path: str
    data: T
    body: str = ""
    body_line: int = 1


IncidentRecord = Record[Incident]
ActorRecord = Record[Actor]
PlaceRecord = Record[Place]


@dataclass(frozen=True)
class RelatedLink:
    """One direction of a relation between two incidents."""

    incident: IncidentRecord
    relation: str | None
    inverse: bool  # True when the other incident lists this one, not the other way round


@dataclass(frozen=True)
class Chronology:
    """Every record, sorted, with the indexes every page needs (built once, never mutated)."""

    vocabulary: Vocabulary
    incidents: tuple[IncidentRecord, ...]  # newest first
    actors: dict[str, ActorRecord]
    places: dict[str, PlaceRecord]
    incident_by_id: dict[str, IncidentRecord] = field(default_factory=dict)
    by_actor: dict[str, tuple[tuple[IncidentRecord, str], ...]] = field(default_factory=dict)
    by_place: dict[str, tuple[IncidentRecord, ...]] = field(default_factory=dict)
    by_type: dict[str, tuple[IncidentRecord, ...]] = field(default_factory=dict)
    by_series: dict[str, tuple[IncidentRecord, ...]] = field(default_factory=dict)
    by_year: dict[int, tuple[IncidentRecord, ...]] = field(default_factory=dict)
    related: dict[str, tuple[RelatedLink, ...]] = field(default_factory=dict)
    actor_children: dict[str, tuple[str, ...]] = field(default_factory=dict)
    place_children: dict[str, tuple[str, ...]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # old incident id -> current id

    def co_actors(self, actor_id: str, limit: int = 8) -> list[tuple[str, int]]:
        """The actors that most often appear in the same incidents as ``actor_id``, with counts."""
        counts: Counter[str] = Counter()
        for incident, _role in self.by_actor.get(actor_id, ()):
            counts.update({a.actor for a in incident.data.actors if a.actor != actor_id})
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def sort_key(record: IncidentRecord) -> tuple[object, ...]:
    """Chronological order: by first day, then precision (day before month before year), then id."""
    date: PartialDate = record.data.date
    return (date.first_day(), {"day": 0, "month": 1, "year": 2}[date.precision], record.id)


def build_chronology(
    vocabulary: Vocabulary,
    incidents: list[IncidentRecord],
    actors: list[ActorRecord],
    places: list[PlaceRecord],
) -> Chronology:
    """Sort the records and build every index; assumes references were already checked."""
    ordered = tuple(sorted(incidents, key=sort_key, reverse=True))
    by_actor: dict[str, list[tuple[IncidentRecord, str]]] = {}
    by_place: dict[str, list[IncidentRecord]] = {}
    by_type: dict[str, list[IncidentRecord]] = {}
    by_series: dict[str, list[IncidentRecord]] = {}
    by_year: dict[int, list[IncidentRecord]] = {}
    related: dict[str, list[RelatedLink]] = {}
    by_id = {record.id: record for record in ordered}
    redirects: dict[str, str] = {}
    for record in ordered:
        data = record.data
        seen_actors: set[tuple[str, str]] = set()
        for entry in data.actors:
            if (entry.actor, entry.role) not in seen_actors:
                seen_actors.add((entry.actor, entry.role))
                by_actor.setdefault(entry.actor, []).append((record, entry.role))
        for place in dict.fromkeys(data.places):
            by_place.setdefault(place, []).append(record)
        by_type.setdefault(data.type, []).append(record)
        if data.series:
            by_series.setdefault(data.series, []).append(record)
        by_year.setdefault(data.date.year, []).append(record)
        for link in data.related:
            other = by_id.get(link.incident)
            if other is None or other.id == record.id:
                continue
            related.setdefault(record.id, []).append(RelatedLink(other, link.relation, inverse=False))
            related.setdefault(other.id, []).append(RelatedLink(record, link.relation, inverse=True))
        for old in data.previous_ids:
            redirects[old] = record.id
    for key, links in related.items():
        unique: dict[tuple[str, bool], RelatedLink] = {}
        for link in links:
            unique.setdefault((link.incident.id, link.inverse), link)
        related[key] = sorted(unique.values(), key=lambda lk: sort_key(lk.incident), reverse=True)
    for key, items in by_series.items():
        by_series[key] = sorted(items, key=lambda r: (r.data.series_number or 0, *sort_key(r)))
    actor_children: dict[str, list[str]] = {}
    for record in sorted(actors, key=lambda r: r.id):
        if record.data.parent:
            actor_children.setdefault(record.data.parent, []).append(record.id)
    place_children: dict[str, list[str]] = {}
    for record in sorted(places, key=lambda r: r.id):
        if record.data.parent:
            place_children.setdefault(record.data.parent, []).append(record.id)
    return Chronology(
        vocabulary=vocabulary,
        incidents=ordered,
        actors={r.id: r for r in sorted(actors, key=lambda r: r.id)},
        places={r.id: r for r in sorted(places, key=lambda r: r.id)},
        incident_by_id=by_id,
        by_actor={k: tuple(v) for k, v in sorted(by_actor.items())},
        by_place={k: tuple(v) for k, v in sorted(by_place.items())},
        by_type={k: tuple(v) for k, v in sorted(by_type.items())},
        by_series={k: tuple(v) for k, v in sorted(by_series.items())},
        by_year={k: tuple(v) for k, v in sorted(by_year.items(), reverse=True)},
        related={k: tuple(v) for k, v in sorted(related.items())},
        actor_children={k: tuple(v) for k, v in actor_children.items()},
        place_children={k: tuple(v) for k, v in place_children.items()},
        redirects=dict(sorted(redirects.items())),
    )
