"""Run a Python entry point in this process and record the process's own peak memory.

Usage: ``python -m bench.peak PEAK_FILE MODULE:FUNCTION [ARGS...]`` runs ``FUNCTION`` with
``sys.argv`` set to ``[MODULE, *ARGS]`` (as a console script would) and, however it ends,
writes the process's peak resident memory in bytes to ``PEAK_FILE``.

Why not ``ru_maxrss`` from ``wait4``: Linux carries a process's high-water mark over
``exec``, and a child forked from a bench that holds gigabytes starts with the parent's
resident set as its own peak (a 2 GB run read as the bench's 4 GB). The kernel's ``VmHWM``
belongs to the address space ``exec`` made, so it is the command's own peak.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def own_peak_bytes() -> int:
    """This process's peak resident set (``VmHWM``), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("/proc/self/status has no VmHWM line")


def read_peak(peak_file: Path) -> int:
    """The peak a child wrote to ``peak_file`` (0 when it wrote none)."""
    try:
        return int(peak_file.read_text())
    except (OSError, ValueError):
        return 0


def main() -> None:
    """Run the entry point named on the command line, then record the peak."""
    peak_file, entry, *args = sys.argv[1:]
    module_name, _, function_name = entry.partition(":")
    sys.argv = [module_name, *args]
    try:
        function = getattr(importlib.import_module(module_name), function_name or "main")
        function()
    finally:
        Path(peak_file).write_text(str(own_peak_bytes()))


if __name__ == "__main__":
    main()
