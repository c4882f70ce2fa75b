"""load → check, in one call, for the CLI and the MkDocs plugin."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.check import Made, Memo, check
from generator.codes import RECORD_CODES
from generator.diagnostics import Diagnostic, Diagnostics
from generator.load import Document, LoadCache, load_iter
from generator.model import Chronology


@dataclass(frozen=True)
class Result:
    """What a run found: the Chronology (``None`` when there are errors) and every diagnostic, sorted."""

    chronology: Chronology | None
    diagnostics: list[Diagnostic]
    files: int

    def failed(self, strict: bool = False) -> bool:
        """True when there are errors (or, under ``strict``, warnings other than state-of-the-record findings,
        which ``faultlines sources`` reports)."""
        return any(d.severity == "error" or (strict and d.code not in RECORD_CODES) for d in self.diagnostics)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a run, then restore it.

    A run allocates millions of objects that live until it ends (every document's values, every record),
    and each full collection walked all of them again: a quarter of ``faultlines check`` at 10,000 files.
    Loading and checking make next to no reference cycles (none on a clean tree); the few they make
    (exception tracebacks) are collected once the collector is on again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(
    root: Path,
    today: dt.date | None = None,
    cache: LoadCache | None = None,
    chronology: bool = True,
    processes: int | None = None,
    memo: Memo | None = None,
    made: Made | None = None,
) -> Result:
    """Load and check every content file under ``root/content`` (``cache`` and ``processes``: see ``load``;
    with ``chronology=False`` the Result has no Chronology, for callers that only want the diagnostics;
    ``memo``: each document's own problems from earlier runs, see ``generator.check.Memo``; ``made``: their
    models and records, see ``generator.check.Made``)."""
    with _cyclic_gc_paused():
        collector = Diagnostics()
        problems: list[Diagnostic] = []
        documents: list[Document] = []

        def loading() -> Iterator[Document]:  # checked while the rest is still being read
            for document in load_iter(root, problems, cache, processes):
                documents.append(document)
                yield document

        built, found = check(loading(), today=today, chronology=chronology, memo=memo, made=made)
        collector.extend(problems)
        collector.extend(found)
        if collector.has_errors:
            built = None
        return Result(built, collector.sorted(), len(documents))
