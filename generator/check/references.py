"""Reference rules: every id, vocabulary key, source URL and [[wiki link]] resolves; parents never loop."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Collection
from typing import TYPE_CHECKING

from generator.check.schema_errors import _fold, closest, did_you_mean, suggest
from generator.diagnostics import Diagnostic
from generator.load import Document, KeyPath

if TYPE_CHECKING:
    from generator.check import Validated

WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+))?\]\]")


class _Resolver:
    """Checks ids against known sets and reports misses with a suggestion."""

    def __init__(self, problems: list[Diagnostic], names: dict[str, list[str]] | None = None) -> None:
        self.problems = problems
        self.names = names or {}  # id -> names and aliases of actors and places, for suggestions

    def require(
        self,
        document: Document,
        keypath: KeyPath,
        value: str | None,
        known: Collection[str],
        code: str,
        what: str,
    ) -> None:
        if value is None:
            return
        if value in known:  # sets and dicts: constant time on the hot path
            return
        known = list(known)
        line, column = document.position(keypath)
        guesses = closest(value, known, self.names)
        guess = did_you_mean(guesses)
        named = [
            (g, n) for g in guesses for n in self.names.get(g, ()) if _fold(n) == _fold(value) != _fold(g)
        ]
        message = f"unknown {what} '{value}'{guess}"
        if named:
            hint = f"'{named[0][1]}' is a name of {named[0][0]}; references use the id (its file name)"
        elif guess:
            hint = ""
        elif known:
            hint = f"known: {', '.join(sorted(known)[:12])}" + (", ..." if len(known) > 12 else "")
        else:
            hint = f"there is no {what} yet; add one first"
        self.problems.append(Diagnostic(document.path, line, column, code, message, hint))


def check(documents: list[Document], validated: Validated) -> list[Diagnostic]:
    """Every unresolved reference in every validated document."""
    problems: list[Diagnostic] = []
    resolve = _Resolver(problems, _names(documents))
    # ids of every file, valid or not: a file with its own errors must not also break every link to it
    actor_ids = {d.id for d in documents if d.kind == "actor"}
    place_ids = {d.id for d in documents if d.kind == "place"}
    incident_ids = {d.id for d in documents if d.kind == "incident"}
    vocabulary = validated.vocabulary[1] if validated.vocabulary else None
    if vocabulary is not None:
        _check_timezone(validated.vocabulary[0], ("default_timezone",), vocabulary.default_timezone, problems)
    for document, incident in validated.incidents:
        if vocabulary is not None:
            resolve.require(
                document, ("type",), incident.type, vocabulary.incident_types, "FL203", "incident type"
            )
            resolve.require(document, ("status",), incident.status, vocabulary.statuses, "FL203", "status")
            resolve.require(document, ("series",), incident.series, vocabulary.series, "FL203", "series")
            for i, entry in enumerate(incident.actors):
                resolve.require(
                    document, ("actors", i, "role"), entry.role, vocabulary.roles, "FL203", "role"
                )
            for i, source in enumerate(incident.sources):
                resolve.require(
                    document,
                    ("sources", i, "kind"),
                    source.kind,
                    vocabulary.source_kinds,
                    "FL203",
                    "source kind",
                )
            for i, link in enumerate(incident.related):
                resolve.require(
                    document,
                    ("related", i, "relation"),
                    link.relation,
                    vocabulary.relations,
                    "FL203",
                    "relation",
                )
        for i, entry in enumerate(incident.actors):
            resolve.require(document, ("actors", i, "actor"), entry.actor, actor_ids, "FL201", "actor")
        for i, place in enumerate(incident.places):
            resolve.require(document, ("places", i), place, place_ids, "FL202", "place")
        for i, link in enumerate(incident.related):
            resolve.require(
                document, ("related", i, "incident"), link.incident, incident_ids, "FL204", "incident"
            )
        resolve.require(document, ("replaced_by",), incident.replaced_by, incident_ids, "FL204", "incident")
        _check_sources(document, incident, problems)
        for i, claim in enumerate(incident.claims):
            resolve.require(document, ("claims", i, "actor"), claim.actor, actor_ids, "FL201", "actor")
        if incident.timezone:
            _check_timezone(document, ("timezone",), incident.timezone, problems)
        if incident.end_date and incident.date and incident.end_date.last_day() < incident.date.first_day():
            line, column = document.position(("end_date",))
            problems.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL306",
                    f"end_date {incident.end_date} is before date {incident.date}",
                )
            )
        if incident.status == "retracted" and not incident.status_note:
            line, column = document.position(("status",))
            problems.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL208",
                    "a retracted incident needs a status_note saying why",
                )
            )
    for document, actor in validated.actors:
        if vocabulary is not None:
            resolve.require(document, ("kind",), actor.kind, vocabulary.actor_kinds, "FL203", "actor kind")
        resolve.require(document, ("parent",), actor.parent, actor_ids, "FL201", "actor")
        for i, position in enumerate(actor.positions):
            resolve.require(document, ("positions", i, "of"), position.of, actor_ids, "FL201", "actor")
            if position.end and position.start and position.end.last_day() < position.start.first_day():
                line, column = document.position(("positions", i, "to"))
                problems.append(
                    Diagnostic(
                        document.path,
                        line,
                        column,
                        "FL306",
                        f"'to' {position.end} is before 'from' {position.start}",
                    )
                )
    for document, place in validated.places:
        if vocabulary is not None:
            resolve.require(document, ("kind",), place.kind, vocabulary.place_kinds, "FL203", "place kind")
        resolve.require(document, ("parent",), place.parent, place_ids, "FL202", "place")
    problems.extend(_cycles(validated.actors))
    problems.extend(_cycles(validated.places))
    targets = actor_ids | place_ids | incident_ids
    for document in documents:
        problems.extend(_wiki_links(document, targets, resolve.names))
    return problems


def _names(documents: list[Document]) -> dict[str, list[str]]:
    """Names and aliases of every actor and place, by id, as written (whether or not the file is valid)."""
    names: dict[str, list[str]] = {}
    for document in documents:
        if document.kind not in ("actor", "place") or not isinstance(document.data, dict):
            continue
        found = [document.data.get("name"), *(document.data.get("aliases") or [])]
        names[document.id] = [n for n in found if isinstance(n, str)]
    return names


def _check_sources(document: Document, incident: object, problems: list[Diagnostic]) -> None:
    urls: dict[str, int] = {}
    keys: dict[str, int] = {}
    for i, source in enumerate(incident.sources):  # type: ignore[attr-defined]
        for seen, value, field, what in (
            (urls, source.url, "url", "source"),
            (keys, source.key, "key", "key"),
        ):
            if value is None:
                continue
            if value in seen:
                line, column = document.position(("sources", i, field))
                problems.append(
                    Diagnostic(
                        document.path,
                        line,
                        column,
                        "FL404",
                        f"{what} {value} is listed twice (also sources[{seen[value]}])",
                        "give each source its own key (add -2 for a second source of the same day)"
                        if what == "key"
                        else "",
                    )
                )
            seen.setdefault(value, i)
    for field in ("claims", "figures"):
        for i, entry in enumerate(getattr(incident, field)):
            if entry.source is not None and entry.source not in urls and entry.source not in keys:
                line, column = document.position((field, i, "source"))
                guess = suggest(entry.source, keys if "://" not in entry.source else urls)
                problems.append(
                    Diagnostic(
                        document.path,
                        line,
                        column,
                        "FL205",
                        f"{field[:-1]} source {entry.source} is not one of this incident's sources"
                        + (f"; did you mean {guess}?" if guess else ""),
                        "name a source by its key (or copy its URL exactly), or add it to sources",
                    )
                )


def _check_timezone(document: Document, keypath: KeyPath, zone: str, problems: list[Diagnostic]) -> None:
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        line, column = document.position(keypath)
        problems.append(
            Diagnostic(
                document.path,
                line,
                column,
                "FL308",
                f"unknown time zone '{zone}'",
                "use an IANA zone name such as Asia/Tokyo",
            )
        )


def _cycles(entries: list[tuple[Document, object]]) -> list[Diagnostic]:
    parents = {d.id: (d, e.parent) for d, e in entries}  # type: ignore[attr-defined]
    problems = []
    reported: set[str] = set()
    for start in sorted(parents):
        chain = [start]
        current = parents[start][1]
        while current in parents and current not in chain:
            chain.append(current)
            current = parents[current][1]
        if current == start and start not in reported:
            reported.update(chain)
            document = parents[start][0]
            line, column = document.position(("parent",))
            problems.append(
                Diagnostic(
                    document.path,
                    line,
                    column,
                    "FL207",
                    "parent chain loops back: " + " → ".join([*chain, start]),
                )
            )
    return problems


def _wiki_links(
    document: Document, targets: set[str], names: dict[str, list[str]] | None = None
) -> list[Diagnostic]:
    problems = []
    for match in WIKI_LINK.finditer(document.body):
        target = match.group(1).strip()
        if target in targets:
            continue
        before = document.body[: match.start()]
        line = document.body_line + before.count("\n")
        column = match.start() - (before.rfind("\n") + 1) + 1
        problems.append(
            Diagnostic(
                document.path,
                line,
                column,
                "FL206",
                f"link [[{target}]] does not match any incident, actor or place"
                + did_you_mean(closest(target, targets, names)),
                end_line=line,
                end_column=column + len(match.group(0)),
            )
        )
    return problems
