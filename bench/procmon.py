"""Run one command and measure its wall time and the peak memory of its whole process tree.

Why a tree and not ``ru_maxrss``: Spark runs the work in JVMs (the driver's, a standalone
master, worker and executors) and in Python workers, which are children, grandchildren or, for
daemons started with ``nohup ... &``, orphans. This process makes itself a *child subreaper*
(Linux ``PR_SET_CHILD_SUBREAPER``), so such orphans are re-parented to it instead of to init
and stay in the tree it watches (and are reaped here). Every ``interval`` seconds the resident
sets of the tree are summed from ``/proc``; the peak is the largest such sum, or the largest
single process's own high-water mark when that is larger, since a short spike can fall
between two samples (``VmHWM``, kept by the kernel; for the command itself its ``ru_maxrss``
from ``wait4``, which also covers the end of its life after the last sample). For the local
engine, one process, the figure is therefore exact; for Spark it is a sampled sum.

A run that outlives ``timeout`` is stopped and recorded as "did not finish"; a tree that grows
past ``memory_limit``, or a machine left with less than ``reserve`` of available memory, is
stopped and recorded as "out of memory" rather than left to the kernel's OOM killer, which
might pick another engineer's process. The kernel killing the command (SIGKILL without us)
and the usual out-of-memory messages on stderr count as "out of memory" too.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final

_PR_SET_CHILD_SUBREAPER: Final = 36
_PAGE: Final = os.sysconf("SC_PAGE_SIZE")
_OOM_MARKERS: Final = (
    "java.lang.OutOfMemoryError",
    "MemoryError",
    "Cannot allocate memory",
    "std::bad_alloc",
    "memory allocation of",
)

OK: Final = "ok"
TIMEOUT: Final = "timeout"
OOM: Final = "oom"
FAILED: Final = "failed"


@dataclass
class Measured:
    """One run: how it ended, how long it took, how much memory its tree held at most."""

    status: str
    seconds: float
    peak_rss_mib: float
    returncode: int | None
    reason: str = ""
    processes: int = 0
    """Distinct processes seen in the tree (1 for the local engine)."""
    stderr_tail: str = ""
    samples: int = 0
    peak_method: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def become_subreaper() -> bool:
    """Make orphaned descendants ours (Linux); ``False`` where the kernel cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def run_measured(
    command: Sequence[str],
    *,
    timeout: float,
    memory_limit_mib: float,
    reserve_mib: float = 512.0,
    interval: float = 0.1,
    env: Mapping[str, str] | None = None,
    log: Path,
    adopt_orphans: bool = True,
    term_grace: float = 30.0,
) -> Measured:
    """Run ``command`` to its end (or stop it) and measure it; never raises for its failure.

    ``log`` receives the command's stdout, and ``log`` with the suffix ``.err`` its stderr
    (the tail of which is kept in the result). Only the processes that appear below this one
    after the command starts are watched and, at the end, stopped: anything this process ran
    before is left alone. A thread waits for the command, so its end is timed to the moment,
    not to the next sample. A command past its time gets SIGTERM and ``term_grace`` seconds
    to stop what it started before SIGKILL; one past its memory gets SIGKILL at once.
    """
    if adopt_orphans:
        become_subreaper()
    me = os.getpid()
    before = set(_descendants(me))
    with log.open("wb") as out, log.with_suffix(".err").open("w+b") as err:
        began = time.perf_counter()
        child = subprocess.Popen(
            list(command),
            stdout=out,
            stderr=err,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
        ended: list[tuple[float, int, int]] = []

        def wait() -> None:
            _pid, how, usage = os.wait4(child.pid, 0)
            ended.append((time.perf_counter(), os.waitstatus_to_exitcode(how), usage.ru_maxrss))

        waiter = threading.Thread(target=wait, daemon=True)
        waiter.start()
        watch = _Watch(me, before, child.pid)
        status, reason = OK, ""
        try:
            while waiter.is_alive():
                total = watch.sample()
                if time.perf_counter() - began > timeout:
                    status, reason = TIMEOUT, f"did not finish in {timeout:.0f} s"
                    # a polite stop first: a cluster script then stops its daemons itself
                    _stop(child.pid, watch, grace=term_grace)
                    break
                if total > memory_limit_mib * 2**20:
                    status = OOM
                    reason = f"out of memory (tree over {memory_limit_mib:,.0f} MiB)"
                elif _available() < reserve_mib * 2**20:
                    status = OOM
                    reason = (
                        f"out of memory (machine down to {reserve_mib:.0f} MiB available, "
                        f"tree at {total / 2**20:,.0f} MiB)"
                    )
                if status != OK:
                    _stop(child.pid, watch, grace=0.0)
                    break
                waiter.join(interval)
        finally:  # also when this process is interrupted: leave nothing of the command running
            if waiter.is_alive():
                _stop(child.pid, watch, grace=term_grace)
            waiter.join()
            _stop(None, watch, grace=term_grace)  # daemons the command left behind
            watch.reap()
        finished, code, maxrss_kib = ended[0]
        child.returncode = code  # collected by wait4 above, for its rusage
        seconds = finished - began
        watch.high[child.pid] = max(watch.high.get(child.pid, 0), maxrss_kib * 1024)
        err.seek(0)
        said = _first_marker(err)
        err.seek(0, os.SEEK_END)
        err.seek(max(0, err.tell() - 4000))
        tail = err.read().decode("utf-8", errors="replace")
    if status == OK and code != 0:
        if code == -signal.SIGKILL:
            status, reason = OOM, "out of memory (killed by the kernel)"
        elif said is not None:
            status, reason = OOM, f"out of memory ({said})"
        else:
            status, reason = FAILED, f"exit code {code}"
    peak, method = watch.peak()
    return Measured(
        status=status,
        seconds=seconds,
        peak_rss_mib=peak / 2**20,
        returncode=code,
        reason=reason,
        processes=len(watch.seen),
        stderr_tail=tail,
        samples=watch.samples,
        peak_method=method,
    )


class _Watch:
    """Resident-set samples of the processes that appeared below ``root`` after ``before``."""

    def __init__(self, root: int, before: set[int], command: int) -> None:
        self.root = root
        self.before = before
        self.command = command
        self.seen: set[int] = set()
        self.high: dict[int, int] = {}
        self.peak_sum = 0
        self.samples = 0

    def live(self) -> list[int]:
        """The watched processes alive now (zombies apart)."""
        found = [pid for pid in _descendants(self.root) if pid not in self.before]
        self.seen.update(found)
        return found

    def sample(self) -> int:
        """Sum of the watched tree's resident sets now, in bytes (the peak is kept)."""
        total = 0
        for pid in self.live():
            rss, high = _memory(pid)
            total += rss
            self.high[pid] = max(self.high.get(pid, 0), high)
        self.peak_sum = max(self.peak_sum, total)
        self.samples += 1
        return total

    def reap(self) -> None:
        """Collect the exit of every adopted orphan that has ended (no zombies left).

        The command itself is left to its waiting thread, which alone may collect it.
        """
        for pid in self.seen - {self.command}:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
        for pid in _zombie_children(self.root):  # adopted after their last sample
            if pid not in self.before and pid != self.command:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)

    def peak(self) -> tuple[int, str]:
        """The peak in bytes and how it was found."""
        largest = max(self.high.values(), default=0)
        if largest >= self.peak_sum:
            return largest, "largest single-process VmHWM"
        return self.peak_sum, "sampled sum of the tree's VmRSS"


