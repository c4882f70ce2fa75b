"""End to end: a real ``mkdocs build --strict`` of a small chronology, read with an HTML parser the way a
reader sees it (timeline, incident, actor, place and index pages), plus the build's failure modes,
``faultlines build --out``, ProperDocs and ``mkdocs serve``.

The module builds one site (``site_root``) and every read-only test looks at it; tests that edit content build
their own copy.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
import yaml
from helpers import (
    ACTOR_DIR,
    PLACE_DIR,
    VOCABULARY,
    check_tree,
    incident_path,
    minimal_files,
    problem_lines,
    run_cli,
    valid_actor,
    valid_incident,
    valid_place,
    valid_source,
    valid_vocabulary,
    write_tree,
)

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MKDOCS = str(BIN / "mkdocs")
PROPERDOCS = str(BIN / "properdocs")
STYLESHEET = "assets/fault-lines/types.css"
EDIT_BASE = "https://github.com/fault-lines/fault-lines/edit/main/"

PATROL = "2025-12-09-joint-bomber-patrol"
RADAR = "2025-12-06-radar-lock-on"
STATEMENT = "2025-12-10-defense-ministry-statement"
MONTH_ONLY = "2025-11-month-only-patrol"
LITERAL = "2025-10-01-literal-text"
OLDER = "2024-03-01-older-intercept"

LITERAL_TITLE = "Literal * _ < > & [ ] | {{ 7*7 }} title"
LITERAL_SUMMARY = "A summary with * _ < > & [ ] | {{ 7*7 }} in it, shown exactly as typed."


# --- a tiny DOM over html.parser ---

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    """An HTML element: tag, attributes, children (elements and text), and its parent."""

    tag: str
    attrs: dict[str, str]
    parent: Element | None = field(default=None, repr=False)
    children: list[Element | str] = field(default_factory=list, repr=False)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """The element's text with whitespace collapsed, as a reader sees it (not what ``hidden`` hides inside
        it, such as a name's other-script forms kept for search)."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif "hidden" not in child.attrs:
                parts.append(child.text())
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, class_: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and (class_ is None or class_ in e.classes)
            and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, class_: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, class_, **attrs)
        assert found, f"no <{tag or '*'}> with class={class_} {attrs} in <{self.tag}>"
        return found[0]

    def links(self) -> list[tuple[str, str]]:
        """(href, text) of every link inside."""
        return [(a.attrs.get("href", ""), a.text()) for a in self.find_all("a")]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --- building sites ---


def build_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


MARKDOWN_LINK = re.compile(r"\]\(([^)\s#]+\.md)(?:#[^)\s]*)?\)")


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even when it uses ``!!python/name:`` or ``!ENV`` tags (kept as plain values)."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: loader.construct_scalar(node))


def copy_site_sources(root: Path) -> None:
    """The project's mkdocs.yml and hand-written pages (timeline/) next to the content tree under ``root``.

    Hand-written pages about the real chronology (an article linking real incidents) would be broken links in
    a fixture's chronology: they are left out, with their nav entries; every other page is copied as it is.
    """
    from generator.pipeline import run
    from generator.render.site import render_site

    docs = root / "timeline"
    shutil.copytree(PROJECT / "timeline", docs)
    if (PROJECT / "CONTRIBUTING.md").is_file():  # the plugin publishes it as contributing.md
        shutil.copy(PROJECT / "CONTRIBUTING.md", root / "CONTRIBUTING.md")
    result = run(root)
    assert result.chronology is not None, [str(d) for d in result.diagnostics]
    output = render_site(result.chronology)
    generated = set(output.pages) | set(output.files) | {"contributing.md"}
    dropped: set[str] = set()
    while True:  # until no page links to a missing one (a page may link to a page just left out)
        broken = set()
        for page in docs.rglob("*.md"):
            here = page.relative_to(docs).as_posix()
            for target in MARKDOWN_LINK.findall(page.read_text(encoding="utf-8")):
                path = posixpath.normpath(posixpath.join(posixpath.dirname(here), target))
                if path not in generated and not (docs / path).is_file():
                    broken.add(here)
        if not broken:
            break
        for here in broken:
            (docs / here).unlink()
        dropped |= broken
    config_text = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    if dropped:
        config = yaml.load(config_text, Loader=_AnyTagLoader)
        config["nav"] = _prune_nav(config.get("nav", []), dropped)
        config_text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=1000)
    (root / "mkdocs.yml").write_text(config_text, encoding="utf-8")


def _prune_nav(nav: Any, dropped: set[str]) -> Any:
    if isinstance(nav, list):
        kept = [_prune_nav(item, dropped) for item in nav]
        return [item for item in kept if item not in (None, {}, [])]
    if isinstance(nav, dict):
        return {key: value for key, value in ((k, _prune_nav(v, dropped)) for k, v in nav.items()) if value}
    return None if nav in dropped else nav


def mkdocs(root: Path, *args: str, tool: str = MKDOCS) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool, *args], cwd=root, env=build_env(), capture_output=True, text=True, timeout=300, check=False
    )


