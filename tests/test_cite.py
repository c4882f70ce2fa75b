"""Citations and sharing data of an incident page (generator/render/cite.py), and the badge text contrast."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import incident_path, minimal_files, valid_incident, valid_source, write_tree

from generator.pipeline import run
from generator.render import cite
from generator.render.contrast import contrast, text_color

TRICKY = "2025-11-20-tricky-title"
URL = "https://example.org/chronology/incidents/2025-11-20-tricky-title/"


def tricky_record(tmp_path: Path):  # type: ignore[no-untyped-def]
    files = minimal_files()
    files[incident_path(TRICKY)] = valid_incident(
        title="Ships {enter} 50% of waters & leave </script>",
        date="2025-11-20",
        end_date="2025-11-21",
        summary="A summary with <b>markup</b> & a $ sign.",
        sources=[valid_source(11, title="Headline <i>as</i> published & more"), valid_source(12)],
    )
    result = run(write_tree(tmp_path, files))
    assert result.chronology is not None, result.diagnostics
    return result.chronology.incident_by_id[TRICKY]


def test_bibtex_escapes_latex_specials_and_names_the_record(tmp_path: Path) -> None:
    entry = cite.bibtex("Test Chronology", tricky_record(tmp_path), URL)
    assert entry.startswith(f"@misc{{test-chronology:{TRICKY},\n")
    assert r"  title = {{Ships \{enter\} 50\% of waters \& leave </script>}}," in entry
    assert f"  note = {{Incident of 20–21 November 2025, record {TRICKY}}}," in entry
    assert entry.endswith(f"  url = {{{URL}}}\n}}")


def test_csl_json_is_json_with_event_dates(tmp_path: Path) -> None:
    (item,) = json.loads(cite.csl_json("Test Chronology", tricky_record(tmp_path), URL))
    assert item["type"] == "webpage"
    assert item["title"] == "Ships {enter} 50% of waters & leave </script>"
    assert item["event-date"] == {"date-parts": [[2025, 11, 20], [2025, 11, 21]]}
    assert item["URL"] == URL


def test_plain_text_has_the_url_only_when_the_site_has_one(tmp_path: Path) -> None:
    record = tricky_record(tmp_path)
    assert cite.plain_text("T", record, URL).endswith(f"incident {TRICKY}. {URL}")
    assert cite.plain_text("T", record, "").endswith(f"incident {TRICKY}.")


def test_json_ld_cannot_close_its_script_element(tmp_path: Path) -> None:
    text = cite.json_ld(tricky_record(tmp_path), URL, ["East China Sea"])
    assert not {"<", ">", "&"} & set(text)
    data = json.loads(text)
    assert data["@type"] == "Event"
    assert data["name"] == "Ships {enter} 50% of waters & leave </script>"
    assert (data["startDate"], data["endDate"]) == ("2025-11-20", "2025-11-21")
    assert data["subjectOf"][0]["name"] == "Headline <i>as</i> published & more"
    assert data["location"] == [{"@type": "Place", "name": "East China Sea"}]


# Properties schema.org defines, per type (https://schema.org/Event, /Place, /GeoCoordinates, /CreativeWork,
# /Organization; each with those of https://schema.org/Thing): the ones a validator accepts on each node.
THING = {"@type", "@context", "name", "description", "url", "sameAs", "subjectOf", "identifier", "image"}
SCHEMA_ORG = {
    "Event": THING | {"startDate", "endDate", "location", "about", "organizer", "eventStatus", "duration"},
    "Place": THING | {"geo", "address", "containedInPlace", "latitude", "longitude"},
    "GeoCoordinates": THING | {"latitude", "longitude", "elevation"},
    "CreativeWork": THING | {"publisher", "datePublished", "inLanguage", "citation", "headline", "author"},
    "Organization": THING,
}


def defined_everywhere(node: Any) -> list[str]:
    """Every property used on a node whose type does not define it (``Type.property``)."""
    if isinstance(node, list):
        return [p for item in node for p in defined_everywhere(item)]
    if not isinstance(node, dict):
        return []
    kind = node.get("@type", "")
    wrong = [f"{kind}.{key}" for key in node if key not in SCHEMA_ORG.get(kind, set())]
    return wrong + [p for value in node.values() for p in defined_everywhere(value)]


def test_json_ld_uses_only_properties_schema_org_defines_and_places_with_geo(tmp_path: Path) -> None:
    from generator.schema import Place

    sea = Place(name="East China Sea", kind="sea", coordinates=(29.0, 125.0))
    data = json.loads(cite.json_ld(tricky_record(tmp_path), URL, [sea, "Somewhere unmapped"]))
    assert defined_everywhere(data) == []
    assert "citation" not in data  # schema.org defines citation for CreativeWork, not Event
    assert data["location"][0]["geo"] == {"@type": "GeoCoordinates", "latitude": 29.0, "longitude": 125.0}
    assert data["location"][1] == {"@type": "Place", "name": "Somewhere unmapped"}
    assert [w["@type"] for w in data["subjectOf"]] == ["CreativeWork"] * len(data["subjectOf"])


def test_badge_text_colour_reaches_wcag_aa_on_any_background() -> None:
    for background in ("#607d8b", "#8e1b1b", "#ffeb3b", "#777777", "#000000", "#ffffff", "#757575"):
        assert contrast(background, text_color(background)) >= 4.5, background
