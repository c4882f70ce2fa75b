"""Warnings (errors under --strict): archive links, single sources, unused entries, missing coordinates,
future dates, near-duplicates and incidents resting only on aggregators."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
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


# a day can hold any number of incidents: each is compared by title with at most this many others of the day,
# its nearest in title length (a ratio of 0.9 needs lengths within about 20 % of each other)
MAX_TITLE_COMPARISONS = 24
CLUSTER_NAMES_SHOWN = 10


def near_duplicates(incidents: list[tuple[Document, Incident]]) -> list[Diagnostic]:
    """Groups that look like one event: overlapping dates with the same type and a shared actor, or near-equal
    titles on overlapping dates. One warning per group, on its first file, naming the others.

    Near-linear in the number of incidents, however many share a day (2,000 on one day took 81 s, 5.3 GB and
    printed 4 million warnings when every pair was compared and reported): incidents are blocked by day, type
    and actor (every incident of a block joins one group, without comparing pairs), identical titles by day,
    and each title is compared with at most MAX_TITLE_COMPARISONS others of its day."""
    by_day: dict[dt.date, list[int]] = {}
    for index, (_, incident) in enumerate(incidents):
        if incident.date.precision != "day":
            continue
        last = (incident.end_date or incident.date).last_day()
        day = incident.date.first_day()
        for offset in range(min((last - day).days, 31) + 1):
            by_day.setdefault(day + dt.timedelta(days=offset), []).append(index)
    groups = _Groups(len(incidents))
    titles = [incident.title.lower() for _, incident in incidents]
    letters: dict[int, Counter[str]] = {}
    for indexes in by_day.values():
        if len(indexes) < 2:
            continue
        blocks: dict[tuple[str, str], list[int]] = {}
        same_title: dict[str, list[int]] = {}
        for index in indexes:
            incident = incidents[index][1]
            for actor in {x.actor for x in incident.actors}:
                blocks.setdefault((incident.type, actor), []).append(index)
            same_title.setdefault(titles[index], []).append(index)
        for (kind, actor), members in sorted(blocks.items()):
            for other in members[1:]:
                groups.join(members[0], other, f"same type '{kind}' and actor '{actor}'")
        for members in same_title.values():
            for other in members[1:]:
                groups.join(members[0], other, "very similar titles")
        distinct = sorted((members[0] for members in same_title.values()), key=lambda i: (len(titles[i]), i))
        for position, a in enumerate(distinct):
            for b in distinct[position + 1 : position + 1 + MAX_TITLE_COMPARISONS]:
                if groups.same(a, b):
                    continue
                if 2.0 * len(titles[a]) / (len(titles[a]) + len(titles[b])) < TITLE_SIMILARITY:
                    break  # sorted by length: every later title is longer still
                a_letters = letters.setdefault(a, Counter(titles[a]))
                b_letters = letters.setdefault(b, Counter(titles[b]))
                if _similar(titles[a], titles[b], a_letters, b_letters):
                    groups.join(a, b, "very similar titles")
    problems = []
    for members, reason in groups.clusters():
        if _all_related(incidents, members):
            continue  # the contributor said how these incidents relate: they are distinct events
        documents = sorted((incidents[i][0] for i in members), key=lambda d: d.path)
        first, others = documents[0], [d.path for d in documents[1:]]
        named = ", ".join(others[:CLUSTER_NAMES_SHOWN])
        if len(others) > CLUSTER_NAMES_SHOWN:
            named += f" and {len(others) - CLUSTER_NAMES_SHOWN:,} more"
        line, column = first.position(("title",))
        problems.append(
            Diagnostic(
                first.path,
                line,
                column,
                "FL606",
                f"possible duplicate of {named} ({reason}, overlapping dates)",
                "merge them, or make the difference clear in the titles",
            )
        )
    return problems


def _all_related(incidents: list[tuple[Document, Incident]], members: list[int]) -> bool:
    """Whether every two incidents of a group name each other (either way) in ``related``."""
    if not any(incidents[i][1].related for i in members):
        return False  # the usual case: nobody in the group names another
    ids = [incidents[i][0].id for i in members]
    links = {
        frozenset((incidents[i][0].id, link.incident)) for i in members for link in incidents[i][1].related
    }
    return all(frozenset((a, b)) in links for n, a in enumerate(ids) for b in ids[n + 1 :])


class _Groups:
    """Union-find over incident indexes; each group keeps the reason of its first link."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.reason: dict[int, str] = {}

    def find(self, index: int) -> int:
        root = index
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[index] != root:
            self.parent[index], index = root, self.parent[index]
        return root

    def same(self, a: int, b: int) -> bool:
        return self.find(a) == self.find(b)

    def join(self, a: int, b: int, reason: str) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        first, second = min(a, b), max(a, b)
        self.parent[second] = first
        self.reason[first] = self.reason.get(first) or self.reason.pop(second, "") or reason
        self.reason.pop(second, None)

    def clusters(self) -> list[tuple[list[int], str]]:
        members: dict[int, list[int]] = {}
        for index in range(len(self.parent)):
            root = self.find(index)
            if root in self.reason:
                members.setdefault(root, []).append(index)
        return [(indexes, self.reason[root]) for root, indexes in sorted(members.items())]


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
