"""JSON Schemas: the content files' (from the validator's own models) and the published incidents.json's."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from pydantic import BaseModel

from generator.export.records import FORMAT_VERSION
from generator.export.tables import to_json
from generator.model import Chronology
from generator.schema import (
    COUNTRY_PATTERN,
    EXCERPT_MAX,
    EXCERPTS_PER_SOURCE,
    LANGUAGE_PATTERN,
    SCHEMAS,
    SOURCE_REF_PATTERN,
    URL_PATTERN,
    Actor,
    Claim,
    Excerpt,
    Figure,
    Incident,
    Location,
    Place,
    Position,
    Source,
    Vocabulary,
    json_schema,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def content_schema(kind: str, links_base: str) -> dict[str, Any]:
    """A content kind's schema with an ``$id`` and a title, for editors and other validators."""
    schema = json_schema(kind)
    if links_base:  # a relative $id would resolve against wherever the file was saved: leave it out
        schema["$id"] = f"{links_base}schema/{kind}.schema.json"
    schema.setdefault("title", kind.capitalize())
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(k for k in properties if k not in optional),
        "additionalProperties": False,
    }


def _doc(schema: dict[str, Any], description: str | None) -> dict[str, Any]:
    """``schema`` with a description (a copy: the shared nodes below stay bare)."""
    return {**schema, "description": description} if description else dict(schema)


def _field(model: type[BaseModel], name: str) -> str | None:
    """A field's description in the content model: the published schema says what the contributor was told."""
    info = model.model_fields.get(name)
    return info.description if info else None


STRING = {"type": "string"}
TEXT = {"type": "string", "minLength": 1}
DATE = {
    "type": "string",
    "anyOf": [
        {"format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        {"pattern": r"^\d{4}(-(0[1-9]|1[0-2]))?$"},
    ],
}
DAY = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
SLUG = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}
HTTP_URL = {"type": "string", "format": "uri", "pattern": URL_PATTERN}
PAGE_URL = {"type": "string", "format": "uri-reference", "pattern": r"^(https?://|/)[^\s]*$"}
LANGUAGE = {"type": "string", "pattern": LANGUAGE_PATTERN}
LATITUDE = {"type": "number", "minimum": -90, "maximum": 90}
LONGITUDE = {"type": "number", "minimum": -180, "maximum": 180}
POINT = {
    "type": "array",
    "description": "[latitude, longitude], WGS 84.",
    "prefixItems": [LATITUDE, LONGITUDE],
    "items": False,
    "minItems": 2,
}
REF = _object({"id": SLUG, "label": TEXT})


def _enum(keys: Iterable[str], what: str) -> dict[str, Any]:
    """A vocabulary id: one of the keys the chronology's vocabulary.yml defines."""
    return {"type": "string", "enum": sorted(keys), "description": f"A key of `{what}` in vocabulary.yml."}


def _term(keys: Iterable[str], what: str) -> dict[str, Any]:
    return _object({"id": _enum(keys, what), "label": TEXT})


def _header(items: str, item_schema: dict[str, Any]) -> dict[str, Any]:
    return _object(
        {
            "version": {"const": FORMAT_VERSION, "description": "The export format's version."},
            "title": _doc(TEXT, "The chronology's name."),
            "licence": _doc(TEXT, "The licence of the content and the code."),
            "updated": _doc(DAY, "The latest day any incident covers (not the build date)."),
            "count": {"type": "integer", "minimum": 0, "description": f"How many {items} the file holds."},
            items: {"type": "array", "items": item_schema},
        }
    )


def _source_schema(vocabulary: Vocabulary) -> dict[str, Any]:
    f = partial(_field, Source)
    excerpt = _object(
        {
            "text": _doc({**TEXT, "maxLength": EXCERPT_MAX}, _field(Excerpt, "text")),
            "translation": _nullable(_doc(TEXT, _field(Excerpt, "translation"))),
        }
    )
    return _object(
        {
            "key": _doc({**SLUG, "maxLength": 40}, f("key")),
            "url": _doc(HTTP_URL, f("url")),
            "publisher": _doc(TEXT, f("publisher")),
            "title": _nullable(_doc(TEXT, f("title"))),
            "published": _nullable(_doc(DATE, f("published"))),
            "language": _nullable(_doc(LANGUAGE, f("language"))),
            "kind": _nullable(_enum(vocabulary.source_kinds, "source_kinds")),
            "archive_url": _nullable(_doc(HTTP_URL, f("archive_url"))),
            "url_status": {"enum": ["live", "dead", None], "description": f("url_status")},
            "note": _nullable(_doc(TEXT, f("note"))),
            "excerpts": {
                "type": "array",
                "maxItems": EXCERPTS_PER_SOURCE,
                "items": excerpt,
                "description": f("excerpts"),
            },
        }
    )


