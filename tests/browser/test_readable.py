"""Pages that read well, in Chromium (issue #20, items 4 and 5), on a real MkDocs build of a fixture project that
is a real git repository with two commits:

- tables look like the theme's own (Material's unclassed-table rules), in both colour schemes, and fit at 1280
  and 375 px or scroll in their own focusable box;
- sources show publisher, title, date, kind and the address as its host (the links go to the whole URLs);
- the three citation formats sit behind one control that works from the keyboard and without JavaScript;
- the Changes page and each History say what changed, not commit messages;
- chart text is at least 11 px on a phone and lies inside its chart;
- every page says when it last changed, the same day as the sitemap;
- axe finds nothing serious or critical on these pages at both widths.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import QuietHandler, Site, browser_files
from helpers import incident_path, valid_incident, valid_source, write_tree
from mkdocs_project import make_project, mkdocs_build
from test_pages import axe_violations, describe

PHONE = {"width": 375, "height": 740}
SMALL_PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
COAST_GUARD = "2024-05-02-coast-guard-near-islands"
PATROL = "2025-12-09-joint-bomber-patrol"
PAGES = {
    "incident": f"incidents/{COAST_GUARD}/",
    "stats": "stats/",
    "methodology": "methodology/",
    "changes": "changes/",
    "actor": "actors/jasdf/",
}


def git(root: Path, *args: str, date: str = "") -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        **{f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
           for what, value in (("NAME", "Fault Lines Test"), ("EMAIL", "test@example.org"), ("DATE", date))
           if value},
    }  # fmt: skip
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The browser fixture project committed on 11 December 2025, one incident corrected on 14 December (a
    source and a figure added), built with ``mkdocs build`` and served on 127.0.0.1."""
    files = browser_files()
    for year in range(2016, 2024):  # enough years that the year-by-type table is wider than a phone
        files[incident_path(f"{year}-07-23-patrol-of-{year}")] = valid_incident(
            title=f"Joint patrol of {year}", date=f"{year}-07-23"
        )
    root = make_project(tmp_path_factory.mktemp("readable"), files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import the fixture record", date="2025-12-11T10:00:00+00:00")
    corrected = dict(files[incident_path(COAST_GUARD)])
    corrected["sources"] = [*corrected["sources"], valid_source(11, published="2024-05-03")]
    corrected["figures"] = [
        {"what": "coast guard ships", "value": 4, "source": "pub-7"},
        {"what": "coast guard ships", "value": 5, "source": "pub-11"},
    ]
    write_tree(root, {incident_path(COAST_GUARD): corrected})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "internal: fix #123 per review", date="2025-12-14T09:00:00+00:00")
    mkdocs_build(root)
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Site(root / "site", f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def opener(url: str, viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(url)
        return page

    yield opener
    for context in contexts:
        context.close()


# --- tables --------------------------------------------------------------------------------------------------

# Material's own table (an unclassed one, as Markdown makes it) beside ours: the same computed look
THEME_TABLE = """() => {
  const host = document.querySelector('.md-content .md-typeset');
  const probe = document.createElement('table');
  probe.innerHTML = '<thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody>';
  host.appendChild(probe);
  const look = t => { const th = t.querySelector('th'), td = t.querySelector('tbody td'), s = getComputedStyle(t);
    return {font: s.fontSize, border: s.borderTopColor + ' ' + s.borderTopWidth, radius: s.borderTopLeftRadius,
            bg: s.backgroundColor, th: getComputedStyle(th).fontWeight, pad: getComputedStyle(td).paddingTop,
            line: getComputedStyle(td).borderTopColor}; };
  const theirs = look(probe);
  probe.remove();
  return {theirs, ours: [...document.querySelectorAll('table.fl-data-table, table.fl-counts, table.fl-figures')]
    .map(t => ({look: look(t), caption: t.caption ? t.caption.textContent : '',
      fits: t.getBoundingClientRect().right <= (t.closest('.fl-table-scroll') || t.parentElement).getBoundingClientRect().right + 1,
      box: t.parentElement.matches('.fl-table-scroll[tabindex="0"][role="region"]:is([aria-label], [aria-labelledby])'),
      scrolls: t.parentElement.scrollWidth > t.parentElement.clientWidth}))};
}"""


TABLE_PAGES = {**PAGES, "map": "map/", "data": "data/"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["stats", "methodology", "incident", "map", "data"])
def test_tables_look_like_the_themes_and_fit_or_scroll_in_their_own_box(
    history_site: Site, open_page: Any, name: str, scheme: str
) -> None:
    for viewport in (DESKTOP, PHONE):
        page = open_page(history_site.url + TABLE_PAGES[name], viewport, color_scheme=scheme)
        found = page.evaluate(THEME_TABLE)
        assert found["ours"], f"no table on {name}"
        for table in found["ours"]:
            look = dict(table["look"])
            theirs = dict(found["theirs"])
            if viewport is PHONE:  # cells are padded less on a phone, by design
                look.pop("pad"), theirs.pop("pad")
            assert look == theirs, (name, table["caption"])
            assert table["box"], f"{table['caption']}: not in a focusable scroll box"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # never the page
        if viewport is DESKTOP and name == "stats":
            # every column of the year-by-type table is visible at 1280 px
            assert all(t["fits"] and not t["scrolls"] for t in found["ours"]), found["ours"]


def test_a_wide_table_scrolls_from_the_keyboard_on_a_phone(history_site: Site, open_page: Any) -> None:
    page = open_page(history_site.url + "stats/", PHONE)
    box = page.locator(".fl-table-scroll--pinned")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # the browser may scroll smoothly: wait for it (a loaded machine is slow)
    page.wait_for_function("() => document.querySelector('.fl-table-scroll--pinned').scrollLeft > 0")
    # the type names stay in view while the years scroll
    first = box.locator("tbody th").first
    assert first.evaluate("th => th.getBoundingClientRect().left") >= box.evaluate(
        "b => b.getBoundingClientRect().left"
    )


# each file name in the Data page's files table (the File column, and the schemas named under Contents): its text,
# its line boxes, one line's height; and the table's box
DATA_FILES = """() => {
  const table = document.querySelector('table.fl-exports'), box = table.parentElement;
  return {files: [...table.querySelectorAll('tbody code')].map(code => {
      const range = document.createRange();
      range.selectNodeContents(code);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      return {name: code.textContent, rects: code.getClientRects().length, lines: tops.size,
              height: code.getBoundingClientRect().height, line: parseFloat(getComputedStyle(code).lineHeight)
                || code.getBoundingClientRect().height};
    }),
    box: box.matches('.fl-table-scroll[tabindex="0"][role="region"]'),
    scrolls: box.scrollWidth > box.clientWidth,
    page: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE, DESKTOP], ids=["375", "320", "1280"])
def test_the_data_pages_file_names_stay_whole_and_the_table_scrolls_on_a_phone(
    history_site: Site, open_page: Any, viewport: dict[str, int]
) -> None:
    page = open_page(history_site.url + "data/", viewport)
    found = page.evaluate(DATA_FILES)
    names = [f["name"] for f in found["files"]]
    assert {"data/incidents.json", "data/incidents.schema.json", "feed.xml"} <= set(names), names
    # every file name on one line, whole: not "data / /inc / iden / ts.j / son"
    broken = [
        f for f in found["files"] if f["rects"] != 1 or f["lines"] != 1 or f["height"] > 1.5 * f["line"]
    ]
    assert broken == [], broken
    assert found["box"]
    if viewport is not DESKTOP:  # the names do not fit a phone: the table scrolls in its own box ...
        assert found["scrolls"], found
    assert found["page"] <= found["viewport"], found  # ... never the page


# each field name in the Data page's tables of fields and columns (some cells name several: "id, url, title"): its
# text, and for each of its parts (the words between the break opportunities: spaces, and the <wbr> after each
# underscore) the number of lines it is drawn on
DATA_FIELDS = """() => [...document.querySelectorAll('table.fl-data-table th[scope=row] code.fl-field')].map(code => {
  const parts = [];
  for (const node of [...code.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)) {
    for (const word of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      parts.push({text: word[0], lines: new Set([...range.getClientRects()].filter(r => r.width > 0)
                                                 .map(r => Math.round(r.top))).size});
    }
  }
  return {name: code.textContent, parts, wbr: code.querySelectorAll('wbr').length};
})"""


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE, DESKTOP], ids=["375", "320", "1280"])
def test_the_data_pages_field_names_break_only_after_underscores(
    history_site: Site, open_page: Any, viewport: dict[str, int]
) -> None:
    page = open_page(history_site.url + "data/", viewport)
    fields = page.evaluate(DATA_FIELDS)
    names = {f["name"] for f in fields}
    assert {"coordinates_approximate", "first_day", "id"} <= names, sorted(names)
    for field in fields:  # the text is the name (a <wbr> after each underscore, nothing else added)
        assert field["wbr"] == field["name"].count("_"), field
        assert "".join(part["text"] for part in field["parts"]) == field["name"].replace(" ", ""), field
    # no part of a name is split across lines: "coordinates_appr / oximate" before
    split = [f for f in fields if any(part["lines"] != 1 for part in f["parts"])]
    assert split == [], split
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


# --- sources and citations -----------------------------------------------------------------------------------


def test_sources_show_publisher_title_date_kind_and_host(history_site: Site, open_page: Any) -> None:
    page = open_page(history_site.url + PAGES["incident"])
    source = page.locator("#source-2")
    assert source.locator(".fl-source__publisher").inner_text() == "Publisher 8"
    title = source.locator("cite")
    assert title.inner_text() == "Ships <enter> waters & leave" and title.get_attribute("lang") == "ja"
    assert "in Japanese" in source.locator(".fl-source__facts").inner_text()
    link = source.locator("a.fl-url")
    assert link.inner_text() == "mod.go.jp"
    assert link.get_attribute("href") == "https://www.mod.go.jp/news/8.html"
    archive = source.locator("a.fl-archive")
    assert (
        archive.get_attribute("href") == "https://web.archive.org/web/2025/https://www.mod.go.jp/news/8.html"
    )
    assert source.locator(".fl-host").inner_text() == "(web.archive.org)"
    # the dated source added by the correction
    added = page.locator("#source-3 .fl-source__facts").inner_text()
    assert added.startswith("3 May 2024 · ")
    # numbering, back-links and excerpts as the evidence work built them
    back = page.locator("#source-1 .fl-backlinks a").first
    target = back.get_attribute("href")
    back.click()
    assert page.evaluate("location.hash") == target
    assert page.locator(f"{target} a").get_attribute("href") == "#source-1"
    page.locator("#source-1 details.fl-excerpts summary").click()
    assert page.locator("#source-1 .fl-excerpt").first.is_visible()


@pytest.mark.parametrize("javascript", [True, False])
def test_one_control_picks_the_citation_format_from_the_keyboard(
    history_site: Site, open_page: Any, javascript: bool
) -> None:
    page = open_page(history_site.url + PAGES["incident"], java_script_enabled=javascript)
    shown = (
        "() => [...document.querySelectorAll('.fl-cite-format')].filter(f => f.offsetParent).map(f => f.id)"
    )
    assert page.evaluate(shown) == ["cite-text"]
    page.get_by_role("radio", name="Plain text").focus()
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("radio", name="BibTeX").is_checked()
    assert page.evaluate(shown) == ["cite-bibtex"]
    page.keyboard.press("ArrowRight")
    assert page.evaluate(shown) == ["cite-csl"]
    assert page.get_by_role("group", name="Format").is_visible()


# --- history -------------------------------------------------------------------------------------------------


def test_changes_and_history_say_what_changed_not_the_commit_message(
    history_site: Site, open_page: Any
) -> None:
    page = open_page(history_site.url + "changes/")
    text = page.locator(".md-content").inner_text()
    assert "internal: fix #123" not in text and "Import the fixture record" not in text
    corrected = page.locator(".fl-change--corrected").inner_text()
    assert "Coast guard ships enter waters near the islands" in corrected
    assert "Figures added; source added: Publisher 11, 3 May 2024" in corrected
    # the first commit added more incidents than one entry lists: one entry, the list folded under it
    group = page.locator(".fl-change--group")
    assert group.count() == 1
    assert group.locator("strong").inner_text().endswith("incidents added")
    assert not group.locator("details ol").is_visible()
    group.locator("summary").press("Enter")
    assert group.locator("details ol li").first.is_visible()

    page.goto(history_site.url + PAGES["incident"])
    items = page.locator("ul.fl-history li").all_inner_texts()
    assert items == [
        "14 December 2025: Figures added; source added: Publisher 11, 3 May 2024",
        "11 December 2025: Added",
    ]


def sitemap_dates(site: Site) -> dict[str, str | None]:
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    base = "https://fault-lines.github.io/fault-lines/"
    return {
        u.findtext("s:loc", namespaces=namespace).removeprefix(base): u.findtext(
            "s:lastmod", namespaces=namespace
        )  # type: ignore[union-attr]
        for u in ET.parse(site.root / "sitemap.xml").getroot().findall("s:url", namespace)
    }


@pytest.mark.parametrize(
    "path",
    [f"incidents/{COAST_GUARD}/", "actors/jasdf/", "places/liancourt-rocks/", "types/joint-patrol/",
     "series/joint-air-patrols/", "years/2024/", "timeline/", "actors/", "", "about/", "methodology/"],
)  # fmt: skip
def test_every_page_says_when_it_last_changed(history_site: Site, open_page: Any, path: str) -> None:
    page = open_page(history_site.url + path, PHONE)
    line = page.locator("aside.fl-last-changed")
    assert line.is_visible()
    day = sitemap_dates(history_site)[path]
    assert line.locator("time").get_attribute("datetime") == day
    expected = "14 December 2025" if day == "2025-12-14" else "11 December 2025"
    assert line.inner_text().startswith(f"Last changed {expected}")


def test_an_incident_last_changed_links_its_history(history_site: Site, open_page: Any) -> None:
    page = open_page(history_site.url + PAGES["incident"])
    assert (
        page.locator("aside.fl-last-changed").inner_text() == "Last changed 14 December 2025 · what changed"
    )
    page.locator("aside.fl-last-changed a").click()
    assert page.evaluate("location.hash") == "#history"


# --- charts --------------------------------------------------------------------------------------------------

CHART_TEXT = """() => [...document.querySelectorAll('.md-content svg.fl-chart')].filter(s => s.getClientRects().length)
  .flatMap(svg => { const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')].filter(t => t.getClientRects().length).map(t => {
      const r = t.getBoundingClientRect(), m = t.getScreenCTM();
      return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
              inside: r.left >= box.left - .5 && r.right <= box.right + .5 && r.top >= box.top - .5
                      && r.bottom <= box.bottom + .5};
    }); })"""


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE, DESKTOP], ids=["320", "375", "1280"])
def test_chart_text_is_11_px_or_more_whole_and_inside_its_chart(
    history_site: Site, open_page: Any, viewport: dict[str, int]
) -> None:
    page = open_page(history_site.url + "stats/", viewport)
    texts = page.evaluate(CHART_TEXT)
    assert len(texts) > 20
    assert [t for t in texts if t["px"] < 11 - 0.05] == []
    assert [t for t in texts if not t["inside"]] == []
    assert [t for t in texts if t["text"].endswith("…")] == []  # no label shortened


# --- axe ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious_on_the_pages_that_read(
    history_site: Site, open_page: Any, name: str, viewport: str, scheme: str
) -> None:
    size = DESKTOP if viewport == "desktop" else PHONE
    page = open_page(history_site.url + PAGES[name], size, bypass_csp=True, color_scheme=scheme)
    violations = axe_violations(page)
    assert not violations, f"{name} ({viewport}, {scheme}):\n{describe(violations)}"


def test_screenshots_of_the_pages_that_read(history_site: Site, open_page: Any) -> None:
    folder = os.environ.get("FL_SCREENSHOTS")
    if not folder:
        pytest.skip("set FL_SCREENSHOTS=/folder to save screenshots")
    Path(folder).mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for label, viewport in (("1280", DESKTOP), ("375", PHONE)):
            for name, path in PAGES.items():
                page = open_page(history_site.url + path, viewport, color_scheme=scheme)
                page.screenshot(path=f"{folder}/readable-{name}-{label}-{scheme}.png", full_page=True)
