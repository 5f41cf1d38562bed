"""The two kinds of background job behind the validation pages: validating the latest run
against uploaded labels, and fitting weights to the same labels.

Both re-score a whole organisation (:mod:`renown.validation.org_run`) and bootstrap every
ranking: on the demo organisation (10,000 people, 1.4 million events, everyone labelled)
a validation took several CPU-minutes when measured, far beyond a request's second or two,
so they run in the worker and the pages follow their progress like a scoring run's.

The labels are personal data (often performance ratings): they travel in the job's
parameters, keyed ``person:<id>`` so that erasing a person (whose scrub rewrites that key
to the pseudonym in every JSON column) leaves their label attached to nobody, and they are
kept out of the audit log's ``job.enqueue`` entry, which records only the file name and
the counts.

A job's result is what the pages and the API show: the report's ``to_dict`` (NaN as null),
or the tuning outcome with its verdict.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.jobs.enqueue import enqueue_job
from renown.jobs.queue import JobQueue
from renown.jobs.runner import JobContext
from renown.store.tables.jobs import Job
from renown.validation.org_labels import PeopleLabels
from renown.validation.org_run import RunScoring, identity_labels, rescore_run
from renown.validation.report import finite
from renown.validation.tune import TuneOutcome, nonzero, tune_weights
from renown.validation.validate import baseline_rankings, build_report, result_rankings

PERSON_KEY: Final = "person:"
"""Labels are keyed by the person's id-derived key, which erasure knows to rewrite."""
VALIDATION: Final = "validation"
TUNING: Final = "tuning"
_STAGES: Final = {
    "loading events": 0.1,
    "building the interaction graph": 0.2,
    "computing measures and scores": 0.3,
}


def enqueue_validation(
    session: Session, principal: Principal, queue: JobQueue, labels: PeopleLabels, run_id: int
) -> Job:
    """A validation job of run ``run_id`` against ``labels`` (runs after the caller commits)."""
    summary = {
        "run_id": run_id,
        "labels_name": labels.source,
        "labelled_people": len(labels.values),
        "unmatched_count": labels.unmatched_count,
    }
    job = enqueue_job(session, principal, queue, VALIDATION, summary, submit=False)
    job.params = {
        **summary,
        "unmatched": list(labels.unmatched),
        "labels": {f"{PERSON_KEY}{p}": v for p, v in labels.values.items()},
    }
    queue.submit_after_commit(session, job.id)
    return job


def enqueue_tuning(session: Session, principal: Principal, queue: JobQueue, report: Job) -> Job:
    """A tuning job on the labels and run of the validation job ``report``."""
    summary = {
        "report_id": report.id,
        "run_id": report.params["run_id"],
        "labels_name": report.params["labels_name"],
    }
    job = enqueue_job(session, principal, queue, TUNING, summary, submit=False)
    job.params = {**summary, "labels": dict(report.params["labels"])}
    queue.submit_after_commit(session, job.id)
    return job


def _rescore(context: JobContext) -> tuple[RunScoring, dict[int, float]]:
    context.report("scoring the run's events again with its parameters", 0.05)
    with context.sessions() as session:
        scoring = rescore_run(
            session,
            context.settings,
            org_id=context.org_id,
            org_slug=context.org_slug,
            run_id=int(context.params["run_id"]),
            on_stage=lambda stage: context.report(stage, _STAGES.get(stage, 0.3)),
        )
    return scoring, person_labels(context.params["labels"])


def person_labels(stored: dict[str, float]) -> dict[int, float]:
    """Person id -> label from a job's parameters (labels of erased people are skipped)."""
    labels: dict[int, float] = {}
    for key, value in stored.items():
        number = key.removeprefix(PERSON_KEY)
        if key.startswith(PERSON_KEY) and number.isdigit():
            labels[int(number)] = float(value)
    return labels


def run_validation(context: JobContext) -> dict[str, Any]:
    """Validate the run's score, its components and the baselines against the labels."""
    scoring, labels = _rescore(context)
    context.report("computing the baselines", 0.6)
    rankings = [*result_rankings(scoring.result), *baseline_rankings(scoring.cleaned)]
    context.report("measuring every ranking against the labels", 0.75)
    trusted = identity_labels(str(context.params["labels_name"]), labels, scoring)
    unscored = len(labels) - len(trusted.values)
    notes = (
        [f"{unscored} labelled people were not scored in run {scoring.run_id} and are left out"]
        if unscored
        else []
    )
    people = [str(p) for p in scoring.result.model.people_]
    report = build_report(rankings, trusted, people=people, notes=notes)
    return {"run_id": scoring.run_id, "report": finite(report.to_dict())}


def outcome_dict(outcome: TuneOutcome) -> dict[str, Any]:
    """A tuning outcome as plain data, with its verdict."""
    plain: dict[str, Any] = finite(
        {
            "labels": outcome.labels,
            "people": outcome.people,
            "folds": outcome.folds,
            "repeats": outcome.repeats,
            "seed": outcome.seed,
            "metric": outcome.metric,
            "weights": nonzero(outcome.weights),
            "default_weights": dict(outcome.default_weights),
            "default_heldout": outcome.default_heldout,
            "tuned_heldout": outcome.tuned_heldout,
            "gain": outcome.gain.to_dict(),
            "recommended": outcome.recommended,
            "date": outcome.date,
        }
    )
    return plain


def run_tuning(context: JobContext) -> dict[str, Any]:
    """Fit weights to the labels with cross-validation; the verdict says whether they help."""
    scoring, labels = _rescore(context)
    context.report("fitting weights on held-out folds", 0.6)
    trusted = identity_labels(str(context.params["labels_name"]), labels, scoring)
    outcome = tune_weights(scoring.result, trusted)
    return {"run_id": scoring.run_id, "tune": outcome_dict(outcome)}
