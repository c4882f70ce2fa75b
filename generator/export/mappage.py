"""The /map/ page: every located incident as a marker (and its route as a line) linking to its page, filters
for the years and the timeline's facets, and the same list as a table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from generator.dates import human_range
from generator.geo import coordinates, route
from generator.model import Chronology, IncidentRecord
from generator.render import svgmap
from generator.render.filters import item_data, item_ref, other_names, timeline_filters
from generator.render.memo import Deferred
from generator.render.pages import GeneratedPage, Render, page_meta, plain_render
from generator.render.urls import page_path, page_url, relative

HERE = "map.md"


def located_incidents(chronology: Chronology) -> Iterator[tuple[IncidentRecord, float, float, bool, str]]:
    """(incident, latitude, longitude, approximate, where) for every incident with a location, newest first."""
    for record in chronology.incidents:
        located = coordinates(chronology, record)
        if located is not None:
            yield (record, *located)


def markers(chronology: Chronology, directory_urls: bool = True) -> list[svgmap.Marker]:
    """One marker per located incident (newest first), linking to the incident from the map page."""
    found = []
    for record, lat, lon, approximate, _where in located_incidents(chronology):
        url = relative(HERE, page_url(page_path("incidents", record.id), directory_urls), directory_urls)
        label = f"{record.data.title} ({human_range(record.data.date, record.data.end_date)})"
        found.append(
            svgmap.Marker(
                lat,
                lon,
                label,
                url,
                approximate=approximate,
                kind=record.data.type,
                route=route(record),
                data=item_ref(record),  # the facets are on the table's row
            )
        )
    return found


def legend(chronology: Chronology, drawn: list[svgmap.Marker]) -> list[dict[str, Any]]:
    """The incident types on the map, in vocabulary order, with how many markers each has."""
    vocab = chronology.vocabulary
    counts: dict[str, int] = {}
    for marker in drawn:
        counts[marker.kind] = counts.get(marker.kind, 0) + 1
    return [
        {"key": key, "label": term.label, "count": counts[key]}
        for key, term in vocab.incident_types.items()
        if counts.get(key)
    ]


def map_page(
    chronology: Chronology, directory_urls: bool = True, render: Render = plain_render
) -> GeneratedPage:
    """Render map.md (by ``render``: the renderer's, which keeps pages by what they show)."""
    vocab = chronology.vocabulary
    rows = []
    for record, lat, lon, approximate, where in located_incidents(chronology):
        data = record.data
        # the filters' words: its places' and actors' other names and scripts, as on the timeline's cards
        names = other_names(chronology, record)
        words = (("fl-words", names),) if names else ()
        rows.append(
            {
                "id": record.id,
                "iso": data.date.iso(),
                "when": human_range(data.date, data.end_date),
                "title": data.title,
                "url": relative(
                    HERE, page_url(page_path("incidents", record.id), directory_urls), directory_urls
                ),
                "type": vocab.incident_types[data.type].label,
                "type_key": data.type,
                "where": where,
                "coordinates": f"{lat:.2f}, {lon:.2f}",
                "approximate": approximate,
                "route": len(route(record)),
                "data": item_data(record) + words,
            }
        )
    total = len(chronology.incidents)
    drawn = markers(chronology, directory_urls)
    routes = sum(1 for m in drawn if len(m.route) >= 2)
    title = f"Map of {len(drawn)} located incidents"
    description = (
        f"{len(drawn)} of {total} incidents on a map fitted to where they happened, {routes} with the "
        "route their sources describe as a line ending in an arrow. Solid dots are precise locations; "
        "tinted areas with a dashed edge are approximate (a sea's or zone's centre, or a location its "
        "sources give roughly)."
    )
    # drawn only if the page is rendered (its key: the markers it is drawn from)
    svg = Deferred(
        ("map", drawn, title, description),
        lambda: Markup(svgmap.render_map(drawn, title=title, description=description)),
    )
    filters = timeline_filters(chronology, year_range=True)
    filters["total"] = len(rows)
    filters["folded"] = True  # the map comes first: the panel opens on request, or when the URL filters
    view = {
        "map": svg,
        "rows": rows,
        "total": total,
        "drawn": len(drawn),
        "routes": routes,
        "unlocated": total - len(rows),
        "unmapped_types": ", ".join(t.label.lower() for t in vocab.incident_types.values() if not t.on_map)
        or "none",
        "legend": legend(chronology, drawn),
        "approximate": any(m.approximate for m in drawn),
        "precise": any(not m.approximate for m in drawn),
    }
    meta = page_meta(
        "Map", f"Every located incident in {vocab.title} on a map, with the routes sources give."
    )
    text = render("map.md.j2", HERE, meta=meta, m=view, filters=filters)
    return GeneratedPage(HERE, text, in_nav=True)
