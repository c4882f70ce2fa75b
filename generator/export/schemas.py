"""JSON Schemas: the content files' (from the validator's own models) and the published incidents.json's."""

from __future__ import annotations

from typing import Any

from generator.export.records import FORMAT_VERSION
from generator.export.tables import to_json
from generator.schema import EXCERPT_MAX, EXCERPTS_PER_SOURCE, SCHEMAS, json_schema

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


STRING = {"type": "string"}
DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
DAY = {"type": "string", "format": "date"}
SLUG = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}
REF = _object({"id": SLUG, "label": STRING})
POINT = {"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}], "items": False}


def incidents_export_schema(links_base: str) -> dict[str, Any]:
    """The schema of data/incidents.json (checked against the real output by the tests)."""
    source = {
        "type": "object",
        "properties": {
            "url": STRING,
            "publisher": STRING,
            "title": _nullable(STRING),
            "published": _nullable(DATE),
            "language": _nullable(STRING),
            "kind": _nullable(SLUG),
            "archive_url": _nullable(STRING),
            "url_status": {"enum": ["live", "dead", None]},
            "note": _nullable(STRING),
            "key": {
                **SLUG,
                "description": "The source's short name within its incident (jiji-1210): what claims, figures "
                "and the incident's text cite.",
            },
            "excerpts": {
                "type": "array",
                "maxItems": EXCERPTS_PER_SOURCE,
                "description": "Passages of the source's own words that support the incident, copied verbatim "
                "in the source's language: short passages only (fair quotation).",
                "items": _object(
                    {
                        "text": {
                            **STRING,
                            "maxLength": EXCERPT_MAX,
                            "description": "The passage, character for character as the source has it.",
                        },
                        "translation": {
                            **_nullable(STRING),
                            "description": "An English translation of a passage in another language: "
                            "ours, not the source's.",
                        },
                    }
                ),
            },
        },
        "required": ["key", "url", "publisher", "excerpts"],
        "additionalProperties": False,
    }
    incident = _object(
        {
            "id": SLUG,
            "url": STRING,
            "title": STRING,
            "date": DATE,
            "end_date": _nullable(DATE),
            "date_precision": {"enum": ["day", "month", "year"]},
            "first_day": DAY,
            "last_day": DAY,
            "time": _nullable(STRING),
            "timezone": STRING,
            "type": REF,
            "status": REF,
            "status_note": _nullable(STRING),
            "replaced_by": _nullable(SLUG),
            "summary": STRING,
            "actors": {
                "type": "array",
                "minItems": 1,
                "items": _object({"id": SLUG, "name": STRING, "role": SLUG, "role_label": STRING}),
            },
            "places": {
                "type": "array",
                "items": _object({"id": SLUG, "name": STRING, "coordinates": _nullable(POINT)}),
            },
            "location": _nullable(
                _object(
                    {
                        "description": STRING,
                        "coordinates": _nullable(POINT),
                        "approximate": {"type": "boolean"},
                        "route": _nullable({"type": "array", "minItems": 2, "items": POINT}),
                    }
                )
            ),
            "coordinates": _nullable(
                _object(
                    {
                        "lat": {"type": "number", "minimum": -90, "maximum": 90},
                        "lon": {"type": "number", "minimum": -180, "maximum": 180},
                        "approximate": {"type": "boolean"},
                        "of": STRING,
                    }
                )
            ),
            "series": _nullable(
                _object(
                    {
                        "id": SLUG,
                        "label": STRING,
                        "number": _nullable({"type": "integer"}),
                        "alt_number": _nullable({"type": "integer"}),
                    }
                )
            ),
            "claims": {
                "type": "array",
                "items": _object(
                    {
                        "actor": SLUG,
                        "actor_name": STRING,
                        "text": STRING,
                        "quote": {"type": "boolean"},
                        "date": _nullable(DATE),
                        "source": STRING,
                        "source_url": STRING,
                    }
                ),
            },
            "figures": {
                "type": "array",
                "items": _object(
                    {
                        "what": STRING,
                        "value": {"type": ["integer", "number", "string"]},
                        "unit": _nullable(STRING),
                        "period": _nullable(STRING),
                        "source": STRING,
                        "source_url": STRING,
                        "note": _nullable(STRING),
                    }
                ),
            },
            "sources": {"type": "array", "minItems": 1, "items": source},
            "related": {
                "type": "array",
                "items": _object(
                    {
                        "id": SLUG,
                        "title": STRING,
                        "relation": _nullable(SLUG),
                        "direction": {"enum": ["outgoing", "incoming"]},
                        "url": STRING,
                    }
                ),
            },
            "previous_ids": {"type": "array", "items": SLUG},
            "tags": {"type": "array", "items": SLUG},
            "content_path": STRING,
        }
    )
    schema = {
        "$schema": DRAFT,
        "title": "Fault Lines incidents export",
        "description": f"data/incidents.json, format version {FORMAT_VERSION}.",
        **_object(
            {
                "version": {"const": FORMAT_VERSION},
                "title": STRING,
                "licence": STRING,
                "updated": DAY,
                "count": {"type": "integer", "minimum": 0},
                "incidents": {"type": "array", "items": {"$ref": "#/$defs/incident"}},
            }
        ),
        "$defs": {"incident": incident},
    }
    if links_base:
        schema["$id"] = f"{links_base}data/incidents.schema.json"
    return schema


def render_schemas(links_base: str) -> dict[str, bytes]:
    """schema/<kind>.schema.json for every content kind, and data/incidents.schema.json."""
    files = {f"schema/{kind}.schema.json": to_json(content_schema(kind, links_base)) for kind in SCHEMAS}
    files["data/incidents.schema.json"] = to_json(incidents_export_schema(links_base))
    return files
