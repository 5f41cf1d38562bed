"""Writers that start together: threads of this process and spawned OS processes.

A race needs every writer at the start line before anyone writes. A spawned process takes
seconds to import renown, build its own engine and connect, while a thread is ready at
once; started naively, the threads would be done before the processes began and nothing
would race. So each process prepares first, says it is ready, and waits for the start
signal, which is given when every process is ready and every thread is at the barrier.

Processes use the ``spawn`` context: nothing (no engine, no pooled connection, no lock) is
inherited from the test process, as with a second server process or ``renown worker``.
Each reports what happened to each of its writes as a string outcome (see
:mod:`tests.concurrency.workers`); an exception that escapes a process's work is reported
with its traceback and fails the race.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from typing import Any, Generic, TypeVar

SPAWN = multiprocessing.get_context("spawn")
READY_TIMEOUT_SECONDS = 120.0
"""How long processes may take to get ready (imports are slow on a loaded 2-core machine)."""
FINISH_TIMEOUT_SECONDS = 120.0
"""How long the processes may write once started (the tests take seconds)."""

Result = TypeVar("Result")
ProcessWork = Callable[..., Any]
"""A module-level function ``work(line, *args)`` that calls ``line.ready_and_wait()`` once."""


class StartLine:
    """What a spawned writer holds: it reports ready, then waits for everyone's start."""

    def __init__(self, ready: Any, start: Any) -> None:
        self._ready = ready
        self._start = start

    def ready_and_wait(self) -> None:
        """Say this process is prepared, and wait until the race starts."""
        self._ready.put(os.getpid())
        if not self._start.wait(READY_TIMEOUT_SECONDS):
            raise RuntimeError("the race never started")


def _run_process_work(
    work: ProcessWork, arguments: tuple[Any, ...], line: StartLine, results: Any, index: int
) -> None:
    try:
        results.put((index, work(line, *arguments), None))
    except BaseException:  # reported to the test, which fails with the traceback
        results.put((index, None, traceback.format_exc()))


@dataclass(frozen=True)
class RaceResults(Generic[Result]):
    """What each thread returned and what each process reported, in the order given."""

    threads: list[Result]
    processes: list[Any]


def race(
    threads: Sequence[Callable[[], Result]],
    processes: Sequence[tuple[ProcessWork, tuple[Any, ...]]] = (),
) -> RaceResults[Result]:
    """Start ``threads`` and spawned ``processes`` at the same instant; wait for all."""
    ready, results, start = SPAWN.Queue(), SPAWN.Queue(), SPAWN.Event()
    line = StartLine(ready, start)
    started: list[SpawnProcess] = []
    try:
        for index, (work, arguments) in enumerate(processes):
            process = SPAWN.Process(
                target=_run_process_work,
                args=(work, arguments, line, results, index),
                name=f"race-writer-{index}",
            )
            process.start()
            started.append(process)
        _wait_until_ready(ready, started)
        barrier = threading.Barrier(len(threads) + 1)

        def at_the_line(thread_work: Callable[[], Result]) -> Result:
            barrier.wait(READY_TIMEOUT_SECONDS)
            return thread_work()

        with ThreadPoolExecutor(max(len(threads), 1), thread_name_prefix="race") as pool:
            futures = [pool.submit(at_the_line, work) for work in threads]
            barrier.wait(READY_TIMEOUT_SECONDS)
            start.set()
            thread_results = [future.result() for future in futures]
        process_results = _collect(results, len(started))
        for process in started:
            process.join(FINISH_TIMEOUT_SECONDS)
        return RaceResults(thread_results, process_results)
    finally:
        start.set()  # never leave a process waiting for a start that will not come
        for process in started:
            if process.is_alive():
                process.terminate()
                process.join(5)


def _wait_until_ready(ready: Any, started: list[SpawnProcess]) -> None:
    for _ in started:
        try:
            ready.get(timeout=READY_TIMEOUT_SECONDS)
        except queue.Empty:
            dead = [p.name for p in started if not p.is_alive()]
            raise RuntimeError(f"writer processes not ready in time (exited: {dead})") from None


def _collect(results: Any, count: int) -> list[Any]:
    reported: dict[int, Any] = {}
    for _ in range(count):
        index, outcome, failure = results.get(timeout=FINISH_TIMEOUT_SECONDS)
        if failure is not None:
            raise AssertionError(f"writer process {index} failed:\n{failure}")
        reported[index] = outcome
    return [reported[index] for index in range(count)]
