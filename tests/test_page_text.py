"""One path for contributor text into generated pages (issue 19, item 1).

Generated pages are Markdown with raw-HTML blocks, and MkDocs parses them again: text printed on a Markdown line
(a heading) is read as Markdown. Every value a template prints goes through one function, the environment's
``finalize`` (``render/text.page_text``), which makes it literal in HTML and Markdown alike. These tests walk every
template for anything that would bypass it, every Python source for Markup built from text, and render pages with
Markdown-shaped text in every field (figures with several periods included) to require that it shows as written.
"""

from __future__ import annotations

import ast
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
from helpers import BODY, incident_path, valid_source, write_tree
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jinja2 import nodes
from mkdocs.utils.meta import get_data
from test_injection import EXTENSION_OPTIONS, EXTENSIONS, hostile_files, padded

from generator.pipeline import run
from generator.render.pages import _page_value, environment
from generator.render.site import render_site
from generator.render.text import page_text

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "generator" / "templates"
# filters that print nothing a contributor wrote (a count); every other filter could bypass `finalize`
# (`safe`, `e`, `join`, `format`, `tojson`, ... return Markup or text escaped for HTML only)
HARMLESS_FILTERS = {"length"}


def output_expressions(template: Path) -> list[tuple[int, nodes.Expr]]:
    source = template.read_text()
    tree = environment().parse(source, template.name)
    found = []
    for output in tree.find_all(nodes.Output):
        for child in output.nodes:
            if not isinstance(child, nodes.TemplateData):
                found.append((child.lineno, child))
    return found


def test_every_printed_value_goes_through_the_one_filter() -> None:
    env = environment()
    assert env.autoescape is True and env.finalize is _page_value
    assert "markdown_text" not in env.filters  # the old heading-only filter: one path now, not two
    problems = []
    templates = sorted(TEMPLATES.glob("*.j2"))
    assert len(templates) >= 10
    for template in templates:
        for line, expression in output_expressions(template):
            for node in expression.find_all((nodes.Filter, nodes.Concat, nodes.Mod, nodes.MarkSafe)):
                name = getattr(node, "name", type(node).__name__)
                if isinstance(node, nodes.Filter) and name in HARMLESS_FILTERS:
                    continue
                problems.append(f"{template.name}:{line}: {name} bypasses the page-text filter")
            if isinstance(expression, nodes.Filter) and expression.name in HARMLESS_FILTERS:
                continue
        source = template.read_text()
        for match in re.finditer(r"\|\s*(safe|e|escape|forceescape)\b|autoescape\s+false", source):
            problems.append(f"{template.name}: {match.group(0)!r}")
    assert not problems, "\n".join(problems)


# Markup built in Python is printed as it is: every such call is listed here with what makes it safe
MARKUP_SITES = {
    ("generator/export/mappage.py", "map_page"): "an SVG whose text is escaped by render/svgmap",
    ("generator/export/stats.py", "line"): "an SVG chart (render/charts escapes its text)",
    ("generator/export/stats.py", "stats_page"): "SVG charts and a table from render/charts",
    ("generator/render/pages.py", "page_meta"): "JSON front matter, every value HTML-escaped",
    ("generator/render/pages.py", "_page_value"): "page_text itself",
    ("generator/render/pages.py", "body"): "body_html: Markdown, then the nh3 allowlist",
    ("generator/render/pages.py", "incident"): "body_html, citation links built from escaped source data",
    ("generator/render/pages.py", "place"): "the place map SVG (render/svgmap escapes its text)",
    (
        "generator/render/pages.py",
        "_locator",
    ): "the incident's locator map SVG (render/svgmap escapes its text)",
    (
        "generator/render/pages.py",
        "time_axis",
    ): "the time axis SVG (render/timeaxis escapes every label and href)",
    ("generator/page_workers.py", "finish"): "a page another process rendered with this environment",
    ("generator/export/datapage.py", "_breakable"): "field names from the code, each part through page_text",
    (
        "generator/mkdocs_plugin.py",
        "on_page_context",
    ): "a page's output from the page cache, as the theme built it",
}