def build_site(root: Path, files: dict[str, Any]) -> Path:
    """Write ``files`` under ``root``, add the site sources, run ``mkdocs build --strict``; return site/."""
    write_tree(root, files)
    copy_site_sources(root)
    done = mkdocs(root, "build", "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


def module_files() -> dict[str, Any]:
    """minimal_files() plus what each page family needs: a month-precision incident, a date range, a series,
    claims, disagreeing figures, related incidents, names in other languages, a person with an office, and a
    title made of Markdown, HTML and Jinja2 punctuation."""
    files = minimal_files()
    files[VOCABULARY] = valid_vocabulary(
        actor_kinds={
            "armed-force": {"label": "Armed force"},
            "ministry": {"label": "Ministry"},
            "person": {"label": "Person"},
        },
        series={"joint-air-patrols": {"label": "Joint air patrols", "numbering": "Japan Joint Staff"}},
    )
    files[f"{ACTOR_DIR}/jasdf.md"] = valid_actor(
        "Japan Air Self-Defense Force",
        country="JP",
        parent="japan-ministry-of-defense",
        names={"ja": "航空自衛隊"},
        aliases=["JASDF"],
        __body__="Japan's air force. See [[east-china-sea]].\n",
    )
    files[f"{ACTOR_DIR}/defense-minister.md"] = valid_actor(
        "Shinjiro Koizumi",
        kind="person",
        country="JP",
        positions=[{"title": "Minister of Defense", "of": "japan-ministry-of-defense", "from": "2025-10-21"}],
    )
    files[f"{PLACE_DIR}/east-china-sea.md"] = valid_place(
        "East China Sea", (29.0, 125.0), names={"ja": "東シナ海", "zh": "东海"}
    )
    patrol_sources = [
        valid_source(
            1,
            title="Chinese and Russian bombers fly joint patrol",
            published="2025-12-09",
            excerpts=[
                {"text": "Four bombers flew together. The patrol was part of an annual cooperation plan."}
            ],
        ),
        valid_source(
            2,
            language="ja",
            published="2025-12-10",
            excerpts=[{"text": "爆撃機6機が飛行した", "translation": "Six bombers flew."}],
        ),
    ]
    files[incident_path(PATROL)] = valid_incident(
        series="joint-air-patrols",
        series_number=10,
        time="16:32–16:35",
        timezone="Asia/Tokyo",
        claims=[
            {
                "actor": "pla-air-force",
                "text": "The patrol was part of an annual cooperation plan.",
                "source": patrol_sources[0]["url"],
            }
        ],
        figures=[
            {"what": "bombers", "value": 4, "source": patrol_sources[0]["url"]},
            {"what": "bombers", "value": 6, "source": patrol_sources[1]["url"]},
        ],
        sources=patrol_sources,
        __body__=f"The [[jasdf]] scrambled fighters; see [[{RADAR}]].[^pub-1]\n\n"
        "Japan counted six bombers.[^pub-2][^pub-1]\n\n- The `[^pub-2]` marker in code stays text.[^pub-2]\n",
    )
    files[incident_path(RADAR)] = {**files[incident_path(RADAR)], "end_date": "2025-12-09"}
    files[incident_path(STATEMENT)]["actors"] = [
        {"actor": "japan-ministry-of-defense", "role": "participant"},
        {"actor": "defense-minister", "role": "participant"},
    ]
    files[incident_path(MONTH_ONLY)] = valid_incident(
        title="Joint patrol reported some time in November",
        date="2025-11",
        status="reported",
        series="joint-air-patrols",
        series_number=9,
        summary="A joint patrol reported without a day.",
        sources=[valid_source(7), valid_source(8)],
    )
    files[incident_path(LITERAL)] = valid_incident(
        title=LITERAL_TITLE,
        date="2025-10-01",
        type="radar-lock",
        summary=LITERAL_SUMMARY,
        sources=[valid_source(9), valid_source(10)],
    )
    files[incident_path(OLDER)] = valid_incident(
        title="An older intercept over the Sea of Japan",
        date="2024-03-01",
        places=["sea-of-japan"],
        sources=[valid_source(11), valid_source(12)],
    )
    return files


@dataclass(frozen=True)
class Site:
    """A built fixture project: its root and site/ folder, with page readers."""

    root: Path

    @property
    def dir(self) -> Path:
        return self.root / "site"

    def html(self, url: str) -> str:
        path = self.dir / url.strip("/") / "index.html" if not url.endswith(".html") else self.dir / url
        return path.read_text(encoding="utf-8")

    def page(self, url: str) -> Element:
        return parse(self.html(url))

    def article(self, url: str) -> Element:
        return self.page(url).find("article")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("site")
    files = module_files()
    write_tree(root, files)
    assert check_tree(root) == []
    build_site(root, {})
    return Site(root)


def site_prefix() -> str:
    """The path part of site_url (root-relative links, as on 404.html, start with it)."""
    config = yaml.load((PROJECT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    return urlsplit(config.get("site_url", "/")).path or "/"


def table_rows(table: Element) -> list[list[str]]:
    return [
        [cell.text() for cell in row.find_all() if cell.tag in ("td", "th")] for row in table.find_all("tr")
    ]


def facts(page: Element) -> dict[str, Element]:
    """The dt → dd pairs of the first fact list."""
    dl = page.find("dl", class_="fl-facts")
    pairs, label = {}, ""
    for child in dl.children:
        if isinstance(child, Element) and child.tag == "dt":
            label = child.text()
        elif isinstance(child, Element) and child.tag == "dd":
            pairs[label] = child
    return pairs


# --- every link resolves ---


def test_every_internal_link_and_fragment_resolves(site: Site) -> None:
    prefix = site_prefix()
    pages = sorted(site.dir.rglob("*.html"))
    assert len(pages) > 20
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            doc = parse(path.read_text(encoding="utf-8"))
            ids[path] = {e.attrs["id"] for e in doc.iter() if "id" in e.attrs}
            ids[path] |= {e.attrs["name"] for e in doc.iter() if e.tag == "a" and "name" in e.attrs}
        return ids[path]

    broken = []
    checked = 0
    for page in pages:
        doc = parse(page.read_text(encoding="utf-8"))
        for element in doc.iter():
            for attribute in ("href", "src"):
                link = element.attrs.get(attribute)
                if link is None:
                    continue
                parts = urlsplit(link)
                if parts.scheme or parts.netloc:
                    continue  # external: not this test's business
                if parts.path.startswith("/"):
                    assert parts.path.startswith(prefix), f"{page}: {link} is outside the site's prefix"
                    target = site.dir / unquote(parts.path[len(prefix) :])
                elif parts.path:
                    target = page.parent / unquote(parts.path)
                else:
                    target = page
                if target.is_dir() or parts.path.endswith("/"):
                    target = target / "index.html"
                target = Path(posixpath.normpath(target.as_posix()))
                checked += 1
                if not target.is_file():
                    broken.append(f"{page.relative_to(site.dir)}: {link} (no {target.relative_to(site.dir)})")
                elif (
                    parts.fragment
                    and target.suffix == ".html"
                    and unquote(parts.fragment) not in ids_of(target)
                ):
                    broken.append(f"{page.relative_to(site.dir)}: {link} (no id '{parts.fragment}')")
    assert checked > 500
    assert broken == []


# --- timeline ---


def test_timeline_is_newest_first_grouped_by_year_and_month(site: Site) -> None:
    article = site.article("timeline/")
    seen: list[tuple[str, str, str, str]] = []  # (year heading, month heading, datetime, id)
    year = month = ""
    for element in article.iter():
        if element.tag == "h2":
            year = element.text().rstrip("¶").strip()
        elif element.tag == "h3":
            month = element.text().rstrip("¶").strip()
        elif element.tag == "li" and "fl-entry" in element.classes:
            seen.append((year, month, element.find("time").attrs["datetime"], element.attrs["id"]))
    assert [s[3] for s in seen] == [STATEMENT, PATROL, RADAR, MONTH_ONLY, LITERAL, OLDER]
    assert [s[2] for s in seen] == sorted((s[2] for s in seen), reverse=True)
    assert [(s[0], s[1]) for s in seen] == [
        ("2025", "December 2025"),
        ("2025", "December 2025"),
        ("2025", "December 2025"),
        ("2025", "November 2025"),
        ("2025", "October 2025"),
        ("2024", "March 2024"),
    ]


def test_timeline_entry_shows_date_at_its_precision_badge_and_status(site: Site) -> None:
    article = site.article("timeline/")
    entries = {li.attrs["id"]: li for li in article.find_all("li", class_="fl-entry")}
    assert entries[MONTH_ONLY].find("time").text() == "November 2025"
    assert entries[MONTH_ONLY].find("time").attrs["datetime"] == "2025-11"
    assert entries[RADAR].find("time").text() == "6–9 December 2025"
    assert entries[PATROL].find("time").text() == "9 December 2025"

    badge = entries[PATROL].find("span", class_="fl-badge")
    assert badge.classes == {"fl-badge", "fl-type--joint-patrol"} and badge.text() == "Joint patrol"
    assert entries[RADAR].find("span", class_="fl-badge").text() == "Radar lock-on"
    # the badge colour is a stylesheet generated from the vocabulary, linked from every page
    css = (site.dir / STYLESHEET).read_text(encoding="utf-8")
    assert re.search(r"\.fl-type--joint-patrol \{[^}]*--fl-type-color: #8e1b1b;", css)

    assert entries[MONTH_ONLY].find("span", class_="fl-status").text() == "Reported"
    assert entries[PATROL].find_all("span", class_="fl-status") == []
    title_link = entries[PATROL].find("p", class_="fl-entry__title").find("a")
    assert title_link.attrs["href"] == f"../incidents/{PATROL}/"
    assert entries[PATROL].find("p", class_="fl-entry__summary").text().startswith("Two Chinese and two")
    assert ("../actors/jasdf/", "Japan Air Self-Defense Force") in entries[PATROL].links()


def test_month_precision_date_never_shows_a_day_anywhere(site: Site) -> None:
    incident_url = f"incidents/{MONTH_ONLY}/"
    pages_showing_it = [
        *("timeline/", incident_url, "actors/jasdf/", "actors/pla-air-force/", "years/2025/"),
        *("types/joint-patrol/", "series/joint-air-patrols/", "places/east-china-sea/", ""),
    ]
    for url in pages_showing_it:
        article = site.article(url)
        times = [t for t in article.find_all("time") if t.attrs.get("datetime", "").startswith("2025-11")]
        assert times, f"{url or 'home'} does not show the month-precision incident"
        assert {t.text() for t in times} == {"November 2025"}, url
        assert {t.attrs["datetime"] for t in times} == {"2025-11"}, url
    # nowhere on the site (pages, search index) a day in November 2025 or the first of the month
    day_in_november = re.compile(r"\b\d{1,2}\s+November\s+2025|2025-11-\d\d")
    for path in [*site.dir.rglob("*.html"), site.dir / "search/search_index.json"]:
        text = path.read_text(encoding="utf-8")
        assert not day_in_november.search(text), (
            f"{path.relative_to(site.dir)}: {day_in_november.search(text)}"
        )
    assert facts(site.article(incident_url))["Date"].text() == "November 2025 (day not known)"


# --- incident page ---


def test_incident_page_title_date_type_and_series(site: Site) -> None:
    page = site.page(f"incidents/{PATROL}/")
    title = "Joint bomber patrol over the East China Sea"
    assert page.find("article").find("h1").text() == title
    assert page.find("title").text().startswith(title)
    fact = facts(page)
    assert fact["Date"].text() == "9 December 2025"
    assert fact["Date"].find("time").attrs["datetime"] == "2025-12-09"
    assert fact["Local time"].text() == "16:32–16:35"
    assert fact["Time zone"].text() == "Asia/Tokyo"
    assert fact["Type"].text() == "Joint patrol"
    assert fact["Type"].find("a").attrs["href"] == "../../types/joint-patrol/"
    assert fact["Series"].text() == "Joint air patrols, No. 10 (Japan Joint Staff)"
    assert fact["Places"].links() == [("../../places/east-china-sea/", "East China Sea")]

    series_nav = page.find("nav", class_="fl-series-nav")
    assert series_nav.links() == [(f"../{MONTH_ONLY}/", "← Joint patrol reported some time in November")]
    month_nav = site.page(f"incidents/{MONTH_ONLY}/").find("nav", class_="fl-series-nav")
    assert month_nav.find("a", rel="next").attrs["href"] == f"../{PATROL}/"
    assert month_nav.find_all("a", rel="prev") == []
    # a confirmed incident says so on its own page; a reported one shows its status
    assert fact["Status"].text() == "Confirmed"
    assert facts(site.page(f"incidents/{MONTH_ONLY}/"))["Status"].text() == "Reported"


def test_incident_page_actors_by_role_claims_and_body_links(site: Site) -> None:
    article = site.article(f"incidents/{PATROL}/")
    roles = article.find("dl", class_="fl-roles")
    groups: dict[str, list[tuple[str, str]]] = {}
    label = ""
    for child in roles.children:
        if isinstance(child, Element) and child.tag == "dt":
            label = child.text()
        elif isinstance(child, Element) and child.tag == "dd":
            groups[label] = child.links()
    assert groups == {
        "Participant": [("../../actors/pla-air-force/", "PLA Air Force")],
        "Responder": [("../../actors/jasdf/", "Japan Air Self-Defense Force")],
    }
    claim = article.find("ul", class_="fl-claims").find("li")
    assert claim.text().startswith("PLA Air Force: The patrol was part of an annual cooperation plan.")
    assert claim.find("a").attrs["href"] == "../../actors/pla-air-force/"
    cite = claim.find("a", class_="fl-cite")
    assert cite.attrs["href"] == "#source-1"
    assert (
        article.find("li", id="source-1").find("span", class_="fl-source__publisher").text() == "Publisher 1"
    )
    body = article.find("div", class_="fl-body")
    assert ("../../actors/jasdf/", "Japan Air Self-Defense Force") in body.links()
    assert ("../2025-12-06-radar-lock-on/", "Chinese carrier aircraft aim radar at Japanese fighters") in (
        body.links()
    )
    assert "[[" not in body.text()


def test_disagreeing_figures_are_shown_side_by_side_with_their_sources(site: Site) -> None:
    table = site.article(f"incidents/{PATROL}/").find("table", class_="fl-figures")
    rows = table_rows(table)
    assert rows[0] == ["What", "Value", "Source"]
    assert rows[1] == ["bombers sources differ", "4", "[1] Publisher 1"]
    assert rows[2] == ["6", "[2] Publisher 2"]
    differing = [tr for tr in table.find_all("tr") if "fl-figures--differ" in tr.classes]
    assert len(differing) == 2
    assert [a.attrs["href"] for a in table.find_all("a")] == ["#source-1", "#source-2"]


def test_related_incidents_show_in_both_directions(site: Site) -> None:
    statement = site.article(f"incidents/{STATEMENT}/").find("ul", class_="fl-related")
    assert statement.links() == [(f"../{PATROL}/", "Joint bomber patrol over the East China Sea")]
    patrol = site.article(f"incidents/{PATROL}/").find("ul", class_="fl-related")
    assert patrol.links() == [(f"../{STATEMENT}/", "Japan's defense ministry protests the joint patrol")]


def test_sources_are_numbered_with_publisher_title_date_language_and_archive(site: Site) -> None:
    article = site.article(f"incidents/{PATROL}/")
    sources = article.find("ol", class_="fl-sources").find_all("li")
    assert [li.attrs["id"] for li in sources] == ["source-1", "source-2"]
    first, second = sources
    assert first.find("cite").text() == "Chinese and Russian bombers fly joint patrol"
    assert first.find("time").attrs["datetime"] == "2025-12-09"
    assert first.find("time").text() == "9 December 2025"
    # the address shown as its host; the link goes to the whole address, and the archive copy's too
    assert ("https://www.mod.go.jp/news/1.html", "mod.go.jp") in first.links()
    assert first.find("a", class_="fl-url").attrs["title"] == "https://www.mod.go.jp/news/1.html"
    assert first.find("span", class_="fl-host").text() == "(web.archive.org)"
    facts = first.find("span", class_="fl-source__facts").text()
    assert facts.startswith("9 December 2025 · ")
    assert (
        "https://web.archive.org/web/2025/https://www.mod.go.jp/news/1.html",
        "archived copy",
    ) in first.links()
    assert second.find("span", class_="fl-lang").text() == "in Japanese"
    assert second.find("span", class_="fl-source__publisher").text() == "Publisher 2"
    assert first.find_all("span", class_="fl-lang") == []


def test_incident_page_cite_block_and_edit_link(site: Site) -> None:
    page = site.page(f"incidents/{PATROL}/")
    cite = page.find("pre", class_="fl-cite-text").text()
    assert cite.startswith("Test Chronology, “Joint bomber patrol over the East China Sea” (9 December 2025)")
    assert PATROL in cite
    edit = page.find("a", rel="edit").attrs["href"]
    assert edit == f"{EDIT_BASE}content/incidents/2025/{PATROL}.md"
    actor_edit = site.page("actors/jasdf/").find("a", rel="edit").attrs["href"]
    assert actor_edit == f"{EDIT_BASE}content/actors/jasdf.md"
    assert site.page("").find("a", rel="edit").attrs["href"] == f"{EDIT_BASE}timeline/index.md"


# --- actor, place and index pages ---


def test_actor_page_lists_incidents_names_parent_and_co_actors(site: Site) -> None:
    article = site.article("actors/jasdf/")
    assert article.find("h1").text() == "Japan Air Self-Defense Force"
    fact = facts(article)
    assert fact["Kind"].text() == "Armed force"
    assert fact["Country"].text() == "JP"
    assert fact["Part of"].links() == [("../japan-ministry-of-defense/", "Japan Ministry of Defense")]
    assert fact["Name (ja)"].text() == "航空自衛隊"
    assert fact["Name (ja)"].attrs["lang"] == "ja"  # so browsers and screen readers use Japanese
    assert fact["Also known as"].text() == "JASDF"
    incident_links = [href for href, _ in article.links() if href.startswith("../../incidents/")]
    assert incident_links == [
        f"../../incidents/{PATROL}/",
        f"../../incidents/{RADAR}/",
        f"../../incidents/{MONTH_ONLY}/",
        f"../../incidents/{LITERAL}/",
        f"../../incidents/{OLDER}/",
    ]
    # ... and the incident links back
    assert ("../../actors/jasdf/", "Japan Air Self-Defense Force") in site.article(
        f"incidents/{PATROL}/"
    ).links()
    headings = [h.text().rstrip("¶").strip() for h in article.find_all("h3")]
    assert headings == ["As responder"]
    co_actors = article.find("ul", class_="fl-co-actors").links()
    assert co_actors == [("../pla-air-force/", "PLA Air Force")]
    assert "(5)" in article.find("ul", class_="fl-co-actors").text()


def test_parent_lists_children_and_person_lists_offices(site: Site) -> None:
    ministry = site.article("actors/japan-ministry-of-defense/")
    assert ministry.find("ul", class_="fl-children").links() == [
        ("../jasdf/", "Japan Air Self-Defense Force")
    ]
    person = site.article("actors/defense-minister/")
    office = person.find("ul", class_="fl-positions").find("li")
    assert office.text() == "Minister of Defense, Japan Ministry of Defense: 21 October 2025 – present"
    assert office.links() == [("../japan-ministry-of-defense/", "Japan Ministry of Defense")]
    assert (
        f"../../incidents/{STATEMENT}/",
        "Japan's defense ministry protests the joint patrol",
    ) in person.links()


def test_place_page_has_coordinates_names_map_and_incidents(site: Site) -> None:
    article = site.article("places/east-china-sea/")
    fact = facts(article)
    assert fact["Coordinates"].text() == "29.00, 125.00"
    assert fact["Name (ja)"].text() == "東シナ海"
    assert fact["Name (zh)"].text() == "东海"
    figure = article.find("figure", class_="fl-place-map")
    svg = figure.find("svg")
    assert svg.find_all("circle") or svg.find_all("path"), "the map draws nothing"
    assert figure.find("figcaption").text() == "Location: 29.00, 125.00"
    assert len(site.html("places/east-china-sea/")) < 200_000, "the small map is not small"
    links = [href for href, _ in article.links() if href.startswith("../../incidents/")]
    assert f"../../incidents/{PATROL}/" in links and f"../../incidents/{OLDER}/" not in links


def test_index_pages_have_counts(site: Site) -> None:
    actors = site.article("actors/")
    headings = [h.text().rstrip("¶").strip() for h in actors.find_all("h2")]
    assert headings == ["Armed force", "Ministry", "Person"]
    rows = {r[0]: r[1:] for t in actors.find_all("table") for r in table_rows(t)[1:]}
    assert rows["Japan Air Self-Defense Force"] == ["JP", "5"]
    assert rows["PLA Air Force"] == ["CN", "5"]
    assert rows["Shinjiro Koizumi"] == ["JP", "1"]
    assert "4 actors" in actors.find("p", class_="fl-lede").text()

    places = {r[0]: r[1:] for r in table_rows(site.article("places/").find("table"))[1:]}
    assert places == {"East China Sea": ["4"], "Sea of Japan": ["2"]}
    types = {r[0]: r[-1] for r in table_rows(site.article("types/").find("table"))[1:]}
    assert types == {"Joint patrol": "3", "Radar lock-on": "3"}
    years = {r[0]: r[1:] for r in table_rows(site.article("years/").find("table"))[1:]}
    assert years == {"2025": ["5"], "2024": ["1"]}
    assert ("2024/", "2024") in site.article("years/").links()


# --- contributor text is data ---


def test_markdown_html_and_template_punctuation_show_literally(site: Site) -> None:
    page_html = site.html(f"incidents/{LITERAL}/")
    page = parse(page_html)
    h1 = page.find("article").find("h1")
    assert h1.text() == LITERAL_TITLE
    assert [e.tag for e in h1.iter()] == ["h1"], "the title grew markup"
    assert page.find("title").text().startswith(LITERAL_TITLE)
    assert page.find("p", class_="fl-summary").text() == LITERAL_SUMMARY
    assert "&lt; &gt; &amp;" in page_html and "<em>" not in page_html.split("<article", 1)[1]
    assert "49" not in h1.text() and "49" not in page.find("title").text()

    entry = site.article("timeline/").find("li", id=LITERAL)
    assert entry.find("p", class_="fl-entry__title").text() == LITERAL_TITLE
    assert entry.find("p", class_="fl-entry__summary").text() == LITERAL_SUMMARY
    assert [e.tag for e in entry.find("p", class_="fl-entry__title").iter()] == ["p", "a"]
    assert page.find("meta", name="description").attrs["content"] == LITERAL_SUMMARY
    actor_entry = [a for a in site.article("actors/jasdf/").find_all("a") if LITERAL in a.attrs["href"]]
    assert [a.text() for a in actor_entry] == [LITERAL_TITLE]


# --- navigation does not grow with the chronology ---


def nav_links(page: Element) -> list[str]:
    nav = page.find("nav", class_="md-nav--primary")
    return [a.attrs["href"] for a in nav.find_all("a") if a.attrs.get("href")]


def test_navigation_lists_sections_and_indexes_never_incidents(site: Site) -> None:
    page = site.page(f"incidents/{PATROL}/")
    links = nav_links(page)
    assert not [href for href in links if "incidents/" in href]
    for index in ("../../timeline/", "../../actors/", "../../places/", "../../types/", "../../years/"):
        assert index in links
    assert len(links) <= 20
    labels = [a.text() for a in page.find("nav", class_="md-nav--primary").find_all("a")]
    for label in ("Timeline", "Actors", "Places", "Incident types", "Series", "Years"):
        assert label in labels, f"{label} is missing from the navigation"
    assert nav_links(site.page(f"incidents/{OLDER}/")) == links, "the nav differs between incidents"


def many_incidents(count: int) -> dict[str, Any]:
    """minimal_files() plus ``count`` - 3 unrelated incidents in 2024."""
    files = minimal_files()
    for n in range(count - 3):
        day = f"2024-{n // 28 + 1:02d}-{n % 28 + 1:02d}"
        files[incident_path(f"{day}-patrol-{n}")] = valid_incident(
            title=f"Patrol number {n} near Japan",
            date=day,
            sources=[valid_source(100 + 2 * n), valid_source(101 + 2 * n)],
        )
    return files


def test_incident_page_size_does_not_grow_with_the_number_of_incidents(tmp_path: Path) -> None:
    small = build_site(tmp_path / "five", many_incidents(5))
    large = build_site(tmp_path / "forty", many_incidents(40))
    assert len(list((large / "incidents").iterdir())) == 40
    for incident in (PATROL, RADAR):
        a = (small / "incidents" / incident / "index.html").read_bytes()
        b = (large / "incidents" / incident / "index.html").read_bytes()
        assert len(a) == len(b), f"{incident}: {len(a)} bytes with 5 incidents, {len(b)} with 40"
    assert nav_links(parse((small / "index.html").read_text())) == nav_links(
        parse((large / "index.html").read_text())
    )


# --- failures leave the published site alone ---


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(directory).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_failed_builds_print_check_diagnostics_and_keep_the_previous_site(tmp_path: Path) -> None:
    site_dir = build_site(tmp_path, minimal_files())
    before = snapshot(site_dir)

    # a content error: the same line as `faultlines check`, a non-zero exit, site/ untouched
    broken = tmp_path / incident_path(PATROL)
    good = broken.read_text(encoding="utf-8")
    broken.write_text(good.replace("actor: jasdf", "actor: jsdf"), encoding="utf-8")
    expected = check_tree(tmp_path)
    assert expected == [
        f"{incident_path(PATROL)}:9:10: error FL201 unknown actor 'jsdf'; did you mean 'jasdf'?"
    ]
    done = mkdocs(tmp_path, "build", "--strict")
    assert done.returncode != 0
    assert problem_lines(done.stdout + done.stderr) == expected
    assert snapshot(site_dir) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")], "staging folder left"

    # valid content, but --strict aborts after rendering (a broken link on a hand-written page): MkDocs raises
    # only after on_post_build, and the previous site must still stay
    broken.write_text(good, encoding="utf-8")
    (tmp_path / "timeline/stray.md").write_text("# Stray\n\n[broken](missing.md)\n", encoding="utf-8")
    done = mkdocs(tmp_path, "build", "--strict")
    assert done.returncode != 0
    assert "Aborted with" in done.stdout + done.stderr
    assert snapshot(site_dir) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")], "staging folder left"


# --- faultlines build --out ---


def built_page(site_dir: Path, markdown_path: str) -> Path:
    stem = markdown_path.removesuffix(".md")
    if stem == "index":
        return site_dir / "index.html"
    return site_dir / stem.removesuffix("/index") / "index.html"


def test_build_out_writes_the_pages_mkdocs_builds(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    status, _, stderr = run_cli("build", str(site.root), "--out", str(out))
    assert status == 0, stderr
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    markdown = {p for p in written if p.endswith(".md")}
    assert (
        f"incidents/{PATROL}.md" in markdown and "timeline.md" in markdown and "actors/index.md" in markdown
    )
    for path in sorted(markdown):
        assert built_page(site.dir, path).is_file(), f"{path} was generated but MkDocs built no page for it"
    for path in sorted(written - markdown):  # data files (their bytes may depend on site_url)
        assert (site.dir / path).is_file(), f"{path} was generated but is not in the built site"
    assert (site.dir / STYLESHEET).read_bytes() == (out / STYLESHEET).read_bytes()
    hand_written = {
        p.relative_to(site.root / "timeline").as_posix() for p in (site.root / "timeline").rglob("*.md")
    }
    hand_written = {p for p in hand_written if not p.startswith("overrides/")}
    if (site.root / "CONTRIBUTING.md").is_file():
        hand_written.add("contributing.md")
    built = {p.relative_to(site.dir) for p in site.dir.rglob("index.html")}
    from_markdown = {built_page(site.dir, p).relative_to(site.dir) for p in markdown | hand_written}
    assert built == from_markdown
    # the generated Markdown is what MkDocs rendered: the incident page says the same
    assert (
        "<h1>Joint bomber patrol over the East China Sea</h1>" in (out / f"incidents/{PATROL}.md").read_text()
    )


def test_build_out_refuses_a_folder_inside_content(site: Site) -> None:
    status, _, stderr = run_cli("build", str(site.root), "--out", str(site.root / "content/x"))
    assert status == 2
    assert "content" in stderr
    assert not (site.root / "content/x").exists()


# --- ProperDocs ---


def test_properdocs_builds_the_same_incident_page(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(site.root, root, ignore=shutil.ignore_patterns("site"))
    done = mkdocs(root, "build", "--strict", "-f", "mkdocs.yml", tool=PROPERDOCS)
    assert done.returncode == 0, done.stdout + done.stderr
    page = parse((root / "site/incidents" / PATROL / "index.html").read_text(encoding="utf-8"))
    reference = site.page(f"incidents/{PATROL}/")
    assert page.find("article").find("h1").text() == reference.find("article").find("h1").text()
    assert (
        page.find("table", class_="fl-figures").text() == reference.find("table", class_="fl-figures").text()
    )
    assert page.find("a", rel="edit").attrs["href"] == reference.find("a", rel="edit").attrs["href"]
    assert "properdocs" in page.find("meta", name="generator").attrs["content"].lower()
    pages = {p.relative_to(root / "site") for p in (root / "site").rglob("index.html")}
    assert pages == {p.relative_to(site.dir) for p in site.dir.rglob("index.html")}


# --- mkdocs serve ---


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, predicate: Any, seconds: float) -> str | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = fetch(url)
        if text is not None and predicate(text):
            return text
        time.sleep(0.3)
    return None


def test_serve_picks_up_an_edited_incident(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_tree(project, minimal_files())
    copy_site_sources(project)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            env=build_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}{site_prefix()}incidents/{PATROL}/"
        h1 = '<h1 id="fl-title">Joint bomber patrol over the East China Sea</h1>'
        served = wait_for(url, lambda text: h1 in text, 60)
        assert served, f"the server did not serve the incident:\n{log.read_text()[-3000:]}"
        path = project / incident_path(PATROL)
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("title: Joint bomber patrol", "title: Edited bomber patrol"), encoding="utf-8"
        )
        edited = wait_for(
            url,
            lambda text: '<h1 id="fl-title">Edited bomber patrol over the East China Sea</h1>' in text,
            30,
        )
        assert edited, f"the edit did not show within 30 s:\n{log.read_text()[-3000:]}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_search_indexes_each_incident_summary_once_on_its_own_page(site: Site) -> None:
    index = json.loads((site.dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    summary = "Two Chinese and two Russian bombers flew together over the East China Sea."
    holders = {doc["location"].split("#")[0] for doc in index["docs"] if summary in doc["text"]}
    # the timeline, type, year, actor and place pages list it too, but only incident pages are indexed with it
    # (the fixture's older incident shares the default summary)
    assert "incidents/2025-12-09-joint-bomber-patrol/" in holders
    assert all(location.startswith("incidents/") for location in holders), holders


def test_search_has_no_empty_entries_for_sections_it_does_not_index(site: Site) -> None:
    index = json.loads((site.dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    page = "incidents/2025-12-09-joint-bomber-patrol/"
    sections = {
        doc["location"].removeprefix(page) for doc in index["docs"] if doc["location"].startswith(page)
    }
    # related incidents, citations and history are not indexed, so their headings are not entries either
    assert {"#related-incidents", "#cite-this-incident", "#history"}.isdisjoint(sections), sections
    assert {"", "#actors", "#sources"} <= sections
    html = (site.dir / page / "index.html").read_text(encoding="utf-8")
    # still on the page and in its table of contents
    assert 'id="related-incidents"' in html and 'href="#cite-this-incident"' in html


# --- sharing: cards and structured data ---


def _local(site: Site, url: str) -> Path:
    """The built file an absolute site URL points to."""
    path = urlsplit(url).path
    assert path.startswith(site_prefix()), url
    return site.dir / unquote(path[len(site_prefix()) :])


def test_every_page_shares_a_1200x630_card_and_incidents_their_own(site: Site) -> None:
    extruct = pytest.importorskip("extruct")
    from PIL import Image

    incident = "incidents/2025-12-09-joint-bomber-patrol/"
    data = extruct.extract(site.html(incident), syntaxes=["opengraph", "json-ld"], uniform=True)
    (graph,) = data["opengraph"]
    assert graph["og:image"].startswith("https://"), graph
    assert graph["og:image"].endswith("/cards/2025-12-09-joint-bomber-patrol.png")
    with Image.open(_local(site, graph["og:image"])) as card:
        assert (card.format, card.size) == ("PNG", (1200, 630))
    (event,) = data["json-ld"]
    assert event["@type"] == "Event"
    assert "citation" not in event  # not a property of Event
    assert {work["@type"] for work in event["subjectOf"]} == {"CreativeWork"}
    located = [place for place in event.get("location", []) if "geo" in place]
    assert located and located[0]["geo"]["@type"] == "GeoCoordinates"
    for other in ("", "timeline/", "actors/jasdf/", "stats/"):
        (graph,) = extruct.extract(site.html(other), syntaxes=["opengraph"], uniform=True)["opengraph"]
        assert graph["og:image"].endswith("/cards/site.png"), other
        assert graph["og:title"] and graph["@type"] == "website"  # extruct puts og:type in @type
    with Image.open(site.dir / "cards" / "site.png") as card:
        assert card.size == (1200, 630)


def test_build_out_fills_hand_written_pages_and_takes_a_site_url(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    status, _, stderr = run_cli(
        "build", str(site.root), "--out", str(out), "--site-url", "https://example.org/fl"
    )
    assert status == 0, stderr
    home = (out / "index.md").read_text(encoding="utf-8")
    assert "<!-- fault-lines:" not in home and "fl-counts-list" in home  # counts and latest incidents filled
    assert not (out / "overrides").exists()  # the theme's folder is not a page
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.entries and all(e.link.startswith("https://example.org/fl/incidents/") for e in feed.entries)
    assert (out / "contributing.md").is_file() == (site.root / "CONTRIBUTING.md").is_file()


def test_build_out_standalone_is_a_project_plain_mkdocs_builds(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "standalone"
    status, _, stderr = run_cli("build", str(site.root), "--out", str(out), "--standalone")
    assert status == 0, stderr
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs" and config["theme"]["custom_dir"] == "overrides"
    assert not any("fault-lines" in str(p) for p in config.get("plugins", []))
    assert "assets/fault-lines/types.css" in config["extra_css"]
    done = mkdocs(out, "build", "--no-strict", "-f", "mkdocs.yml")  # our plugin is not used: it is not listed
    assert done.returncode == 0, done.stdout + done.stderr
    reference = site.page(f"incidents/{PATROL}/")
    page = parse((out / "site" / "incidents" / PATROL / "index.html").read_text(encoding="utf-8"))
    assert page.find("article").find("h1").text() == reference.find("article").find("h1").text()


def test_build_out_refuses_a_hand_written_page_that_clashes(site: Site, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(site.root, root, ignore=shutil.ignore_patterns("site"))
    (root / "timeline" / "timeline.md").write_text("# Mine\n", encoding="utf-8")
    status, _, stderr = run_cli("build", str(root), "--out", str(tmp_path / "out"))
    assert status == 1
    assert "timeline/timeline.md clashes with a generated page" in stderr
    assert not (tmp_path / "out").exists()
