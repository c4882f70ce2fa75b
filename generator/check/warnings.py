"""Warnings (errors under --strict): archive links, single sources, unused entries, missing coordinates,
future dates, near-duplicates and incidents resting only on aggregators."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from itertools import combinations
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic

if TYPE_CHECKING:
    from generator.check import Validated
    from generator.load import Document
    from generator.schema import Incident

TITLE_SIMILARITY = 0.9


def check(validated: Validated, today: dt.date) -> list[Diagnostic]:
    """Every warning for the validated documents."""
    problems: list[Diagnostic] = []
    used_actors: set[str] = set()
    used_places: set[str] = set()
    vocabulary = validated.vocabulary[1] if validated.vocabulary else None
    aggregators = {k for k, v in vocabulary.source_kinds.items() if v.aggregator} if vocabulary else set()
    for document, incident in validated.incidents:
        used_actors.update(a.actor for a in incident.actors)
        used_actors.update(c.actor for c in incident.claims)
        used_places.update(incident.places)
        for i, source in enumerate(incident.sources):
            if not source.archive_url:
                line, column = document.position(("sources", i, "url"))
                problems.append(
                    Diagnostic(
                        document.path, line, column, "FL601", f"source {source.url} has no archive_url"
                    )
                )
        if len(incident.sources) == 1:
            line, column = document.key_position(("sources",))
            problems.append(
                Diagnostic(document.path, line, column, "FL602", "the incident has a single source")
            )
        elif aggregators and all(s.kind in aggregators for s in incident.sources):
            line, column = document.key_position(("sources",))
            problems.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL607",
                    "every source of this incident is an aggregator or mirror",
                )
            )
        if incident.date.first_day() > today:
            line, column = document.position(("date",))
            problems.append(
                Diagnostic(document.path, line, column, "FL605", f"date {incident.date} is in the future")
            )
    for _, actor in validated.actors:
        used_actors.update(p.of for p in actor.positions if p.of)
        if actor.parent:
            used_actors.add(actor.parent)
    for document, place in validated.places:
        if place.parent:
            used_places.add(place.parent)
        if place.coordinates is None:
            line, column = document.key_position(("name",))
            problems.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL604",
                    f"place '{document.id}' has no coordinates and cannot be mapped",
                )
            )
    for entries, used, what in (
        (validated.actors, used_actors, "actor"),
        (validated.places, used_places, "place"),
    ):
        for document, _ in entries:
            if document.id not in used:
                line, column = document.key_position(("name",))
                problems.append(
                    Diagnostic(
                        document.path,
                        line,
                        column,
                        "FL603",
                        f"{what} '{document.id}' is not used by any incident",
                    )
                )
    problems.extend(near_duplicates(validated.incidents))
    return problems


def near_duplicates(incidents: list[tuple[Document, Incident]]) -> list[Diagnostic]:
    """Pairs that look like one event: overlapping dates with the same type and a shared actor, or near-equal
    titles on overlapping dates. Incidents are bucketed by day, so the cost stays linear."""
    by_day: dict[dt.date, list[int]] = {}
    for index, (_, incident) in enumerate(incidents):
        if incident.date.precision != "day":
            continue
        last = (incident.end_date or incident.date).last_day()
        day = incident.date.first_day()
        for offset in range(min((last - day).days, 31) + 1):
            by_day.setdefault(day + dt.timedelta(days=offset), []).append(index)
    pairs: set[tuple[int, int]] = set()
    for indexes in by_day.values():
        pairs.update(combinations(sorted(indexes), 2))
    problems = []
    # each incident's actors and title once, not once per pair: a day holds many pairs when it holds many incidents
    actors = [frozenset(x.actor for x in incident.actors) for _, incident in incidents]
    titles = [incident.title.lower() for _, incident in incidents]
    letters = [Counter(title) for title in titles]
    for a, b in sorted(pairs):
        (doc_a, inc_a), (doc_b, inc_b) = incidents[a], incidents[b]
        shared = actors[a] & actors[b]
        same_kind = inc_a.type == inc_b.type and shared
        if not (same_kind or _similar(titles[a], titles[b], letters[a], letters[b])):
            continue
        reason = (
            f"same type '{inc_a.type}' and actor '{sorted(shared)[0]}'"
            if same_kind
            else "very similar titles"
        )
        for doc, other in ((doc_a, doc_b), (doc_b, doc_a)):
            line, column = doc.position(("title",))
            problems.append(
                Diagnostic(
                    doc.path,
                    line,
                    column,
                    "FL606",
                    f"possible duplicate of {other.path} ({reason}, overlapping dates)",
                    "merge them, or make the difference clear in the titles",
                )
            )
    return problems


def _similar(
    a: str, b: str, a_letters: Counter[str] | None = None, b_letters: Counter[str] | None = None
) -> bool:
    """Whether the titles' similarity ratio (``difflib.SequenceMatcher(None, a, b).ratio()``) reaches
    TITLE_SIMILARITY. ``a_letters`` and ``b_letters``: ``Counter(a)`` and ``Counter(b)``, when known.

    ``real_quick_ratio`` (from the lengths) and ``quick_ratio`` (from the letters the two share) are upper
    bounds of ``ratio``, worked out here by difflib's formulas without building a matcher: when either is below
    the threshold, so is the ratio, and the costly matching is skipped. Building the matcher and its
    ``quick_ratio`` were most of the near-duplicate check when a day holds many incidents."""
    length = len(a) + len(b)
    if not length:
        return True  # difflib: two empty texts are the same
    if 2.0 * min(len(a), len(b)) / length < TITLE_SIMILARITY:
        return False
    a_letters, b_letters = a_letters or Counter(a), b_letters or Counter(b)
    shared = sum(min(count, b_letters[letter]) for letter, count in a_letters.items() if letter in b_letters)
    if 2.0 * shared / length < TITLE_SIMILARITY:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= TITLE_SIMILARITY
