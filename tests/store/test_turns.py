"""The writers' queue serves in arrival order and never waits for a writer who gave up."""

from __future__ import annotations

import threading
import time

import pytest

from renown.store.turns import Turns, TurnTimeoutError


def test_turns_are_served_in_arrival_order() -> None:
    turns = Turns()
    served: list[int] = []
    turns.acquire(1)
    threads = []
    for number in range(8):

        def wait(n: int = number) -> None:
            with turns.turn(10):
                served.append(n)

        thread = threading.Thread(target=wait)
        thread.start()
        threads.append(thread)
        while turns.waiting < number + 2:  # this one has taken its ticket
            time.sleep(0.001)
    turns.release()
    for thread in threads:
        thread.join()
    assert served == list(range(8))


def test_a_writer_who_gave_up_is_skipped() -> None:
    turns = Turns()
    turns.acquire(1)
    with pytest.raises(TurnTimeoutError):
        turns.acquire(0.01)  # gives up while the first holds the turn
    got = threading.Event()
    late = threading.Thread(target=lambda: (turns.acquire(5), got.set()))
    late.start()
    turns.release()
    late.join(5)
    assert got.is_set()
    turns.release()
    assert turns.waiting == 0