def test_markup_is_built_only_where_listed() -> None:
    found = set()
    for path in sorted((REPO / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Markup":
                    found.add((path.relative_to(REPO).as_posix(), function.name))
    unlisted = {site for site in found if not any(site[0] == f and site[1] == n for f, n in MARKUP_SITES)}
    assert not unlisted, f"Markup built from text outside the reviewed places: {sorted(unlisted)}"


# --- every field shows as written ------------------------------------------------------------------------

MARKDOWN_TRICKS = [
    '{: style="position:fixed;inset:0" onclick=alert(1) }',
    "[off-site](https://evil.example/)",
    "![img](https://evil.example/x.png)",
    "<https://evil.example/>",
    "*em* _em_ **strong** `code`",
    "\\*escaped\\*",
    "# not a heading ##",
    "| a | b |",
    "&amp; &lt;b&gt; &#91;x&#93;",
    "[[jasdf]]",
    "text #",
    "{ .cls }",
    "a\n\n## block heading\n\n<div markdown>*x*</div>",
    "line\n- item\n> quote",
    "'quoted' \"double\"",
]
trick = st.one_of(
    st.sampled_from(MARKDOWN_TRICKS),
    st.text(alphabet=st.sampled_from("ab {}[]()!*_`#|\\<>&:=\"'.-"), max_size=12),
)
trick_text = st.lists(trick, min_size=1, max_size=4).map(" ".join)


class Visible(HTMLParser):
    """The text a reader sees, whitespace collapsed, outside SVG charts (which may shorten long labels) and
    ``<pre>`` (citations in BibTeX and CSL-JSON, which escape text their own way)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.svg = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.svg += tag in ("svg", "pre")
        if tag == "br":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.svg -= tag in ("svg", "pre")
        self.parts.append(" ")  # block ends separate words the way a reader sees them

    def handle_data(self, data: str) -> None:
        if not self.svg:
            self.parts.append(data)


def visible(article: str) -> str:
    parser = Visible()
    parser.feed(article)
    parser.close()
    return " ".join("".join(parser.parts).split())


def marked(texts: list[str]) -> list[str]:
    """Each field's text behind a marker of its own (``Q07Q``), so every place it shows can be found."""
    return [f"Q{n:02d}Q {text}" for n, text in enumerate(texts)]


def several_period_files(texts: list[str]) -> dict[str, Any]:
    """hostile_files, with figures of several periods (line charts, one table row per period) on two incidents."""
    files = hostile_files(texts)
    t = [*texts, *texts, *texts, *texts]
    what = padded(t[38], 1, 120)
    incident = files[incident_path("2025-12-09-joint-bomber-patrol")]
    source = incident["sources"][0]["url"]
    incident["figures"] = [
        {"what": what, "value": 10 + n, "period": f"FY{2020 + n}", "source": source} for n in range(3)
    ] + [
        {"what": what, "value": 5, "period": "April–September 2024", "source": source},
        {"what": what, "value": 6, "period": "April–September 2025", "source": source},
        {
            "what": padded(t[39], 1, 120),
            "value": 7,
            "unit": t[40][:30],
            "period": t[41][:40],
            "source": source,
        },
    ]
    other = files[incident_path("2025-12-10-defense-ministry-statement")]
    other.setdefault("sources", [valid_source(1), valid_source(2)])
    other["figures"] = [
        {"what": what, "value": 20, "period": "FY2023", "source": other["sources"][0]["url"]},
    ]
    for content in files.values():  # bodies are Markdown by design: no markers there
        if isinstance(content, dict) and isinstance(content.get(BODY), str):
            content[BODY] = re.sub(r"Q\d\dQ ", "", content[BODY])
    return files


def field_values(files: dict[str, Any]) -> list[str]:
    """Every marked text that was written into the tree (after padding and cutting to the fields' limits)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str) and re.match(r"Q\d\dQ ", value):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != BODY:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for content in files.values():
        walk(content)
    return found


def converted_pages(root: Path) -> dict[str, str] | None:
    result = run(root)
    if result.failed():
        return None
    assert result.chronology is not None
    pages = {}
    for path, page in render_site(result.chronology).pages.items():
        body, _meta = get_data(page.markdown)
        converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_OPTIONS)
        pages[path] = converter.convert(body)
    return pages


def assert_fields_literal(pages: dict[str, str], values: list[str]) -> int:
    """Wherever a field's marker shows, the whole field shows, exactly (whitespace collapsed)."""
    by_marker: dict[str, set[str]] = {}
    for value in values:  # one text may fill several fields, each cut to its own limit
        by_marker.setdefault(value[:4], set()).add(" ".join(value.split()))
    seen = 0
    for path, article in pages.items():
        text = visible(article)
        for match in re.finditer(r"Q\d\dQ", text):
            expected = by_marker.get(match.group())
            if expected is None:
                continue
            seen += 1
            shown = text[match.start() : match.start() + max(map(len, expected))]
            assert any(shown.startswith(value) for value in expected), (
                f"{path}: field shown as {shown!r}, written as one of {sorted(expected)!r}"
            )
    return seen


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(trick_text, min_size=12, max_size=12))
def test_every_field_shows_as_written_on_every_page(tmp_path: Path, texts: list[str]) -> None:
    root = tmp_path / "tricks"
    shutil.rmtree(root, ignore_errors=True)
    files = several_period_files(marked(texts))
    write_tree(root, files)
    pages = converted_pages(root)
    event("refused by the check" if pages is None else "built")
    if pages is None:
        return  # refused by the check (a newline in a one-line field, say): nothing is published
    assert "stats.md" in pages
    assert assert_fields_literal(pages, field_values(files)) > 0


class Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(tag, name, value or "") for name, value in attrs]
        self.found.append((tag, "", ""))


