"""The harness can fail: its comparison of the ledger with the store names every lost and
duplicated write (the processes and the store are left to ``make crash``)."""

from __future__ import annotations

from collections import Counter

from tests.crash.checks import LAKE, Findings, _compare
from tests.crash.clients import (
    EVENTS_PER_UPLOAD,
    FEEDBACK,
    KINDS,
    KUDOS,
    NEW_PEOPLE,
    UPLOAD,
    Ledger,
    Write,
)


def _ledger(acknowledged: list[Write], unanswered: list[Write]) -> Ledger:
    ledger = Ledger()
    for write in acknowledged + unanswered:
        ledger.attempt(write)
    for write in acknowledged:
        ledger.acknowledge(write)
    return ledger


def _stored(counts: dict[str, Counter[str]] | None = None) -> dict[str, Counter[str]]:
    """What the store holds: markers counted per kind (and the lake's events per upload)."""
    return {kind: Counter() for kind in (*KINDS, LAKE)} | (counts or {})


def _verdict(ledger: Ledger, stored: dict[str, Counter[str]]) -> Findings:
    findings = Findings()
    _compare(ledger, stored, findings)
    return findings


def test_every_acknowledged_write_stored_once_passes() -> None:
    ledger = _ledger([Write(FEEDBACK, "a"), Write(KUDOS, "b")], [Write(KUDOS, "c")])
    findings = _verdict(ledger, _stored({FEEDBACK: Counter(a=1), KUDOS: Counter(b=1)}))
    assert findings.ok, findings


def test_an_acknowledged_write_missing_is_lost_and_an_unanswered_one_is_not() -> None:
    ledger = _ledger([Write(FEEDBACK, "a"), Write(KUDOS, "b")], [Write(KUDOS, "c")])
    findings = _verdict(ledger, _stored({FEEDBACK: Counter(a=1)}))
    assert findings.lost == ["kudos b: acknowledged, not stored"]
    assert not findings.ok


def test_a_write_stored_twice_is_a_duplicate_even_unanswered() -> None:
    ledger = _ledger([Write(FEEDBACK, "a")], [Write(KUDOS, "c")])
    findings = _verdict(ledger, _stored({FEEDBACK: Counter(a=1), KUDOS: Counter(c=2)}))
    assert findings.duplicates == ["kudos c: stored 2 times"]


def test_new_people_count_one_by_one() -> None:
    ledger = _ledger([Write(NEW_PEOPLE, "chart")], [])
    findings = _verdict(ledger, _stored({NEW_PEOPLE: Counter({"chart-0": 1})}))
    assert findings.lost == ["org chart (new people) chart-1: acknowledged, not stored"]


def test_an_upload_is_its_job_and_at_most_its_events() -> None:
    ledger = _ledger([Write(UPLOAD, "up.csv")], [])
    whole = {UPLOAD: Counter({"up.csv": 1}), LAKE: Counter({"up.csv": EVENTS_PER_UPLOAD})}
    assert _verdict(ledger, _stored(whole)).ok
    twice = {UPLOAD: Counter({"up.csv": 1}), LAKE: Counter({"up.csv": 2 * EVENTS_PER_UPLOAD})}
    assert _verdict(ledger, _stored(twice)).duplicates == [
        f"{LAKE} up.csv: stored {2 * EVENTS_PER_UPLOAD} times"
    ]
    assert _verdict(ledger, _stored()).lost == ["events upload up.csv: acknowledged, not stored"]
