"""The content model as pydantic v2 models: one schema per kind, used by the validator and JSON Schemas.

Every model forbids unknown fields and is strict (``yes`` is not ``true``; ``"10"`` is not ``10``), so nothing
a contributor wrote is silently dropped or changed. Cross-file rules (references, identity) live in ``check``.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from generator.dates import PartialDate

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
SOURCE_REF_PATTERN = r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*|https?://[^\s/?#]+[^\s]*)$"
EXCERPT_MAX = 500  # characters per excerpt: short passages only (fair quotation)
EXCERPTS_PER_SOURCE = 4
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]
Url = Annotated[str, Field(pattern=URL_PATTERN, max_length=2000)]
SourceKey = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=40)]
SourceRef = Annotated[str, Field(pattern=SOURCE_REF_PATTERN, max_length=2000)]
Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN, max_length=35)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Label = Annotated[str, Field(min_length=1, max_length=120)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


def _pair_from_list(value: Any) -> Any:
    # YAML gives a list; strict mode would otherwise refuse it for a tuple ("must be a list, not a list")
    return tuple(value) if isinstance(value, list) else value


Coordinates = Annotated[
    tuple[Latitude, Longitude],
    BeforeValidator(_pair_from_list, json_schema_input_type=tuple[Latitude, Longitude]),
]


class Model(BaseModel):
    """Base: unknown fields are errors, values are not coerced, records are immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False)


def _single_line(value: str) -> str:
    if "\n" in value.strip():
        raise ValueError("must be a single line of plain text")
    return value.strip()


def _related_from_id(value: Any) -> Any:
    return {"incident": value} if isinstance(value, str) else value


# --- incidents ---------------------------------------------------------------------------------------------


class ActorRole(Model):
    """An actor taking part in an incident, in a role from the vocabulary."""

    actor: Slug = Field(description="An actor id (the actor's file name without .md).")
    role: Slug = Field(description="A key of `roles` in vocabulary.yml.")


class Excerpt(Model):
    """A passage of a source's own text, copied verbatim, that supports what the incident says."""

    text: Annotated[str, Field(min_length=1, max_length=EXCERPT_MAX)] = Field(
        description=f"Copied character for character from the source, in its language; at most {EXCERPT_MAX} "
        "characters (short passages only)."
    )
    translation: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        None, description="An English translation of a passage in another language (ours, not the source's)."
    )


class Source(Model):
    """A published source for an incident."""

    key: SourceKey = Field(
        description="Short name the claims, figures and narrative cite it by (`jiji-1210`): the publisher or "
        "agency and the publication's month and day (`-2` for a second one of the day); unique within the "
        "incident.",
    )
    url: Url = Field(description="Absolute http(s) address of the page, exactly as published.")
    publisher: Label = Field(description="Who published it (outlet, ministry, agency).")
    title: Annotated[str, Field(min_length=1, max_length=300)] | None = Field(
        None, description="The headline exactly as published. Never invented; leave out when unknown."
    )
    published: PartialDate | None = Field(None, description="Publication date, at its own precision.")
    language: Language | None = Field(
        None, description="BCP 47 language tag when not English (ja, zh, ko, ru)."
    )
    kind: Slug | None = Field(
        None, description="A key of `source_kinds` in vocabulary.yml (official, wire, ...)."
    )
    archive_url: Url | None = Field(None, description="An archived copy (for example on web.archive.org).")
    url_status: Literal["live", "dead"] | None = Field(
        None, description="`dead` when the page is gone: pages then link the archive copy first."
    )
    note: Text | None = Field(None, description="What this source supports, or a caveat about it.")
    excerpts: Annotated[list[Excerpt], Field(max_length=EXCERPTS_PER_SOURCE)] = Field(
        [],
        description=f"The source's own words supporting the incident, at most {EXCERPTS_PER_SOURCE} passages of "
        f"at most {EXCERPT_MAX} characters: short passages only (fair quotation).",
    )

    _title = field_validator("title")(_single_line)


class Claim(Model):
    """What a party said, attributed to it, never restated as fact."""

    actor: Slug = Field(description="Who said it: an actor id.")
    text: Text = Field(description="What was said; a paraphrase unless `quote: true`.")
    quote: bool = Field(False, description="`true` only when `text` is the party's exact words in a source.")
    date: PartialDate | None = Field(None, description="When it was said.")
    source: SourceRef = Field(description="The key (or URL) of one of this incident's sources.")


