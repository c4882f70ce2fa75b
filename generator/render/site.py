"""Everything the site needs from one Chronology: pages (Markdown) and files (bytes), by path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.dates import human_range
from generator.export import export_pages, render_exports
from generator.export.records import coordinates
from generator.export.revisions import page_dates, revisions
from generator.history import History
from generator.model import Chronology
from generator.render import charts, svgmap, timeaxis
from generator.render import memo as memo_
from generator.render.cards import SITE_CARD, card_path, card_png, cards_mode
from generator.render.changes import changes_files
from generator.render.contrast import on_dark, text_color
from generator.render.pages import GeneratedPage, SiteRenderer
from generator.render.parallel import PARALLEL_MIN_INCIDENTS, IncidentPages
from generator.render.reference import error_codes_markdown, fields_page_markdown
from generator.render.urls import page_path, page_url, relative

STYLESHEET = "assets/fault-lines/types.css"
SUMMARY_INDEX_ABOVE = 1000
"""``search_index="auto"`` indexes incidents in full up to this many, by title, summary and facts beyond: the
full index is about 4.2 MB at 1,000 incidents and 41 MB at 10,000 (see the Benchmarks page), more than a
phone should download and parse; the summary index is about a fifth of that."""


def search_index_mode(option: str, incidents: int) -> str:
    """``full`` or ``summary`` for the ``search_index`` option (``auto``, ``full`` or ``summary``)."""
    if option != "auto":
        return option
    return "full" if incidents <= SUMMARY_INDEX_ABOVE else "summary"


@dataclass(frozen=True)
class SiteOutput:
    """Generated pages and files, keyed by their path inside the site's docs tree."""

    pages: dict[str, GeneratedPage]
    files: dict[str, bytes] = field(default_factory=dict)
    # the day each generated page's content last changed, from history (the sitemap's lastmod); empty without
    modified: dict[str, dt.date] = field(default_factory=dict)
    # the pages whose Markdown this build rendered; the others came from the memo (generator/render/memo.py)
    rendered: tuple[str, ...] = ()


def type_stylesheet(chronology: Chronology) -> bytes:
    """The generated stylesheet: badge colours from the vocabulary (validated as #rrggbb by the schema), as CSS
    custom properties, then the chart and map styles, which live beside their renderers."""
    lines = [f".fl-type--{key} {{ --fl-type-color: {term.color}; --fl-type-text: {text_color(term.color)}; "
             f"--fl-type-color-light: {on_dark(term.color)}; }}"
             for key, term in chronology.vocabulary.incident_types.items()]  # fmt: skip
    # charts draw type colours as fill attributes; on the dark scheme a dark type colour is lightened to 3:1
    for colour in dict.fromkeys(term.color.lower() for term in chronology.vocabulary.incident_types.values()):
        if on_dark(colour) != colour:
            lines.append(
                f'[data-md-color-scheme="slate"] .fl-chart [fill="{colour}"] {{ fill: {on_dark(colour)}; }}'
            )
    return ("\n".join(lines) + "\n" + charts.CHART_CSS + svgmap.MAP_CSS + timeaxis.AXIS_CSS).encode()


def site_renderer(
    chronology: Chronology,
    *,
    edit_base: str = "",
    directory_urls: bool = True,
    history: History | None = None,
    site_url: str = "",
    search_index: str = "auto",
    social_cards: str = "auto",
    fragments: memo_.Fragments | None = None,
) -> SiteRenderer:
    """The renderer :func:`render_site` renders with, for these options (``search_index`` and ``social_cards`` as
    the plugin's options: "auto" decided by the number of incidents). Also used alone, to render one incident's
    page the way a build does (``mkdocs serve``'s saved page first, generator/serve_preview.py)."""
    return SiteRenderer(
        chronology,
        edit_base=edit_base,
        directory_urls=directory_urls,
        history=history,
        site_url=site_url,
        search_index=search_index_mode(search_index, len(chronology.incidents)),
        social_cards=cards_mode(social_cards, len(chronology.incidents)),
        fragments=fragments,
    )


