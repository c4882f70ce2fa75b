"""The published chronology against its fact base (tests/fixtures/factbase/, copied from the research):
sample dates and figures, URLs copied exactly, weak sources kept out, the fact-check's corrections applied."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.model import Chronology
from generator.pipeline import run
from generator.schema import Incident

ROOT = Path(__file__).resolve().parent.parent
FACTBASE = ROOT / "tests" / "fixtures" / "factbase"
WEAK_AGGREGATORS = (
    "underlines.news", "quantosei", "geomary", "wiseability", "tid.news", "ragex", "mightymilitary", "bizvision",
    "indianewsweek",
)  # fmt: skip


@pytest.fixture(scope="module")
def chronology() -> Chronology:
    result = run(ROOT)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert not errors, errors[:5]
    assert result.chronology is not None
    return result.chronology


def factbase_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(FACTBASE.glob("*.md")))


def test_every_fact_base_incident_with_sources_is_published(chronology: Chronology) -> None:
    blocks = re.findall(r"^- id: (\S+)", (FACTBASE / "incidents.md").read_text(encoding="utf-8"), re.M)
    assert len(blocks) >= 60
    assert len(chronology.incidents) >= len(blocks)
    published = {r.data.date.iso() for r in chronology.incidents}
    published |= {
        day[:7] for day in published
    }  # month-precision blocks, later settled to a day by the fact-check
    missing = [b for b in blocks if b[:10] not in published and b[:7] not in published]
    assert not missing, f"fact-base incidents with no incident on their date: {missing}"


def test_every_source_url_is_copied_exactly_from_the_research(chronology: Chronology) -> None:
    text = factbase_text()
    urls = {s.url for r in chronology.incidents for s in r.data.sources}
    urls |= {s.archive_url for r in chronology.incidents for s in r.data.sources if s.archive_url}
    invented = sorted(u for u in urls if u not in text)
    assert not invented, f"URLs not found verbatim in the fact base: {invented}"


def test_weak_aggregators_named_by_the_fact_check_are_not_sources(chronology: Chronology) -> None:
    for record in chronology.incidents:
        for source in record.data.sources:
            assert not any(weak in source.url for weak in WEAK_AGGREGATORS), (record.id, source.url)


def test_source_titles_are_headlines_quoted_in_the_research(chronology: Chronology) -> None:
    text = factbase_text()
    for record in chronology.incidents:
        for source in record.data.sources:
            if source.title:
                assert source.title in text, (record.id, source.title)


def _incident(chronology: Chronology, incident_id: str) -> Incident:
    assert incident_id in chronology.incident_by_id, incident_id
    return chronology.incident_by_id[incident_id].data


def test_the_9_december_2025_patrol_carries_both_counts(chronology: Chronology) -> None:
    patrol = _incident(chronology, "2025-12-09-china-russia-joint-bomber-patrol")
    assert patrol.date.iso() == "2025-12-09"
    assert (patrol.series, patrol.series_number, patrol.series_alt_number) == (
        "china-russia-joint-air-patrols", 10, 9)  # fmt: skip


def test_kadiz_counts_that_differ_by_source_are_separate_figures(chronology: Chronology) -> None:
    kadiz = _incident(chronology, "2025-12-09-chinese-russian-aircraft-enter-kadiz")
    values = {(f.what, f.value) for f in kadiz.figures}
    assert ("Russian military aircraft in the KADIZ", 7) in values
    assert ("Chinese military aircraft in the KADIZ", 2) in values
    assert ("Chinese and Russian aircraft in the KADIZ", 11) in values


def test_radar_lock_on_date_time_and_place_follow_the_fact_check(chronology: Chronology) -> None:
    lock = _incident(chronology, "2025-12-06-j15-radar-lock-on-jasdf-f15")
    assert lock.date.iso() == "2025-12-06"
    assert lock.time == "16:32–16:35 and 18:37–19:08"
    assert "near Taiwan" not in lock.summary and "near Taiwan" not in lock.title


def test_warning_shots_are_recorded_as_each_source_counts_them(chronology: Chronology) -> None:
    dokdo = _incident(chronology, "2019-07-23-russian-a-50-enters-airspace-over-dokdo")
    shots = {f.value for f in dokdo.figures if f.what == "warning shots fired"}
    assert shots == {"about 360", "over 400"}


def test_fy2024_scrambles_match_the_research(chronology: Chronology) -> None:
    fy = _incident(chronology, "2025-04-10-fy2024-scramble-figures")
    values = {(f.what, f.period): f.value for f in fy.figures}
    assert values[("JASDF scrambles", "FY2024")] == 704
    assert values[("JASDF scrambles against Chinese aircraft", "FY2024")] == 464
    assert values[("JASDF scrambles against Russian aircraft", "FY2024")] == 237


def test_uncertain_dates_keep_their_precision(chronology: Chronology) -> None:
    assert _incident(chronology, "2022-04-fy2021-scramble-figures").date.precision == "month"
    assert _incident(chronology, "2025-10-fy2025-first-half-scramble-figures").status == "reported"


def test_takaichi_paraphrase_is_not_presented_as_her_words(chronology: Chronology) -> None:
    remark = _incident(chronology, "2025-11-07-takaichi-survival-threatening-situation-remark")
    assert remark.date.iso() == "2025-11-07"
    takaichi_claims = [c for c in remark.claims if c.actor == "sanae-takaichi"]
    assert takaichi_claims and not any(c.quote for c in takaichi_claims)


def test_contested_places_carry_every_name_as_an_alias(chronology: Chronology) -> None:
    names = {
        pid: " ".join([p.data.name, *p.data.aliases, *p.data.names.values()])
        for pid, p in chronology.places.items()
    }
    joined = " | ".join(names.values())
    for name in ("Senkaku", "Diaoyu", "Dokdo", "Takeshima", "Sea of Japan", "East Sea"):
        assert name in joined, name
