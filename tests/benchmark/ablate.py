"""What each speed-up of the build still earns: ``mkdocs build`` with one of them turned off.

    python -m tests.benchmark.ablate PIECE [mkdocs build options...]

PIECE is one of ``none``, ``workers`` (generator/page_workers.py: pages built by forked processes),
``render_workers`` (generator/render/parallel.py: incident pages rendered by forked processes), ``prerender``
(generator/prerender.py: raw-HTML blocks not parsed by Markdown; the search view needs it) or ``search`` (the
search view: Material's search plugin reads each generated page without the blocks it does not index). (The
sidebar cache, ``nav``, was measured here and removed: it no longer earned its place.) The piece is turned off in this
process only, by replacing it with what MkDocs does without it; the site must come out the same (the benchmark
compares it with the build with everything on). Used by ``bench.py --ablate``, which reads the last line of
the output: the CPU seconds of this process alone and of its workers (``{"self_cpu_s": …, "workers_cpu_s": …}``).
This process's own CPU time is what the build's wall time would be on a machine with an idle core per worker.
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

PIECES = ("none", "workers", "render_workers", "prerender", "search")


def turn_off(piece: str) -> None:
    """Replace ``piece`` with what MkDocs does without it."""

    from generator import mkdocs_plugin, page_workers

    if piece == "workers":
        page_workers.PageWorkers.start = lambda self, *args, **kwargs: None  # type: ignore[method-assign]
    elif piece == "render_workers":
        from generator.render import parallel, site

        class InThisProcess(parallel.IncidentPages):
            def __init__(self, renderer: Any, processes: int, *args: Any, **kwargs: Any) -> None:
                super().__init__(renderer, 0, *args, **kwargs)

        site.IncidentPages = InThisProcess  # type: ignore[misc]
    elif piece == "prerender":
        mkdocs_plugin.FaultLinesPlugin._prerendered = lambda self, page: False  # type: ignore[method-assign]
    elif piece == "search":
        mkdocs_plugin.search_excluded = lambda chunks: {}  # no search views: pages indexed whole
    elif piece != "none":
        raise SystemExit(f"unknown piece {piece!r}; one of {', '.join(PIECES)}")


def main(argv: list[str]) -> int:
    piece, *options = argv
    turn_off(piece)
    from mkdocs.__main__ import cli

    status = cli(["build", *options], standalone_mode=False) or 0
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"self_cpu_s": own.ru_utime + own.ru_stime, "workers_cpu_s": workers.ru_utime + workers.ru_stime}),
          file=sys.stderr)  # fmt: skip
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
