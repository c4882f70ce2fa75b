"""Stage 2, check: turn documents into typed records, resolve every reference, build the Chronology.

The stage never stops at the first problem: it returns every diagnostic it finds, and a Chronology only when
there are no errors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from generator.check import (
    bodies,
    comments,
    evidence,
    identity,
    placeholders,
    references,
    rules,
    safety,
    warnings,
)
from generator.check.salvage import salvage
from generator.check.schema_errors import validate
from generator.diagnostics import Diagnostic
from generator.load import Document
from generator.model import Chronology, Record, build_chronology
from generator.schema import SCHEMAS, Actor, Incident, Place, Vocabulary

Memo = dict[str, tuple[Diagnostic, ...]]
"""Each document's own problems (those that read nothing but the document: safety, placeholders, comments,
bodies, evidence) by :func:`document_key`, kept between runs by the caller (``faultlines check``'s cache, the
MkDocs plugin under ``mkdocs serve``): a run checks again only the documents that changed, and always runs the
checks across documents (references, identity, rules, warnings)."""


Made = dict[int, tuple[Document, Any, Any]]
"""Under ``mkdocs serve``: each document this run validated, by its identity, with its model and the Record made
of it. A document the load cache kept (its file unchanged) is the same object at the next rebuild, so its model
and Record are the same objects too: what is keyed by a record (its digest, in generator/render/memo.py) is not
computed again, and its front matter is not validated again (a model is frozen, so it is what validation gave)."""


def document_key(document: Document) -> str:
    """A hash of everything a document's own checks read: its path, kind, id, front matter text (its data is
    parsed from it), body and positions. Valid for one version of the generator (the callers' caches are)."""
    digest = hashlib.blake2b(digest_size=32)
    for part in (
        document.path,
        document.kind,
        document.id,
        document.front,
        str(document.front_line_offset),
        document.body,
        str(document.body_line),
        repr(sorted(document.refused)),
        str(document.data is None),
    ):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


def _memoised(
    memo: Memo | None, used: Memo, key: str, find: Callable[[], Iterable[Diagnostic]]
) -> tuple[Diagnostic, ...]:
    """``find()``'s problems, from ``memo`` when it has ``key``; noted in ``used`` either way."""
    found = memo.get(key) if memo is not None else None
    if found is None:
        found = tuple(find())
    used[key] = found
    return found


@dataclass(frozen=True)
class Validated:
    """Documents that passed their schema, by kind, with the document kept for positions."""

    vocabulary: tuple[Document, Vocabulary] | None
    incidents: list[tuple[Document, Incident]]
    actors: list[tuple[Document, Actor]]
    places: list[tuple[Document, Place]]


def check(
    documents: Iterable[Document],
    today: dt.date | None = None,
    chronology: bool = True,
    memo: Memo | None = None,
    made: Made | None = None,
) -> tuple[Chronology | None, list[Diagnostic]]:
    """Validate every document; the Chronology (when free of errors) and every diagnostic found.

    ``chronology=False``: only the diagnostics are wanted (``faultlines check``), the Chronology, whose
    indexes take a tenth of the check, is not built and ``None`` is returned in its place. ``memo``: each
    document's own problems from earlier runs (see :data:`Memo`); left holding this run's. ``made``: the models
    and records of earlier runs (see :data:`Made`); left holding this run's."""
    earlier, now = (made if made is not None else {}), {}
    problems: list[Diagnostic] = []
    used: Memo = {}
    keys: dict[int, str] = {}  # id(document) -> its key, while ``loaded`` holds it
    vocabulary: tuple[Document, Vocabulary] | None = None
    incidents, actors, places = [], [], []
    partial: dict[str, list] = {"incident": [], "actor": [], "place": []}  # what parsed of invalid documents
    loaded: list[Document] = []  # ``documents`` may be an iterator (load_iter): each is checked as it comes
    for document in documents:
        loaded.append(document)
        key = keys[id(document)] = document_key(document) if memo is not None else ""
        problems.extend(_memoised(memo, used, key, lambda document=document: _own(document)))
        if document.data is None:
            continue
        known = earlier.get(id(document))
        if known is not None and known[0] is document:
            record, errors = known[1], []
            now[id(document)] = known
        else:
            record, errors = validate(document)
            if record is not None and made is not None:
                now[id(document)] = (document, record, None)
        problems.extend(errors)
        if record is None:
            if document.kind in partial:
                partial[document.kind].append((document, salvage(SCHEMAS[document.kind], document.data)))
            continue
        if isinstance(record, Vocabulary):
            vocabulary = (document, record)
        elif isinstance(record, Incident):
            incidents.append((document, record))
        elif isinstance(record, Actor):
            actors.append((document, record))
        elif isinstance(record, Place):
            places.append((document, record))
    documents = loaded
    if vocabulary is None and not any(d.kind == "vocabulary" for d in documents):
        problems.append(
            Diagnostic(
                "content/vocabulary.yml",
                0,
                0,
                "FL301",
                "missing required file content/vocabulary.yml",
                "it defines the incident types, roles and kinds",
            )
        )
    validated = Validated(vocabulary, incidents, actors, places)
    # references and identity also on what parsed of the documents that failed their schema (one pass)
    dated = [(d, r) for d, r in partial["incident"] if r.date is not None]
    problems.extend(identity.check(documents, Validated(vocabulary, incidents + dated, actors, places)))
    with_partial = Validated(
        vocabulary, incidents + partial["incident"], actors + partial["actor"], places + partial["place"]
    )
    problems.extend(references.check(documents, with_partial))
    problems.extend(rules.check(validated))
    problems.extend(warnings.check(validated, today or dt.date.today()))
    # evidence on what parsed of the incidents that failed their schema too: one run shows every problem
    salvaged = [(d, evidence.usable(r)) for d, r in partial["incident"]]

    def evidence_of(document: Document, incident: Incident) -> tuple[Diagnostic, ...]:
        key = f"{keys[id(document)]} evidence" if memo is not None else ""
        return _memoised(memo, used, key, lambda: evidence.incident_problems(document, incident))

    problems.extend(
        evidence.check(documents, Validated(vocabulary, incidents + salvaged, actors, places), evidence_of)
    )
    if memo is not None:
        memo.clear()
        memo.update(used)
    problems = _one_per_spot(problems)
    if any(p.severity == "error" for p in problems) or vocabulary is None or not chronology:
        _keep(made, now)
        return None, problems

    def record(document: Document, model: Any) -> Record[Any]:
        held = now.get(id(document))
        if held is not None and held[2] is not None:
            return held[2]  # the Record an earlier run made of this very document
        made_now = Record(document.id, document.path, model, document.body, document.body_line)
        if held is not None:
            now[id(document)] = (document, model, made_now)
        return made_now

    chronology = build_chronology(
        vocabulary[1],
        [record(d, r) for d, r in incidents],
        [record(d, r) for d, r in actors],
        [record(d, r) for d, r in places],
    )
    _keep(made, now)
    return chronology, problems


def _keep(made: Made | None, now: Made) -> None:
    """Leave ``made`` holding this run's documents only (memory: not every version of every file)."""
    if made is not None:
        made.clear()
        made.update(now)


def _own(document: Document) -> list[Diagnostic]:
    """The problems of ``document`` that read nothing else: unsafe text, placeholders, comments, bodies."""
    text = safety.front_matter_text(document.data or {})  # one walk for both
    unsafe = safety.check_document(document, text)
    found = [*unsafe, *placeholders.check_document(document, text), *comments.check_document(document)]
    # markup the safety rules refused is not reported a second time as what the sanitiser would drop
    found += bodies.check_document(document, sanitiser=not unsafe)
    return found


_UNKNOWN = {"FL201", "FL202", "FL203", "FL204"}
_SCHEMA = {"FL303", "FL304", "FL307"}  # a value of the wrong type, length or form


def _one_per_spot(problems: list[Diagnostic]) -> list[Diagnostic]:
    """A schema error and an unknown-reference error at the same value are one problem: the schema error,
    with the reference check's suggestion (``actor: JASDF`` is not a slug; did you mean 'jasdf'?)."""
    schema = {(d.path, d.line, d.column): i for i, d in enumerate(problems) if d.code in _SCHEMA}
    merged = list(problems)
    dropped: set[int] = set()
    for i, d in enumerate(problems):
        at = schema.get((d.path, d.line, d.column))
        if d.code not in _UNKNOWN or at is None or not d.line:
            continue
        dropped.add(i)
        _, _, guess = d.message.partition("; ")
        if guess and "; " not in merged[at].message:
            merged[at] = dataclasses.replace(merged[at], message=f"{merged[at].message}; {guess}")
    # a misspelt required field is one problem: "unknown field 'summry'; did you mean 'summary'?", not also
    # "missing required field 'summary'"
    misspelt = {
        (d.path, d.message.rpartition("did you mean ")[2])
        for d in merged
        if d.code == "FL302" and d.column == 1
    }
    for i, d in enumerate(merged):
        if d.code == "FL301" and " in " not in d.message and (d.path, f"{d.message[23:]}?") in misspelt:
            dropped.add(i)
    return [d for i, d in enumerate(merged) if i not in dropped]
