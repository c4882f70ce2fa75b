"""The /data/ page: every export with its URL, format, fields and licence, and how to use the schemas."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from generator.export.feeds import FEED_SIZE
from generator.export.records import FORMAT_VERSION
from generator.export.schemas import EXPORT_SCHEMAS, schema_path
from generator.export.tables import INCIDENT_ACTOR_COLUMNS, INCIDENT_COLUMNS
from generator.model import Chronology
from generator.render.pages import GeneratedPage, Render, page_meta, plain_render
from generator.render.text import page_text
from generator.render.urls import relative
from generator.schema import SCHEMAS

HERE = "data.md"

INCIDENT_JSON_FIELDS: list[tuple[str, str]] = [
    ("id, url, title, summary", "Identity, page URL and text."),
    (
        "date, end_date, date_precision",
        "Dates as recorded (YYYY-MM-DD, YYYY-MM or YYYY) and their precision.",
    ),
    (
        "first_day, last_day",
        "The calendar days the incident covers (a month-precision date covers the month).",
    ),
    ("time, timezone", "Local time as free text, and the IANA time zone of the date."),
    ("type, status", "{id, label} from the vocabulary; status_note and replaced_by when given."),
    ("actors", "[{id, name, role, role_label}] in the order the file lists them."),
    ("places", "[{id, name, coordinates}]."),
    (
        "location",
        "{description, coordinates, approximate, route} when the file gives one; route: the ordered "
        "[lat, lon] points of the path the sources describe, or null.",
    ),
    (
        "coordinates",
        "{lat, lon, approximate, of}: the point used on the map (location, else first place); "
        "null when there is none, or when the incident's type is not mapped (statistics, statements).",
    ),
    ("series", "{id, label, number, alt_number}."),
    (
        "claims",
        "[{actor, actor_name, text, quote, date, source, source_url}]: attributed statements; source: "
        "the key of the source cited (or, in older files, its URL), source_url: that source's URL.",
    ),
    (
        "figures",
        "[{what, value, unit, period, source, source_url, note}]: numbers as each source gives them.",
    ),
    (
        "sources",
        "[{key, url, publisher, title, published, language, kind, archive_url, url_status, note, "
        "excerpts}]: key is the short name claims, figures and the text cite; excerpts: [{text, translation}], "
        "passages of the source's own words copied verbatim in its language (at most 4 of 500 characters: "
        "short passages, fair quotation), translation ours, or null.",
    ),
    ("related", "[{id, title, relation, direction, url}], both directions."),
    ("previous_ids, tags, content_path", "Old ids, tags, and the content file in the repository."),
]


def exports(chronology: Chronology) -> list[dict[str, Any]]:
    """The export catalogue shown on the page (paths relative to the site root)."""
    actor = next(iter(chronology.actors), "ID")
    kind = next(iter(chronology.vocabulary.incident_types), "ID")
    csv_format, schema_format = "CSV (RFC 4180, UTF-8)", "JSON Schema 2020-12"
    catalogue = [
        ("data/incidents.json", "JSON",
         f'Every incident, fully resolved, newest first; top-level version ("{FORMAT_VERSION}"), title, '
         "licence, updated (the latest date in the content), count, incidents."),
        ("data/actors.json", "JSON",
         "Every actor: id, url, feed, name, kind {id, label}, country, parent, names, aliases, links, "
         "positions, incident_count, incidents (ids), content_path."),
        ("data/places.json", "JSON",
         "Every place: id, url, name, kind {id, label}, coordinates [lat, lon], coordinates_approximate, "
         "parent, names, aliases, incident_count, incidents (ids), content_path."),
        ("data/incidents.csv", csv_format, "One row per incident; the columns are listed below."),
        ("data/incident_actors.csv", csv_format,
         "One row per actor of each incident (incident, date, actor, actor_name, role), for pivot tables."),
        ("feed.xml", "Atom (RFC 4287)",
         f"The latest {FEED_SIZE} incidents by date: title, full summary, link, type, actors, every source."),
        ("feed.json", "JSON Feed 1.1",
         "The same entries; each item's _fault_lines object adds date, precision, type, status, actors, "
         "places and source URLs."),
        (f"feeds/actors/{actor}.xml", "Atom", "One feed per actor (any actor id); linked from its page."),
        (f"feeds/types/{kind}.xml", "Atom", "One feed per incident type; linked from each type page."),
        ("incidents.ics", "iCalendar (RFC 5545)",
         "One all-day event per incident; UID <id>@fault-lines stays the same between builds."),
        ("schema/incident.schema.json", schema_format, "Front matter of an incident file."),
        ("schema/actor.schema.json", schema_format, "Front matter of an actor file."),
        ("schema/place.schema.json", schema_format, "Front matter of a place file."),
        ("schema/vocabulary.schema.json", schema_format, "content/vocabulary.yml."),
    ]  # fmt: skip
    assert {f"schema/{k}.schema.json" for k in SCHEMAS} <= {path for path, _, _ in catalogue}
    catalogue.append(
        ("data/datapackage.json", "Frictionless Data Package",
         "Describes the two CSV files: every column's type, format and meaning, for `frictionless validate`.")
    )  # fmt: skip
    schemas = {path: schema_path(path) for path in EXPORT_SCHEMAS}
    return [
        {"path": path, "format": form, "what": what, "schema": schemas.get(path, "")}
        for path, form, what in catalogue
    ]


def _breakable(name: str) -> Markup:
    """A field or column name (``coordinates_approximate``) with a line-break opportunity after each underscore,
    and nowhere else (the page's style keeps each part whole); each part goes through ``page_text`` as any
    printed value does."""
    return Markup("_<wbr>").join(Markup(page_text(part)) for part in name.split("_"))


def data_page(
    chronology: Chronology, directory_urls: bool = True, render: Render = plain_render
) -> GeneratedPage:
    """Render data.md."""

    def url(path: str) -> str:
        return relative(HERE, path, directory_urls)

    items = [
        {**item, "url": url(item["path"]), "schema_url": url(item["schema"]) if item.get("schema") else ""}
        for item in exports(chronology)
    ]
    view = {
        "exports": items,
        "incident_fields": [(_breakable(name), *rest) for name, *rest in INCIDENT_JSON_FIELDS],
        "csv_columns": [(_breakable(name), *rest) for name, *rest in INCIDENT_COLUMNS],
        "actor_columns": [(_breakable(name), *rest) for name, *rest in INCIDENT_ACTOR_COLUMNS],
        "feed_size": FEED_SIZE,
        "schema_url": url("schema/incident.schema.json"),
    }
    meta = page_meta(
        "Data", f"{chronology.vocabulary.title} as data: JSON, CSV, feeds, calendar and schemas."
    )
    text = render("data.md.j2", HERE, meta=meta, d=view, title=chronology.vocabulary.title)
    return GeneratedPage(HERE, text, in_nav=True)
