"""The command line's heap setting: large arrays keep maps of their own after a big free."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from renown.core.heap import release_large_frees

_PROBE = """
import ctypes, sys
import numpy as np
from renown.core.heap import release_large_frees

class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
if sys.argv[1] == "set":
    assert release_large_frees()
big = np.ones(16 << 20, np.uint8)  # served by a map of its own either way
del big  # by default, this free raises the threshold to 16 MiB
before = libc.mallinfo2().hblks
held = [np.ones(2 << 20, np.uint8) for _ in range(4)]
print(libc.mallinfo2().hblks - before)
"""


def _maps_for_new_arrays(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the setting is glibc's")
def test_arrays_after_a_large_free_get_maps_of_their_own() -> None:
    # the default heap serves the four 2 MiB arrays from the shared heap (the trap), the
    # set one from four maps that are returned to the system when freed
    assert _maps_for_new_arrays("default") == 0
    assert _maps_for_new_arrays("set") == 4


def test_setting_twice_is_harmless() -> None:
    assert release_large_frees() == release_large_frees()
