"""When each record was first published and last changed, from git history: what feeds, the calendar and the
sitemap tell machines, so that a correction reaches a feed reader as an update.

Committer times only (the same for a given commit whoever builds it). Without history (a shallow clone, no
git, a file not yet committed) nothing is returned, and the exports fall back to the content's own dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.history import History
from generator.model import Chronology
from generator.render.changes import incident_changes, paths_by_id
from generator.render.urls import page_path


@dataclass(frozen=True)
class Revision:
    """An incident's history in brief: first and last commit (UTC) and how many commits changed it."""

    first: dt.datetime
    last: dt.datetime
    count: int

    @property
    def sequence(self) -> int:
        """iCalendar's SEQUENCE: 0 as first published, one more for each correction."""
        return self.count - 1


def _utc(timestamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(timestamp).astimezone(dt.UTC)


def revisions(chronology: Chronology, history: History | None) -> dict[str, Revision]:
    """Each committed incident's Revision, by id (renamed files count with their ``previous_ids``)."""
    if history is None or history.unavailable:
        return {}
    paths = paths_by_id(history)
    found: dict[str, Revision] = {}
    for record in chronology.incidents:
        changes = [c for c in incident_changes(record, history, paths) if c.timestamp]
        if changes:
            found[record.id] = Revision(_utc(changes[-1].timestamp), _utc(changes[0].timestamp), len(changes))
    return found


def page_dates(
    chronology: Chronology, history: History | None, known: dict[str, Revision] | None = None
) -> dict[str, dt.date]:
    """The day each generated page's content last changed, by page path (``incidents/<id>.md``): an incident's
    last commit; an actor's or place's, the latest of its own file and its incidents; a type's, year's or
    series' the latest of its incidents; the pages that show the whole record, its latest change."""
    if history is None or history.unavailable:
        return {}
    known = revisions(chronology, history) if known is None else known
    last = {incident: revision.last.date() for incident, revision in known.items()}
    dates: dict[str, dt.date] = {page_path("incidents", i): day for i, day in last.items()}

    def latest(ids: list[str], *files: str) -> dt.date | None:
        days = [last[i] for i in ids if i in last]
        days += [
            _utc(history[f][0].timestamp).date() for f in files if history.get(f) and history[f][0].timestamp
        ]
        return max(days, default=None)

    groups: list[tuple[str, object, list[str], tuple[str, ...]]] = []
    for actor_id, record in chronology.actors.items():
        groups.append(
            ("actors", actor_id, [r.id for r, _ in chronology.by_actor.get(actor_id, ())], (record.path,))
        )
    for place_id, record in chronology.places.items():
        groups.append(
            ("places", place_id, [r.id for r in chronology.by_place.get(place_id, ())], (record.path,))
        )
    for kind, index, keys in (
        ("types", chronology.by_type, chronology.vocabulary.incident_types),
        ("years", chronology.by_year, {}),
        ("series", chronology.by_series, chronology.vocabulary.series),
    ):
        # a type or series without incidents has a page too, made from the vocabulary alone
        for key in [*index, *(k for k in keys if k not in index)]:
            groups.append((kind, key, [r.id for r in index.get(key, ())], ("content/vocabulary.yml",)))  # type: ignore[call-overload]
    for kind, key, ids, files in groups:
        day = latest(ids, *files)
        if day:
            dates[page_path(kind, key)] = day  # type: ignore[arg-type]
    whole = latest(list(last), "content/vocabulary.yml")
    if whole:
        for path in ("timeline.md", "actors/index.md", "places/index.md", "types/index.md", "years/index.md",
                     "series/index.md", "stats.md", "map.md", "data.md", "changes.md"):  # fmt: skip
            dates[path] = whole
    return dict(sorted(dates.items()))
