"""Freed memory given back to the operating system at a build's big steps (generator/memory.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from mkdocs_project import build_env

PROGRAM = """
from generator.memory import give_back
from generator.pools import fork_pool

def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))

# what a build does to the C heap: many page-sized strings, a few kept among them, the rest freed
texts = [("x" * 30_000) + str(i) for i in range(8_000)]
kept = texts[::200]
del texts
before = rss()
{step}
print(before, rss())
"""


def _rss_before_after(step: str) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PROGRAM.format(step=textwrap.dedent(step)))],
        capture_output=True, text=True, env=build_env(), timeout=60, check=True,
    )  # fmt: skip
    before, after = map(int, done.stdout.split())
    return before, after


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_give_back_returns_freed_heap_memory() -> None:
    before, after = _rss_before_after("assert give_back()")
    assert before - after > 100, (before, after)  # ~230 MB were allocated, 1 in 200 kept


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_workers_are_forked_after_freed_memory_is_given_back() -> None:
    before, after = _rss_before_after("""
        with fork_pool(1) as pool:
            pool.submit(len, "").result()
    """)  # fmt: skip
    assert before - after > 100, (before, after)
