"""Stage 2, check: turn documents into typed records, resolve every reference, build the Chronology.

The stage never stops at the first problem: it returns every diagnostic it finds, and a Chronology only when
there are no errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from generator.check import bodies, evidence, identity, placeholders, references, safety, warnings
from generator.check.schema_errors import validate
from generator.diagnostics import Diagnostic
from generator.load import Document
from generator.model import Chronology, Record, build_chronology
from generator.schema import Actor, Incident, Place, Vocabulary


@dataclass(frozen=True)
class Validated:
    """Documents that passed their schema, by kind, with the document kept for positions."""

    vocabulary: tuple[Document, Vocabulary] | None
    incidents: list[tuple[Document, Incident]]
    actors: list[tuple[Document, Actor]]
    places: list[tuple[Document, Place]]


def check(
    documents: Iterable[Document], today: dt.date | None = None, chronology: bool = True
) -> tuple[Chronology | None, list[Diagnostic]]:
    """Validate every document; the Chronology (when free of errors) and every diagnostic found.

    ``chronology=False``: only the diagnostics are wanted (``faultlines check``), the Chronology, whose
    indexes take a tenth of the check, is not built and ``None`` is returned in its place."""
    problems: list[Diagnostic] = []
    vocabulary: tuple[Document, Vocabulary] | None = None
    incidents, actors, places = [], [], []
    loaded: list[Document] = []  # ``documents`` may be an iterator (load_iter): each is checked as it comes
    for document in documents:
        loaded.append(document)
        text = safety.front_matter_text(document.data or {})  # one walk for both
        unsafe = safety.check_document(document, text)
        problems.extend(unsafe)
        problems.extend(placeholders.check_document(document, text))
        # markup the safety rules refused is not reported a second time as what the sanitiser would drop
        problems.extend(bodies.check_document(document, sanitiser=not unsafe))
        if document.data is None:
            continue
        record, errors = validate(document)
        problems.extend(errors)
        if record is None:
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
    problems.extend(identity.check(documents, validated))
    problems.extend(references.check(documents, validated))
    problems.extend(warnings.check(validated, today or dt.date.today()))
    problems.extend(evidence.check(documents, validated))
    if any(p.severity == "error" for p in problems) or vocabulary is None or not chronology:
        return None, problems
    chronology = build_chronology(
        vocabulary[1],
        [Record(d.id, d.path, r, d.body, d.body_line) for d, r in incidents],
        [Record(d.id, d.path, r, d.body, d.body_line) for d, r in actors],
        [Record(d.id, d.path, r, d.body, d.body_line) for d, r in places],
    )
    return chronology, problems
