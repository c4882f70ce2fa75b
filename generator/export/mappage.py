"""The /map/ page: every located incident as a marker linking to its page, and the same list as a table."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from generator.dates import human_range
from generator.export.records import coordinates
from generator.model import Chronology, IncidentRecord
from generator.render import svgmap
from generator.render.pages import GeneratedPage, environment, page_meta
from generator.render.urls import page_path, page_url, relative

HERE = "map.md"


def in_map_area(lat: float, lon: float) -> bool:
    """Inside the shipped coastline data. An incident beyond it (say across the antimeridian in the Bering
    Sea) would stretch the regional map into a strip with no land to place it by: it is listed, not drawn."""
    west, south, east, north = svgmap.DATA_BBOX
    return west <= lon <= east and south <= lat <= north


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
        if not in_map_area(lat, lon):
            continue
        url = relative(HERE, page_url(page_path("incidents", record.id), directory_urls), directory_urls)
        label = f"{record.data.title} ({human_range(record.data.date, record.data.end_date)})"
        found.append(svgmap.Marker(lat, lon, label, url, approximate=approximate, kind=record.data.type))
    return found


def map_page(chronology: Chronology, directory_urls: bool = True) -> GeneratedPage:
    """Render map.md."""
    vocab = chronology.vocabulary
    rows = []
    for record, lat, lon, approximate, where in located_incidents(chronology):
        data = record.data
        rows.append(
            {
                "iso": data.date.iso(),
                "when": human_range(data.date, data.end_date),
                "title": data.title,
                "url": relative(
                    HERE, page_url(page_path("incidents", record.id), directory_urls), directory_urls
                ),
                "type": vocab.incident_types[data.type].label,
                "where": where,
                "coordinates": f"{lat:.2f}, {lon:.2f}",
                "approximate": approximate,
                "on_map": in_map_area(lat, lon),
            }
        )
    total = len(chronology.incidents)
    drawn = markers(chronology, directory_urls)
    svg = svgmap.render_map(
        drawn,
        title=f"Map of {len(drawn)} located incidents",
        description=(
            f"{len(drawn)} of {total} incidents on a map of the region. Filled dots are precise locations; "
            "dashed rings are approximate (a sea's or zone's centre, or a location its sources give roughly)."
        ),
    )
    view = {
        "map": Markup(svg),
        "rows": rows,
        "total": total,
        "unlocated": total - len(rows),
        "unmapped_types": ", ".join(t.label.lower() for t in vocab.incident_types.values() if not t.on_map)
        or "none",
        "off_map": len(rows) - len(drawn),
    }
    meta = page_meta("Map", f"Every located incident in {vocab.title} on a map of the region.")
    text = environment().get_template("map.md.j2").render(meta=meta, m=view)
    return GeneratedPage(HERE, text, in_nav=True)
