"""The data exports (JSON, CSV, Atom, JSON Feed, iCalendar, JSON Schemas) and the /stats/, /map/ and /data/
pages, read back with real third-party parsers, and one real ``mkdocs build --strict``."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import icalendar
import jsonschema
import pytest
import yaml
from helpers import incident_path, minimal_files, valid_incident, valid_source
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_project import build_env, make_project

from generator.export import export_pages, render_exports
from generator.export.ical import to_ical
from generator.export.mappage import markers
from generator.export.stats import statistics
from generator.export.tables import neutralise, to_json
from generator.model import Chronology
from generator.pipeline import run
from generator.schema import SCHEMAS

SITE = "https://example.org/fault-lines/"
SCHEMAS_DIR = Path(__file__).parent / "schemas"
FORMULA_TITLE = '=HYPERLINK("https://evil.example","Click here")'


def export_files() -> dict[str, Any]:
    """minimal_files() plus a month-precision incident with published figures, a formula-looking title, an
    incident placed by precise coordinates and one with no location at all."""
    files = minimal_files()
    files[incident_path("2025-11-scramble-figures")] = valid_incident(
        title="Ministry publishes fighter scramble figures",
        date="2025-11",
        type="radar-lock",
        summary="The ministry published how often fighters scrambled in the last two fiscal years.",
        actors=[{"actor": "japan-ministry-of-defense", "role": "participant"}],
        places=[],
        figures=[
            {"what": "JASDF scrambles", "value": 669, "period": "FY2023", "source": valid_source(7)["url"]},
            {"what": "JASDF scrambles", "value": 704, "period": "FY2024", "source": valid_source(7)["url"]},
        ],
        sources=[valid_source(7), valid_source(8)],
    )
    files[incident_path("2024-03-02-formula-title")] = valid_incident(
        title=FORMULA_TITLE,
        date="2024-03-02",
        summary="-1+1 looks like a formula to a spreadsheet; this summary must not run as one.",
        places=[],
        location={
            "description": "Near the Senkaku Islands",
            "coordinates": [25.75, 123.5],
            "approximate": True,
        },
        sources=[valid_source(9), valid_source(10)],
    )
    return files


@pytest.fixture(scope="module")
def chronology(tmp_path_factory: pytest.TempPathFactory) -> Chronology:
    from helpers import write_tree

    root = write_tree(tmp_path_factory.mktemp("exports"), export_files())
    result = run(root, today=dt.date(2026, 1, 1))
    assert result.chronology is not None, result.diagnostics
    return result.chronology


@pytest.fixture(scope="module")
def exports(chronology: Chronology) -> dict[str, bytes]:
    return render_exports(chronology, site_url=SITE)


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


# --- JSON ---


def test_incidents_json_validates_against_its_published_schema(exports: dict[str, bytes]) -> None:
    schema = json.loads(exports["data/incidents.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(exports["data/incidents.json"])
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["version"] == "1.0"
    assert document["count"] == len(document["incidents"]) == 5


def _validator(exports: dict[str, bytes], path: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(exports[path.removesuffix(".json") + ".schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@pytest.mark.parametrize("path", ["data/incidents.json", "data/actors.json", "data/places.json"])
def test_every_published_json_file_has_a_schema_it_validates_against(
    exports: dict[str, bytes], path: str
) -> None:
    validator = _validator(exports, path)
    assert not list(validator.iter_errors(json.loads(exports[path])))
    described = [node for node in _nodes(validator.schema) if "description" in node]
    assert len(described) >= 15, "the schema says what each field means"


def _nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *(n for v in node.values() for n in _nodes(v))]
    if isinstance(node, list):
        return [n for v in node for n in _nodes(v)]
    return []


INCIDENT_CORRUPTIONS: list[tuple[str, Any]] = [
    ("sources.0.url", "not a url"),
    ("sources.0.url", "javascript:alert(1)"),
    ("sources.0.archive_url", "ftp://example.org/x"),
    ("date", "2025-13-45"),
    ("date", "2025-02-30"),
    ("first_day", "2025-13-01"),
    ("end_date", "yesterday"),
    ("places.0.coordinates", [999, 999]),
    ("places.0.coordinates", []),
    ("places.0.coordinates", [24.5]),
    ("places.0.coordinates", [24.5, 120.0, 3.0]),
    ("timezone", "Mars/Olympus_Mons"),
    ("type.id", "alien-landing"),
    ("status.id", "rumour"),
    ("actors.0.role", "bystander"),
    ("actors", []),
    ("sources", []),
    ("title", ""),
    ("summary", ""),
    ("id", "Not A Slug"),
    ("series_extra", 1),
]


def _corrupt(document: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    document = json.loads(json.dumps(document))
    *parents, last = dotted.split(".")
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return document


@pytest.mark.parametrize(("dotted", "value"), INCIDENT_CORRUPTIONS)
def test_a_corrupted_incident_fails_the_published_schema(
    exports: dict[str, bytes], dotted: str, value: Any
) -> None:
    validator = _validator(exports, "data/incidents.json")
    document = json.loads(exports["data/incidents.json"])
    patrol = next(i for i in document["incidents"] if i["id"] == "2025-12-09-joint-bomber-patrol")
    index = document["incidents"].index(patrol)
    document["incidents"][index] = _corrupt(patrol, dotted, value)
    assert list(validator.iter_errors(document)), f"{dotted} = {value!r} was accepted"


@pytest.mark.parametrize(
    ("path", "dotted", "value"),
    [
        ("data/actors.json", "kind.id", "wizard"),
        ("data/actors.json", "country", "Japan"),
        ("data/actors.json", "links.wikipedia", "javascript:alert(1)"),
        ("data/actors.json", "incident_count", -1),
        ("data/places.json", "coordinates", [91, 0]),
        ("data/places.json", "kind.id", "planet"),
        ("data/places.json", "names.EN!", "x"),
    ],
)
def test_a_corrupted_actor_or_place_fails_its_schema(
    exports: dict[str, bytes], path: str, dotted: str, value: Any
) -> None:
    validator = _validator(exports, path)
    document = json.loads(exports[path])
    items = document["actors" if "actors" in path else "places"]
    items[0] = _corrupt(items[0], dotted, value)
    assert list(validator.iter_errors(document)), f"{path}: {dotted} = {value!r} was accepted"


def test_csv_files_validate_as_a_frictionless_data_package_with_types(
    exports: dict[str, bytes], tmp_path: Path
) -> None:
    frictionless = pytest.importorskip("frictionless")
    for path, data in exports.items():
        if path.startswith("data/"):
            (tmp_path / path.removeprefix("data/")).write_bytes(data)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = frictionless.Package(str(tmp_path / "datapackage.json"))
    rows = package.get_resource("incidents").read_rows()
    month = next(r for r in rows if r["id"] == "2025-11-scramble-figures")
    assert month["date"] == "2025-11"
    assert (month["first_day"], month["last_day"]) == (dt.date(2025, 11, 1), dt.date(2025, 11, 30))
    assert isinstance(month["source_count"], int)
    # a broken cell is caught with its type: the descriptor is not decoration
    text = (tmp_path / "incidents.csv").read_text(encoding="utf-8").replace("2025-11-30", "2025-11-31", 1)
    (tmp_path / "incidents.csv").write_text(text, encoding="utf-8", newline="")
    assert not frictionless.validate(str(tmp_path / "datapackage.json")).valid


def test_incidents_json_resolves_names_sources_and_urls(exports: dict[str, bytes]) -> None:
    incidents = {i["id"]: i for i in json.loads(exports["data/incidents.json"])["incidents"]}
    patrol = incidents["2025-12-09-joint-bomber-patrol"]
    assert patrol["url"] == SITE + "incidents/2025-12-09-joint-bomber-patrol/"
    assert {
        "id": "jasdf",
        "name": "Japan Air Self-Defense Force",
        "role": "responder",
        "role_label": "Responder",
    } in patrol["actors"]
    assert patrol["places"][0]["name"] == "East China Sea"
    assert patrol["sources"][0]["url"] == "https://www.mod.go.jp/news/1.html"
    assert patrol["related"][0] == {
        "id": "2025-12-10-defense-ministry-statement",
        "title": "Japan's defense ministry protests the joint patrol",
        "relation": None,
        "direction": "incoming",
        "url": SITE + "incidents/2025-12-10-defense-ministry-statement/",
    }
    figures = incidents["2025-11-scramble-figures"]["figures"]
    assert [(f["period"], f["value"]) for f in figures] == [("FY2023", 669), ("FY2024", 704)]


def test_actor_and_place_exports_count_incidents(exports: dict[str, bytes]) -> None:
    actors = {a["id"]: a for a in json.loads(exports["data/actors.json"])["actors"]}
    assert actors["jasdf"]["incident_count"] == 3
    assert actors["jasdf"]["feed"] == SITE + "feeds/actors/jasdf.xml"
    places = {p["id"]: p for p in json.loads(exports["data/places.json"])["places"]}
    assert places["east-china-sea"]["coordinates"] == [29.0, 125.0]
    assert places["east-china-sea"]["incident_count"] == 2


def test_content_schemas_are_valid_and_accept_real_front_matter(exports: dict[str, bytes]) -> None:
    for kind in SCHEMAS:
        schema = json.loads(exports[f"schema/{kind}.schema.json"])
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"{SITE}schema/{kind}.schema.json"
    incident_schema = json.loads(exports["schema/incident.schema.json"])
    front_matter = export_files()[incident_path("2025-11-scramble-figures")]
    jsonschema.Draft202012Validator(incident_schema).validate(front_matter)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(incident_schema).validate({**front_matter, "colour": "red"})


# --- CSV ---


def test_csv_has_one_row_per_incident_file(exports: dict[str, bytes]) -> None:
    incident_files = [p for p in export_files() if p.startswith("content/incidents/")]
    rows = read_csv(exports["data/incidents.csv"])
    assert len(rows) == len(incident_files)
    assert exports["data/incidents.csv"].count(b"\r\n") == len(rows) + 1  # RFC 4180 line ends
    patrol = next(r for r in rows if r["id"] == "2025-12-09-joint-bomber-patrol")
    assert patrol["actors"] == "PLA Air Force; Japan Air Self-Defense Force"
    assert patrol["roles"] == "participant; responder"
    assert patrol["latitude"] == "29.0" and patrol["coordinates_approximate"] == "true"


def test_csv_neutralises_formulas(exports: dict[str, bytes]) -> None:
    rows = read_csv(exports["data/incidents.csv"])
    row = next(r for r in rows if r["id"] == "2024-03-02-formula-title")
    assert row["title"] == "'" + FORMULA_TITLE
    assert row["summary"].startswith("'-1+1")
    assert row["latitude"] == "25.75"  # numbers stay numbers
    assert json.loads(exports["data/incidents.json"])["incidents"][-1]["title"] == FORMULA_TITLE
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'quoted"):
        assert neutralise(value) == "'" + value
    # issue 19: a leading space or tab, and full-width or small forms, which some spreadsheets also run
    for value in (
        " =1+1",
        "\t=1+1",
        "\n=1",
        "\u3000=1",
        "\u00a0=1",
        "＝1+1",
        "＋1",
        "－1",
        "＠SUM(A1)",
        "﹦1",
    ):
        assert neutralise(value) == "'" + value, repr(value)
    assert neutralise("Ｔitle") == "Ｔitle" and neutralise("1-2") == "1-2"
    assert neutralise("plain") == "plain" and neutralise(-12.5) == -12.5


def test_incident_actors_csv_is_long_format(exports: dict[str, bytes]) -> None:
    rows = read_csv(exports["data/incident_actors.csv"])
    assert list(rows[0]) == ["incident", "date", "actor", "actor_name", "role"]
    assert {
        "incident": "2025-12-06-radar-lock-on",
        "date": "2025-12-06",
        "actor": "jasdf",
        "actor_name": "Japan Air Self-Defense Force",
        "role": "responder",
    } in rows
    assert len(rows) == 2 + 2 + 1 + 1 + 2


# --- feeds ---


def test_atom_feed_parses_without_errors(exports: dict[str, bytes]) -> None:
    feed = feedparser.parse(exports["feed.xml"])
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.link for e in feed.entries][:2] == [
        SITE + "incidents/2025-12-10-defense-ministry-statement/",
        SITE + "incidents/2025-12-09-joint-bomber-patrol/",
    ]
    entry = feed.entries[1]
    assert entry.summary == "Two Chinese and two Russian bombers flew together over the East China Sea."
    assert "https://www.mod.go.jp/news/1.html" in entry.content[0].value
    assert feed.feed.updated == "2025-12-10T00:00:00+00:00"


def test_actor_and_type_feeds_parse_and_hold_their_incidents(exports: dict[str, bytes]) -> None:
    feed = feedparser.parse(exports["feeds/actors/jasdf.xml"])
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 3
    assert {link.href for link in feed.feed.links if link.rel == "self"} == {SITE + "feeds/actors/jasdf.xml"}
    types = feedparser.parse(exports["feeds/types/radar-lock.xml"])
    assert not types.bozo and len(types.entries) == 3
    empty = feedparser.parse(exports["feeds/actors/pla-air-force.xml"])
    assert not empty.bozo and len(empty.entries) == 3


def test_json_feed_matches_the_json_feed_schema(exports: dict[str, bytes]) -> None:
    schema = json.loads((SCHEMAS_DIR / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    feed = json.loads(exports["feed.json"])
    jsonschema.Draft202012Validator(schema).validate(feed)
    for item in feed["items"]:  # jsonschema leaves "uri" and "date-time" unchecked without extra packages
        assert urlsplit(item["url"]).scheme == "https"
        assert dt.datetime.fromisoformat(item["date_published"]).tzinfo is not None
    assert feed["items"][0]["_fault_lines"]["date"] == "2025-12-10"


def test_control_characters_cannot_break_the_xml_feeds(chronology: Chronology) -> None:
    from dataclasses import replace

    record = chronology.incidents[0]
    hostile = record.data.model_copy(
        update={"title": "Bell\x07 and NUL\x00 in a title", "summary": "Esc\x1b here"}
    )
    incidents = (replace(record, data=hostile), *chronology.incidents[1:])
    files = render_exports(replace(chronology, incidents=incidents), site_url=SITE)
    feed = feedparser.parse(files["feed.xml"])
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries[0].title == "Bell\ufffd and NUL\ufffd in a title"
    calendar = icalendar.Calendar.from_ical(files["incidents.ics"])
    assert any("Bell\ufffd" in str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))


# --- calendar ---


def test_calendar_parses_with_unique_uids_and_honest_month_events(exports: dict[str, bytes]) -> None:
    calendar = icalendar.Calendar.from_ical(exports["incidents.ics"])
    events = calendar.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)) == 5
    by_uid = {str(e["UID"]): e for e in events}
    month = by_uid["2025-11-scramble-figures@fault-lines"]
    assert month.decoded("DTSTART") == dt.date(2025, 11, 1)
    assert month.decoded("DTEND") == dt.date(2025, 12, 1)  # exclusive: the event spans all of November
    assert "(month-precision date)" in str(month["SUMMARY"])
    assert str(month["X-FAULT-LINES-PRECISION"]) == "month"
    day = by_uid["2025-12-09-joint-bomber-patrol@fault-lines"]
    assert (day.decoded("DTSTART"), day.decoded("DTEND")) == (dt.date(2025, 12, 9), dt.date(2025, 12, 10))
    assert "precision" not in str(day["SUMMARY"])


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200), max_size=4))
def test_calendar_serialisation_is_the_librarys(texts: list[str]) -> None:
    """to_ical() skips the library's folding only for lines that fold to themselves: same bytes, any text
    (multi-byte characters and backslash escapes at the fold point included)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//EN")
    for n, text in enumerate(texts):
        event = icalendar.Event()
        event.add("uid", f"{n}@test")
        event.add("summary", text)
        event.add("description", "\\" * n + text + "\n" + text)
        calendar.add_component(event)
    assert to_ical(calendar) == calendar.to_ical()


