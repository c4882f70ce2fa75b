"""Shared fixtures: content trees written from dicts (the builders live in ``tests/helpers.py``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import minimal_files, write_tree

WriteTree = Callable[[Mapping[str, Any]], Path]


@pytest.fixture
def tree(tmp_path: Path) -> WriteTree:
    """``tree(files)`` writes a content tree under a fresh project root and returns the root."""

    def write(files: Mapping[str, Any]) -> Path:
        return write_tree(tmp_path, files)

    return write


@pytest.fixture
def minimal_tree(tmp_path: Path) -> Path:
    """The root of a small valid project (``helpers.minimal_files``): ``faultlines check`` finds nothing."""
    return write_tree(tmp_path, minimal_files())
