"""The Nu HTML Checker (vnu.jar, run with the machine's Java) finds no errors in the pages our templates make.

vnu.jar (~30 MB) is not vendored: the first run fetches the pinned ``vnu-jar`` npm package with ``npm pack``
into a cache folder (``$FL_CACHE`` or ``~/.cache/fault-lines``). Without Java or npm the test skips, except under
``CI=true``, where it fails. Set ``FL_VNU_JAR`` to use a jar you already have.

Only messages produced by Material for MkDocs' own markup are filtered, each matched on its message *and* on a
Material class name in the extract, so the same mistake in our templates would still be reported.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import IN_CI

VNU_VERSION = "26.9.27"
PAGES = [
    "index.html",
    "timeline/index.html",
    "incidents/2024-05-02-coast-guard-near-islands/index.html",
    "actors/jasdf/index.html",
    "places/liancourt-rocks/index.html",
    "stats/index.html",  # the stats, map and data pages are checked when the build has them
    "map/index.html",
    "data/index.html",
]


@dataclass(frozen=True)
class ThemeMessage:
    """A message the theme's own markup causes: its text, a pattern its extract matches, and why it is left."""

    message: str
    extract: str
    why: str


MATERIAL_ONLY = [
    ThemeMessage(
        "Attribute “autocomplete” is only allowed when the input type is",
        r'class="md-toggle"',
        "Material's hidden drawer/search toggles are checkboxes with autocomplete=off, so Firefox does not "
        "restore them open after a reload (partials/base.html).",
    ),
    ThemeMessage(
        "Bad value “” for attribute “tabindex” on element “label”",
        r'class="md-nav__link"',
        'Material\'s nav section labels render tabindex="" when navigation.sections is on '
        "(partials/nav-item.html); browsers treat it as absent.",
    ),
    ThemeMessage(
        "The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
        r'class="md-nav__title" for="__toc"',
        "Material's table-of-contents title is a label for its own CSS-hidden __toc toggle "
        "(partials/toc.html).",
    ),
]


def theme_message(message: dict[str, object]) -> ThemeMessage | None:
    for known in MATERIAL_ONLY:
        if str(message.get("message", "")).startswith(known.message) and re.search(
            known.extract, str(message.get("extract", ""))
        ):
            return known
    return None


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the HTML check must run)")
    pytest.skip(reason)


def cache_dir() -> Path:
    return Path(os.environ.get("FL_CACHE") or Path.home() / ".cache" / "fault-lines")


def vnu_jar() -> Path:
    """The pinned vnu.jar, fetched once with ``npm pack`` into the cache folder."""
    if os.environ.get("FL_VNU_JAR"):
        return Path(os.environ["FL_VNU_JAR"])
    folder = cache_dir() / f"vnu-jar-{VNU_VERSION}"
    jar = folder / "vnu.jar"
    if jar.exists():
        return jar
    npm = shutil.which("npm")
    if npm is None:
        unavailable("npm is not installed, so vnu.jar cannot be fetched; HTML check skipped")
    folder.mkdir(parents=True, exist_ok=True)
    packed = subprocess.run(
        [npm, "pack", f"vnu-jar@{VNU_VERSION}", "--pack-destination", str(folder), "--silent"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    tarball = folder / f"vnu-jar-{VNU_VERSION}.tgz"
    if packed.returncode != 0 or not tarball.exists():
        unavailable(f"npm pack vnu-jar@{VNU_VERSION} failed: {packed.stderr.strip()[-500:]}")
    with tarfile.open(tarball) as archive:
        member = archive.getmember("package/build/dist/vnu.jar")
        source = archive.extractfile(member)
        assert source is not None
        partial = folder / "vnu.jar.part"
        partial.write_bytes(source.read())
        partial.replace(jar)  # never leave a half-written jar for the next run
    tarball.unlink()
    return jar


def test_pages_are_valid_html(built_site: Path) -> None:
    java = shutil.which("java")
    if java is None:
        unavailable("java is not installed; HTML check skipped")
    jar = vnu_jar()
    pages = [built_site / page for page in PAGES if (built_site / page).exists()]
    assert len(pages) >= 5, "the core pages were not built"
    process = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(process.stderr or process.stdout)
    errors = [m for m in report["messages"] if m.get("type") == "error" and theme_message(m) is None]
    root = built_site.resolve().as_uri() + "/"
    described = [
        f"{str(m.get('url', '')).removeprefix(root)}:{m.get('lastLine')}: {m.get('message')}\n"
        f"    {str(m.get('extract', '')).strip()}"
        for m in errors
    ]
    assert not errors, "\n".join(described)