# --- determinism ---


def test_two_renders_give_byte_identical_exports(chronology: Chronology, exports: dict[str, bytes]) -> None:
    again = render_exports(chronology, site_url=SITE)
    assert again == exports
    assert [p.markdown for p in export_pages(chronology)] == [p.markdown for p in export_pages(chronology)]


def test_exports_without_site_url_use_relative_links(chronology: Chronology) -> None:
    files = render_exports(chronology)
    incident = json.loads(files["data/incidents.json"])["incidents"][0]
    assert incident["url"] == "incidents/2025-12-10-defense-ministry-statement/"
    assert not feedparser.parse(files["feed.xml"]).bozo


# --- pages ---


def test_stats_numbers_match_the_content(chronology: Chronology) -> None:
    stats = statistics(chronology)
    assert stats.years == [2024, 2025]
    assert stats.year_type == {2024: {"joint-patrol": 1}, 2025: {"joint-patrol": 1, "radar-lock": 3}}
    assert dict(stats.actors) == {"jasdf": 3, "pla-air-force": 3, "japan-ministry-of-defense": 2}
    assert dict(stats.places) == {"east-china-sea": 2, "sea-of-japan": 1}
    points = stats.figures["JASDF scrambles"]
    assert [(p.period, p.value) for p in points] == [("FY2023", 669), ("FY2024", 704)]
    page = next(p for p in export_pages(chronology) if p.path == "stats.md")
    assert page.in_nav
    assert "<svg" in page.markdown and "Incidents per year, by type" in page.markdown
    assert "curated record" in page.markdown
    assert '<a href="https://www.mod.go.jp/news/7.html">Publisher 7</a>' in page.markdown


