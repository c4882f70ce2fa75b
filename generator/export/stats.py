"""The /stats/ page: counts by year × type, actor and place, and published figures over time, as inline SVG
charts (rendered at build time) each followed by the same numbers as a table."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from generator.model import Chronology
from generator.render import charts
from generator.render.pages import GeneratedPage, Render, page_meta, plain_render
from generator.render.urls import page_path, page_url, relative

HERE = "stats.md"
TOP_ACTORS = 20
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class FigurePoint:
    """One published value of a figure for one period, with where it comes from."""

    period: str
    value: int | float
    unit: str
    source: str
    publisher: str
    incident: str


@dataclass(frozen=True)
class Statistics:
    """Every number the page shows, computed once from the chronology (and tested against the content)."""

    years: list[int]
    types: list[str]
    year_type: dict[int, dict[str, int]]
    actors: list[tuple[str, int]]  # (actor id, incidents), most first
    places: list[tuple[str, int]]
    figures: dict[str, list[FigurePoint]] = field(default_factory=dict)  # what -> points, by period


def statistics(chronology: Chronology) -> Statistics:
    """Count incidents per year and type, per actor (distinct incidents, any role) and per place."""
    years = sorted(chronology.by_year)
    types = [t for t in chronology.vocabulary.incident_types if t in chronology.by_type]
    year_type = {year: dict(Counter(r.data.type for r in chronology.by_year[year])) for year in years}
    actor_counts = {a: len({r.id for r, _ in rs}) for a, rs in chronology.by_actor.items()}
    place_counts = {p: len(rs) for p, rs in chronology.by_place.items()}

    def most_first(counts: dict[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    figures: dict[str, list[FigurePoint]] = {}
    for record in reversed(chronology.incidents):  # oldest first, so a later report comes later
        for figure in record.data.figures:
            source = record.data.source_for(figure.source)
            if figure.period and isinstance(figure.value, int | float) and source is not None:
                point = FigurePoint(
                    figure.period,
                    figure.value,
                    figure.unit or "",
                    source.url,
                    source.publisher,
                    record.id,
                )
                figures.setdefault(figure.what, []).append(point)
    figures = {
        what: sorted(points, key=lambda p: _period_key(p.period))
        for what, points in sorted(figures.items())
        if len({p.period for p in points}) >= 2  # a single period is a fact, not a series
    }
    return Statistics(years, types, year_type, most_first(actor_counts), most_first(place_counts), figures)


def _period_key(period: str) -> tuple[object, ...]:
    """Sort periods naturally (FY2023 before FY2024 H1 before FY2024 Q1 ...)."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", period))


def period_shape(period: str) -> str:
    """Periods of one shape (``FY2023``/``FY2024``, or half years) are comparable; mixed shapes are not."""
    return _DIGITS.sub("#", period)


def figure_series(points: list[FigurePoint]) -> list[list[tuple[str, float]]]:
    """Chartable series: per period shape with at least two periods, the first published value per period."""
    shapes: dict[str, dict[str, float]] = {}
    for point in points:
        shapes.setdefault(period_shape(point.period), {}).setdefault(point.period, point.value)
    return [list(values.items()) for _, values in sorted(shapes.items()) if len(values) >= 2]


def line(what: str, series: list[tuple[str, float]], unit: str) -> dict[str, Any]:
    """One line chart of a figure over comparable periods, with its visible title."""
    title = f"{what}, {series[0][0]} to {series[-1][0]}"
    svg = charts.responsive(
        charts.line_chart, series, title=title, description=f"{what} as published, by period.", unit=unit
    )
    return {"svg": Markup(svg), "title": title}


def stats_page(
    chronology: Chronology, directory_urls: bool = True, render: Render = plain_render
) -> GeneratedPage:
    """Render stats.md."""
    c, vocab = chronology, chronology.vocabulary
    s = statistics(chronology)

    def url(kind: str, key: str | int | None = None) -> str:
        return relative(HERE, page_url(page_path(kind, key), directory_urls), directory_urls)

    total = len(c.incidents)
    type_labels = [vocab.incident_types[t].label for t in s.types]
    year_type_chart = charts.responsive(
        charts.stacked_bar_chart,
        [str(y) for y in s.years],
        [
            (
                vocab.incident_types[t].label,
                vocab.incident_types[t].color,
                [s.year_type[y].get(t, 0) for y in s.years],
            )
            for t in s.types
        ],
        title="Incidents per year, by type",
        description=f"{total} incidents in {len(s.years)} years, each bar split by incident type.",
    )
    # a row per type and a column per year, as the chart reads: eleven types as columns would not fit a page
    type_rows: list[list[str | int]] = [
        [label, *(s.year_type[y].get(t, 0) for y in s.years), sum(s.year_type[y].get(t, 0) for y in s.years)]
        for t, label in zip(s.types, type_labels, strict=True)
    ]
    year_totals = [sum(s.year_type[y].values()) for y in s.years]
    type_rows.append(["All types", *year_totals, sum(year_totals)])
    top = s.actors[:TOP_ACTORS]
    actor_chart = charts.responsive(
        charts.bar_chart,
        [(c.actors[a].data.name, n) for a, n in top],
        title=f"Incidents per actor (top {len(top)})",
        description="Distinct incidents each actor appears in, in any role.",
    )
    place_chart = charts.responsive(
        charts.bar_chart,
        [(c.places[p].data.name, n) for p, n in s.places],
        title="Incidents per place",
        description="Incidents that name each place.",
    )
    figure_sections: list[dict[str, Any]] = []
    for what, points in s.figures.items():
        unit = next((p.unit for p in points if p.unit), "")
        figure_sections.append(
            {
                "what": what,
                "charts": [line(what, series, unit) for series in figure_series(points)],
                "rows": [
                    {
                        "period": p.period,
                        "value": charts.format_number(p.value) + (f" {p.unit}" if p.unit else ""),
                        "source": p.source,
                        "publisher": p.publisher,
                        "incident": c.incident_by_id[p.incident].data.title,
                        "incident_url": url("incidents", p.incident),
                    }
                    for p in points
                ],
            }
        )
    view = {
        "total": total,
        "first": s.years[0] if s.years else None,
        "last": s.years[-1] if s.years else None,
        "year_type_chart": Markup(year_type_chart),
        "year_type_table": Markup(
            charts.data_table(
                ["Type", *(str(y) for y in s.years), "Total"], type_rows, "Incidents per type, by year"
            )
        ),
        "actor_chart": Markup(actor_chart),
        "actor_rows": [{"name": c.actors[a].data.name, "url": url("actors", a), "count": n} for a, n in top],
        "actor_total": len(s.actors),
        "place_chart": Markup(place_chart),
        "place_rows": [
            {"name": c.places[p].data.name, "url": url("places", p), "count": n} for p, n in s.places
        ],
        "figures": figure_sections,
        "data_url": url("data"),
        "timeline_url": url("timeline"),
    }
    meta = page_meta("Statistics", f"What {vocab.title} records, counted: by year and type, actor and place.")
    text = render("stats.md.j2", HERE, meta=meta, s=view, title=vocab.title)
    return GeneratedPage(HERE, text, in_nav=True)