def _first_marker(stream: BinaryIO) -> str | None:
    """The first out-of-memory message in ``stream`` (read in blocks), if any."""
    markers = [marker.encode() for marker in _OOM_MARKERS]
    overlap = max(len(marker) for marker in markers)
    carry = b""
    while block := stream.read(1 << 20):
        window = carry + block
        found = [(window.find(m), m) for m in markers if m in window]
        if found:
            return min(found)[1].decode()
        carry = window[-overlap:]
    return None


def _processes() -> list[tuple[int, int, str]]:
    """``(pid, parent pid, state)`` of every process in /proc."""
    found: list[tuple[int, int, str]] = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: split after it
        fields = stat[stat.rfind(")") + 2 :].split()
        found.append((int(entry.name), int(fields[1]), fields[0]))
    return found


def _descendants(root: int) -> list[int]:
    """Every live process below ``root`` (zombies apart)."""
    children: dict[int, list[int]] = {}
    for pid, parent, state in _processes():
        if state != "Z":
            children.setdefault(parent, []).append(pid)
    found: list[int] = []
    stack = [root]
    while stack:
        for pid in children.get(stack.pop(), []):
            found.append(pid)
            stack.append(pid)
    return found


def _zombie_children(root: int) -> list[int]:
    """Children of ``root`` that have ended and wait to be collected."""
    return [pid for pid, parent, state in _processes() if parent == root and state == "Z"]


def _memory(pid: int) -> tuple[int, int]:
    """Resident bytes now and the process's own high-water mark (0, 0 once it is gone)."""
    rss = high = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                high = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return 0, 0
    return rss, high


def _available() -> int:
    """The machine's ``MemAvailable`` in bytes (unlimited when unreadable)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 1 << 62


def _stop(leader: int | None, watch: _Watch, *, grace: float) -> None:
    """Stop the command's session and every watched process: SIGTERM, then SIGKILL.

    With no ``grace`` SIGKILL is sent at once. Processes are named by id (those seen below
    this one since the command started), never by name.
    """
    signals = [signal.SIGKILL] if grace <= 0 else [signal.SIGTERM, signal.SIGKILL]
    for number in signals:
        pids = watch.live()
        if leader is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(leader, number)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, number)
        deadline = time.monotonic() + (grace if number == signal.SIGTERM else 10.0)
        while watch.live() and time.monotonic() < deadline:
            watch.reap()
            time.sleep(0.1)
        if not watch.live():
            return