def render_site(
    chronology: Chronology,
    *,
    edit_base: str = "",
    directory_urls: bool = True,
    history: History | None = None,
    site_url: str = "",
    search_index: str = "auto",
    social_cards: str = "auto",
    processes: int = 0,
    parallel_min: int = PARALLEL_MIN_INCIDENTS,
    memo: memo_.Store | None = None,
    fragments: memo_.Fragments | None = None,
    pieces: memo_.Fragments | None = None,
    pack: bool = True,
    sink: Callable[[str, bytes], None] | None = None,
) -> SiteOutput:
    """Render every page and file of the site (pure: same chronology and history, same bytes).

    ``history`` (git commits by content file, see generator/history.py) adds each incident's History and the
    Changes page with changes.json and changes.xml; without it the site has neither. ``search_index="summary"``
    leaves incidents' bodies and detail sections out of the search index (see the plugin's option); "auto"
    does so above ``SUMMARY_INDEX_ABOVE`` incidents.
    ``social_cards``: ``auto``, ``incidents``, ``site`` or ``off`` (see ``generator.render.cards``).
    ``processes``: worker processes for the incident pages of a large chronology (``generator.render.parallel``;
    0: none); the output is the same either way. ``memo``: where incident pages rendered before are kept by the
    key of their inputs (``generator.render.memo``); ``fragments``: where pieces of the site-wide pages and
    exports are kept between ``mkdocs serve`` rebuilds (``memo.Fragments``); ``pieces``: where the exports'
    pieces (calendar events, feeds) are kept, across builds too (``fragments`` when not given); the output is the
    same either way. ``pack``: whether incident pages are held compressed until they are read, and those found
    in ``memo`` not held at all but read again from it if asked for (memory, for ``mkdocs build``: a page whose
    conversion is cached is never asked, see ``memo.partition``); ``mkdocs serve`` holds them as text, as
    compressing every page again on each rebuild only to read it back cost about a sixth of a rebuild at 1,000
    incidents.
    ``sink``: given, each file (the exports, the stylesheet, the share cards) is handed to it, in the order of
    its path, as soon as the files are made, before the pages are rendered, and is not kept in the output
    (memory: about 140 MB at 10,000 incidents); the same files either way.
    """
    renderer = site_renderer(
        chronology,
        edit_base=edit_base,
        directory_urls=directory_urls,
        history=history,
        site_url=site_url,
        search_index=search_index,
        social_cards=social_cards,
        fragments=fragments,
    )
    # the workers render the incidents (those not in the memo) while this process does everything else, then
    # the pages are gathered
    renderer.memo = memo  # the other pages by what they show (SiteRenderer.render)
    if pieces is not None:
        renderer.record_text = pieces.record_text  # each record's repr once, for every key made of it
    known, todo = memo_.partition(memo, renderer, pack=pack)
    incidents = IncidentPages(renderer, processes, parallel_min, records=[record for record, _ in todo])

    def incident_pages() -> list[GeneratedPage]:
        rendered = incidents.result()
        memo_.keep(memo, todo, rendered)
        renderer.rendered.extend(page.path for page in rendered)
        if not known:
            return rendered
        fresh = iter(rendered)
        return [known[r.id] if r.id in known else next(fresh) for r in chronology.incidents]

    try:
        return _render_rest(renderer, incident_pages, memo, pieces or fragments, sink=sink)
    finally:
        incidents.close()


