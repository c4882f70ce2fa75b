"""JSON and CSV exports: data/incidents.json, actors.json, places.json, incidents.csv, incident_actors.csv."""

from __future__ import annotations

import csv
import hashlib
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
from generator.model import Chronology, IncidentRecord
from generator.render.memo import Fragments

JOIN = "; "
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"); the apostrophe
# is there so that adding one stays reversible (see neutralise()). Some spreadsheets skip leading whitespace
# and read full-width and small forms (＝ ＋ － ＠, ﹦) as their ASCII twins: a cell starting with any whitespace,
# or with a character whose compatibility form (NFKC) starts with one of these, is guarded too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")

# (column, description, Frictionless type); the descriptor in data/datapackage.json is made from these
INCIDENT_COLUMNS: list[tuple[str, str, str]] = [
    ("id", "Incident id (the content file's name).", "string"),
    ("url", "The incident's page.", "string"),
    ("date", "Date as recorded: YYYY-MM-DD, YYYY-MM or YYYY (see first_day and last_day for full dates).", "string"),
    ("end_date", "Last day of a range, same forms; empty for a single date.", "string"),
    ("date_precision", "day, month or year.", "string"),
    ("first_day", "The first day the date covers (YYYY-MM-DD), for sorting and filtering.", "date"),
    ("last_day", "The last day the incident covers (YYYY-MM-DD): end_date's, else date's.", "date"),
    ("title", "Headline (plain text).", "string"),
    ("type", "Incident type id.", "string"),
    ("type_label", "Incident type label.", "string"),
    ("status", "Status id (confirmed, reported, ...).", "string"),
    ("summary", "One-paragraph summary.", "string"),
    ("actor_ids", "Actor ids, in the order the file lists them.", "string"),
    ("actors", "Actor names, same order.", "string"),
    ("roles", "Each actor's role, same order.", "string"),
    ("place_ids", "Place ids.", "string"),
    ("places", "Place names.", "string"),
    ("location", "Location in words, when given.", "string"),
    ("latitude", "Latitude (WGS 84) used on the map: the location's, else the first place's.", "number"),
    ("longitude", "Longitude, as above.", "number"),
    ("coordinates_approximate", "true when the point is approximate (a place's centre, or marked so).", "boolean"),
    ("series", "Series id.", "string"),
    ("series_number", "Number in the series.", "integer"),
    ("source_urls", "Source URLs.", "string"),
    ("source_publishers", "Source publishers, same order.", "string"),
    ("source_count", "Number of sources.", "integer"),
    ("related", "Related incident ids (both directions).", "string"),
    ("tags", "Tags.", "string"),
]  # fmt: skip
INCIDENT_ACTOR_COLUMNS: list[tuple[str, str, str]] = [
    ("incident", "Incident id.", "string"),
    ("date", "The incident's date as recorded.", "string"),
    ("actor", "Actor id.", "string"),
    ("actor_name", "Actor name.", "string"),
    ("role", "Role id.", "string"),
]
CSV_FILES = {"data/incidents.csv": INCIDENT_COLUMNS, "data/incident_actors.csv": INCIDENT_ACTOR_COLUMNS}


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
            i["first_day"],
            i["last_day"],
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


def _csv_lines(rows: Iterable[Sequence[object]]) -> str:
    """The CSV text of ``rows`` as :func:`to_csv` writes them after its header (a row's text does not depend on
    the rows around it, so the file is its header and its rows' texts, joined)."""
    return to_csv((), rows).decode("utf-8").removeprefix("\r\n")


def table_parts(
    chronology: Chronology, record: IncidentRecord, links: Links
) -> tuple[bytes, str, str] | None:
    """One incident's part of the tables: its record as incidents.json prints it (:func:`record_json`) and its CSV
    lines (in incidents.csv and incident_actors.csv); ``None`` when its record is not plain JSON for orjson."""
    i = incident_record(chronology, record, links)
    try:
        return record_json(i), _csv_lines(incident_rows([i])), _csv_lines(_actor_rows(i))
    except orjson.JSONEncodeError:
        return None


def table_piece(chronology: Chronology, record: IncidentRecord, links: Links) -> str | None:
    """:func:`table_parts` as JSON text, the form kept between builds (``None`` likewise)."""
    parts = table_parts(chronology, record, links)
    if parts is None:
        return None
    text, csv_lines, actor_lines = parts
    return orjson.dumps(
        {"record": text.decode("utf-8"), "csv": csv_lines, "actors_csv": actor_lines}
    ).decode()


def record_json(value: Any) -> bytes:
    """``value`` as :func:`to_json` prints it inside a list that is a value of the top object (two levels in: every
    line indented by four more spaces), without the final newline; orjson only (``JSONEncodeError`` otherwise).
    A JSON string holds no raw line break, so indenting every line is indenting the value."""
    text = orjson.dumps(value, option=_ORJSON_OPTIONS & ~orjson.OPT_APPEND_NEWLINE)
    return b"    " + text.replace(b"\n", b"\n    ")


def table_key(
    chronology: Chronology, record: IncidentRecord, context: str, fragments: Fragments
) -> tuple[str, ...]:
    """Everything :func:`table_piece` reads: ``context`` (a digest of the vocabulary and the links), the record,
    the records of its actors and places, and its related incidents' ids, titles and relations."""
    c, data, text = chronology, record.data, fragments.record_text
    actors = dict.fromkeys([a.actor for a in data.actors] + [claim.actor for claim in data.claims])
    related = [
        (k.incident.id, k.incident.data.title, k.relation, k.inverse) for k in c.related.get(record.id, ())
    ]
    return (
        "table",
        context,
        text(record),
        *(text(c.actors[a]) for a in actors),
        *(text(c.places[p]) for p in dict.fromkeys(data.places)),
        repr(related),
    )


