"""What each speed-up of the build still earns: ``mkdocs build`` with one of them turned off.

    python -m tests.benchmark.ablate PIECE [mkdocs build options...]

PIECE is one of ``none``, ``workers`` (generator/page_workers.py: pages built by forked processes),
``skeleton`` (generator/prerender.py's SkeletonMemo: each page skeleton converted once), ``nav``
(generator/nav_cache.py: sidebars rendered once per kind of page) or ``search`` (the search view: Material's
search plugin reads each generated page without the blocks it does not index). The piece is turned off in this
process only, by replacing it with what MkDocs does without it; the site must come out the same (the benchmark
compares it with the build with everything on). Used by ``bench.py --ablate``.
"""

from __future__ import annotations

import sys
from typing import Any

PIECES = ("none", "workers", "skeleton", "nav", "search")


def turn_off(piece: str) -> None:
    """Replace ``piece`` with what MkDocs does without it."""
    from mkdocs.structure.pages import Page

    from generator import mkdocs_plugin, nav_cache, page_workers, prerender

    if piece == "workers":
        page_workers.PageWorkers.start = lambda self, *args, **kwargs: None  # type: ignore[method-assign]
    elif piece == "skeleton":

        def convert(self: Any, page: Page, config: Any, files: Any) -> None:
            Page.render(page, config, files)

        prerender.SkeletonMemo.render = convert  # type: ignore[method-assign]
    elif piece == "nav":
        start = nav_cache.NavCache.start

        def start_disabled(self: Any, nav: Any, *, enabled: bool) -> None:
            start(self, nav, enabled=False)

        nav_cache.NavCache.start = start_disabled  # type: ignore[method-assign]
    elif piece == "search":
        mkdocs_plugin.search_excluded = lambda chunks: set()  # no search views: pages indexed whole
    elif piece != "none":
        raise SystemExit(f"unknown piece {piece!r}; one of {', '.join(PIECES)}")


def main(argv: list[str]) -> int:
    piece, *options = argv
    turn_off(piece)
    from mkdocs.__main__ import cli

    return cli(["build", *options], standalone_mode=False) or 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
