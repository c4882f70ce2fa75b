"""What ``faultlines build --out`` gives a builder that runs no plugins (Zensical, plain MkDocs).

The MkDocs plugin adds the generated pages in memory and fills the markers of the hand-written pages (the home
page's counts and latest incidents, the source statistics). Here the same is written to a folder: the generated
pages and files, the hand-written pages of the docs folder with their markers filled, CONTRIBUTING.md as
``contributing.md``. With ``standalone``, the folder is a whole project instead: the pages under ``docs/``, a
plugin-free ``mkdocs.yml`` beside them (Zensical reads it too) and the theme overrides that work without the
plugin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pathspec
import yaml

from generator.model import Chronology
from generator.render.site import STYLESHEET, home_fragments
from generator.render.source_health import sources_fragment

MARKER = "<!-- fault-lines: {} -->"
DOCS = "docs"
OVERRIDES = "overrides"
# Material's search partial with an accessible name (timeline/overrides/partials/search.html): Zensical's search
# is its own and never starts with Material's markup, so a project for other builders leaves it out
PLUGIN_ONLY_OVERRIDES = ("partials/search.html",)


def fill_markers(markdown: str, chronology: Chronology, src_uri: str, directory_urls: bool = True) -> str:
    """A hand-written page with its ``<!-- fault-lines: ... -->`` markers replaced (latest, counts, sources)."""
    if MARKER.format("latest") in markdown or MARKER.format("counts") in markdown:
        for name, fragment in home_fragments(chronology, src_uri).items():
            markdown = markdown.replace(MARKER.format(name), fragment)
    if MARKER.format("sources") in markdown:
        markdown = markdown.replace(
            MARKER.format("sources"), sources_fragment(chronology, src_uri, directory_urls)
        )
    return markdown


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even when it uses ``!ENV`` or ``!!python/name:`` tags (kept as plain text)."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: loader.construct_scalar(node))  # type: ignore[arg-type]


def read_config(root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml as data (empty when there is none)."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    return data if isinstance(data, dict) else {}


def _theme(config: dict[str, Any]) -> dict[str, Any]:
    theme = config.get("theme")
    return theme if isinstance(theme, dict) else {}


def hand_written(
    root: Path, config: dict[str, Any], chronology: Chronology, directory_urls: bool = True
) -> tuple[dict[str, str], dict[str, bytes]]:
    """(Markdown pages with their markers filled, other files) of the docs folder, by path inside it; the
    theme's custom_dir and what ``exclude_docs`` excludes are left out, as MkDocs leaves them out."""
    docs = (root / str(config.get("docs_dir", "docs"))).resolve()
    pages: dict[str, str] = {}
    files: dict[str, bytes] = {}
    if docs.is_dir():
        excluded = pathspec.GitIgnoreSpec.from_lines(str(config.get("exclude_docs") or "").splitlines())
        custom = _theme(config).get("custom_dir")
        custom_dir = (root / str(custom)).resolve() if custom else None
        for path in sorted(docs.rglob("*")):
            relative = path.relative_to(docs).as_posix()
            if not path.is_file() or path.is_symlink() or excluded.match_file(relative):
                continue
            if custom_dir is not None and path.resolve().is_relative_to(custom_dir):
                continue
            if any(part.startswith(".") for part in path.relative_to(docs).parts):
                continue
            if path.suffix == ".md":
                text = path.read_text(encoding="utf-8")
                pages[relative] = fill_markers(text, chronology, relative, directory_urls)
            else:
                files[relative] = path.read_bytes()
    guide = root / "CONTRIBUTING.md"
    if guide.is_file() and "contributing.md" not in pages:  # the plugin publishes the guide as this page
        pages["contributing.md"] = '---\ntitle: "Contributing"\n---\n\n' + guide.read_text(encoding="utf-8")
    return pages, files


def standalone_config(config: dict[str, Any], site_url: str) -> str:
    """A plugin-free mkdocs.yml for the folder ``faultlines build --standalone`` writes: the project's settings,
    its docs in ``docs/``, the overrides in ``overrides/``, the generated stylesheet added, our plugin removed."""
    project = dict(config)
    project["docs_dir"] = DOCS
    project["site_dir"] = "site"
    if site_url:
        project["site_url"] = site_url
    project.pop("exclude_docs", None)  # the overrides are no longer inside the docs folder
    theme = dict(_theme(config))
    if theme.get("custom_dir"):
        theme["custom_dir"] = OVERRIDES
    if theme:
        project["theme"] = theme
    plugins = config.get("plugins") or []
    kept = [p for p in plugins if not (p == "fault-lines" or (isinstance(p, dict) and "fault-lines" in p))]
    if kept:
        project["plugins"] = kept
    else:
        project.pop("plugins", None)
    css = list(config.get("extra_css") or [])
    project["extra_css"] = [*css, STYLESHEET] if STYLESHEET not in css else css
    header = (
        "# Written by 'faultlines build --standalone': the chronology's site for builders that run no plugins\n"
        "# (zensical build -f mkdocs.yml, or mkdocs build -f mkdocs.yml). Edit the project's own mkdocs.yml.\n"
    )
    return header + yaml.safe_dump(project, sort_keys=False, allow_unicode=True, width=110)


def overrides(root: Path, config: dict[str, Any]) -> dict[str, bytes]:
    """The theme's custom_dir files that work without the plugin, by path inside ``overrides/``."""
    custom = _theme(config).get("custom_dir")
    folder = root / str(custom) if custom else None
    if folder is None or not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not path.is_symlink() and relative not in PLUGIN_ONLY_OVERRIDES:
            found[relative] = path.read_bytes()
    return found
