"""Keep the C heap from holding on to memory a run has finished with.

Why: glibc serves a large allocation with its own memory map and unmaps it when freed, but
each such free raises the size below which later allocations come from the shared heap
instead (the "dynamic mmap threshold", up to 32 MiB). A scoring run allocates and frees
hundreds of per-person arrays of a few MiB each (8 MiB per float column at a million
people): after the first few frees they all land in the heap, which fragments and is
only returned to the system from its top. Scoring 10M events with the trend window peaked
at 2.3 GB that way, 0.55 GB of it memory the run no longer used. Fixing the threshold at
glibc's own default keeps every array above it in a map of its own, returned the moment
it is freed; small objects are unaffected.

Only the processes renown owns (the command line) call :func:`release_large_frees`: a
library should not change the allocator of the program that imports it. Elsewhere than
glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from typing import Final

_M_MMAP_THRESHOLD: Final = -3
MMAP_THRESHOLD_BYTES: Final = 128 * 1024
"""glibc's default threshold; setting it explicitly turns its dynamic growth off."""


def release_large_frees() -> bool:
    """Serve allocations above 128 KiB from maps of their own; True if the heap was set."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 - present only in glibc
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
