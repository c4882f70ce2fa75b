"""The site's pages as Markdown (with HTML blocks) from the Chronology: timeline, incidents, actors, places,
types, series, years and their indexes. View models are built here; templates only lay them out."""

from __future__ import annotations

import functools
import json
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from generator.dates import MONTHS, human_range
from generator.geo import coordinates, route
from generator.history import History
from generator.model import Chronology, IncidentRecord, Record
from generator.render import changes, cite, hanzi, svgmap, timeaxis
from generator.render import memo as memo_
from generator.render.cards import card_path
from generator.render.citations import CitationContext, cited_sources
from generator.render.filters import item_ref, other_names, timeline_filters
from generator.render.text import WIKI_LINK, body_html, escape, page_text
from generator.render.urls import display_host, page_path, page_url, relative

if TYPE_CHECKING:
    from generator.render.memo import Fragments, Store

MAX_MAIN_ACTORS = 4

# languages of sources, named for readers (BCP 47 tags as the schema takes them); any other tag is shown as it is
LANGUAGES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fr": "French", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "mn": "Mongolian", "pt": "Portuguese", "ru": "Russian",
    "sl": "Slovenian", "tl": "Tagalog", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
    "zh-Hans": "Chinese (simplified)", "zh-Hant": "Chinese (traditional)",
}  # fmt: skip


def language_name(tag: str) -> str:
    """``Japanese`` for ``ja``; a tag not listed, as it is."""
    return LANGUAGES.get(tag) or LANGUAGES.get(tag.split("-")[0], tag)


@dataclass(frozen=True, init=False)
class GeneratedPage:
    """One generated Markdown page: where it goes, its text, and the content file it comes from (for edits).

    The text is kept compressed (``packed``) from the moment the page is rendered until it is read: a large
    chronology's pages (about 300 MB of text at 10,000 incidents) are all rendered before MkDocs reads the
    first one, and cross from the worker processes that render them as a fraction of the bytes.

    ``key``: for an incident page, the memo key of everything its text is made from (generator/render/memo.py),
    which stands for the text in the page cache's keys. ``load``: for a page found in the memo under ``mkdocs
    build``, its text is not held at all but read when asked for (a page whose conversion is in the cache is
    never asked)."""

    path: str
    packed: bytes
    source: str | None = None
    in_nav: bool = False
    plain: str | None = None  # the text as it is, for a page not kept compressed (``pack=False``)
    key: str | None = None
    load: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    def __init__(
        self,
        path: str,
        markdown: str,
        source: str | None = None,
        in_nav: bool = False,
        *,
        pack: bool = True,
        key: str | None = None,
        load: Callable[[], str] | None = None,
    ) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(
            self,
            "packed",
            zlib.compress(markdown.encode("utf-8", "surrogatepass"), 1) if pack and load is None else b"",
        )
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "in_nav", in_nav)
        object.__setattr__(self, "plain", None if pack or load is not None else markdown)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "load", load)

    @property
    def markdown(self) -> str:
        if self.load is not None:
            return self.load()
        if self.plain is not None:
            return self.plain
        return zlib.decompress(self.packed).decode("utf-8", "surrogatepass")

    def keyed(self, key: str) -> GeneratedPage:
        """This page with its memo ``key``: set once, as the page is rendered, before it is handed on."""
        object.__setattr__(self, "key", key)
        return self


# the names Jinja2's ``obj.name`` finds on a plain dict before its keys (``items``, ``values``, ``copy``, ...)
_DICT_ATTRIBUTES = frozenset(dir(dict))


class Environment(jinja2.Environment):
    """Jinja2's Environment, with a faster ``obj.name`` for the view models (plain dicts).

    Jinja2 tries ``getattr(obj, name)`` first and reads the key only after an AttributeError: for a dict,
    every ``{{ e.title }}`` raised and caught an exception, hundreds of thousands of times per build. The
    lookup here gives the same value in the same cases: a name that is an attribute of every dict still
    resolves to that attribute, a missing key is still undefined (an error under StrictUndefined).
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment: autoescape on for every template, undefined names are errors.

    One per process, shared by every page and build: compiling the templates takes as long as rendering
    about a hundred incident pages, and each renderer (and the stats, map and data pages) compiled them again.
    ``auto_reload`` (the default) still picks up an edited template at the next build.
    """
    env = Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        finalize=_page_value,
    )
    return env


Render = Callable[..., str]
"""How a page is rendered: ``render(template, path, **values)`` (``SiteRenderer.render``, or ``plain_render``)."""


def plain_render(template: str, path: str, **values: Any) -> str:
    """``template`` rendered with ``values`` (each ``memo.Deferred`` made), every time."""
    return environment().get_template(template).render(**memo_.resolve(values))


