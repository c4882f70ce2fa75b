"""``faultlines build --out DIR``: write the generated pages and files as a plain tree, atomically, for any
static-site tool (the same output the MkDocs plugin adds in memory)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from generator.render.site import SiteOutput


class UnsafeOutput(ValueError):
    """The output folder would overwrite content or the project itself."""


def check_destination(root: Path, out: Path) -> None:
    """Refuse an output folder inside content/, the project root itself, or a parent of the project."""
    root, out = root.resolve(), out.resolve()
    content = root / "content"
    if out == content or out.is_relative_to(content):
        raise UnsafeOutput(
            f"refusing to write into {content}: content/ is only ever written by 'faultlines new'"
        )
    if out == root or root.is_relative_to(out):
        raise UnsafeOutput(f"refusing to replace {out}: it holds the project itself")


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
        os.chmod(staging, 0o755)
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
