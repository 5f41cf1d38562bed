"""What the validity API answers: a validation (a job and, once done, its report), a
weight fitting, and the weights in use.

The report is :meth:`renown.validation.report.ValidationReport.to_dict` as stored in the
job's result (NaN as null), typed here so that the OpenAPI document describes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from renown.store.tables.jobs import Job


class EstimateOut(BaseModel):
    """A metric on the labelled people as observed, with its 95 % bootstrap interval."""

    value: float | None = Field(description="null when undefined on these labels")
    low: float | None
    high: float | None


class ReportRowOut(BaseModel):
    """One ranking (the score, a component or a baseline) measured against the labels."""

    name: str
    kind: str = Field(description="score, component or baseline")
    description: str
    metrics: dict[str, EstimateOut] = Field(
        description="auc, spearman, pairwise, precision_top_decile"
    )


class DifferenceOut(BaseModel):
    """The score minus one baseline, metric by metric, with paired bootstrap intervals."""

    baseline: str
    metrics: dict[str, EstimateOut]


class ReportOut(BaseModel):
    """A validation report (``ValidationReport.to_dict``)."""

    labels: str = Field(description="The labels file's name")
    people: int = Field(description="Labelled people who were scored")
    top: int = Field(description="People counted as top for the AUC")
    top_from: float = Field(description="Label value from which a person is top")
    unmatched: int
    notes: list[str]
    rows: list[ReportRowOut]
    score_minus_baseline: list[DifferenceOut]


class ValidationOut(BaseModel):
    """A validation: its job's progress and, once done, the report and the plain warning."""

    id: int
    status: str = Field(description="queued, running, done or failed")
    progress: float
    stage: str
    error: str | None
    created_at: datetime
    run_id: int = Field(description="The scoring run validated")
    labels_name: str
    labelled_people: int = Field(description="Labels that matched a person of the organisation")
    unmatched_count: int = Field(description="Labelled ids that matched nobody")
    unmatched: list[str] = Field(description="Some of them (the first 50)")
    report: ReportOut | None
    warning: str | None = Field(
        description="Set when the score does not beat a baseline on AUC or Spearman"
    )

    @classmethod
    def of(cls, job: Job, warning: str | None) -> ValidationOut:
        """The answer for validation job ``job``."""
        report: dict[str, Any] | None = job.result.get("report")
        return cls(
            id=job.id,
            status=job.status,
            progress=job.progress,
            stage=job.stage,
            error=job.error,
            created_at=job.created_at,
            run_id=int(job.params["run_id"]),
            labels_name=str(job.params["labels_name"]),
            labelled_people=int(job.params.get("labelled_people", 0)),
            unmatched_count=int(job.params.get("unmatched_count", 0)),
            unmatched=[str(u) for u in job.params.get("unmatched", [])],
            report=ReportOut.model_validate(report) if report else None,
            warning=warning,
        )


class TuneOut(BaseModel):
    """Weights fitted with cross-validation, and how they did on held-out people."""

    labels: str
    people: int
    folds: int
    repeats: int
    seed: int
    metric: str = Field(description="spearman, or auc when the labels are binary")
    weights: dict[str, float] = Field(description="The fitted weights (sum 1)")
    default_weights: dict[str, float]
    default_heldout: float | None
    tuned_heldout: float | None
    gain: EstimateOut = Field(description="Tuned minus default held-out metric")
    recommended: bool = Field(description="True when the gain's interval lies above zero")
    date: str


class TuningOut(BaseModel):
    """A weight fitting: its job's progress and, once done, its outcome."""

    id: int
    status: str
    progress: float
    stage: str
    error: str | None
    created_at: datetime
    report_id: int = Field(description="The validation whose labels were used")
    tune: TuneOut | None

    @classmethod
    def of(cls, job: Job) -> TuningOut:
        """The answer for tuning job ``job``."""
        outcome = job.result.get("tune")
        return cls(
            id=job.id,
            status=job.status,
            progress=job.progress,
            stage=job.stage,
            error=job.error,
            created_at=job.created_at,
            report_id=int(job.params["report_id"]),
            tune=TuneOut.model_validate(outcome) if outcome else None,
        )
