"""The data stage: exports (JSON, CSV, Atom, JSON Feed, iCalendar, JSON Schema) and the pages that present
them (/stats/, /map/, /data/). Pure like the rest of render: the same Chronology gives the same bytes."""

from __future__ import annotations

from generator.export.datapage import data_page
from generator.export.feeds import render_feeds
from generator.export.ical import render_calendar
from generator.export.mappage import map_page
from generator.export.records import Links
from generator.export.schemas import render_schemas
from generator.export.stats import stats_page
from generator.export.tables import render_tables
from generator.model import Chronology
from generator.render.pages import GeneratedPage

__all__ = ["export_pages", "render_exports"]


def render_exports(
    chronology: Chronology, *, site_url: str = "", directory_urls: bool = True
) -> dict[str, bytes]:
    """Every export, by its path in the site; links are absolute under ``site_url``, else root-relative."""
    links = Links(site_url, directory_urls)
    base = links.site("") if site_url else ""
    files: dict[str, bytes] = {}
    files.update(render_tables(chronology, links))
    files.update(render_feeds(chronology, links))
    files.update(render_calendar(chronology, links))
    files.update(render_schemas(base, chronology))
    return dict(sorted(files.items()))


def export_pages(chronology: Chronology, *, directory_urls: bool = True) -> list[GeneratedPage]:
    """The Markdown pages stats.md, map.md and data.md (all in the navigation)."""
    return [
        stats_page(chronology, directory_urls),
        map_page(chronology, directory_urls),
        data_page(chronology, directory_urls),
    ]
