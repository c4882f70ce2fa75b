"""The near-duplicate check (FL606) is near-linear however many incidents share a day (issue 19, item 5).

2,000 incidents on one day took 81 s and 5.3 GB and printed 4 million warnings: every pair was compared and
reported twice. Now incidents are grouped (by day, type and actor; identical titles; a capped number of title
comparisons per incident) and each group gets one warning naming its members.
"""

from __future__ import annotations

import functools
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any

from helpers import valid_incident, valid_source

from generator.check.warnings import CLUSTER_NAMES_SHOWN, near_duplicates
from generator.schema import Incident


@dataclass
class FakeDocument:
    """What the check needs of a loaded document: its path and a position."""

    path: str

    def position(self, keypath: Any) -> tuple[int, int]:
        return 2, 8


@functools.cache
def _made(count: int, same_actor: bool) -> tuple[tuple[Any, Incident], ...]:
    return tuple(_make(count, same_actor))


def incidents_on_one_day(count: int, *, same_actor: bool) -> list[tuple[Any, Incident]]:
    return list(_made(count, same_actor))


def _make(count: int, same_actor: bool) -> list[tuple[Any, Incident]]:
    made = []
    for n in range(count):
        actors = [{"actor": "jasdf" if same_actor else f"actor-{n}", "role": "responder"}]
        data = valid_incident(
            title=f"Incident number {n:05d} with a distinct subject {n * 7919 % 100_003}",
            actors=actors,
            type="joint-patrol" if same_actor else f"type-{n % 50}",
            sources=[valid_source(1), valid_source(2)],
        )
        made.append(
            (FakeDocument(f"content/incidents/2025/2025-12-09-n{n:05d}.md"), Incident.model_validate(data))
        )
    return made


def timed(incidents: list[tuple[Any, Incident]]) -> tuple[float, int, list]:
    tracemalloc.start()
    start = time.perf_counter()
    found = near_duplicates(incidents)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak, found


def test_two_thousand_look_alikes_on_one_day_are_one_warning() -> None:
    elapsed, peak, found = timed(incidents_on_one_day(2_000, same_actor=True))
    assert len(found) == 1
    message = found[0].message
    assert message.startswith("possible duplicate of content/incidents/2025/2025-12-09-n00001.md, ")
    assert f"and {1_999 - CLUSTER_NAMES_SHOWN:,} more (same type 'joint-patrol' and actor 'jasdf'" in message
    assert elapsed < 5.0 and peak < 100_000_000, (elapsed, peak)


def test_the_check_grows_near_linearly_with_incidents_per_day(monkeypatch) -> None:
    """Work done, not time (which a loaded machine distorts): the title comparisons are counted. Ten times the
    incidents on one day, about ten times the comparisons, never more than MAX_TITLE_COMPARISONS each (every
    pair was compared before: 12.5 million for 5,000)."""
    from generator.check import warnings

    made = incidents_on_one_day(5_000, same_actor=False)
    real = warnings._similar
    calls = 0

    def counting(*args: Any) -> bool:
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(warnings, "_similar", counting)

    def comparisons(count: int) -> int:
        nonlocal calls
        calls = 0
        near_duplicates(made[:count])
        return calls

    small, large = comparisons(500), comparisons(5_000)
    assert large <= warnings.MAX_TITLE_COMPARISONS * 5_000
    assert large <= 12 * small, (small, large)


def test_similar_titles_and_shared_actors_join_one_group() -> None:
    made = incidents_on_one_day(4, same_actor=False)
    # 0 and 1: near-equal titles; 1 and 2: same type and actor; 3: unrelated
    made[1] = (made[1][0], made[1][1].model_copy(update={"title": made[0][1].title + "!"}))
    made[2] = (
        made[2][0],
        made[2][1].model_copy(update={"type": made[1][1].type, "actors": made[1][1].actors}),
    )
    made[3] = (
        made[3][0],
        made[3][1].model_copy(update={"title": "Radar aimed at a destroyer in another sea"}),
    )
    found = near_duplicates(made)
    assert [(d.path, d.message.split(" (")[0]) for d in found] == [
        (
            "content/incidents/2025/2025-12-09-n00000.md",
            "possible duplicate of content/incidents/2025/2025-12-09-n00001.md, "
            "content/incidents/2025/2025-12-09-n00002.md",
        )
    ]
