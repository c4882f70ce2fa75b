"""The worker processes a build forks (reading files, rendering incident pages, building MkDocs pages), and
stopping all of them at once when the build is told to stop.

Every pool is made by :func:`fork_pool`: its workers forget the build's SIGTERM handler (a worker told to stop
stops, instead of reporting the signal as its task's error and taking the next task), and
:func:`kill_workers` ends every worker of every live pool without waiting for the task it is running, which is
what the build's own SIGTERM handler does before it removes its staging folder (generator/mkdocs_plugin.py).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from generator.memory import give_back

_live: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()


def _start_worker(initializer: Callable[[], None] | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if initializer is not None:
        initializer()


def fork_pool(processes: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of ``processes`` forked workers (they inherit this process's memory: nothing is re-imported; the
    allocator's free memory is given back first, so that they do not inherit that too)."""
    give_back()
    pool = ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(initializer,),
    )
    _live.add(pool)
    return pool


def kill_workers() -> int:
    """End every worker process of every pool now (SIGKILL: a worker holds nothing to clean up, and one forked
    a moment ago may not have dropped the build's handler yet); how many were sent the signal.

    Besides the pools' own lists, every child process this process has (read from /proc where there is one) is
    ended too: a worker forked while the signal arrived is not yet in its pool's list, and one of a pool already
    shut down and forgotten may still be alive; left behind, such a worker waits forever for a task that never
    comes, holding the build's output pipe open (a CI step that reads it never ends).

    Safe in a signal handler: it takes no lock and does not wait (the pools are left as they are; the process
    is about to exit)."""
    pids: set[int] = set(_children())
    for pool in list(_live):
        pids.update((getattr(pool, "_processes", None) or {}).keys())
    killed = 0
    for pid in sorted(pids):
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
    return killed


def _children() -> list[int]:
    """The processes whose parent is this one, from /proc (none where there is no /proc)."""
    me = os.getpid()
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    children = []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rpartition(b")")[2].split()  # after the name, which may hold spaces
        except OSError:
            continue
        if len(fields) > 1 and fields[1] == str(me).encode():
            children.append(int(name))
    return children
