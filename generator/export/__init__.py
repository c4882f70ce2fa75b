"""The data stage: exports (JSON, CSV, Atom, JSON Feed, iCalendar, JSON Schema) and the pages that present
them (/stats/, /map/, /data/). Pure like the rest of render: the same Chronology gives the same bytes."""

from __future__ import annotations

from generator.export.datapage import data_page
from generator.export.feeds import render_feeds
from generator.export.ical import render_calendar
from generator.export.mappage import map_page
from generator.export.records import Links
from generator.export.revisions import Revision, revisions
from generator.export.schemas import render_schemas
from generator.export.stats import stats_page
from generator.export.tables import render_tables
from generator.history import History
from generator.model import Chronology
from generator.render.memo import Fragments
from generator.render.pages import GeneratedPage, Render, plain_render

__all__ = ["export_pages", "render_exports"]


def render_exports(
    chronology: Chronology,
    *,
    site_url: str = "",
    directory_urls: bool = True,
    history: History | None = None,
    revised: dict[str, Revision] | None = None,
    fragments: Fragments | None = None,
) -> dict[str, bytes]:
    """Every export, by its path in the site; links are absolute under ``site_url``, else root-relative.

    With ``history`` (or its ``revisions``, when the caller has them already), feed entries and calendar events
    carry when each incident was first published and last changed; without, the incident's own date.
    ``fragments``: per-incident pieces kept between ``mkdocs serve`` rebuilds (same bytes either way)."""
    links = Links(site_url, directory_urls)
    base = links.site("") if site_url else ""
    revised = revisions(chronology, history) if revised is None else revised
    files: dict[str, bytes] = {}
    files.update(render_tables(chronology, links, fragments))
    files.update(render_feeds(chronology, links, revised, fragments))
    files.update(render_calendar(chronology, links, revised, fragments))
    files.update(render_schemas(base, chronology))
    return dict(sorted(files.items()))


def export_pages(
    chronology: Chronology, *, directory_urls: bool = True, render: Render = plain_render
) -> list[GeneratedPage]:
    """The Markdown pages stats.md, map.md and data.md (all in the navigation), each by ``render``
    (``SiteRenderer.render``: kept by what it shows)."""
    return [
        stats_page(chronology, directory_urls, render),
        map_page(chronology, directory_urls, render),
        data_page(chronology, directory_urls, render),
    ]