def test_map_has_one_marker_per_located_incident(chronology: Chronology) -> None:
    found = markers(chronology)
    # every incident but the month-precision one (no place, no location) is located
    assert len(found) == 4
    formula = next(m for m in found if m.href == "../incidents/2024-03-02-formula-title/")
    assert (formula.lat, formula.lon, formula.approximate) == (25.75, 123.5, True)
    page = next(p for p in export_pages(chronology) if p.path == "map.md")
    assert page.markdown.count('<circle class="fl-marker') == 4
    assert page.markdown.count('<td class="fl-date"><time') == 4
    # each row and each marker carries what the filters match: one id per incident
    assert page.markdown.count('data-fl-id="2024-03-02-formula-title"') == 2
    assert "&#34;Click here&#34;" in page.markdown or "&quot;Click here&quot;" in page.markdown


def test_data_page_documents_every_export(chronology: Chronology, exports: dict[str, bytes]) -> None:
    page = next(p for p in export_pages(chronology) if p.path == "data.md")
    for path in exports:
        if path.startswith(("feeds/", "assets/")):
            continue
        assert f"<code>{path}</code>" in html.unescape(page.markdown), path  # `_` is &#95; there
    assert "CC BY 4.0" in page.markdown and "MIT" in page.markdown
    assert "'=HYPERLINK" in page.markdown


