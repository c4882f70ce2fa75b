"""The benchmark's peak memory of a command's process tree (tests/benchmark/bench.py ``_run``): processes
running side by side are added up, and the pages a forked worker only shares with its parent are counted once."""

from __future__ import annotations

import sys
import textwrap

import pytest

from tests.benchmark.bench import _run

MB = 100  # each process's own memory in the programs below


def _peak_mb(program: str) -> float:
    _, status, peak_kib, stderr, _ = _run([sys.executable, "-c", textwrap.dedent(program)])
    assert status == 0, stderr
    return peak_kib / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_two_processes_holding_memory_at_once_are_added_up() -> None:
    # the kernel's ru_maxrss of the tree is the largest single process (~MB): the tree holds twice that
    peak = _peak_mb(
        f"""
        import os, time
        pid = os.fork()
        held = bytearray({MB} * 1024 * 1024)  # private to each process: every page written
        held[::4096] = b'x' * len(held[::4096])
        time.sleep(1.5)
        if pid:
            os.waitpid(pid, 0)
        """
    )
    assert peak > 1.8 * MB, peak


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_memory_a_forked_child_only_shares_is_counted_once() -> None:
    peak = _peak_mb(
        f"""
        import os, time
        held = bytearray({MB} * 1024 * 1024)
        held[::4096] = b'x' * len(held[::4096])
        pid = os.fork()  # the child reads nothing of it: every page stays shared
        time.sleep(1.5)
        if pid:
            os.waitpid(pid, 0)
        """
    )
    assert MB < peak < 1.5 * MB, peak


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_one_process_is_measured_by_its_own_peak_not_the_benchmarks() -> None:
    # this process is large: a command forked from it straight would report this process's peak as its own
    big = bytearray(300 * 1024 * 1024)
    big[::4096] = b"x" * len(big[::4096])
    peak = _peak_mb("import time; time.sleep(0.3)")
    del big
    assert peak < 60, peak