class Figure(Model):
    """A number as one source gives it; when sources disagree, each gets its own entry."""

    what: Label = Field(description="What is counted or measured (`aircraft in the KADIZ`).")
    value: int | float | Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="The number (or a short text such as `about 8 hours`)."
    )
    unit: Annotated[str, Field(max_length=30)] | None = Field(None, description="Unit, when not a count.")
    period: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="The period the figure covers (`FY2024`, `April–September 2025`)."
    )
    source: SourceRef = Field(description="The key (or URL) of one of this incident's sources.")
    note: Text | None = Field(None, description="A caveat about this figure.")

    @field_validator("value")
    @classmethod
    def _finite(cls, value: int | float | str) -> int | float | str:
        # YAML reads .nan and .inf as numbers; no source counts those, and JSON has no way to write them
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"must be a finite number, not {value} (put a text figure in quotes)")
        return value


class Related(Model):
    """A link to another incident, with how the two relate."""

    incident: Slug = Field(description="The related incident's id.")
    relation: Slug | None = Field(
        None, description="A key of `relations` in vocabulary.yml (responds-to, ...)."
    )


class Location(Model):
    """Where the incident happened when no place file says it precisely enough."""

    description: Label = Field(description="In words (`~270 km west of Okidaitojima`).")
    coordinates: Coordinates | None = Field(None, description="[latitude, longitude], WGS 84.")
    approximate: bool = Field(False, description="`true` when the coordinates are only a rough centre point.")
    route: Annotated[list[Coordinates], Field(min_length=2, max_length=50)] | None = Field(
        None,
        description="The path the sources describe, as ordered [latitude, longitude] points (approximate when "
        "`approximate` is true).",
    )


class Incident(Model):
    """One incident: content/incidents/<year>/<date>-<slug>.md."""

    title: Annotated[str, Field(min_length=10, max_length=140)] = Field(
        description="Plain text, 10–140 chars."
    )
    date: PartialDate = Field(description="YYYY-MM-DD, YYYY-MM or YYYY, in the incident's time zone.")
    end_date: PartialDate | None = Field(
        None, description="Last day of a range; same forms, not before `date`."
    )
    type: Slug = Field(description="A key of `incident_types` in vocabulary.yml.")
    status: Slug = Field("confirmed", description="A key of `statuses` in vocabulary.yml.")
    status_note: Text | None = Field(
        None, description="Why the status is not `confirmed` (required if retracted)."
    )
    replaced_by: Slug | None = Field(
        None, description="For a retracted incident: the incident that replaces it."
    )
    summary: Annotated[str, Field(min_length=20, max_length=400)] = Field(
        description="One plain-text paragraph, at most 400 chars."
    )
    actors: Annotated[list[ActorRole], Field(min_length=1)] = Field(
        description="At least one actor with a role."
    )
    places: list[Slug] = Field([], description="Place ids.")
    location: Location | None = Field(None, description="A more precise location than the places give.")
    series: Slug | None = Field(None, description="A key of `series` in vocabulary.yml.")
    series_number: Annotated[int, Field(ge=1)] | None = Field(None, description="Number in the series.")
    series_alt_number: Annotated[int, Field(ge=1)] | None = Field(
        None, description="The series' alternative count (see the series' `alt_numbering`)."
    )
    time: Annotated[str, Field(max_length=200)] | None = Field(None, description="Local time(s), free text.")
    timezone: Annotated[str, Field(max_length=60)] | None = Field(None, description="IANA time zone.")
    claims: list[Claim] = Field([], description="Attributed statements.")
    figures: list[Figure] = Field([], description="Numbers per source.")
    sources: Annotated[list[Source], Field(min_length=1)] = Field(description="At least one source.")
    related: list[
        Annotated[Related, BeforeValidator(_related_from_id, json_schema_input_type=Slug | Related)]
    ] = Field([], description="Related incident ids, or {incident, relation}; shown in both directions.")
    previous_ids: list[Slug] = Field([], description="Ids this incident had before (old URLs redirect here).")
    tags: list[Slug] = Field([], description="Free tags.")

    _title = field_validator("title")(_single_line)
    _summary = field_validator("summary")(lambda v: " ".join(v.split()))

    def source_for(self, ref: str) -> Source | None:
        """The source a claim, figure or citation names, by its key or (as older files do) its URL."""
        for source in self.sources:
            if ref in (source.key, source.url):
                return source
        return None