# --- a real build ---


def fixture_project(root: Path) -> Path:
    """The site's mkdocs.yml and timeline/ beside minimal_files(), keeping only the home page of the
    hand-written pages (others link to the real content, which a fixture does not have) and the nav entries
    that still exist."""
    make_project(root, minimal_files())
    removed = {"contributing.md"}  # generated from the repository's CONTRIBUTING.md, which the fixture lacks
    for page in (root / "timeline").glob("*.md"):
        if page.name != "index.md":
            removed.add(page.name)
            page.unlink()
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))

    def keep(entries: list[Any]) -> list[Any]:
        kept = []
        for entry in entries:
            ((label, target),) = entry.items()
            if isinstance(target, list):
                target = keep(target)
            if target and (isinstance(target, list) or target not in removed):
                kept.append({label: target})
        return kept

    config["nav"] = keep(config["nav"])
    (root / "mkdocs.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return root


def test_mkdocs_build_strict_publishes_exports_and_feed_links(tmp_path: Path) -> None:
    root = fixture_project(tmp_path)
    done = subprocess.run(
        [str(Path(__import__("sys").executable).parent / "mkdocs"), "build", "--strict"],
        cwd=root,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    site = root / "site"
    for path in (
        "feed.xml",
        "feed.json",
        "data/incidents.csv",
        "incidents.ics",
        "stats/index.html",
        "map/index.html",
        "data/index.html",
        "schema/incident.schema.json",
    ):
        assert (site / path).is_file(), path
    assert not feedparser.parse((site / "feed.xml").read_bytes()).bozo
    head = (site / "actors/jasdf/index.html").read_text(encoding="utf-8").split("</head>")[0]
    links = re.findall(r'<link rel="alternate feed" type="application/atom\+xml"[^>]*>', head)
    assert any('href="../../feeds/actors/jasdf.xml"' in link for link in links), links
    types_head = (site / "types/radar-lock/index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert 'href="../../feeds/types/radar-lock.xml"' in types_head
    incident = json.loads((site / "data/incidents.json").read_text(encoding="utf-8"))["incidents"][0]
    assert incident["url"].startswith("https://fault-lines.github.io/fault-lines/incidents/")


def test_a_line_break_in_the_chronology_title_cannot_end_a_calendar_line(tmp_path: Path) -> None:
    # found by the injection property test: X-WR-CALNAME is not escaped like TEXT, so "\n" broke the file
    from helpers import VOCABULARY, valid_vocabulary, write_tree

    files = minimal_files()
    files[VOCABULARY] = valid_vocabulary(title="East Asian\nincidents")
    result = run(write_tree(tmp_path, files), today=dt.date(2026, 1, 1))
    assert result.chronology is not None, result.diagnostics
    calendar = icalendar.Calendar.from_ical(render_exports(result.chronology, site_url=SITE)["incidents.ics"])
    assert str(calendar["X-WR-CALNAME"]) == "East Asian incidents"


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**64 - 1),
        st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or abs(x) >= 1e-4),
        st.text(),
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(json_values)
def test_json_exports_are_the_bytes_the_standard_library_writes(value: Any) -> None:
    expected = (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    assert to_json(value) == expected


@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(min_value=2**64)))
def test_json_exports_keep_every_number(number: float | int) -> None:
    # tiny floats are written 0.00001 where the standard library writes 1e-05; integers beyond 64 bits by it
    assert json.loads(to_json({"n": [number]})) == {"n": [number]}