def _page_value(value: Any) -> Any:
    """Every value a template prints goes through here (the environment's ``finalize``): text is escaped for
    HTML and Markdown at once (:func:`page_text`), wherever the template puts it (a heading MkDocs parses as
    Markdown, an element, an attribute); Markup (pre-sanitised bodies, charts, macros' output) and numbers pass
    as they are. No template needs, or may use, a filter of its own for contributor text
    (``tests/test_injection.py`` walks every template)."""
    if hasattr(value, "__html__") or isinstance(value, int | float):
        return value
    return Markup(page_text(value))


def page_meta(title: str, description: str = "", **extra: Any) -> Markup:
    """YAML front matter for MkDocs. Title and description are HTML-escaped here: the theme prints them raw."""
    meta: dict[str, Any] = {"title": escape(title)}
    if description:  # printed raw too, inside <meta name="description" content="…">
        meta["description"] = escape(description)
    meta.update(extra)
    # JSON is valid YAML, and json.dumps escapes every quote and C0 control character, so this is safe to mark
    # up; the characters YAML would refuse or read as a line break are escaped too, or MkDocs would not read the
    # front matter at all and publish it as the page's Markdown
    return Markup(
        "\n".join(
            f"{key}: {_YAML_UNSAFE.sub(_escape_unicode, json.dumps(value, ensure_ascii=False))}"
            for key, value in meta.items()
        )
    )


