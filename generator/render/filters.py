"""The timeline's filter form as a view model: one control per facet, each option with its label and count.

The form is rendered into the page (hidden) so that every label comes from Python and no inline script is
needed; ``timeline/assets/fault-lines.js`` reveals it and filters the entries by their ``data-*`` attributes.
Each facet's ``name`` is both the URL query parameter and the entry attribute it matches.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from generator.model import Chronology, IncidentRecord
from generator.render import hanzi

TEXT_PARAMETER = "text"  # not "q": Material opens its search dialog for ?q=


def option(value: str, label: str, count: int) -> dict[str, Any]:
    return {"value": value, "label": f"{label} ({count})", "count": count}


def useful(facet: dict[str, Any], total: int) -> bool:
    """False when every choice would show every incident (one year, one status): no control for it."""
    return any(o["count"] < total for o in facet["options"])


def item_ref(record: IncidentRecord) -> tuple[tuple[str, str], ...]:
    """The ``data-*`` attributes of a second picture of an incident that the page also lists with
    :func:`item_data` (an axis mark beside its timeline entry, a map marker beside its table row): the filters
    read the facets from the entry or row, and show or hide every item of the same ``fl-id`` with it."""
    return (("fl-item", ""), ("fl-id", record.id))


def item_data(record: IncidentRecord) -> tuple[tuple[str, str], ...]:
    """The ``data-*`` attributes (without ``data-``) the filters match an item by, for an incident shown
    anywhere but in a timeline entry (a map marker, a table row): ``fl-id`` groups the items of one incident."""
    data = record.data
    return (
        ("fl-item", ""),
        ("fl-id", record.id),
        ("type", data.type),
        ("status", data.status),
        ("year", str(data.date.year)),
        ("series", data.series or ""),
        ("actors", " ".join(sorted({a.actor for a in data.actors}))),
        ("places", " ".join(sorted(set(data.places)))),
    )


def other_names(chronology: Chronology, record: IncidentRecord) -> str:
    """Every other name of an incident's places and actors (尖閣諸島, 독도, JASDF), with their forms in the
    other Chinese script (钓鱼岛 for 釣魚島): words the filters find it by (``data-fl-words``), though the
    timeline's card and the map's table show only the English names."""
    data = record.data
    names: list[str] = []
    for entity in [chronology.places[p].data for p in data.places] + [
        chronology.actors[a.actor].data for a in data.actors
    ]:
        names += [*entity.names.values(), *entity.aliases]
    return " ".join(hanzi.with_variants(names))


def timeline_filters(chronology: Chronology, year_range: bool = False) -> dict[str, Any]:
    """Facets (type, actor, place, series, year, status) and the free-text field, in the order shown.

    With ``year_range`` the year is chosen as a range, "from" one year "to" another (the map's time filter),
    instead of one year."""
    vocab = chronology.vocabulary
    incidents = chronology.incidents
    types = Counter(r.data.type for r in incidents)
    statuses = Counter(r.data.status for r in incidents)
    actors = {key: len({i.id for i, _ in rows}) for key, rows in chronology.by_actor.items() if rows}
    places = {key: len(rows) for key, rows in chronology.by_place.items() if rows}
    facets = [
        {
            "name": "type",
            "attribute": "data-type",
            "label": "Type",
            "any": "All types",
            "options": [option(k, t.label, types[k]) for k, t in vocab.incident_types.items() if types[k]],
        },
        {
            "name": "actor",
            "attribute": "data-actors",
            "label": "Actor",
            "any": "All actors",
            "options": sorted(
                (option(k, chronology.actors[k].data.name, n) for k, n in actors.items()),
                key=lambda o: o["label"].casefold(),
            ),
        },
        {
            "name": "place",
            "attribute": "data-places",
            "label": "Place",
            "any": "All places",
            "options": sorted(
                (option(k, chronology.places[k].data.name, n) for k, n in places.items()),
                key=lambda o: o["label"].casefold(),
            ),
        },
        {
            "name": "series",
            "attribute": "data-series",
            "label": "Series",
            "any": "All series",
            "options": [
                option(k, s.label, len(chronology.by_series[k]))
                for k, s in vocab.series.items()
                if chronology.by_series.get(k)
            ],
        },
        {
            "name": "year",
            "attribute": "data-year",
            "label": "Year",
            "any": "All years",
            "options": [
                option(str(y), str(y), len(rs)) for y, rs in sorted(chronology.by_year.items(), reverse=True)
            ],
        },
        {
            "name": "status",
            "attribute": "data-status",
            "label": "Status",
            "any": "Any status",
            "options": [option(k, s.label, statuses[k]) for k, s in vocab.statuses.items() if statuses[k]],
        },
    ]
    if year_range:
        years = facets[4]
        ascending = sorted(years["options"], key=lambda o: o["value"])
        facets[4:5] = [
            {"name": "from", "attribute": "data-year", "range": "min", "label": "From year", "any": "Earliest",
             "options": [dict(o, label=o["value"]) for o in ascending]},
            {"name": "to", "attribute": "data-year", "range": "max", "label": "To year", "any": "Latest",
             "options": [dict(o, label=o["value"]) for o in ascending]},
        ]  # fmt: skip
        if len(years["options"]) < 2:
            del facets[4:6]
    return {
        "text": TEXT_PARAMETER,
        "total": len(incidents),
        "facets": [f for f in facets if "range" in f or useful(f, len(incidents))],
    }
