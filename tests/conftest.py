"""Shared fixtures: content trees written from dicts (the builders live in ``tests/helpers.py``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

from helpers import minimal_files, write_tree

# Property tests check what is true of every input, not how fast one example runs: hypothesis' default 200 ms
# deadline per example fails them on a loaded machine (speed is the benchmark's job, and the linear-time tests
# measure CPU time with room to spare)
settings.register_profile("fault-lines", deadline=None)
settings.load_profile("fault-lines")

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
