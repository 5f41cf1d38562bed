"""What HR does with validation in the product: validate the latest run against uploaded
labels, fit weights to them, and choose the weights the organisation's runs use.

Only HR and administrators do any of it (labels are often performance ratings, and the
weights change everyone's score). Uploaded files are read in full before anything is kept
or queued, so a broken file is refused at once with its file, line and field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.jobs.queue import JobQueue
from renown.org.queries import latest_run
from renown.scoring.weights import ChosenWeights, do_revert_weights, do_set_weights
from renown.store.tables.jobs import Job
from renown.validation.jobs import enqueue_tuning, enqueue_validation
from renown.validation.labels import DEFAULT_ID, DEFAULT_LABEL, parse_labels
from renown.validation.org_labels import match_people
from renown.validation.queries import get_report, get_tuning
from renown.validation.weights_file import parse_weights

ONLY_PEOPLE_ADMINS: Final = "only HR and administrators validate the score and choose its weights"
MAX_FILE_BYTES: Final = 20 * 1024 * 1024
"""Largest labels or weights file accepted (a label per person of a very large company)."""


def _upload_name(filename: str) -> str:
    return Path(filename.replace("\\", "/")).name or "upload"


def check_start_validation(
    session: Session,
    principal: Principal,
    queue: JobQueue,
    data: bytes,
    filename: str,
    *,
    id_column: str = DEFAULT_ID,
    label_column: str = DEFAULT_LABEL,
) -> Job:
    """Read uploaded labels, place them on the organisation's people and queue validating
    its latest scoring run against them.

    Raises
    ------
    InputError
        The file cannot be read as labels, or no id in it belongs to anybody.
    Invalid
        The organisation has no scoring run yet.
    """
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    name = _upload_name(filename)
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(f"{name} is larger than {MAX_FILE_BYTES:,} bytes")
    labels = parse_labels(data, source=name, id_column=id_column, label_column=label_column)
    people = match_people(session, principal.org_id, labels)
    run = latest_run(session, principal.org_id)
    if run is None:
        raise Invalid("there is no scoring run to validate yet; score the organisation first")
    return enqueue_validation(session, principal, queue, people, run.id)


def check_start_tuning(
    session: Session, principal: Principal, queue: JobQueue, report_id: int
) -> Job:
    """Queue fitting weights to the labels of validation ``report_id`` (once it is done)."""
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    report = get_report(session, principal, report_id)
    if report.status != "done":
        raise Invalid("the validation has not finished; fit weights once it has")
    return enqueue_tuning(session, principal, queue, report)


def check_use_tuned(session: Session, principal: Principal, tuning_id: int) -> ChosenWeights:
    """Make the weights of tuning ``tuning_id`` the organisation's, if they were recommended."""
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    tuning = get_tuning(session, principal, tuning_id)
    outcome: dict[str, Any] = dict(tuning.result.get("tune") or {})
    if tuning.status != "done" or not outcome:
        raise Invalid("the weights have not been fitted yet")
    if not outcome.get("recommended"):
        raise Invalid(
            "these weights did not beat the defaults on held-out people, so they cannot be used"
        )
    provenance = {
        "source": "tuned",
        "tuning_job": tuning.id,
        "report_job": tuning.params.get("report_id"),
        "run_id": tuning.params.get("run_id"),
        **{k: outcome[k] for k in ("labels", "people", "folds", "repeats", "metric", "date")},
        "default_heldout": outcome["default_heldout"],
        "tuned_heldout": outcome["tuned_heldout"],
        "gain": outcome["gain"]["value"],
        "gain_low": outcome["gain"]["low"],
        "gain_high": outcome["gain"]["high"],
    }
    return do_set_weights(session, principal, outcome["weights"], provenance)


def check_upload_weights(
    session: Session, principal: Principal, data: bytes, filename: str
) -> ChosenWeights:
    """Make the weights of an uploaded WEIGHTS.toml the organisation's (checked in full)."""
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    name = _upload_name(filename)
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(f"{name} is larger than {MAX_FILE_BYTES:,} bytes")
    chosen = parse_weights(data, source=name)
    provenance = {"source": "file", "file": name, **chosen.provenance}
    return do_set_weights(session, principal, chosen.weights, provenance)


def check_revert_weights(session: Session, principal: Principal) -> bool:
    """Go back to the default weights (``False``: they were already in use)."""
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    return do_revert_weights(session, principal)
