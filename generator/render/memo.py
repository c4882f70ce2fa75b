"""Generated pages and export pieces by the key of everything each shows, so that a build after a small change
renders only what it changed (``mkdocs serve`` after a save, a warm ``mkdocs build``). In order of a build:

- **Incident pages** (:func:`partition`, :func:`keep`), keyed before anything of them is rendered, below.
- **Every other generated page** (lists, actors, places, timeline, map, statistics, data): by its template, path
  and view (:func:`page_key`, used by ``SiteRenderer.render``); a costly value of the view is a
  :class:`Deferred`, made only when the page is rendered.
- **Export pieces** (:class:`Fragments`): calendar events, feeds, table rows (and under ``mkdocs serve`` list
  entries and front matter), each by everything it is made from; kept on disk between builds.
- **Share cards** (:func:`card`).

An incident page shows its own record and, of the rest of the chronology, only what :func:`incident_inputs`
lists: the vocabulary, the names of its actors and the data of its places, its series neighbours, its related
incidents, the targets of its body's ``[[links]]``, a replacement's title, its history, and the renderer's
options. The key is a hash of all of that and of the generator's code (the store's site key); a test changes
each kind of input and requires the same site as a build without the memo.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from generator.render import changes
from generator.render.text import WIKI_LINK

if TYPE_CHECKING:
    from generator.model import IncidentRecord
    from generator.render.pages import GeneratedPage, SiteRenderer


class Store(Protocol):
    """Where memoised pages are kept (generator/page_cache.py's PageCache)."""

    site: str

    def load(self, key: str) -> dict[str, Any] | None: ...

    def put(self, entry: dict[str, Any]) -> None: ...


def incident_inputs(renderer: SiteRenderer, record: IncidentRecord, vocabulary: str) -> list[Any]:
    """Everything ``renderer.incident(record)`` reads, as plain text and data (records by their digests;
    ``vocabulary``: the vocabulary's, the same for every incident)."""
    c, data = renderer.c, record.data
    position = renderer._series_positions.get(record.id) if data.series else None
    members = c.by_series.get(data.series or "", ())
    neighbours = [
        (m.id, m.data.title)
        for m in (
            members[position - 1] if position else None,
            members[position + 1] if position is not None and position + 1 < len(members) else None,
        )
        if m is not None
    ]
    targets = [match.group(1).strip() for match in WIKI_LINK.finditer(record.body)]
    linked = [
        (
            t,
            repr(c.incident_by_id[t].data.title) if t in c.incident_by_id else None,
            repr(c.actors[t].data.name) if t in c.actors else None,
            repr(c.places[t].data.name) if t in c.places else None,
        )
        for t in targets
    ]
    actor_ids = sorted({a.actor for a in data.actors} | {claim.actor for claim in data.claims})
    replacement = c.incident_by_id.get(getattr(data, "replaced_by", None) or "")
    text = renderer.record_text  # its digest (record_digest), once per record per build
    return [
        renderer.directory_urls,
        renderer.site_url,
        renderer.edit_base,
        renderer.index_details,
        renderer.social_cards,
        text(record),
        vocabulary,
        [(a, text(c.actors[a])) for a in actor_ids if a in c.actors],
        [(p, text(c.places[p])) for p in data.places if p in c.places],
        [position, len(members), neighbours],
        [
            (
                link.relation,
                link.inverse,
                link.incident.id,
                repr(link.incident.data.title),
                repr(link.incident.data.date),
                repr(link.incident.data.end_date),
            )
            for link in c.related.get(record.id, ())
        ],
        linked,
        (
            replacement.id,
            repr(replacement.data.title),
            repr(replacement.data.date),
            repr(replacement.data.end_date),
        )
        if replacement is not None
        else None,
        repr(changes.history_view(record, renderer.history, renderer.history_paths)),
    ]


def record_digest(record: Any) -> str:
    """A hash of ``repr(record)``: a record (a dataclass of pydantic models, or the vocabulary) shows every field
    in its repr, so two records with the same digest render alike; short, so keys made of many are cheap."""
    return hashlib.blake2b(repr(record).encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()


def incident_key(store: Store, renderer: SiteRenderer, record: IncidentRecord, vocabulary: str) -> str:
    digest = hashlib.sha256(f"incident page\0{store.site}\0".encode())
    for part in incident_inputs(renderer, record, vocabulary):
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def partition(
    store: Store | None, renderer: SiteRenderer, *, pack: bool = True
) -> tuple[dict[str, GeneratedPage], list[tuple[IncidentRecord, str]]]:
    """The incident pages ``store`` has (by incident id), and the incidents still to render with their keys.
    ``pack``: ``mkdocs build``, where a page found is not held but read again from ``store`` when its text is
    asked for (MkDocs converts most from the page cache, by its key, without it); ``mkdocs serve`` holds each as
    text."""
    from generator.render.pages import GeneratedPage

    known: dict[str, GeneratedPage] = {}
    todo: list[tuple[IncidentRecord, str]] = []
    vocabulary = renderer.record_text(renderer.c.vocabulary) if store is not None else ""
    for record in renderer.c.incidents:
        key = incident_key(store, renderer, record, vocabulary) if store is not None else ""
        entry = store.load(key) if store is not None else None
        if entry is None:
            todo.append((record, key))
        elif pack:
            load = functools.partial(_stored_text, store, key, renderer, record)
            known[record.id] = GeneratedPage(
                entry["path"], "", entry["source"], entry["in_nav"], key=key, load=load
            )
        else:
            known[record.id] = GeneratedPage(
                entry["path"], entry["markdown"], entry["source"], entry["in_nav"], pack=False, key=key
            )
    return known, todo


def _stored_text(store: Store, key: str, renderer: SiteRenderer, record: IncidentRecord) -> str:
    """The text of the page ``store`` keeps under ``key``; rendered again if the entry is gone meanwhile."""
    entry = store.load(key)
    return entry["markdown"] if entry is not None else renderer.incident(record).markdown  # type: ignore[no-any-return]


def keep(store: Store | None, todo: list[tuple[IncidentRecord, str]], pages: list[GeneratedPage]) -> None:
    """Put the pages rendered for ``todo`` in ``store``, each keyed (:meth:`GeneratedPage.keyed`)."""
    if store is None:
        return
    for (_, key), page in zip(todo, pages, strict=True):
        store.put({"key": key, "path": page.path, "markdown": page.markdown, "source": page.source,
                   "in_nav": page.in_nav})  # fmt: skip
        page.keyed(key)


@dataclass(frozen=True)
class Deferred:
    """A value a page shows that is costly to make (an SVG picture, ...): ``inputs``, everything it is made
    from, stands for it in the page's key (:func:`page_key`), and ``make()`` is called only when the page is
    rendered (not when it comes from the store)."""

    inputs: Any
    make: Callable[[], Any]

    def __repr__(self) -> str:
        return f"Deferred({self.inputs!r})"


def page_key(store: Store, template: str, path: str, values: dict[str, Any]) -> str | None:
    """The key of a generated page (a list, an actor, the timeline, ...) by everything it shows: its template,
    its path and the values the template is given (the page's view: plain dicts, lists, text and numbers, whose
    ``repr`` shows every one of their parts; a :class:`Deferred` by its inputs). The store's site key covers the
    templates themselves, the configuration and the generator's code. ``None`` when a value's ``repr`` does not
    show all of it (an object printed by its address): such a page is rendered every time."""
    text = repr(values)
    if " at 0x" in text:
        return None
    digest = hashlib.sha256(f"page\0{store.site}\0{template}\0{path}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def resolve(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with each :class:`Deferred` (at the top or one level down) made."""

    def made(value: Any) -> Any:
        if isinstance(value, Deferred):
            return value.make()
        if type(value) is dict and any(isinstance(v, Deferred) for v in value.values()):
            return {k: made(v) for k, v in value.items()}
        return value

    return {k: made(v) for k, v in values.items()}


def card(store: Store | None, draw: Callable[..., bytes], *args: Any) -> bytes:
    """``draw(*args)`` (a share card's PNG, generator/render/cards.py), from ``store`` when it has it."""
    if store is None:
        return draw(*args)
    key = hashlib.sha256(f"card\0{store.site}\0{args!r}".encode("utf-8", "surrogatepass")).hexdigest()
    entry = store.load(key)
    if entry is not None:
        return base64.b64decode(entry["png"])
    png = draw(*args)
    store.put({"key": key, "png": base64.b64encode(png).decode()})
    return png


class Fragments:
    """Pieces of the site-wide outputs (an incident's calendar event, a feed, a table row, ...) by the key of
    everything each is made from, so a build re-makes only the pieces a change touched: kept in memory between
    ``mkdocs serve`` rebuilds, and in the page cache on disk between ``mkdocs build`` runs (:meth:`use`).

    A key is a tuple of every input of its piece, as text (a record's digest and whatever else the piece
    reads): a piece is found only when all of them are the same, so a stale one is never used. Pieces are
    filed by a hash of their key (BLAKE2b, each part with its length), so the texts are not kept. A build keeps
    the pieces it used and drops the others (:meth:`finish`; on disk, the page cache drops the entries a build
    did not use)."""

    def __init__(self) -> None:
        self._kept: dict[bytes, Any] = {}
        self._used: dict[bytes, Any] = {}
        self._records: dict[int, tuple[Any, str]] = {}
        self._records_used: dict[int, tuple[Any, str]] = {}  # this build's: kept for the next (see finish)
        self._parsed: dict[int, tuple[str, Any]] = {}  # a kept JSON piece -> its value (see parsed)
        self._parsed_used: dict[int, tuple[str, Any]] = {}
        self._store: Store | None = None
        self.hits = self.misses = 0

    def use(self, store: Store | None) -> None:
        """Keep this build's text and bytes pieces in ``store`` (``mkdocs build``: the page cache on disk, each
        piece an entry of its own, read when asked for), not in memory; ``None``: in memory (``mkdocs serve``)."""
        self._store = store

    def record_text(self, record: Any) -> str:
        """:func:`record_digest` of ``record``, once per record object (a pydantic model's repr is slow, and
        several pieces of one incident are keyed by it); the record is held with its digest, so an id is never
        reused meanwhile."""
        held = self._records.get(id(record))
        if held is None or held[0] is not record:
            held = (record, record_digest(record))
        self._records[id(record)] = self._records_used[id(record)] = held
        return held[1]

    def parsed(self, piece: str) -> Any:
        """``orjson.loads(piece)``, once per piece object: a piece kept between `mkdocs serve` rebuilds is the same
        string at the next one, and so is its value, which its callers only read (10,000 incidents' table
        pieces took 0.8 s to parse at every rebuild). Under ``mkdocs build`` (a ``store``) nothing is held: a
        build's pieces are parsed once anyway, and holding them cost 16 MB per 1,000 incidents."""
        if self._store is not None:
            return orjson.loads(piece)
        held = self._parsed.get(id(piece))
        if held is None or held[0] is not piece:
            held = (piece, orjson.loads(piece))
        self._parsed[id(piece)] = self._parsed_used[id(piece)] = held
        return held[1]

    def get(self, key: tuple[str, ...], make: Callable[[], Any]) -> Any:
        """The piece of ``key``: kept from a previous build, or ``make()``."""
        digest = hashlib.blake2b(digest_size=32)
        for part in key:
            data = part.encode("utf-8", "surrogatepass")
            digest.update(b"%d:" % len(data))
            digest.update(data)
        filed = digest.digest()
        if self._store is not None:
            return self._stored(self._store, filed, make)
        if filed in self._used:
            return self._used[filed]
        if filed in self._kept:
            self.hits += 1
            value = self._kept[filed]
        else:
            self.misses += 1
            value = make()
        self._used[filed] = value
        return value

    def _stored(self, store: Store, filed: bytes, make: Callable[[], Any]) -> Any:
        """The piece filed as ``filed`` in ``store``, or ``make()`` (kept there when it is text or UTF-8 bytes)."""
        key = f"piece {filed.hex()}"
        entry = store.load(key)
        piece = entry.get("piece") if entry is not None else None
        if (
            isinstance(piece, list)
            and len(piece) == 2
            and piece[0] in ("s", "b")
            and isinstance(piece[1], str)
        ):
            self.hits += 1
            return piece[1].encode() if piece[0] == "b" else piece[1]
        self.misses += 1
        value = make()
        if isinstance(value, str):
            store.put({"key": key, "piece": ["s", value]})
        elif isinstance(value, bytes):
            with contextlib.suppress(UnicodeDecodeError):  # not UTF-8: not kept, made again next time
                store.put({"key": key, "piece": ["b", value.decode()]})
        return value

    def finish(self) -> None:
        """The build is done: keep what it used, for the next one."""
        self._kept, self._used = self._used, {}
        # the records this build used: under `mkdocs serve` an unchanged file's record is the same object at the
        # next rebuild (generator.check.Made), and its digest is not computed again
        self._records, self._records_used = self._records_used, {}
        self._parsed, self._parsed_used = self._parsed_used, {}
        self.hits = self.misses = 0

    def clear(self) -> None:
        self._kept.clear()
        self._used.clear()
        self._records.clear()
        self._records_used.clear()
        self._parsed.clear()
        self._parsed_used.clear()