def attributes(article: str) -> list[tuple[str, str, str]]:
    parser = Attributes()
    parser.feed(article)
    return parser.found


def test_statistics_heading_attack_stays_text(tmp_path: Path) -> None:
    """The attack of issue 19: a figure's `what` carrying attr_list, a link and an image in the Statistics
    page's heading (it had no heading filter)."""
    attack = (
        '{: style="position:fixed;inset:0;z-index:9" onclick=alert(1) } [x](https://evil.example/) ![i](x)'
    )
    files = several_period_files([f"Q00Q Figure {attack}"] * 12)
    for content in files.values():  # the fields, not the bodies (an image in a body is FL514)
        if isinstance(content, dict) and BODY in content:
            cite = f"[^{content['sources'][0]['key']}]" if "sources" in content else ""
            content[BODY] = f"A plain body.{cite}\n"
    write_tree(tmp_path, files)
    pages = converted_pages(tmp_path)
    assert pages is not None
    found = attributes(pages["stats.md"])
    assert not [a for a in found if a[1] in ("style", "onclick") and a[0] != "svg"], found
    assert not [a for a in found if "evil.example" in a[2] or a[0] == "img"]
    assert assert_fields_literal(pages, field_values(files)) >= 3  # heading, caption, table rows


def test_page_text_is_literal_in_html_attributes_and_markdown() -> None:
    text = "a\n\n# b {: onclick=x } [c](d) *e* `f` <g> & \"h\" 'i' \\ | _j_ !"
    escaped = page_text(text)
    assert not re.search(r"[<>\"'`*_{}\[\]#!|\\\n]", escaped.replace("&#", "").replace("&", ""))
    html = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_OPTIONS).convert(
        f'## {escaped}\n\n<p title="{escaped}">{escaped}</p>'
    )
    assert visible(html).count(" ".join(text.split())) == 2
    assert not [a for a in attributes(html) if a[1] not in ("", "id", "title", "class", "href")]
    assert "<em>" not in html and "<code>" not in html and "<h1" not in html


def test_a_label_with_line_breaks_draws_on_a_share_card() -> None:
    """Found by the property test above: a type label holding a line break (the check allows one) made Pillow
    refuse to measure it, and the build failed with a traceback."""
    from generator.render.cards import card_png

    png = card_png(
        "Site\ntitle", "A title\n\nwith breaks", "9\nDecember 2025", "Joint\n\n## patrol", "#8e1b1b"
    )
    assert png.startswith(b"\x89PNG")
