"""Tables, split by domain. Importing this package registers all of them on ``Base``."""

import renown.store.tables.recognition  # noqa: F401 - registers the recognition tables
from renown.store.tables.accounts import Account, ApiToken
from renown.store.tables.audit import AuditEntry
from renown.store.tables.feedback import (
    AnonymousRelease,
    Competency,
    CompetencyFramework,
    FeedbackItem,
    FeedbackRating,
    FeedbackRecipient,
    FeedbackRequest,
    FeedbackSettings,
    Notification,
)
from renown.store.tables.jobs import Job
from renown.store.tables.org import Department, Identity, Organisation, Person, Team
from renown.store.tables.scores import ScoreSnapshot, ScoringRun

__all__ = [
    "Account",
    "AnonymousRelease",
    "ApiToken",
    "AuditEntry",
    "Competency",
    "CompetencyFramework",
    "Department",
    "FeedbackItem",
    "FeedbackRating",
    "FeedbackRecipient",
    "FeedbackRequest",
    "FeedbackSettings",
    "Identity",
    "Job",
    "Notification",
    "Organisation",
    "Person",
    "ScoreSnapshot",
    "ScoringRun",
    "Team",
]
