"""Evidence v1: inline citations, excerpts beside each source, and the rules comparing quotes and figures with
the sources' own words (see also the FL7xx tests in test_codes.py).

The comparison and body-scanning functions are tested directly; the page is tested on a real MkDocs build of a
small tree, read with an HTML parser, with its search index, feeds, data files and ``faultlines build --out``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import jsonschema
import pytest
from helpers import (
    VOCABULARY,
    check_tree,
    incident_path,
    minimal_files,
    run_cli,
    valid_incident,
    valid_source,
    valid_vocabulary,
    write_tree,
)
from mkdocs_project import make_project, mkdocs_build
from test_site import Element, parse

from generator.check.evidence import body_units, figure_in, markers, normalise, number_in, quoted_in
from generator.render.citations import CitationContext, CitedSource
from generator.render.text import body_html
from generator.schema import Source

# --- comparing with excerpts ------------------------------------------------------------------------------


def source(*texts: str) -> Source:
    return Source(
        key="pub-1",
        url="https://example.org/1",
        publisher="P",
        excerpts=[{"text": t} for t in texts],  # type: ignore[misc]
    )


def test_normalise_folds_case_quotes_dashes_spaces_and_full_width_forms() -> None:
    assert normalise(
        "It\u2019s  a \u201cShow\u201d\n of FORCE \u2014 J\u221216, \uff2a\uff0d\uff11\uff16\u2026"
    ) == ("it's a 'show' of force-j-16, j-16...")


@pytest.mark.parametrize(
    ("quote", "excerpt", "found"),
    [
        (
            "It should be taken as a coercive action.",
            "it should be taken as a coercive action against Japan",
            True,
        ),
        ("a \u2018show of force\u2019", 'A "show of force"', True),
        ("flew \u2013 together", "flew-together", True),
        ("The patrol ... was routine", "The patrol, Moscow said, was routine", True),
        ("The patrol \u2026 was routine", "The patrol, Moscow said, was routine", True),
        ("a show of force", "a show of ... force", False),  # a quote never runs across the excerpt's cut
        ("a show of force", "a display of force", False),
        (
            "\u4e2d\u56fd\u306eJ\u221216\u6226\u95d8\u6a5f",
            "\u4e2d\u56fd\u306eJ\uff0d16\u6226\u95d8\u6a5f4\u6a5f",
            True,
        ),
    ],
)
def test_quoted_in(quote: str, excerpt: str, found: bool) -> None:
    assert quoted_in(quote, source(excerpt)) is found


def test_quoted_in_needs_an_excerpt() -> None:
    assert quoted_in("anything", source()) is False


@pytest.mark.parametrize(
    ("value", "text", "found"),
    [
        (4, "four bombers", True),
        (4, "Four bombers", True),
        (4, "4 bombers", True),
        (4, "\u7206\u6483\u6a5f4\u6a5f", True),
        (4, "in 2024 and 14 times", False),
        (4, "4,500 sorties", False),
        (4, "1.4 hours", False),
        (1200, "1,200 sorties", True),
        (1200, "1200 sorties", True),
        (12, "a dozen ships", True),
        (20, "twenty ships", True),
        (21, "twenty-one ships", False),
        (8.5, "about 8.5 hours", True),
        (8.5, "about 8 hours", False),
        (704, "704 scrambles", True),
    ],
)
def test_number_in(value: float, text: str, found: bool) -> None:
    assert number_in(value, normalise(text)) is found


def test_text_figures_are_checked_by_the_numbers_in_them() -> None:
    excerpt = source("The bombers flew for about eight hours, 1,200 km.")
    assert figure_in("about 8 hours", excerpt)
    assert figure_in("eight hours and 1200 km", excerpt)
    assert not figure_in("about 9 hours", excerpt)
    assert figure_in("long distance", source("They flew long distance together."))


# --- reading the body ---------------------------------------------------------------------------------------


def test_body_units_are_paragraphs_items_and_rows_with_their_lines() -> None:
    body = (
        "First paragraph\n"
        "on two lines.[^a]\n"
        "\n"
        "- item one[^a]\n"
        "- item two\n"
        "  continued\n"
        "\n"
        "    a paragraph of item two\n"
        "\n"
        "Heading\n"
        "=======\n"
        "\n"
        "    indented code\n"
        "\n"
        "> quoted\n"
    )
    units = list(body_units(body, 10))
    assert [(u.kind, u.lines[0][:2], len(u.lines)) for u in units] == [
        ("paragraph", (10, 1), 2),
        ("list item", (13, 3), 1),
        ("list item", (14, 3), 2),
        ("paragraph", (17, 1), 1),
        ("paragraph", (24, 3), 1),
    ]
    first = units[0]
    (match,) = markers(first.text)
    assert first.position(match.start()) == (11, 14)


def test_markers_in_code_spans_or_after_a_backslash_are_text() -> None:
    (unit,) = body_units("`[^a]` and \\[^b] and ``x [^c] x`` but [^d]\n", 1)
    assert [m.group(1) for m in markers(unit.text)] == ["d"]


def test_scanning_is_linear_on_hostile_bodies() -> None:
    hostile = [
        "[^" * 50_000,
        "`" * 30_000 + "a",
        '"' + "a " * 50_000,
        "- " * 40_000,
        ("| " + "-" * 50 + " ") * 2_000 + "\n" + " " * 50_000 + "x",
        "\u2014 " * 50_000,
    ]
    for body in hostile:
        started = time.perf_counter()
        for unit in body_units(body, 1):
            list(markers(unit.text))
        normalise(body)
        assert time.perf_counter() - started < 2.0, body[:20]


# --- rendering ----------------------------------------------------------------------------------------------

SOURCES = {
    "jiji-1210": CitedSource(2, "Jiji Press, 10 December 2025"),
    "evil": CitedSource(1, '<script>alert(1)</script> "x"'),
}


def render(body: str) -> tuple[str, CitationContext]:
    context = CitationContext(SOURCES)
    return body_html(body, lambda target: None, context), context


def test_markers_become_numbered_superscript_links_with_the_source_on_hover_and_focus() -> None:
    html, context = render("They flew.[^jiji-1210][^evil]\n")
    (paragraph,) = parse(html).find_all("p")
    first, second = paragraph.find_all("sup")
    assert first.attrs["id"] == "cite-1" and second.attrs["id"] == "cite-2"
    link = first.find("a")
    assert link.attrs == {
        "href": "#source-2",
        "title": "Jiji Press, 10 December 2025",
        "aria-label": "Source 2: Jiji Press, 10 December 2025",
    }
    assert link.text() == "[2]"
    assert "data-search-exclude" in first.attrs
    # the publisher is data: escaped into the attributes, never markup
    assert second.find("a").attrs["title"] == '<script>alert(1)</script> "x"'
    assert "<script>" not in html
    assert [(c.id, c.number, c.paragraph) for c in context.citations] == [("cite-1", 2, 1), ("cite-2", 1, 1)]


def test_markers_in_code_escaped_or_unknown_stay_text() -> None:
    html, context = render("`[^evil]` and \\[^evil] and [^nope].[^evil]\n\n    [^evil]\n")
    assert context.citations == [context.citations[0]] and len(context.citations) == 1
    tree = parse(html)
    assert tree.find_all("code")[0].text() == "[^evil]"
    assert "and [^evil] and [^nope]." in tree.find("p").text()
    assert tree.find("pre").text() == "[^evil]"


def test_a_marker_inside_link_text_is_moved_after_the_link() -> None:
    html, _ = render("[the report[^jiji-1210]](https://example.org/r) said so.\n")
    paragraph = parse(html).find("p")
    link = paragraph.find("a", href="https://example.org/r")
    assert link.find_all("sup") == []
    assert paragraph.find("sup").find("a").attrs["href"] == "#source-2"


def test_contributors_cannot_define_the_marker_as_a_link_or_forge_a_citation() -> None:
    html, context = render("Text.[^evil]\n\n[^evil]: javascript:alert(1)\n\nFLCITE0N0E FLCITEN0E\n")
    assert "javascript" not in html
    assert parse(html).find("sup").find("a").attrs["href"] == "#source-1"
    assert "FLCITE0N0E FLCITEN0E" in html
    assert len(context.citations) == 1


def test_backlinks_give_each_source_one_link_per_paragraph() -> None:
    _, context = render("A.[^evil][^evil]\n\nB.[^jiji-1210]\n\n- C.[^evil]\n")
    assert {n: [(c.id, c.paragraph) for c in cs] for n, cs in context.backlinks().items()} == {
        1: [("cite-1", 1), ("cite-4", 3)],
        2: [("cite-3", 2)],
    }


# --- a real build --------------------------------------------------------------------------------------------

PATROL = "2025-12-09-joint-bomber-patrol"
STATEMENT = "2025-12-10-defense-ministry-statement"
BODY = (
    "Four bombers flew over the [[east-china-sea]], \u201ca show of force\u201d.[^pub-1]\n\n"
    "Japan counted six.[^pub-2][^pub-1]\n\n"
    "- The `[^pub-2]` in code stays text.[^pub-2]\n"
)


def evidence_files() -> dict:
    files = minimal_files()
    vocabulary = valid_vocabulary()
    vocabulary["incident_types"]["statement"] = {"label": "Statement", "on_map": False}
    files[VOCABULARY] = vocabulary
    files[incident_path(PATROL)] = valid_incident(
        sources=[
            valid_source(
                1,
                publisher="Jiji <Press>",
                published="2025-12-10",
                excerpts=[{"text": "Four bombers flew in what Tokyo called a show of force."}],
            ),
            valid_source(
                2,
                language="ja",
                excerpts=[{"text": "\u7206\u6483\u6a5f6\u6a5f", "translation": "Six bombers."}],
            ),
        ],
        figures=[{"what": "bombers", "value": 6, "source": "pub-2"}],
        claims=[{"actor": "jasdf", "text": "a show of force", "quote": True, "source": "pub-1"}],
        __body__=BODY,
    )
    statement = files[incident_path(STATEMENT)]
    files[incident_path(STATEMENT)] = {**statement, "type": "statement", "places": ["east-china-sea"]}
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("evidence"), evidence_files())
    assert check_tree(root, "--strict") == []
    mkdocs_build(root)
    return root


def incident_page(root: Path, incident: str = PATROL) -> Element:
    html = (root / "site" / "incidents" / incident / "index.html").read_text(encoding="utf-8")
    return parse(html).find("article")


@pytest.mark.slow
def test_the_page_links_each_citation_to_its_source_and_back(built: Path) -> None:
    page = incident_page(built)
    body = page.find("div", class_="fl-body")
    refs = body.find_all("sup", class_="fl-ref")
    assert [(s.attrs["id"], s.find("a").attrs["href"], s.find("a").text()) for s in refs] == [
        ("cite-1", "#source-1", "[1]"),
        ("cite-2", "#source-2", "[2]"),
        ("cite-3", "#source-1", "[1]"),
        ("cite-4", "#source-2", "[2]"),
    ]
    first = refs[0].find("a")
    assert first.attrs["title"] == "Jiji <Press>, 10 December 2025"
    assert first.attrs["aria-label"] == "Source 1: Jiji <Press>, 10 December 2025"
    assert body.find("code").text() == "[^pub-2]"
    assert "[^" not in body.text().replace("[^pub-2] in code", "") and "FLCITE" not in body.text()
    ids = {e.attrs["id"] for e in page.iter() if "id" in e.attrs}
    assert {"source-1", "source-2", "cite-1", "cite-2", "cite-3", "cite-4"} <= ids
    one, two = page.find("ol", class_="fl-sources").find_all("li")
    back = one.find("span", class_="fl-backlinks")
    assert back.text() == "Cited in ¶1, ¶2"
    assert [(a.attrs["href"], a.attrs["aria-label"]) for a in back.find_all("a")] == [
        ("#cite-1", "Back to paragraph 1"),
        ("#cite-3", "Back to paragraph 2"),
    ]
    assert [a.attrs["href"] for a in two.find("span", class_="fl-backlinks").find_all("a")] == [
        "#cite-2",
        "#cite-4",
    ]


@pytest.mark.slow
def test_each_source_shows_what_it_says_in_its_language_with_our_translation(built: Path) -> None:
    one, two = incident_page(built).find("ol", class_="fl-sources").find_all("li")
    details = two.find("details", class_="fl-excerpts")
    assert details.find("summary").text() == "What the source says"
    quote = details.find("blockquote")
    assert quote.attrs["lang"] == "ja" and quote.text() == "\u7206\u6483\u6a5f6\u6a5f"
    translation = details.find("p", class_="fl-translation")
    assert translation.attrs["lang"] == "en"
    assert translation.text() == "Translation (ours, not the source's): Six bombers."
    first = one.find("details", class_="fl-excerpts").find("blockquote")
    assert "lang" not in first.attrs
    assert first.text() == "Four bombers flew in what Tokyo called a show of force."


@pytest.mark.slow
def test_markers_reach_no_search_entry_feed_data_file_or_generated_markdown(
    built: Path, tmp_path: Path
) -> None:
    site = built / "site"
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = {doc["location"]: doc["text"] for doc in index["docs"]}
    body = entries[f"incidents/{PATROL}/"]
    assert "<p>Japan counted six.</p>" in body  # the citations' numbers are not words to search for
    assert "[^pub-1]" not in body and "FLCITE" not in body and "[1]" not in body and "[2]" not in body
    assert "Cited in" not in entries[f"incidents/{PATROL}/#sources"]
    for path in [*site.rglob("*.xml"), *site.rglob("*.json"), *site.rglob("*.csv"), *site.rglob("*.ics")]:
        text = path.read_text(encoding="utf-8")
        assert "[^pub-1]" not in text, path  # (the body shows "[^pub-2]" in code, on purpose)
    out = tmp_path / "out"
    status, _, err = run_cli("build", str(built), "--out", str(out))
    assert status == 0, err
    generated = (out / "incidents" / f"{PATROL}.md").read_text(encoding="utf-8")
    assert "[^" not in generated.replace("<code>[^pub-2]</code>", "")
    assert 'id="cite-1"' in generated


@pytest.mark.slow
def test_the_data_files_carry_keys_and_excerpts_as_their_schema_says(built: Path) -> None:
    data = built / "site" / "data"
    document = json.loads((data / "incidents.json").read_text(encoding="utf-8"))
    schema = json.loads((data / "incidents.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    (patrol,) = [i for i in document["incidents"] if i["id"] == PATROL]
    assert [s["key"] for s in patrol["sources"]] == ["pub-1", "pub-2"]
    assert patrol["sources"][1]["excerpts"] == [
        {"text": "\u7206\u6483\u6a5f6\u6a5f", "translation": "Six bombers."}
    ]
    assert patrol["figures"][0]["source_url"] == "https://www.mod.go.jp/news/2.html"
    source_schema = schema["$defs"]["source"] if "$defs" in schema and "source" in schema["$defs"] else None
    text = json.dumps(schema)
    assert "fair quotation" in text and '"maxLength": 500' in text, source_schema
    data_page = (built / "site" / "data" / "index.html").read_text(encoding="utf-8")
    assert "excerpts" in data_page and "translation ours" in data_page


@pytest.mark.slow
def test_types_not_on_the_map_get_no_coordinates(built: Path) -> None:
    document = json.loads((built / "site" / "data" / "incidents.json").read_text(encoding="utf-8"))
    by_id = {i["id"]: i for i in document["incidents"]}
    assert by_id[STATEMENT]["coordinates"] is None  # a statement names the sea, but happened in no sea
    assert by_id[PATROL]["coordinates"] is not None
    map_page = (built / "site" / "map" / "index.html").read_text(encoding="utf-8")
    assert f"incidents/{PATROL}/" in map_page
    assert f"incidents/{STATEMENT}/" not in map_page
    assert "of a type with no place of its own (statement)" in " ".join(map_page.split())


# --- limits --------------------------------------------------------------------------------------------------


def test_more_than_four_excerpts_is_refused_with_the_reason(tmp_path: Path) -> None:
    files = minimal_files()
    excerpts = [{"text": f"Passage {n}."} for n in range(5)]
    files[incident_path(PATROL)] = valid_incident(
        sources=[valid_source(1, excerpts=excerpts), valid_source(2)]
    )
    write_tree(tmp_path, files)
    status, out, _ = run_cli("check", str(tmp_path))
    assert status == 1
    assert "error FL304 'sources[0].excerpts' has 5 passages; a source may have at most 4 excerpts" in out
    assert "fair quotation" in out


def test_a_quote_citing_its_source_by_url_is_checked_the_same_way(tmp_path: Path) -> None:
    files = minimal_files()
    claim = {
        "actor": "jasdf",
        "text": "not in it",
        "quote": True,
        "source": "https://www.mod.go.jp/news/1.html",
    }
    files[incident_path(PATROL)] = valid_incident(
        claims=[claim], sources=[valid_source(1, excerpts=[{"text": "Something else."}]), valid_source(2)]
    )
    write_tree(tmp_path, files)
    lines = check_tree(tmp_path)
    assert len(lines) == 1 and lines[0].endswith("error FL704 quote is not in an excerpt of pub-1")
