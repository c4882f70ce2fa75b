"""JSON and CSV exports: data/incidents.json, actors.json, places.json, incidents.csv, incident_actors.csv."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from generator.export.records import (
    FORMAT_VERSION,
    LICENCE,
    Links,
    actor_record,
    incident_record,
    latest_date,
    place_record,
)
from generator.model import Chronology

JOIN = "; "
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"); the apostrophe
# is there so that adding one stays reversible (see neutralise()). Some spreadsheets skip leading whitespace
# and read full-width and small forms (＝ ＋ － ＠, ﹦) as their ASCII twins: a cell starting with any whitespace,
# or with a character whose compatibility form (NFKC) starts with one of these, is guarded too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")

INCIDENT_COLUMNS: list[tuple[str, str]] = [
    ("id", "Incident id (the content file's name)."),
    ("url", "The incident's page."),
    ("date", "Date as recorded: YYYY-MM-DD, YYYY-MM or YYYY."),
    ("end_date", "Last day of a range, same forms; empty for a single date."),
    ("date_precision", "day, month or year."),
    ("title", "Headline (plain text)."),
    ("type", "Incident type id."),
    ("type_label", "Incident type label."),
    ("status", "Status id (confirmed, reported, ...)."),
    ("summary", "One-paragraph summary."),
    ("actor_ids", "Actor ids, in the order the file lists them."),
    ("actors", "Actor names, same order."),
    ("roles", "Each actor's role, same order."),
    ("place_ids", "Place ids."),
    ("places", "Place names."),
    ("location", "Location in words, when given."),
    ("latitude", "Latitude (WGS 84) used on the map: the location's, else the first place's."),
    ("longitude", "Longitude, as above."),
    ("coordinates_approximate", "true when the point is approximate (a place's centre, or marked so)."),
    ("series", "Series id."),
    ("series_number", "Number in the series."),
    ("source_urls", "Source URLs."),
    ("source_publishers", "Source publishers, same order."),
    ("source_count", "Number of sources."),
    ("related", "Related incident ids (both directions)."),
    ("tags", "Tags."),
]
INCIDENT_ACTOR_COLUMNS: list[tuple[str, str]] = [
    ("incident", "Incident id."),
    ("date", "The incident's date as recorded."),
    ("actor", "Actor id."),
    ("actor_name", "Actor name."),
    ("role", "Role id."),
]


# like json.dumps, to_json refuses dates and dataclasses (TypeError) rather than write them its own way
_ORJSON_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_SORT_KEYS
    | orjson.OPT_APPEND_NEWLINE
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def to_json(value: Any) -> bytes:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, a final newline.

    Written by orjson: the standard library writes indented JSON in pure Python, which was most of the
    exports' time (incidents.json at 10,000 incidents: 1.6 s, against 0.2 s). The bytes are what
    ``json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2)`` writes, but for floats under 1e-4
    (orjson ``0.00001``, json ``1e-05``: the same number); an integer beyond 64 bits, which orjson refuses,
    is written by the standard library."""
    try:
        return orjson.dumps(value, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def neutralise(cell: object) -> object:
    """Keep a text cell from running as a spreadsheet formula: prefix ``'`` if it starts with = + - @ TAB CR,
    any other whitespace, or a full-width or small form of = + - @ (＝ ＋ － ＠ ﹦ ...).

    Cells that already start with ``'`` get one too, so the rule is reversible: drop one leading apostrophe
    from any text cell that starts with one. Numbers are written as numbers and left alone.
    """
    if (
        isinstance(cell, str)
        and cell
        and (
            cell.startswith(FORMULA_STARTS)
            or cell[0].isspace()
            or unicodedata.normalize("NFKC", cell[0]).startswith(FORMULA_STARTS)
        )
    ):
        return "'" + cell
    return cell


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """RFC 4180 CSV (CRLF line ends, minimal quoting), UTF-8 without a BOM, formulas neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise("" if cell is None else cell) for cell in row])
    return out.getvalue().encode("utf-8")


def _csv_bool(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


def incident_rows(incidents: list[dict[str, Any]]) -> Iterable[list[object]]:
    for i in incidents:
        located = i["coordinates"]
        yield [
            i["id"],
            i["url"],
            i["date"],
            i["end_date"],
            i["date_precision"],
            i["title"],
            i["type"]["id"],
            i["type"]["label"],
            i["status"]["id"],
            i["summary"],
            JOIN.join(a["id"] for a in i["actors"]),
            JOIN.join(a["name"] for a in i["actors"]),
            JOIN.join(a["role"] for a in i["actors"]),
            JOIN.join(p["id"] for p in i["places"]),
            JOIN.join(p["name"] for p in i["places"]),
            i["location"]["description"] if i["location"] else "",
            located["lat"] if located else "",
            located["lon"] if located else "",
            _csv_bool(located["approximate"] if located else None),
            i["series"]["id"] if i["series"] else "",
            i["series"]["number"] if i["series"] and i["series"]["number"] else "",
            JOIN.join(s["url"] for s in i["sources"]),
            JOIN.join(s["publisher"] for s in i["sources"]),
            len(i["sources"]),
            JOIN.join(r["id"] for r in i["related"]),
            JOIN.join(i["tags"]),
        ]


def render_tables(chronology: Chronology, links: Links) -> dict[str, bytes]:
    """Every JSON and CSV file under data/."""
    incidents = [incident_record(chronology, r, links) for r in chronology.incidents]
    header = {
        "version": FORMAT_VERSION,
        "title": chronology.vocabulary.title,
        "licence": LICENCE,
        "updated": latest_date(chronology).isoformat(),
    }
    actors = [actor_record(chronology, a, links) for a in chronology.actors]
    places = [place_record(chronology, p, links) for p in chronology.places]
    actor_rows = [[i["id"], i["date"], a["id"], a["name"], a["role"]] for i in incidents for a in i["actors"]]
    return {
        "data/incidents.json": to_json({**header, "count": len(incidents), "incidents": incidents}),
        "data/actors.json": to_json({**header, "count": len(actors), "actors": actors}),
        "data/places.json": to_json({**header, "count": len(places), "places": places}),
        "data/incidents.csv": to_csv([c for c, _ in INCIDENT_COLUMNS], incident_rows(incidents)),
        "data/incident_actors.csv": to_csv([c for c, _ in INCIDENT_ACTOR_COLUMNS], actor_rows),
    }