def _incident_schema(vocabulary: Vocabulary, zones: list[str]) -> dict[str, Any]:
    f = partial(_field, Incident)
    source_ref = {
        "type": "string",
        "pattern": SOURCE_REF_PATTERN,
        "description": "The cited source's key (or, in older files, its URL).",
    }
    resolved = _doc(HTTP_URL, "The cited source's URL, resolved from `source`.")
    return _object(
        {
            "id": _doc(SLUG, "The incident's id: its content file's name without .md."),
            "url": _doc(PAGE_URL, "The incident's page."),
            "title": _doc({**TEXT, "minLength": 10, "maxLength": 140}, f("title")),
            "date": _doc(DATE, f("date")),
            "end_date": _nullable(_doc(DATE, f("end_date"))),
            "date_precision": {"enum": ["day", "month", "year"], "description": "The precision of `date`."},
            "first_day": _doc(DAY, "The first day `date` covers."),
            "last_day": _doc(DAY, "The last day the incident covers (`end_date`, else `date`)."),
            "time": _nullable(_doc(STRING, f("time"))),
            "timezone": {"type": "string", "enum": zones, "description": "The IANA time zone of the dates."},
            "type": _term(vocabulary.incident_types, "incident_types"),
            "status": _term(vocabulary.statuses, "statuses"),
            "status_note": _nullable(_doc(TEXT, f("status_note"))),
            "replaced_by": _nullable(_doc(SLUG, f("replaced_by"))),
            "summary": _doc({**TEXT, "maxLength": 400}, f("summary")),
            "actors": {
                "type": "array",
                "minItems": 1,
                "description": f("actors"),
                "items": _object(
                    {
                        "id": _doc(SLUG, "An actor id (see actors.json)."),
                        "name": TEXT,
                        "role": _enum(vocabulary.roles, "roles"),
                        "role_label": TEXT,
                    }
                ),
            },
            "places": {
                "type": "array",
                "description": f("places"),
                "items": _object(
                    {
                        "id": _doc(SLUG, "A place id (see places.json)."),
                        "name": TEXT,
                        "coordinates": _nullable(POINT),
                    }
                ),
            },
            "location": _nullable(
                _object(
                    {
                        "description": _doc(TEXT, _field(Location, "description")),
                        "coordinates": _nullable(POINT),
                        "approximate": {"type": "boolean", "description": _field(Location, "approximate")},
                        "route": _nullable(
                            {
                                "type": "array",
                                "minItems": 2,
                                "items": POINT,
                                "description": _field(Location, "route"),
                            }
                        ),
                    }
                )
            ),
            "coordinates": _nullable(
                _object(
                    {
                        "lat": LATITUDE,
                        "lon": LONGITUDE,
                        "approximate": {"type": "boolean"},
                        "of": _doc(
                            TEXT, "What the point is (the location's description, or a place's name)."
                        ),
                    }
                )
            ),
            "series": _nullable(
                _object(
                    {
                        "id": _enum(vocabulary.series, "series"),
                        "label": TEXT,
                        "number": _nullable({"type": "integer", "minimum": 1}),
                        "alt_number": _nullable({"type": "integer", "minimum": 1}),
                    }
                )
            ),
            "claims": {
                "type": "array",
                "description": f("claims"),
                "items": _object(
                    {
                        "actor": SLUG,
                        "actor_name": TEXT,
                        "text": _doc(TEXT, _field(Claim, "text")),
                        "quote": {"type": "boolean", "description": _field(Claim, "quote")},
                        "date": _nullable(DATE),
                        "source": source_ref,
                        "source_url": resolved,
                    }
                ),
            },
            "figures": {
                "type": "array",
                "description": f("figures"),
                "items": _object(
                    {
                        "what": _doc(TEXT, _field(Figure, "what")),
                        "value": {
                            "type": ["integer", "number", "string"],
                            "description": _field(Figure, "value"),
                        },
                        "unit": _nullable(STRING),
                        "period": _nullable(STRING),
                        "source": source_ref,
                        "source_url": resolved,
                        "note": _nullable(TEXT),
                    }
                ),
            },
            "sources": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/$defs/source"},
                "description": f("sources"),
            },
            "related": {
                "type": "array",
                "description": f("related"),
                "items": _object(
                    {
                        "id": SLUG,
                        "title": TEXT,
                        "relation": _nullable(_enum(vocabulary.relations, "relations")),
                        "direction": {
                            "enum": ["outgoing", "incoming"],
                            "description": "`incoming` when the other incident lists this one.",
                        },
                        "url": PAGE_URL,
                    }
                ),
            },
            "previous_ids": {"type": "array", "items": SLUG, "description": f("previous_ids")},
            "tags": {"type": "array", "items": SLUG, "description": f("tags")},
            "content_path": _doc(TEXT, "The content file, relative to the project."),
        }
    )