# --- actors and places -------------------------------------------------------------------------------------


class Position(Model):
    """An office a person held, with dates."""

    title: Label = Field(description="The office (`Minister of Defense`).")
    of: Slug | None = Field(None, description="The actor id of the body the office belongs to.")
    start: PartialDate = Field(alias="from", description="First day in office.")
    end: PartialDate | None = Field(None, alias="to", description="Last day in office; omit while in office.")


class Actor(Model):
    """A state, armed force, ministry, agency, person or organisation: content/actors/<id>.md."""

    name: Label = Field(description="Display name in English.")
    kind: Slug = Field(description="A key of `actor_kinds` in vocabulary.yml.")
    country: Annotated[str, Field(pattern=COUNTRY_PATTERN)] | None = Field(
        None, description="ISO 3166-1 alpha-2."
    )
    parent: Slug | None = Field(None, description="The actor this one belongs to.")
    names: dict[Language, Label] = Field({}, description="Names in other languages, by BCP 47 tag.")
    aliases: list[Label] = Field([], description="Other names and abbreviations; searchable.")
    links: dict[Slug, Url] = Field({}, description="Reference links (`wikipedia: https://...`).")
    positions: list[Position] = Field([], description="Offices held (people).")


class Place(Model):
    """A sea, strait, island, zone or area: content/places/<id>.md."""

    name: Label = Field(description="Display name in English (see the methodology for contested names).")
    kind: Slug = Field(description="A key of `place_kinds` in vocabulary.yml.")
    coordinates: Coordinates | None = Field(None, description="[latitude, longitude], WGS 84.")
    coordinates_approximate: bool = Field(
        False, description="`true` when the coordinates are a rough centre."
    )
    parent: Slug | None = Field(None, description="The place this one lies in.")
    names: dict[Language, Label] = Field({}, description="Names in other languages, by BCP 47 tag.")
    aliases: list[Label] = Field([], description="Other names, including contested ones; searchable.")


# --- vocabulary --------------------------------------------------------------------------------------------


class Term(Model):
    """A word of the chronology's vocabulary."""

    label: Label
    description: Annotated[str, Field(max_length=600)] = ""


class TypeTerm(Term):
    """An incident type, with its badge colour."""

    color: Annotated[str, Field(pattern=COLOR_PATTERN)] = "#607d8b"
    on_map: bool = Field(
        True,
        description="`false` for types with no place of their own (statistics, statements, protests): their "
        "incidents are not put on maps, even when a place is named.",
    )


class SeriesTerm(Term):
    """A numbered series of incidents."""

    numbering: Label | None = Field(None, description="Whose numbering `series_number` follows.")
    alt_numbering: Label | None = Field(None, description="Whose count `series_alt_number` follows.")


class SourceKindTerm(Term):
    """A kind of source (official release, wire service, aggregator, ...)."""

    aggregator: bool = Field(
        False, description="`true` for aggregators and mirrors that republish others' copy."
    )


class Vocabulary(Model):
    """content/vocabulary.yml: the chronology's own words."""

    title: Label = Field("Chronology", description="The chronology's name.")
    default_timezone: Annotated[str, Field(max_length=60)] = Field("UTC", description="IANA zone for dates.")
    incident_types: Annotated[dict[Slug, TypeTerm], Field(min_length=1)]
    roles: Annotated[dict[Slug, Term], Field(min_length=1)]
    actor_kinds: Annotated[dict[Slug, Term], Field(min_length=1)]
    place_kinds: Annotated[dict[Slug, Term], Field(min_length=1)]
    statuses: Annotated[dict[Slug, Term], Field(min_length=1)]
    series: dict[Slug, SeriesTerm] = {}
    source_kinds: dict[Slug, SourceKindTerm] = {}
    relations: dict[Slug, Term] = {}


SCHEMAS: dict[str, type[Model]] = {
    "incident": Incident,
    "actor": Actor,
    "place": Place,
    "vocabulary": Vocabulary,
}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of content file (front matter), from the same models the validator uses."""
    schema = SCHEMAS[kind].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