# not printable for YAML (C1 controls, U+FFFE/U+FFFF) or a line break to it (NEL, LINE/PARAGRAPH SEPARATOR)
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _escape_unicode(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


class SiteRenderer:
    """Renders every page of one Chronology; holds only the chronology, the options and the template env."""

    def __init__(
        self,
        chronology: Chronology,
        *,
        edit_base: str = "",
        directory_urls: bool = True,
        history: History | None = None,
        site_url: str = "",
        search_index: str = "full",
        social_cards: str = "off",
        fragments: Fragments | None = None,
    ) -> None:
        self.c = chronology
        self.vocab = chronology.vocabulary
        self.edit_base = edit_base
        self.directory_urls = directory_urls
        self.history = history  # git commits by content file; None: no History sections, no Changes page
        self.history_paths = changes.paths_by_id(history) if history is not None else {}
        self.site_url = site_url  # absolute page URLs for citations and sharing; "" when unknown
        self.env = environment()
        # "summary": incident pages are found by title, summary and facts only (a smaller search index)
        self.index_details = search_index != "summary"
        self.social_cards = (
            social_cards  # "incidents": each incident page shares its own card (render/cards.py)
        )
        self._urls: dict[tuple[str, str, str | int | None], str] = {}
        self._entry_facts: dict[str, dict[str, Any]] = {}
        # list entries' HTML, kept between `mkdocs serve` rebuilds by the entry they show (see entries())
        self.fragments = fragments
        # where the pages other than incidents are kept by what they show (render/memo.py page_key; set by
        # render_site), and the paths of the pages this renderer rendered rather than found there
        self.memo: Store | None = None
        # a record's digest (memo.record_digest), for the keys made of it; once per record with fragments
        self.record_text: Callable[[Any], str] = (
            fragments.record_text if fragments is not None else memo_.record_digest
        )
        self.rendered: list[str] = []
        self._entry_lists: list[tuple[list[dict[str, Any]], str]] = []  # see _with_html

    # --- links ---------------------------------------------------------------------------------------------

    def url(self, here: str, kind: str, key: str | int | None = None) -> str:
        """The link from page ``here`` to a page, remembered: a page links to the same type, actor or place
        many times (each entry of a list links to its type), which made three in five calls repeats."""
        link = self._urls.get((here, kind, key))
        if link is None:
            link = relative(here, page_url(page_path(kind, key), self.directory_urls), self.directory_urls)
            self._urls[here, kind, key] = link
        return link

    def link_target(self, here: str, target: str) -> tuple[str, str] | None:
        """Resolve a ``[[id]]`` wiki link from page ``here``."""
        if target in self.c.incident_by_id:
            return self.url(here, "incidents", target), self.c.incident_by_id[target].data.title
        if target in self.c.actors:
            return self.url(here, "actors", target), self.c.actors[target].data.name
        if target in self.c.places:
            return self.url(here, "places", target), self.c.places[target].data.name
        return None

    def body(self, here: str, record: Record[Any]) -> Markup:
        """An actor's or place's body as HTML. Under ``mkdocs serve`` (``fragments``) kept between rebuilds by its
        text and what its links resolve to: every save renders every actor and place page's inputs again."""
        where = f"{record.path}:{record.body_line}"

        def make() -> str:
            return body_html(record.body, lambda target: self.link_target(here, target), where=where)

        if self.fragments is None:
            return Markup(make())
        links = [self.link_target(here, match.group(1).strip()) for match in WIKI_LINK.finditer(record.body)]
        return Markup(self.fragments.get(("body", here, record.body, repr(links)), make))

    def term(self, here: str, group: str, key: str) -> dict[str, str]:
        entry = getattr(self.vocab, group)[key]
        kind = {"incident_types": "types", "series": "series"}.get(group)
        return {
            "key": key,
            "label": entry.label,
            "description": entry.description,
            "url": self.url(here, kind, key) if kind else "",
        }

    # --- view models -----------------------------------------------------------------------------------------

    def entry(self, here: str, record: IncidentRecord, note: str = "") -> dict[str, Any]:
        """What a list shows of an incident."""
        facts = self._entry_facts.get(record.id)
        if facts is None:
            facts = self._entry_facts[record.id] = self._facts(record)
        data = record.data
        return {
            "id": record.id,
            "title": data.title,
            "summary": data.summary,
            "url": self.url(here, "incidents", record.id),
            "iso": facts["iso"],
            "when": facts["when"],
            "year": data.date.year,
            "type": self.term(here, "incident_types", data.type),
            "status": facts["status"],
            "series_key": data.series or "",
            "actor_ids": facts["actor_ids"],
            "place_ids": facts["place_ids"],
            "main_actors": [{"name": name, "url": self.url(here, "actors", a)} for a, name in facts["main"]],
            "where": facts["where"],
            "words": facts["words"],
            "note": note,
        }

    def _facts(self, record: IncidentRecord) -> dict[str, Any]:
        """The parts of an entry that do not depend on the page showing it, worked out once per incident:
        an incident is listed on up to eight pages (timeline, year, type, series, each actor and place)."""
        data = record.data
        main = list(dict.fromkeys(a.actor for a in data.actors))[:MAX_MAIN_ACTORS]
        return {
            "iso": data.date.iso(),
            "when": human_range(data.date, data.end_date),
            "status": self.term("", "statuses", data.status),  # statuses have no page: no link to resolve
            "actor_ids": " ".join(sorted({a.actor for a in data.actors})),
            "place_ids": " ".join(sorted(set(data.places))),
            "main": [(a, self.c.actors[a].data.name) for a in main],
            "where": self._where(record),
            "words": self._other_names(record),
        }

    def _where(self, record: IncidentRecord) -> str:
        """The place a card shows: its places' names, else its location in words."""
        data = record.data
        names = [self.c.places[p].data.name for p in dict.fromkeys(data.places)]
        if names:
            return ", ".join(names)
        return data.location.description if data.location else ""

    def _other_names(self, record: IncidentRecord) -> str:
        """Words the filter finds an entry by beyond its card's (filters.other_names)."""
        return other_names(self.c, record)

    @staticmethod
    def _name_facts(names: dict[str, str], aliases: list[str]) -> list[dict[str, Any]]:
        """An actor's or place's names as its page lists them; ``variants``: their forms in the other Chinese
        script, for the search index only (the template hides them; hanzi.py)."""
        facts: list[dict[str, Any]] = [
            {"label": f"Name ({lang})", "value": name, "url": "", "lang": lang,
             "variants": " ".join(hanzi.variants(name))}
            for lang, name in sorted(names.items())
        ]  # fmt: skip
        if aliases:
            forms = [form for alias in aliases for form in hanzi.variants(alias)]
            facts.append({"label": "Also known as", "value": ", ".join(aliases), "url": "",
                          "variants": " ".join(dict.fromkeys(forms))})  # fmt: skip
        return facts

    def entries(self, here: str, records: Iterable[IncidentRecord]) -> list[dict[str, Any]]:
        """The entries of a list of incidents. With ``fragments`` (``mkdocs serve``), each comes with its HTML
        (``html``), kept by everything it shows: the list macro prints that instead of rendering it again."""
        return self._with_html([self.entry(here, r) for r in records], "entry")

    def _with_html(self, entries: list[dict[str, Any]], macro: str) -> list[dict[str, Any]]:
        """``entries``, each to get its HTML by the macro ``macro`` under ``html`` when there are ``fragments``
        (``mkdocs serve``): kept between rebuilds by the entry's every value, so a save renders again only the
        entries it changed; the list macros print ``html`` when it is there (the same bytes). The HTML is made
        by the next :meth:`render`, and only if that page is rendered (not found in the memo)."""
        if self.fragments is not None:
            self._entry_lists.append((entries, macro))
        return entries

    def _entries_html(self) -> None:
        """The HTML of the entries :meth:`_with_html` left for the page being rendered."""
        lists, self._entry_lists = self._entry_lists, []
        if self.fragments is None:
            return
        for entries, macro in lists:
            render = getattr(self.env.get_template("_macros.html.j2").module, macro)
            for e in entries:
                e["html"] = self.fragments.get((macro, repr(e)), functools.partial(render, dict(e)))

    # --- pages -----------------------------------------------------------------------------------------------

    def render(self, template: str, path: str, **values: Any) -> str:
        """The page ``path`` from ``template`` and its view ``values``; from :attr:`memo` when a page of the same
        template, path and values was rendered before (render/memo.py :func:`~generator.render.memo.page_key`;
        a value may be a :class:`~generator.render.memo.Deferred`, made only if the page is rendered)."""
        key = memo_.page_key(self.memo, template, path, values) if self.memo is not None else None
        if key is not None:
            assert self.memo is not None
            entry = self.memo.load(key)
            if entry is not None and entry.get("path") == path and isinstance(entry.get("markdown"), str):
                self._entry_lists.clear()
                return entry["markdown"]
        self.rendered.append(path)
        text = self.template_text(template, **memo_.resolve(values))
        if key is not None:
            assert self.memo is not None
            self.memo.put({"key": key, "path": path, "markdown": text})
        return text

    def template_text(self, template: str, **values: Any) -> str:
        """``template`` rendered with ``values``, always (the incident pages, which have a memo of their own)."""
        self._entries_html()
        return self.env.get_template(template).render(**values)

    def timeline(self) -> GeneratedPage:
        here = page_path("timeline")
        years = []
        for year, records in self.c.by_year.items():
            months: dict[int, list[IncidentRecord]] = {}
            for record in records:
                months.setdefault(record.data.date.month or 0, []).append(record)
            years.append({
                "year": year,
                "label": str(year),
                "months": [
                    {
                        "label": f"{MONTHS[m - 1]} {year}" if m else f"{year}, month not known",
                        "anchor": f"m{year}-{m:02d}" if m else f"m{year}-xx",
                        "entries": self.entries(here, rs),
                    }
                    for m, rs in sorted(months.items(), reverse=True)
                ],
            })  # fmt: skip
        meta = page_meta("Timeline", f"Every incident in {self.vocab.title}, newest first.")
        text = self.render("timeline.md.j2", here, meta=meta, years=years, total=len(self.c.incidents),
                           filters=timeline_filters(self.c), axis=self.time_axis(here))  # fmt: skip
        return GeneratedPage(here, text, in_nav=True)

    def time_axis(self, here: str) -> dict[str, Any]:
        """The timeline's axis: every year at once, and each year alone for the zoom control."""
        marks = []
        for record in self.c.incidents:
            data = record.data
            label = f"{human_range(data.date, data.end_date)}: {data.title}"
            marks.append(
                timeaxis.Mark(
                    data.date, data.type, label, self.url(here, "incidents", record.id), item_ref(record)
                )
            )
        years = sorted(self.c.by_year)
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
        description = (
            "Each mark is an incident, coloured by its type and stacked by month, so taller stacks are busier "
            "months; a hollow mark's day is not known. Each mark links to its incident."
        )
        title = f"{len(marks)} incidents, {span}"

        zoomed = lambda: [  # noqa: E731
            {"year": year, "svg": Markup(timeaxis.render_year(marks, year, f"Incidents in {year}", description))}
            for year in years
        ] if len(years) > 1 else []  # fmt: skip
        # the pictures are drawn only when the timeline is rendered (its key: the marks they are drawn from)
        return {
            "overview": memo_.Deferred(
                ("axis", marks, title), lambda: Markup(timeaxis.render_axis(marks, title, description))
            ),
            "years": memo_.Deferred(("years", marks, years), zoomed),
            "types": self._axis_types(),
        }

    def _axis_types(self) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for record in self.c.incidents:
            counts[record.data.type] = counts.get(record.data.type, 0) + 1
        return [
            {"key": key, "label": term.label, "count": counts[key]}
            for key, term in self.vocab.incident_types.items()
            if counts.get(key)
        ]

    def incident(self, record: IncidentRecord) -> GeneratedPage:
        if record.data.status == "retracted":
            return changes.tombstone_page(self, record)
        here = page_path("incidents", record.id)
        data = record.data
        source_numbers = {
            ref: n for n, s in enumerate(data.sources, start=1) for ref in (s.key, s.url) if ref
        }
        publishers = {ref: s.publisher for s in data.sources for ref in (s.key, s.url) if ref}
        groups: dict[str, list[dict[str, str]]] = {}
        for entry in data.actors:
            groups.setdefault(entry.role, []).append(
                {"name": self.c.actors[entry.actor].data.name, "url": self.url(here, "actors", entry.actor)}
            )
        figures: dict[str, list[dict[str, Any]]] = {}
        for figure in data.figures:
            what = figure.what + (f" ({figure.period})" if figure.period else "")
            value = f"{figure.value:,}" if isinstance(figure.value, int) else str(figure.value)
            figures.setdefault(what, []).append({
                "value": value + (f" {figure.unit}" if figure.unit else ""),
                "note": figure.note or "",
                "source_number": source_numbers[figure.source],
                "publisher": publishers[figure.source],
            })  # fmt: skip
        series = None
        if data.series:
            term = self.vocab.series[data.series]
            members = self.c.by_series[data.series]
            position = self._series_positions[record.id]
            previous = members[position - 1] if position > 0 else None
            following = members[position + 1] if position + 1 < len(members) else None
            series = {
                "label": term.label,
                "url": self.url(here, "series", data.series),
                "number": data.series_number,
                "numbering": term.numbering,
                "alt_number": data.series_alt_number,
                "alt_numbering": term.alt_numbering,
                "previous": self._brief(here, previous),
                "next": self._brief(here, following),
            }
        location = None
        if data.location:
            coordinates = data.location.coordinates
            location = {
                "description": data.location.description,
                "coordinates": f"{coordinates[0]:.2f}, {coordinates[1]:.2f}" if coordinates else "",
                "approximate": data.location.approximate,
            }
        history, history_note = changes.history_view(record, self.history, self.history_paths)
        citations = CitationContext(cited_sources(data))
        where = f"{record.path}:{record.body_line}"
        body = Markup(body_html(record.body, lambda target: self.link_target(here, target), citations, where))
        backlinks = citations.backlinks()
        labels = {n: s.publisher + (f", {s.published.human()}" if s.published else "")
                  for n, s in enumerate(data.sources, start=1)}  # fmt: skip
        view = {
            "title": data.title,
            "iso": data.date.iso(),
            "when": human_range(data.date, data.end_date),
            "precision_note": {"month": "day not known", "year": "month and day not known"}.get(
                data.date.precision
            ),
            "time": data.time,
            "timezone": data.timezone or self.vocab.default_timezone,
            "type": self.term(here, "incident_types", data.type),
            "status": self.term(here, "statuses", data.status),
            "status_note": data.status_note,
            "series": series,
            "places": [
                {"name": self.c.places[p].data.name, "url": self.url(here, "places", p)}
                for p in dict.fromkeys(data.places)
            ],
            "location": location,
            "locator": self._locator(record),
            "summary": data.summary,
            "body": body,
            "actor_groups": [
                {"label": self.vocab.roles[role].label, "actors": actors} for role, actors in groups.items()
            ],
            "claims": [
                {
                    "actor": self.c.actors[c.actor].data.name,
                    "actor_url": self.url(here, "actors", c.actor),
                    "text": c.text,
                    "quote": c.quote,
                    "date": c.date.human() if c.date else "",
                    "date_iso": c.date.iso() if c.date else "",
                    "source_number": source_numbers[c.source],
                    "source_label": labels[source_numbers[c.source]],
                }
                for c in data.claims
            ],
            "figures": [
                {"what": what, "values": values, "disputed": len({v["value"] for v in values}) > 1}
                for what, values in figures.items()
            ],
            "related": [
                {
                    "relation": self._relation_label(link.relation, link.inverse),
                    "title": link.incident.data.title,
                    "url": self.url(here, "incidents", link.incident.id),
                    "iso": link.incident.data.date.iso(),
                    "when": human_range(link.incident.data.date, link.incident.data.end_date),
                }
                for link in self.c.related.get(record.id, ())
            ],
            "sources": [
                {
                    "url": s.url,
                    "title": s.title,
                    "publisher": s.publisher,
                    "published": s.published.human() if s.published else "",
                    "published_iso": s.published.iso() if s.published else "",
                    "language": s.language,
                    "language_name": language_name(s.language) if s.language else "",
                    "kind": self.vocab.source_kinds[s.kind].label if s.kind else "",
                    "kind_description": self.vocab.source_kinds[s.kind].description if s.kind else "",
                    "host": display_host(s.url),
                    "archive_url": s.archive_url,
                    "archive_host": display_host(s.archive_url) if s.archive_url else "",
                    "dead": s.url_status == "dead" and bool(s.archive_url),
                    "note": s.note,
                    "cited_in": [{"id": c.id, "paragraph": c.paragraph} for c in backlinks.get(number, ())],
                    "excerpts": [
                        # one line each: a blank line would end the raw HTML block of the Sources list
                        {
                            "text": " ".join(e.text.split()),
                            "translation": " ".join((e.translation or "").split()),
                        }
                        for e in s.excerpts
                    ],
                }
                for number, s in enumerate(data.sources, start=1)
            ],
            "citation": cite.citation(self.vocab.title, record, self.absolute_url(here)),
            "history": history,
            "history_note": history_note,
        }
        share = {"title": data.title, "description": data.summary, "type": "article"}
        if self.social_cards == "incidents":
            share["image"] = card_path(record.id)
        places = [self.c.places[p].data for p in dict.fromkeys(data.places)]
        json_ld = cite.json_ld(record, self.absolute_url(here), places)
        meta = page_meta(
            data.title, data.summary, fault_lines_source=record.path, share=share, json_ld=json_ld
        )
        return GeneratedPage(
            here,
            self.template_text("incident.md.j2", meta=meta, i=view, index_details=self.index_details),
            source=record.path,
        )

    def absolute_url(self, here: str) -> str:
        """The page's absolute URL under ``site_url``, or "" when the site has none."""
        if not self.site_url:
            return ""
        return self.site_url.rstrip("/") + "/" + page_url(here, self.directory_urls)

    def citation(self, record: IncidentRecord) -> str:
        """A plain-text citation of an incident page."""
        return cite.plain_text(self.vocab.title, record, self.absolute_url(page_path("incidents", record.id)))

    def _relation_label(self, relation: str | None, inverse: bool) -> str:
        if not relation:
            return ""
        label = self.vocab.relations[relation].label
        # the other incident is the one that "responds to" this one: say so, rather than reverse the verb
        return f"{label} this incident:" if inverse else f"{label}:"

    @functools.cached_property
    def _series_positions(self) -> dict[str, int]:
        """Each series member's place in its series (looked up per incident page: a search would be quadratic)."""
        return {record.id: n for members in self.c.by_series.values() for n, record in enumerate(members)}

    def _brief(self, here: str, record: IncidentRecord | None) -> dict[str, str] | None:
        if record is None:
            return None
        return {"title": record.data.title, "url": self.url(here, "incidents", record.id)}

    def actor(self, record: Record[Any]) -> GeneratedPage:
        here = page_path("actors", record.id)
        data = record.data
        facts = [{"label": "Kind", "value": self.vocab.actor_kinds[data.kind].label, "url": ""}]
        if data.country:
            facts.append({"label": "Country", "value": data.country, "url": ""})
        if data.parent:
            facts.append({"label": "Part of", "value": self.c.actors[data.parent].data.name,
                          "url": self.url(here, "actors", data.parent)})  # fmt: skip
        facts += self._name_facts(data.names, data.aliases)
        facts += [
            {"label": key.capitalize(), "value": url, "url": url} for key, url in sorted(data.links.items())
        ]
        roles: dict[str, list[IncidentRecord]] = {}
        for incident, role in self.c.by_actor.get(record.id, ()):
            roles.setdefault(role, []).append(incident)
        groups = [
            {"label": f"As {self.vocab.roles[role].label.lower()}", "entries": self._compact(here, incidents)}
            for role, incidents in sorted(roles.items(), key=lambda item: self.vocab.roles[item[0]].label)
        ]
        view = {
            "name": data.name,
            "facts": facts,
            "body": self.body(here, record),
            "children_heading": "Parts",
            "children": [
                {"name": self.c.actors[c].data.name, "url": self.url(here, "actors", c)}
                for c in self.c.actor_children.get(record.id, ())
            ],
            "positions": [
                {
                    "title": p.title,
                    "of": self.c.actors[p.of].data.name if p.of else "",
                    "of_url": self.url(here, "actors", p.of) if p.of else "",
                    "span": f"{p.start.human()} – {p.end.human() if p.end else 'present'}",
                }
                for p in data.positions
            ],
            "count": len({i.id for i, _ in self.c.by_actor.get(record.id, ())}),
            "groups": groups,
            "feed": relative(here, f"feeds/actors/{record.id}.xml", self.directory_urls),
            "co_actors": [
                {"name": self.c.actors[a].data.name, "url": self.url(here, "actors", a), "count": n}
                for a, n in self.c.co_actors(record.id)
            ],
            "map": None,
        }
        description = f"{data.name}: every incident in the chronology it appears in."
        meta = page_meta(data.name, description, fault_lines_source=record.path, feed=view["feed"])
        return GeneratedPage(here, self.render("entity.md.j2", here, meta=meta, e=view), source=record.path)

    def _locator(self, record: IncidentRecord) -> dict[str, Any] | None:
        """The small map beside an incident's facts: its point (or its first place's), and its route."""
        located = coordinates(self.c, record)
        if located is None:
            return None
        lat, lon, approximate, where = located
        path = route(record)
        svg = svgmap.render_locator_map(
            lat, lon, record.data.title, approximate, route=path, kind=record.data.type
        )
        if len(path) >= 2:
            caption = f"{where}; the line is the route its sources describe, the arrow its end."
        else:
            caption = f"{where} ({'approximate area' if approximate else 'location'})."
        return {"map": Markup(svg), "caption": caption}

    def _compact(self, here: str, incidents: Iterable[IncidentRecord]) -> list[dict[str, Any]]:
        return self._with_html([self.entry(here, r) for r in incidents], "compact_entry")

    def place(self, record: Record[Any]) -> GeneratedPage:
        here = page_path("places", record.id)
        data = record.data
        facts = [{"label": "Kind", "value": self.vocab.place_kinds[data.kind].label, "url": ""}]
        if data.parent:
            facts.append({"label": "Part of", "value": self.c.places[data.parent].data.name,
                          "url": self.url(here, "places", data.parent)})  # fmt: skip
        if data.coordinates:
            lat, lon = data.coordinates
            approx = " (approximate)" if data.coordinates_approximate else ""
            facts.append({"label": "Coordinates", "value": f"{lat:.2f}, {lon:.2f}{approx}", "url": ""})
        facts += self._name_facts(data.names, data.aliases)
        place_map = None
        if data.coordinates:  # drawn only if the page is rendered (see memo.Deferred)
            drawn = (data.coordinates[0], data.coordinates[1], data.name, data.coordinates_approximate)
            place_map = memo_.Deferred(("place map", drawn), lambda: Markup(svgmap.render_place_map(*drawn)))
        incidents = self.c.by_place.get(record.id, ())
        view = {
            "name": data.name,
            "facts": facts,
            "body": self.body(here, record),
            "children_heading": "Places within",
            "children": [
                {"name": self.c.places[c].data.name, "url": self.url(here, "places", c)}
                for c in self.c.place_children.get(record.id, ())
            ],
            "positions": [],
            "count": len(incidents),
            "groups": [{"label": "", "entries": self._compact(here, incidents)}],
            "feed": None,
            "co_actors": [],
            "map": place_map,
            "approximate": data.coordinates_approximate,
            "coordinates": f"{data.coordinates[0]:.2f}, {data.coordinates[1]:.2f}"
            if data.coordinates
            else "",
        }
        meta = page_meta(data.name, f"{data.name}: incidents at this place.", fault_lines_source=record.path)
        return GeneratedPage(here, self.render("entity.md.j2", here, meta=meta, e=view), source=record.path)

    def listing(
        self,
        kind: str,
        key: str | int,
        title: str,
        lede: str,
        records: Iterable[IncidentRecord],
    ) -> GeneratedPage:
        """A type, series or year page: a lede and the incidents, newest first (series in series order)."""
        here = page_path(kind, key)
        records = list(records)
        sections = [{"heading": "", "description": "", "rows": [], "entries": self.entries(here, records)}]
        feed_url = relative(here, f"feeds/types/{key}.xml", self.directory_urls)
        feed = {"feed": feed_url} if kind == "types" else {}
        meta = page_meta(title, lede, **feed)
        text = self.render("index.md.j2", here, meta=meta, title=title, lede=lede, sections=sections)
        return GeneratedPage(here, text)

    def index(self, kind: str, title: str, lede: str, sections: list[dict[str, Any]]) -> GeneratedPage:
        here = page_path(kind)
        meta = page_meta(title, lede)
        text = self.render("index.md.j2", here, meta=meta, title=title, lede=lede, sections=sections)
        return GeneratedPage(here, text, in_nav=True)

    def row(self, here: str, kind: str, key: str | int, name: str, *cells: Any) -> dict[str, Any]:
        return {"url": self.url(here, kind, key), "name": name, "cells": list(cells)}

    def indexes(self) -> list[GeneratedPage]:
        """Indexes of actors (by kind, with country), places, types, series and years, each with counts."""
        c, vocab = self.c, self.vocab
        pages = []
        here = page_path("actors")
        actor_sections = []
        for kind, term in vocab.actor_kinds.items():
            members = [a for a in c.actors.values() if a.data.kind == kind]
            if not members:
                continue
            rows = [
                self.row(here, "actors", a.id, a.data.name, a.data.country or "—",
                         len({i.id for i, _ in c.by_actor.get(a.id, ())}))
                for a in sorted(members, key=lambda a: (a.data.country or "", a.data.name.lower()))
            ]  # fmt: skip
            actor_sections.append({"heading": term.label, "description": term.description, "rows": rows,
                                   "caption": f"{term.label}: incidents per actor",
                                   "headers": ["Actor", "Country", "Incidents"], "entries": []})  # fmt: skip
        pages.append(
            self.index("actors", "Actors", f"{len(c.actors)} actors, by kind and country.", actor_sections)
        )
        here = page_path("places")
        place_sections = []
        for kind, term in vocab.place_kinds.items():
            members = sorted((p for p in c.places.values() if p.data.kind == kind), key=lambda p: p.data.name)
            if members:
                rows = [
                    self.row(here, "places", p.id, p.data.name, len(c.by_place.get(p.id, ())))
                    for p in members
                ]
                place_sections.append({"heading": term.label, "description": "", "rows": rows, "entries": [],
                                       "caption": f"{term.label}: incidents per place",
                                       "headers": ["Place", "Incidents"]})  # fmt: skip
        pages.append(self.index("places", "Places", f"{len(c.places)} places.", place_sections))
        here = page_path("types")
        rows = [self.row(here, "types", k, t.label, t.description, len(c.by_type.get(k, ())))
                for k, t in vocab.incident_types.items()]  # fmt: skip
        pages.append(self.index("types", "Incident types", "What kinds of incidents the chronology records.",
                                [{"heading": "", "description": "", "rows": rows, "entries": [],
                                  "caption": "Incidents per type",
                                  "headers": ["Type", "Description", "Incidents"]}]))  # fmt: skip
        here = page_path("years")
        rows = [self.row(here, "years", y, str(y), len(rs)) for y, rs in c.by_year.items()]
        pages.append(self.index("years", "Years", "Incidents per year.",
                                [{"heading": "", "description": "", "rows": rows, "entries": [],
                                  "caption": "Incidents per year", "headers": ["Year", "Incidents"]}]))  # fmt: skip
        if vocab.series:
            here = page_path("series")
            rows = [self.row(here, "series", k, t.label, t.description, len(c.by_series.get(k, ())))
                    for k, t in vocab.series.items()]  # fmt: skip
            pages.append(self.index("series", "Series", "Numbered series of incidents.",
                                    [{"heading": "", "description": "", "rows": rows, "entries": [],
                                      "caption": "Incidents per series",
                                      "headers": ["Series", "Description", "Incidents"]}]))  # fmt: skip
        return pages

    def taxonomy_pages(self) -> list[GeneratedPage]:
        c, vocab = self.c, self.vocab
        pages = [
            self.listing("types", key, term.label, term.description, c.by_type.get(key, ()))
            for key, term in vocab.incident_types.items()
        ]
        for key, term in vocab.series.items():
            lede = term.description
            if term.numbering:
                lede += f" Numbered as counted by the {term.numbering}"
                lede += f"; the {term.alt_numbering} is shown beside it." if term.alt_numbering else "."
            records = c.by_series.get(key, ())
            here = page_path("series", key)
            entries = []
            for r in records:
                numbers = []
                if r.data.series_number:
                    numbers.append(f"No. {r.data.series_number}")
                if r.data.series_alt_number:
                    numbers.append(
                        f"{term.alt_numbering or 'alternative count'}: No. {r.data.series_alt_number}"
                    )
                entries.append(self.entry(here, r, note="; ".join(numbers)))
            pages.append(self._series_page(here, term.label, lede, self._with_html(entries, "compact_entry")))
        for year, records in c.by_year.items():
            pages.append(
                self.listing("years", year, str(year), f"{len(records)} incidents in {year}.", records)
            )
        return pages

    def _series_page(self, here: str, title: str, lede: str, entries: list[dict[str, Any]]) -> GeneratedPage:
        meta = page_meta(title, lede)
        return GeneratedPage(here, self.render("series.md.j2", here, meta=meta, title=title, lede=lede,
                                               entries=entries))  # fmt: skip

    def redirects(self) -> list[GeneratedPage]:
        """A page at each old incident id that sends the reader to the current one."""
        pages = []
        for old, new in self.c.redirects.items():
            here = page_path("incidents", old)
            target = self.c.incident_by_id[new]
            url = self.url(here, "incidents", new)
            meta = page_meta(target.data.title, "This incident has moved.", redirect=url,
                             search={"exclude": True})  # fmt: skip
            text = self.render("redirect.md.j2", here, meta=meta, title=target.data.title, url=url)
            pages.append(GeneratedPage(here, text))
        return pages

    def all_pages(
        self, incident_pages: Callable[[], list[GeneratedPage]] | None = None
    ) -> list[GeneratedPage]:
        """Every generated page, in a stable order. ``incident_pages``, when the incidents' pages are rendered
        elsewhere (``generator.render.parallel``), is called last, to collect them."""
        pages = [self.timeline()]
        pages += [self.actor(r) for r in self.c.actors.values()]
        pages += [self.place(r) for r in self.c.places.values()]
        pages += self.indexes()
        pages += self.taxonomy_pages()
        pages += self.redirects()
        if self.history is not None:
            pages.append(changes.changes_page(self, self.history))
        pages += [self.incident(r) for r in self.c.incidents] if incident_pages is None else incident_pages()
        return sorted(pages, key=lambda p: p.path)
