"""``faultlines build --out DIR``: write the generated pages and files as a plain tree, atomically, for any
static-site tool (the same output the MkDocs plugin adds in memory)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from generator.render.site import STYLESHEET, SiteOutput


class UnsafeOutput(ValueError):
    """The output folder would overwrite content, the project itself, or a folder this command did not write."""


MARKER_FILE = ".faultlines-output"
MARKER_TEXT = (
    "This folder is the output of a Fault Lines build (faultlines build --out, or mkdocs build with the\n"
    "fault-lines plugin). The next build replaces it whole; do not keep anything else here.\n"
)
# folders of the project that no build may replace (nor any folder holding one of them)
PROTECTED = ("content", "timeline", "generator", ".git")


def is_previous_output(folder: Path) -> bool:
    """Whether ``folder`` was written by a build: it holds our marker file, or (trees built before the marker
    existed) the generated type stylesheet and no project folder."""
    if (folder / MARKER_FILE).is_file():
        return True
    legacy = (folder / STYLESHEET).is_file()
    return legacy and not any(
        (folder / name).exists() for name in (*PROTECTED, "mkdocs.yml", "pyproject.toml")
    )


def check_destination(
    root: Path, out: Path, *, also: dict[Path, str] | None = None, option: str = "--out"
) -> None:
    """Refuse an output folder that a build would destroy or corrupt: the project root, content/, timeline/,
    generator/, .git and the folders of ``also`` (by name, and any folder holding one of them), anything inside
    content/ or .git, a file, and any folder that is neither empty nor a previous output (see
    :func:`is_previous_output`). ``option`` names the setting in the messages (``--out``, ``site_dir``)."""
    root, out = root.resolve(), out.resolve()
    named = {root / name: name + "/" for name in PROTECTED}
    named[root] = "the project root"
    for folder, what in (also or {}).items():
        named.setdefault(folder.resolve(), what)
    for folder, what in named.items():
        if out == folder or folder.is_relative_to(out):
            shown = what if out == folder else f"{out} (it holds {what})"
            raise UnsafeOutput(
                f"refusing {option} {shown}: a build replaces its output folder whole, and this one holds "
                "files it did not write; choose a new folder"
            )
    for inner in ("content", ".git"):
        if out.is_relative_to(root / inner):
            raise UnsafeOutput(
                f"refusing {option} {out}: nothing is built into {inner}/ "
                "(content/ is only ever written by 'faultlines new'); choose a folder outside it"
            )
    check_replaceable(out, option)


def check_replaceable(out: Path, option: str = "--out") -> None:
    """Refuse ``out`` unless it is missing, an empty folder or a previous output (checked before the build, and
    again just before the swap: the folder may have changed meanwhile)."""
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"refusing {option} {out}: it is not a folder; choose a folder")
    if out.is_dir() and any(out.iterdir()) and not is_previous_output(out):
        raise UnsafeOutput(
            f"refusing {option} {out}: the folder is not empty and is not the output of an earlier build (it has "
            f"no {MARKER_FILE} file), so replacing it would delete files this command did not write; "
            "choose a new or empty folder, or move those files away first"
        )


def write_marker(folder: Path) -> None:
    """Mark ``folder`` as a build's output, so that the next build may replace it."""
    (folder / MARKER_FILE).write_text(MARKER_TEXT, encoding="utf-8")


def write_tree(output: SiteOutput, out: Path) -> int:
    """Write every page (Markdown) and file (bytes) into ``out``, replacing it only once all are written."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        count = 0
        for path, page in output.pages.items():
            _write(staging / path, page.markdown.encode("utf-8"))
            count += 1
        for path, data in output.files.items():
            _write(staging / path, data)
            count += 1
        write_marker(staging)
        os.chmod(staging, 0o755)
        check_replaceable(out)
        replace_directory(staging, out)
        return count
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def replace_directory(new: Path, target: Path) -> None:
    """Swap ``new`` into ``target`` with renames, so readers never see a half-written tree (used by the CLI's
    ``build --out`` and by the MkDocs plugin's atomic ``site/``)."""
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}-old-{os.getpid()}")
        target.rename(backup)
    new.rename(target)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
