"""The search worker main.html wraps is read from the installed Material at build time, not written into the
template: a Material upgrade that renames it changes the built site with it, and one whose worker cannot be
found stops the build with a clear message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import material
import pytest
from helpers import minimal_files
from mkdocs_project import make_project, mkdocs_build

from generator.material_theme import ThemeError, search_worker

MATERIAL = Path(material.__file__).parent / "templates"


def test_the_installed_material_names_a_worker_it_ships() -> None:
    name = search_worker([MATERIAL])
    assert re.fullmatch(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js", name)
    assert (MATERIAL / name).is_file()
    assert f'"{name}"' in (MATERIAL / "base.html").read_text(encoding="utf-8")


def theme(folder: Path, base: str | None, shipped: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if base is not None:
        (folder / "base.html").write_text(base, encoding="utf-8")
    for name in shipped:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("// worker\n", encoding="utf-8")
    return folder


def test_a_renamed_worker_is_followed(tmp_path: Path) -> None:
    name = "assets/javascripts/workers/search.0123abcd.min.js"
    folder = theme(tmp_path, '{{ {"search": "' + name + '" | url} | tojson }}', [name])
    assert search_worker([folder]) == name


def test_the_first_base_html_is_read_and_any_folder_may_ship_the_file(tmp_path: Path) -> None:
    name = "assets/javascripts/workers/search.feed.min.js"
    custom = theme(tmp_path / "custom", None, [])  # overrides without a base.html of their own
    shipped = theme(tmp_path / "material", f'"search": "{name}"', [name])
    assert search_worker([custom, shipped]) == name


@pytest.mark.parametrize(
    ("base", "shipped", "message"),
    [
        (None, [], "the theme has no base.html"),
        ('"search": "assets/javascripts/search.js"', [], "named there: none"),
        (
            '"assets/javascripts/workers/search.aa.min.js" "assets/javascripts/workers/search.bb.min.js"',
            [],
            "named there: assets/javascripts/workers/search.aa.min.js, assets/javascripts/workers/search.bb",
        ),
        ('"assets/javascripts/workers/search.aa.min.js"', [], "but no theme folder has that file"),
    ],
)
def test_a_worker_that_cannot_be_found_is_an_error(
    tmp_path: Path, base: str | None, shipped: list[str], message: str
) -> None:
    with pytest.raises(ThemeError, match=re.escape(message)):
        search_worker([theme(tmp_path, base, shipped)])


@pytest.mark.slow
def test_the_built_site_loads_the_worker_through_ours(tmp_path: Path) -> None:
    root = make_project(tmp_path, minimal_files())
    mkdocs_build(root)
    site = root / "site"
    page = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    config = json.loads(
        re.search(r'<script id="__config" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    ours, _, worker = config["search"].partition("?worker=")
    assert ours == "../assets/javascripts/fault-lines/search-worker.js"
    # importScripts resolves worker= against our worker's URL (assets/javascripts/fault-lines/)
    assert (site / "assets" / "javascripts" / "fault-lines" / worker).resolve().is_file()
    assert worker == "../" + search_worker([MATERIAL]).removeprefix("assets/javascripts/")


@pytest.mark.slow
def test_a_material_without_the_worker_stops_the_build(tmp_path: Path) -> None:
    root = make_project(tmp_path, minimal_files())
    # a base.html of the site's own, first in the theme's folders, naming a worker no folder ships
    (root / "timeline" / "overrides" / "base.html").write_text(
        '{{ {"search": "assets/javascripts/workers/search.deadbeef.min.js" | url} | tojson }}',
        encoding="utf-8",
    )
    process = mkdocs_build(root, check=False)
    assert process.returncode == 1
    output = process.stdout + process.stderr
    assert "fault-lines:" in output and "search.deadbeef.min.js" in output
    assert "no theme folder has that file" in output
    assert "Traceback" not in output
