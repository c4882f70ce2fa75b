"""A complete MkDocs project in a temporary folder (the repository's mkdocs.yml and timeline/, a test content
tree), and a real ``mkdocs build`` of it. Shared by the security, reproducibility and content-safety tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers import write_tree

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def make_project(root: Path, files: Mapping[str, Any]) -> Path:
    """Write ``files`` under ``root`` and copy the site's mkdocs.yml and timeline/ next to them."""
    write_tree(root, files)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "timeline", root / "timeline", dirs_exist_ok=True)
    return root


def build_env(**extra: str) -> dict[str, str]:
    """The environment of a build: quiet about MkDocs 2, a fixed SOURCE_DATE_EPOCH unless given."""
    env = dict(os.environ)
    env.update({"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1765238400"})
    env.update(extra)
    return env


def mkdocs_command(*args: str) -> list[str]:
    """``mkdocs build`` in the working directory (not strict: the content check is the gate here)."""
    return [str(BIN / "mkdocs"), "build", "--no-strict", *args]


def mkdocs_build(root: Path, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a real ``mkdocs build`` in ``root``; raise with its output when ``check`` and it fails."""
    process = subprocess.run(
        mkdocs_command(*args), cwd=root, env=build_env(**env), capture_output=True, text=True, timeout=600
    )
    if check and process.returncode != 0:
        raise AssertionError(f"mkdocs build failed:\n{process.stdout}\n{process.stderr}")
    return process