def _render_rest(
    renderer: SiteRenderer,
    incident_pages: Callable[[], list[GeneratedPage]],
    memo: memo_.Store | None,
    pieces: memo_.Fragments | None = None,
    pack: bool = True,
    sink: Callable[[str, bytes], None] | None = None,
) -> SiteOutput:
    """Everything but the incident pages here, while ``incidents`` may still be rendering them elsewhere."""
    chronology, site_url, directory_urls = renderer.c, renderer.site_url, renderer.directory_urls
    files = {STYLESHEET: type_stylesheet(chronology)}
    if renderer.history is not None:
        files.update(
            changes_files(chronology, renderer.history, site_url=site_url, directory_urls=directory_urls)
        )
    revised = revisions(chronology, renderer.history)
    files.update(
        render_exports(
            chronology, site_url=site_url, directory_urls=directory_urls, revised=revised, fragments=pieces
        )
    )
    files.update(social_card_files(chronology, renderer.social_cards, memo))
    if sink is not None:  # written out now, not held while the pages are rendered
        for path in sorted(files):
            sink(path, files.pop(path))
    exported = export_pages(chronology, directory_urls=directory_urls, render=renderer.render)
    pages = {page.path: page for page in renderer.all_pages(incident_pages=incident_pages)}
    for path, text in (
        ("reference/error-codes.md", error_codes_markdown()),
        ("reference/fields.md", fields_page_markdown()),
    ):
        pages[path] = GeneratedPage(path, text, in_nav=True)
    pages.update((page.path, page) for page in exported)
    renderer.rendered += ["reference/error-codes.md", "reference/fields.md"]  # small: made every time
    modified = page_dates(chronology, renderer.history, revised)
    return SiteOutput(pages, dict(sorted(files.items())), modified, tuple(renderer.rendered))


def social_card_files(chronology: Chronology, mode: str, memo: memo_.Store | None = None) -> dict[str, bytes]:
    """The share cards: the site-wide one (unless ``off``) and, in ``incidents`` mode, one per incident (from
    ``memo`` when it has a card of the same text)."""
    if mode == "off":
        return {}
    vocab = chronology.vocabulary
    years = sorted(chronology.by_year)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    count = f"{len(chronology.incidents):,} incident" + ("" if len(chronology.incidents) == 1 else "s")
    site_line = " · ".join(part for part in (span, count) if part)
    files = {
        SITE_CARD: memo_.card(memo, card_png, vocab.title, "A sourced chronology", site_line, "", "#607d8b")
    }
    if mode == "incidents":
        for record in chronology.incidents:
            data = record.data
            term = vocab.incident_types[data.type]
            located = coordinates(chronology, record)
            route = data.location.route if data.location and data.location.route else ()
            point = (located[0], located[1]) if located else None
            files[card_path(record.id)] = memo_.card(
                memo,
                card_png,
                vocab.title,
                data.title,
                human_range(data.date, data.end_date),
                term.label,
                term.color,
                point,
                route if point else (),
            )
    return files


def home_fragments(chronology: Chronology, here: str = "index.md", latest: int = 6) -> dict[str, str]:
    """HTML for the markers a hand-written home page may contain: latest incidents, counts, indexes."""
    renderer = SiteRenderer(chronology)
    env = renderer.env
    entries = [renderer.entry(here, r) for r in chronology.incidents[:latest]]
    latest_html = env.from_string('{% import "_macros.html.j2" as m %}{{ m.entry_list(entries) }}').render(
        entries=entries
    )
    first = min((r.data.date.year for r in chronology.incidents), default=None)
    last = max((r.data.date.year for r in chronology.incidents), default=None)
    counts = [
        ("incidents", len(chronology.incidents), page_path("timeline")),
        ("actors", len(chronology.actors), page_path("actors")),
        ("places", len(chronology.places), page_path("places")),
        ("incident types", len(chronology.vocabulary.incident_types), page_path("types")),
        ("years", len(chronology.by_year), page_path("years")),
    ]
    counts_html = env.from_string(
        '<ul class="fl-counts-list">{% for label, n, url in counts %}<li><a href="{{ url }}">'
        "<strong>{{ n }}</strong> {{ label }}</a></li>{% endfor %}</ul>"
        "{% if first %}<p>Covering {{ first }}{% if last != first %}–{{ last }}{% endif %}.</p>{% endif %}"
    ).render(
        counts=[(label, n, relative(here, page_url(path))) for label, n, path in counts],
        first=first,
        last=last,
    )
    return {"latest": latest_html, "counts": counts_html}
