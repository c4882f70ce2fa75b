"""What the site's theme overrides need to know about the installed Material for MkDocs.

``timeline/overrides/main.html`` replaces Material's search worker with ours
(``assets/javascripts/fault-lines/search-worker.js``), which loads Material's and makes lunr's query lexer split
words as the index does. Material names its worker file by a hash of its content
(``assets/javascripts/workers/search.a7633da7.min.js`` in 9.8.2) and changes it with each release, so the name
is read here, at build time, from the installed theme: from the ``base.html`` the overrides extend, checked
against the file the theme ships. A Material whose worker cannot be found stops the build with an error that
says what to do, rather than publishing a site whose search silently does not start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

# how Material's base.html names its worker in the configuration it gives its bundle
WORKER = re.compile(r"""["'](assets/javascripts/workers/search\.[0-9a-zA-Z_-]+\.min\.js)["']""")


class ThemeError(Exception):
    """The installed Material does not look as the overrides expect."""


def search_worker(theme_dirs: Sequence[str | Path]) -> str:
    """The path of Material's search worker inside the built site (``assets/javascripts/workers/search.….min.js``),
    as named by the first ``base.html`` of the theme's folders (the one ``main.html`` extends) and shipped by one
    of them. Raises :class:`ThemeError` with the reason and the fix."""
    folders = [Path(d) for d in theme_dirs]
    base = next((d / "base.html" for d in folders if (d / "base.html").is_file()), None)
    if base is None:
        raise ThemeError(
            "the theme has no base.html: the overrides in timeline/overrides/ extend Material for MkDocs' "
            "(theme: name: material)"
        )
    names = sorted(set(WORKER.findall(base.read_text(encoding="utf-8"))))
    if len(names) != 1:
        found = "none" if not names else ", ".join(names)
        raise ThemeError(
            f"cannot tell which search worker {base} loads (assets/javascripts/workers/search.<hash>.min.js "
            f"named there: {found}); timeline/overrides/main.html wraps it. Compare its config block with this "
            "Material version's base.html, or install the version in constraints.txt"
        )
    name = names[0]
    if not any((d / name).is_file() for d in folders):
        raise ThemeError(
            f"{base} names the search worker {name}, but no theme folder has that file; "
            "reinstall mkdocs-material (pip install -c constraints.txt -e .)"
        )
    return name
