"""Handing MkDocs pre-rendered HTML blocks is an optimisation only: the site must be byte-identical without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import minimal_files
from mkdocs_project import make_project, mkdocs_build

from generator.prerender import restore, stash

pytestmark = pytest.mark.slow


def test_stash_swaps_only_closed_raw_html_blocks() -> None:
    page = "## Actors\n\n<dl class='x'>\n<dt>a</dt>\n</dl>\n\n<div>\n<p>open\n\n</div> tail\n\n*text*"
    skeleton, chunks = stash(page, "tok")
    assert list(chunks.values()) == ["<dl class='x'>\n<dt>a</dt>\n</dl>"]
    assert skeleton == "## Actors\n\ntokx1x\n\n<div>\n<p>open\n\n</div> tail\n\n*text*"
    assert restore("<h2>Actors</h2>\n<p>tokx1x</p>\n<div>", chunks) == (
        "<h2>Actors</h2>\n<dl class='x'>\n<dt>a</dt>\n</dl>\n\n<div>"
    )


def test_site_is_byte_identical_with_and_without_prerendered_html(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", minimal_files())
    shutil.copy(Path(__file__).resolve().parent.parent / "CONTRIBUTING.md", root / "CONTRIBUTING.md")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "      branch: main\n" in config
    off = config.replace("      branch: main\n", "      branch: main\n      prerendered_html: false\n")
    (root / "mkdocs-off.yml").write_text(off, encoding="utf-8")
    mkdocs_build(root, "-d", str(tmp_path / "on"))
    mkdocs_build(root, "-f", "mkdocs-off.yml", "-d", str(tmp_path / "off"))
    on_files = sorted(p.relative_to(tmp_path / "on") for p in (tmp_path / "on").rglob("*") if p.is_file())
    off_files = sorted(p.relative_to(tmp_path / "off") for p in (tmp_path / "off").rglob("*") if p.is_file())
    assert on_files == off_files and len(on_files) > 50
    different = [
        p for p in on_files if (tmp_path / "on" / p).read_bytes() != (tmp_path / "off" / p).read_bytes()
    ]
    assert different == []


def test_a_token_written_by_a_contributor_is_never_replaced() -> None:
    page = "<div>\n<p>tokx2x</p>\n</div>\n\n## Sources\n\n<ol>\n<li>real</li>\n</ol>"
    skeleton, chunks = stash(page, "tok")
    assert skeleton == "tokx0x\n\n## Sources\n\ntokx2x"
    converted = "<p>tokx0x</p>\n<h2>Sources</h2>\n<p>tokx2x</p>"
    assert restore(converted, chunks) == (
        "<div>\n<p>tokx2x</p>\n</div>\n\n<h2>Sources</h2>\n<ol>\n<li>real</li>\n</ol>"
    )


def test_a_raw_block_that_spans_blank_lines_is_swapped_whole() -> None:
    # Markdown passes the whole <div> through verbatim up to its closing tag (a month of the timeline: its
    # heading and cards in one box), so it is one token; nothing inside it is swapped on its own
    page = "<div class='a'>\n<p>one</p>\n\n<p>two</p>\n\n<div>\n<p>x</p>\n</div>\n</div>\n\n<p>after</p>"
    skeleton, chunks = stash(page, "tok")
    assert list(chunks.values()) == [page.removesuffix("\n\n<p>after</p>"), "<p>after</p>"]
    assert skeleton == "tokx0x\n\ntokx3x"
    assert restore("<p>tokx0x</p>\n<p>tokx3x</p>", chunks) == page


def test_a_raw_block_markdown_reads_inside_or_that_does_not_close_is_left_to_markdown() -> None:
    for page in (
        '<div markdown="1">\n*a*\n\n<p>b</p>\n</div>\n\n<p>after</p>',  # md_in_html reads inside it
        "<div>\n<p>a</p>\n\n<p>b</p></div> tail\n\n<p>after</p>",  # text after its closing tag
        "<div>\n<p>a</p>\n\n<p>never closed</p>\n\n<p>after</p>",
    ):
        skeleton, chunks = stash(page, "tok")
        assert len(chunks) <= 1 and all(chunk == "<p>after</p>" for chunk in chunks.values()), page
        assert skeleton.startswith(page[: page.index("\n\n")])


def test_runs_of_blank_lines_do_not_hide_a_block() -> None:
    skeleton, chunks = stash("## A\n\n\n\n<nav class='n'>x</nav>\n\n\n## B", "tok")
    assert skeleton == "## A\n\n\n\ntokx1x\n\n\n## B"
    assert chunks == {"tokx1x": "<nav class='n'>x</nav>"}


def test_search_view_leaves_out_only_blocks_the_search_parser_skips_whole() -> None:
    from generator.prerender import search_excluded, search_view

    chunks = {
        "tokx1x": '<ul class="a" data-search-exclude>\n<li>skipped</li>\n</ul>',
        "tokx3x": "<div data-search-exclude>\n<div>inner</div>\n<p>after the inner div</p>\n</div>",
        "tokx5x": "<ul data-search-exclude>\n<li>x</li>\n</ul>\n<h2 id='y'>y</h2>",
        "tokx6x": "<ol data-search-exclude>\n<li>before any heading</li>\n</ol>",
    }
    # a nested namesake ends Material's exclusion early, and a heading starts a section: both stay
    assert search_excluded(chunks) == {"tokx1x": "", "tokx6x": ""}
    html = "<p>tokx6x</p>\n<h2 id='a'>A</h2>\n<p>tokx1x</p>\n<p>tokx3x</p>\n"
    view = search_view(html, chunks, search_excluded(chunks))
    assert "before any heading" in view and "skipped" not in view and "inner" in view


def test_search_view_leaves_out_excluded_lists_inside_a_block() -> None:
    # a month of the timeline: its heading is indexed, its list of cards (excluded) is not read at all
    from generator.prerender import search_excluded, search_view

    month = (
        '<div class="fl-month">\n<h3 id="m">May</h3>\n\n<ol class="fl-timeline" data-search-exclude>\n'
        "<li>card one</li>\n</ol>\n\n<p>kept</p>\n"
        "<ul data-search-exclude><li>nested <ul><li>namesake</li></ul></li></ul>\n"  # ends early: stays
        '<ol data-search-exclude>\n<li><h4 id="t">heading</h4></li>\n</ol>\n'  # a heading: stays
        "<ul data-search-exclude><li>not on a line of its own</li></ul> text\n</div>"
    )
    excluded = search_excluded({"tokx1x": month})
    trimmed = excluded["tokx1x"]
    assert "card one" not in trimmed and "<h3" in trimmed and "kept" in trimmed
    assert "namesake" in trimmed and "heading" in trimmed and "not on a line of its own" in trimmed
    view = search_view("<h2 id='y'>2025</h2>\n<p>tokx1x</p>\n", {"tokx1x": month}, excluded)
    assert "card one" not in view and 'id="m"' in view


def test_a_generated_page_whose_front_matter_mkdocs_cannot_read_stops_the_build() -> None:
    # MkDocs publishes unreadable front matter as Markdown: contributor text would become live markup
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from generator.mkdocs_plugin import FaultLinesPlugin
    from generator.render.pages import GeneratedPage
    from generator.render.site import SiteOutput

    plugin = FaultLinesPlugin()
    plugin.load_config({})
    plugin.output = SiteOutput({"incidents/x.md": GeneratedPage("incidents/x.md", "---\ntitle: x\n---\n")})
    page = SimpleNamespace(
        file=SimpleNamespace(generated_by="fault-lines", src_uri="incidents/x.md"), meta={}
    )
    with pytest.raises(PluginError, match=r"could not read the front matter generated for incidents/x\.md"):
        plugin.on_page_markdown("title: [x](&#106;avascript:alert(1))", page=page, config=None, files=None)
    page.meta = {"title": "x"}
    assert "flprerenderedblock" not in plugin.on_page_markdown("## A", page=page, config=None, files=None)


def test_a_body_reading_like_a_token_stays_text_in_a_real_build(tmp_path: Path) -> None:
    """Issue 19: a body paragraph reading like the fixed placeholder (`flprerenderedblockx0x`) was replaced by
    other blocks of its page (the page's <h1> here). Tokens are random per build now. (An actor's body: an
    incident's paragraphs must cite a source, FL701.)"""
    from helpers import ACTOR_DIR, BODY

    files = minimal_files()
    forged = " ".join(f"flprerenderedblockx{n}x" for n in range(3))
    # a code block with a blank line makes the body's <div> span blank lines: Markdown, not the stash, takes it
    body = (
        "    code line\n\n    more code\n\nflprerenderedblockx0x\n\nflprerenderedblockx1x\n\n" + forged + "\n"
    )
    actor = files[f"{ACTOR_DIR}/jasdf.md"]
    assert isinstance(actor, dict)
    files[f"{ACTOR_DIR}/jasdf.md"] = {**actor, BODY: body}
    root = make_project(tmp_path, files)
    mkdocs_build(root)
    page = (root / "site" / "actors" / "jasdf" / "index.html").read_text()
    article = page[page.index("<article") : page.index("</article>")]
    assert article.count("<h1") == 1
    assert "<p>flprerenderedblockx0x</p>" in article and "<p>flprerenderedblockx1x</p>" in article
    assert forged in article


def test_the_placeholder_is_new_for_every_build() -> None:
    from generator.mkdocs_plugin import PLACEHOLDER, placeholder

    tokens = {placeholder() for _ in range(100)}
    assert len(tokens) == 100 and all(
        t.startswith(PLACEHOLDER) and len(t) >= len(PLACEHOLDER) + 32 for t in tokens
    )
