"""How to cite an incident page, and how machines read it: plain text, BibTeX, CSL-JSON and JSON-LD.

Pure functions of the record, the chronology's title and the page's absolute URL (empty when the site has no
``site_url``). No access date or build time goes in: the same chronology gives the same bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from generator.dates import PartialDate, human_range
from generator.model import IncidentRecord

BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
BIBTEX_TABLE = str.maketrans(BIBTEX_SPECIALS)  # one C-level pass instead of a Python step per character
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Citation:
    """One incident's citation in every format the page offers."""

    text: str
    bibtex: str
    csl_json: str

    def formats(self) -> list[dict[str, str]]:
        """What the page shows, in order: element id, caption, button text, CSS class and text of each
        (keys that are not dict methods: Jinja2 would find `copy` on the dict before the key)."""
        return [
            format_view("cite-text", "Plain text", "plain text", "fl-cite-text", self.text),
            format_view("cite-bibtex", "BibTeX", "BibTeX", "fl-cite-code", self.bibtex),
            format_view("cite-csl", "CSL-JSON", "CSL-JSON", "fl-cite-code", self.csl_json),
        ]


def format_view(element_id: str, label: str, name: str, css_class: str, text: str) -> dict[str, str]:
    return {"id": element_id, "label": label, "button": f"Copy {name}", "class": css_class, "text": text}


def slug(text: str) -> str:
    """ASCII letters and digits joined by hyphens: a BibTeX key prefix from the chronology's title."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chronology"


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX field value: LaTeX's special characters escaped, everything else (UTF-8) kept."""
    return " ".join(text.split()).translate(BIBTEX_TABLE)


def date_parts(date: PartialDate) -> list[int]:
    """CSL's ``date-parts`` for a date known to the year, month or day."""
    return [part for part in (date.year, date.month, date.day) if part]


def plain_text(chronology_title: str, record: IncidentRecord, url: str) -> str:
    data = record.data
    text = (
        f"{chronology_title}, “{data.title}” ({human_range(data.date, data.end_date)}), incident {record.id}."
    )
    return f"{text} {url}" if url else text


def bibtex(chronology_title: str, record: IncidentRecord, url: str) -> str:
    """A ``@misc`` entry: the chronology as author, the incident's dates in the note (never as a publication
    date, which the record does not have)."""
    data = record.data
    fields = [
        ("title", "{" + bibtex_escape(data.title) + "}"),  # double braces keep the capitals as written
        ("author", "{" + bibtex_escape(chronology_title) + "}"),
        ("howpublished", bibtex_escape(chronology_title)),
        ("note", bibtex_escape(f"Incident of {human_range(data.date, data.end_date)}, record {record.id}")),
    ]
    if url:
        fields.append(("url", url))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{slug(chronology_title)}:{record.id},\n{body}\n}}"


def csl_item(chronology_title: str, record: IncidentRecord, url: str) -> dict[str, Any]:
    data = record.data
    event = [date_parts(data.date)] + ([date_parts(data.end_date)] if data.end_date else [])
    item: dict[str, Any] = {
        "id": f"{slug(chronology_title)}:{record.id}",
        "type": "webpage",
        "title": data.title,
        "container-title": chronology_title,
        "author": [{"literal": chronology_title}],
        "event-date": {"date-parts": event},
        "abstract": data.summary,
        "note": f"Incident record {record.id}",
    }
    if url:
        item["URL"] = url
    return item


def csl_json(chronology_title: str, record: IncidentRecord, url: str) -> str:
    """CSL-JSON (a list of one item), as Zotero, Pandoc and citeproc read it."""
    item = csl_item(chronology_title, record, url)
    # one field a line, each value on one line: shorter to read than json.dumps(indent=2), the same JSON
    fields = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in item.items())
    return "[\n  {\n" + fields + "\n  }\n]"


def citation(chronology_title: str, record: IncidentRecord, url: str = "") -> Citation:
    """Plain text, BibTeX and CSL-JSON for one incident page."""
    return Citation(
        text=plain_text(chronology_title, record, url),
        bibtex=bibtex(chronology_title, record, url),
        csl_json=csl_json(chronology_title, record, url),
    )


def json_ld(record: IncidentRecord, url: str = "", places: list[Any] | None = None) -> str:
    """A schema.org ``Event``, its sources as ``subjectOf`` (CreativeWorks about it), safe inside ``<script>``.

    Only properties schema.org defines for each type are used (``citation`` is a CreativeWork's, not an
    Event's). ``location`` lists the incident's own point (``location.coordinates``) and its places, each a
    ``Place`` with ``geo`` where coordinates are known. ``places`` are the place records' data (name and
    coordinates); plain names are accepted too.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e`` and ``\\u0026`` (the same JSON), so
    nothing a contributor wrote can close the script element or open a comment in it.
    """
    data = record.data
    event: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": data.title,
        "description": data.summary,
        "startDate": data.date.iso(),
    }
    if data.end_date:
        event["endDate"] = data.end_date.iso()
    if url:
        event["url"] = url
    located: list[dict[str, Any]] = []
    if data.location:
        located.append(place_item(data.location.description, data.location.coordinates))
    for place in places or ():
        if isinstance(place, str):
            located.append(place_item(place, None))
        else:
            located.append(place_item(place.name, place.coordinates))
    if located:
        event["location"] = located
    event["subjectOf"] = [source_item(source) for source in data.sources]
    text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def place_item(name: str, coordinates: tuple[float, float] | None) -> dict[str, Any]:
    """A schema.org ``Place``, with ``GeoCoordinates`` when the record has them."""
    item: dict[str, Any] = {"@type": "Place", "name": name}
    if coordinates:
        item["geo"] = {"@type": "GeoCoordinates", "latitude": coordinates[0], "longitude": coordinates[1]}
    return item


def source_item(source: Any) -> dict[str, Any]:
    """A source as a schema.org ``CreativeWork``."""
    item: dict[str, Any] = {"@type": "CreativeWork", "url": source.url}
    if source.title:
        item["name"] = source.title
    item["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published:
        item["datePublished"] = source.published.iso()
    if source.language:
        item["inLanguage"] = source.language
    if source.archive_url:
        item["sameAs"] = source.archive_url
    return item