def _document(
    title: str, path: str, body: dict[str, Any], defs: dict[str, Any], links_base: str
) -> dict[str, Any]:
    schema = {
        "$schema": DRAFT,
        "title": title,
        "description": f"{path}, format version {FORMAT_VERSION}.",
        **body,
    }
    schema["$defs"] = defs
    if links_base:
        schema["$id"] = f"{links_base}{path.removesuffix('.json')}.schema.json"
    return schema


def incidents_export_schema(links_base: str, chronology: Chronology) -> dict[str, Any]:
    """The schema of data/incidents.json (checked against the real output by the tests)."""
    vocabulary = chronology.vocabulary
    zones = sorted(
        {vocabulary.default_timezone} | {r.data.timezone for r in chronology.incidents if r.data.timezone}
    )
    body = _header("incidents", {"$ref": "#/$defs/incident"})
    defs = {"incident": _incident_schema(vocabulary, zones), "source": _source_schema(vocabulary)}
    return _document("Fault Lines incidents export", "data/incidents.json", body, defs, links_base)


def _names(names: str | None, aliases: str | None) -> dict[str, Any]:
    """An actor's or place's other names: by language tag, and aliases."""
    return {
        "names": {
            "type": "object",
            "propertyNames": LANGUAGE,
            "additionalProperties": TEXT,
            "description": names,
        },
        "aliases": {"type": "array", "items": TEXT, "description": aliases},
    }


def actors_export_schema(links_base: str, chronology: Chronology) -> dict[str, Any]:
    """The schema of data/actors.json."""
    vocabulary = chronology.vocabulary
    f = partial(_field, Actor)
    position = _object(
        {
            "title": _doc(TEXT, _field(Position, "title")),
            "of": _nullable(_doc(SLUG, _field(Position, "of"))),
            "from": _doc(DATE, _field(Position, "start")),
            "to": _nullable(_doc(DATE, _field(Position, "end"))),
        }
    )
    actor = _object(
        {
            "id": _doc(SLUG, "The actor's id: its content file's name without .md."),
            "url": _doc(PAGE_URL, "The actor's page."),
            "feed": _doc(PAGE_URL, "The actor's Atom feed."),
            "name": _doc(TEXT, f("name")),
            "kind": _term(vocabulary.actor_kinds, "actor_kinds"),
            "country": _nullable(_doc({"type": "string", "pattern": COUNTRY_PATTERN}, f("country"))),
            "parent": _nullable(_doc(SLUG, f("parent"))),
            **_names(f("names"), f("aliases")),
            "links": {
                "type": "object",
                "propertyNames": SLUG,
                "additionalProperties": HTTP_URL,
                "description": f("links"),
            },
            "positions": {"type": "array", "items": position, "description": f("positions")},
            "incident_count": {"type": "integer", "minimum": 0},
            "incidents": {
                "type": "array",
                "items": SLUG,
                "description": "Ids of the incidents it takes part in.",
            },
            "content_path": TEXT,
        }
    )
    body = _header("actors", {"$ref": "#/$defs/actor"})
    return _document("Fault Lines actors export", "data/actors.json", body, {"actor": actor}, links_base)


def places_export_schema(links_base: str, chronology: Chronology) -> dict[str, Any]:
    """The schema of data/places.json."""
    vocabulary = chronology.vocabulary
    f = partial(_field, Place)
    place = _object(
        {
            "id": _doc(SLUG, "The place's id: its content file's name without .md."),
            "url": _doc(PAGE_URL, "The place's page."),
            "name": _doc(TEXT, f("name")),
            "kind": _term(vocabulary.place_kinds, "place_kinds"),
            "coordinates": _nullable(POINT),
            "coordinates_approximate": {"type": "boolean", "description": f("coordinates_approximate")},
            "parent": _nullable(_doc(SLUG, f("parent"))),
            **_names(f("names"), f("aliases")),
            "incident_count": {"type": "integer", "minimum": 0},
            "incidents": {"type": "array", "items": SLUG, "description": "Ids of the incidents placed here."},
            "content_path": TEXT,
        }
    )
    body = _header("places", {"$ref": "#/$defs/place"})
    return _document("Fault Lines places export", "data/places.json", body, {"place": place}, links_base)


EXPORT_SCHEMAS = {
    "data/incidents.json": incidents_export_schema,
    "data/actors.json": actors_export_schema,
    "data/places.json": places_export_schema,
}


def schema_path(data_path: str) -> str:
    """Where the schema of a published JSON file lives (``data/x.json`` -> ``data/x.schema.json``)."""
    return data_path.removesuffix(".json") + ".schema.json"


def render_schemas(links_base: str, chronology: Chronology) -> dict[str, bytes]:
    """schema/<kind>.schema.json for every content kind, and data/<file>.schema.json for every JSON export."""
    files = {f"schema/{kind}.schema.json": to_json(content_schema(kind, links_base)) for kind in SCHEMAS}
    for path, make in EXPORT_SCHEMAS.items():
        files[schema_path(path)] = to_json(make(links_base, chronology))
    return files