@pytest.mark.parametrize(
    "value", [dt.date(2025, 12, 9), {"at": dt.datetime(2025, 12, 9, 12, 30)}, {1: "a"}, {"n": 2**70}]
)
def test_json_exports_refuse_or_write_what_the_standard_library_does(value: Any) -> None:
    try:
        expected = (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    except TypeError:
        with pytest.raises(TypeError):
            to_json(value)
    else:
        assert to_json(value) == expected


def test_chart_colours_reach_3_to_1_in_both_colour_schemes(chronology: Chronology) -> None:
    import re as _re

    from generator.render.contrast import SLATE_BACKGROUND, contrast
    from generator.render.site import type_stylesheet

    css = type_stylesheet(chronology).decode()
    dark = dict(
        _re.findall(r'slate"\] \.fl-chart \[fill="(#[0-9a-f]{6})"\] \{ fill: (#[0-9a-f]{6}); \}', css)
    )
    for term in chronology.vocabulary.incident_types.values():
        colour = term.color.lower()
        assert contrast(colour, "#ffffff") >= 3, colour
        assert contrast(dark.get(colour, colour), SLATE_BACKGROUND) >= 3, colour


def test_exports_from_kept_pieces_are_the_exports_made_whole(chronology: Chronology, tmp_path: Path) -> None:
    """The exports joined from pieces kept by key (calendar events, feeds, table rows; generator/render/memo.py
    Fragments, as a warm build reads them from disk) are byte for byte the exports made whole, and a second build
    finds every piece; after a title changes, only the pieces that show it are made again."""
    from helpers import write_tree

    from generator.render.memo import Fragments

    whole = render_exports(chronology, site_url=SITE)
    pieces = Fragments()
    assert render_exports(chronology, site_url=SITE, fragments=pieces) == whole
    made = pieces.misses
    pieces.finish()
    assert render_exports(chronology, site_url=SITE, fragments=pieces) == whole
    assert pieces.misses == 0 and pieces.hits == made
    pieces.finish()
    files = export_files()
    files[incident_path("2024-03-02-formula-title")]["title"] = "A new title"
    result = run(write_tree(tmp_path, files), today=dt.date(2026, 1, 1))
    assert result.chronology is not None, result.diagnostics
    changed = render_exports(result.chronology, site_url=SITE, fragments=pieces)
    assert changed == render_exports(result.chronology, site_url=SITE) != whole
    # its calendar event and table row, and the feeds it is in (site-wide Atom and JSON, its type's, its actors')
    assert 0 < pieces.misses <= 2 + 3 + 4, pieces.misses


def _whole_incidents_json(chronology: Chronology, site_url: str = SITE) -> bytes:
    """incidents.json as one to_json of every record at once (what the tables put together piece by piece)."""
    from generator.export.records import Links, incident_record, latest_date
    from generator.export.tables import FORMAT_VERSION, LICENCE

    records = [incident_record(chronology, r, Links(site_url)) for r in chronology.incidents]
    return to_json({
        "version": FORMAT_VERSION, "title": chronology.vocabulary.title, "licence": LICENCE,
        "updated": latest_date(chronology).isoformat(), "count": len(records), "incidents": records,
    })  # fmt: skip


def test_incidents_json_is_every_record_written_at_once(
    chronology: Chronology, exports: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    # incidents.json is joined from each incident's own text (memory): the bytes are those of one to_json
    # of the whole list, with and without kept pieces, and when a record is not plain JSON for orjson
    import orjson

    from generator.export import tables
    from generator.render.memo import Fragments

    whole = _whole_incidents_json(chronology)
    assert exports["data/incidents.json"] == whole
    assert render_exports(chronology, site_url=SITE, fragments=Fragments())["data/incidents.json"] == whole

    def refused(value: Any) -> bytes:
        raise orjson.JSONEncodeError("not plain JSON for orjson")

    monkeypatch.setattr(tables, "record_json", refused)
    again = render_exports(chronology, site_url=SITE)
    assert again["data/incidents.json"] == whole and again == exports


def test_an_empty_list_and_a_title_like_the_list_line_are_joined_right() -> None:
    from generator.export.tables import _spliced, record_json

    # a title holding the list's line: JSON writes its line break as \n, so only the real line is the list's
    text = to_json({"count": 0, "incidents": [], "title": '\n  "incidents": [],\n'})
    assert _spliced(text, "incidents", []) == text
    records = [{"id": "a", "n": [1, {"b": []}]}, {"id": "é", "t": "x\ny"}]
    items = [record_json(record) for record in records]
    full = to_json({"count": 2, "incidents": records, "title": '\n  "incidents": [],\n'})
    assert (
        _spliced(
            to_json({"count": 2, "incidents": [], "title": '\n  "incidents": [],\n'}), "incidents", items
        )
        == full
    )


@pytest.mark.slow
def test_the_data_tables_are_made_without_every_record_at_once(tmp_path: Path) -> None:
    # a build makes the tables from pieces kept in the page cache: joined as text, not parsed back into one list
    # of every record (at 10,000 incidents that list took ~350 MB at once, for 70 MB of files): the peak while
    # they are made stays within 4x the files' size (6.3x before; 2.8x with the pieces joined as text)
    import tracemalloc

    from generator.export.records import Links
    from generator.export.tables import render_tables
    from generator.page_cache import PageCache
    from generator.render.memo import Fragments
    from tests.benchmark.corpus import write_corpus

    write_corpus(tmp_path, 300)
    result = run(tmp_path, processes=0)
    assert result.chronology is not None
    cache = PageCache()
    cache.start("site", tmp_path / "cache")
    pieces = Fragments()
    pieces.use(cache)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        files = render_tables(result.chronology, Links(SITE), pieces)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    size = sum(map(len, files.values()))
    assert peak < 4 * size, (peak, size)