def _actor_rows(i: dict[str, Any]) -> list[list[object]]:
    return [[i["id"], i["date"], a["id"], a["name"], a["role"]] for a in i["actors"]]


def render_tables(
    chronology: Chronology, links: Links, fragments: Fragments | None = None
) -> dict[str, bytes]:
    """Every JSON and CSV file under data/. ``fragments``: where each incident's part (:func:`table_piece`) is
    kept by everything it is made from (:func:`table_key`), so that only the changed incidents' are made again;
    the bytes are the same either way.

    Memory: incidents.json is put together from each incident's text, not from one list of every record (at
    10,000 incidents the records as Python objects took about 350 MB at once, for 70 MB of files)."""
    records: list[bytes] = []
    rows: list[str] = []
    actor_rows: list[str] = []
    context = ""
    if fragments is not None:
        context = hashlib.sha256(
            f"{links!r}\0{fragments.record_text(chronology.vocabulary)}".encode()
        ).hexdigest()
    for r in chronology.incidents:
        parts: tuple[bytes, str, str] | None
        if fragments is not None:
            key = table_key(chronology, r, context, fragments)
            piece = fragments.get(key, lambda r=r: table_piece(chronology, r, links))
            kept = fragments.parsed(piece) if piece is not None else None
            # as bytes: a text with one letter beyond ASCII is held at 2 or 4 bytes a letter
            parts = (
                (kept["record"].encode("utf-8"), kept["csv"], kept["actors_csv"])
                if kept is not None
                else None
            )
        else:
            parts = table_parts(chronology, r, links)
        if parts is None:  # not plain JSON for orjson: the whole file as to_json writes it
            return _tables(chronology, links, None, "", "")
        records.append(parts[0])
        rows.append(parts[1])
        actor_rows.append(parts[2])
    return _tables(chronology, links, records, "".join(rows), "".join(actor_rows))


def _tables(
    chronology: Chronology, links: Links, records: list[bytes] | None, rows: str, actor_rows: str
) -> dict[str, bytes]:
    """The files under data/ from each incident's :func:`record_json` text and the CSV lines; ``records`` None:
    every record made again and incidents.json written by :func:`to_json` (a record orjson refuses)."""
    header = {
        "version": FORMAT_VERSION,
        "title": chronology.vocabulary.title,
        "licence": LICENCE,
        "updated": latest_date(chronology).isoformat(),
    }
    if records is None:
        incidents = [incident_record(chronology, r, links) for r in chronology.incidents]
        incidents_json = to_json({**header, "count": len(incidents), "incidents": incidents})
        rows = _csv_lines(incident_rows(incidents))
        actor_rows = _csv_lines(row for i in incidents for row in _actor_rows(i))
    else:
        incidents_json = _spliced(
            to_json({**header, "count": len(records), "incidents": []}), "incidents", records
        )
    actors = [actor_record(chronology, a, links) for a in chronology.actors]
    places = [place_record(chronology, p, links) for p in chronology.places]
    return {
        "data/incidents.json": incidents_json,
        "data/actors.json": to_json({**header, "count": len(actors), "actors": actors}),
        "data/places.json": to_json({**header, "count": len(places), "places": places}),
        "data/incidents.csv": to_csv([c for c, _, _ in INCIDENT_COLUMNS], ()) + rows.encode("utf-8"),
        "data/incident_actors.csv": to_csv([c for c, _, _ in INCIDENT_ACTOR_COLUMNS], ())
        + actor_rows.encode("utf-8"),
        "data/datapackage.json": to_json(data_package(chronology.vocabulary.title, header["updated"])),
    }


def _spliced(text: bytes, key: str, items: list[bytes]) -> bytes:
    """``text`` (:func:`to_json` of an object whose ``key`` is an empty list, not its last key) with that list
    holding ``items`` (each a :func:`record_json` text): the bytes :func:`to_json` writes for the whole object,
    made in one piece (memory). The key's line is found by its two-space indent: no other line of a top-level
    object's text starts so (a JSON string holds no raw line break)."""
    line = b'\n  "' + key.encode() + b'": [],\n'
    if text.count(line) != 1:
        raise ValueError(f"no single top-level {key!r} list to fill")
    if not items:
        return text
    head, tail = text.split(line)
    parts = [head, line[:-3] + b"\n"]  # the line without its "],"
    for item in items:
        parts += (item, b",\n")
    parts[-1] = b"\n  ],\n"
    return b"".join((*parts, tail))


def data_package(title: str, updated: str) -> dict[str, Any]:
    """A Frictionless Data Package descriptor for the CSV files: their dialect and every column's type."""
    resources = []
    for path, columns in CSV_FILES.items():
        name = path.removeprefix("data/").removesuffix(".csv").replace("_", "-")
        fields: list[dict[str, Any]] = []
        for column, description, kind in columns:
            field: dict[str, Any] = {"name": column, "type": kind, "description": description}
            if kind == "boolean":
                field |= {"trueValues": ["true"], "falseValues": ["false"]}
            fields.append(field)
        resources.append(
            {
                "name": name,
                "profile": "tabular-data-resource",
                "path": path.removeprefix("data/"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "header": True},
                "schema": {"fields": fields, "missingValues": [""]},
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "fault-lines",
        "title": title,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "created": f"{updated}T00:00:00Z",  # the content's latest day, not the build time (reproducible)
        "resources": resources,
    }
