"""Giving freed memory back to the operating system at a build's big steps.

A build makes and drops many large strings (each page's Markdown, HTML and output, tens of kilobytes each).
The C library's allocator keeps what was freed inside its heap for reuse, where it still counts as the
process's memory, and a forked worker inherits it: at 10,000 incidents about a quarter of the build's resident
memory after rendering was such free space. :func:`give_back` returns it (glibc's ``malloc_trim``), at the
steps where much has just been freed and before workers are forked; elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from functools import cache


@cache
def _trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # glibc only (musl has none)
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim  # type: ignore[no-any-return]


def give_back() -> bool:
    """Return the allocator's free memory to the operating system; whether it could be asked to."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
