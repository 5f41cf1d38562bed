"""Tables, split by domain. Importing this package registers all of them on ``Base``."""

import renown.store.tables.challenges  # registers the challenge tables
import renown.store.tables.external  # registers the external prominence tables
import renown.store.tables.recognition  # noqa: F401 - registers the recognition tables
from renown.store.tables.accounts import Account, ApiToken, SignInThrottle, WebSession
from renown.store.tables.audit import AuditEntry, AuditPersonalValue
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
from renown.store.tables.radar import (
    RadarOptOut,
    RadarOutreach,
    RadarPrediction,
    RadarSettings,
    RadarSnapshot,
    RadarSubject,
)
from renown.store.tables.scores import ScoreSnapshot, ScoringRun, ScoringWeights
from renown.store.tables.talent import (
    Appeal,
    CalibrationMove,
    CalibrationSession,
    Demographics,
    ExternalProminence,
    PerformanceRating,
    PromotionRound,
    RoundCandidate,
    RoundDecision,
    SuccessionPlan,
    Successor,
    TalentProfile,
)

__all__ = [
    "Account",
    "AnonymousRelease",
    "ApiToken",
    "Appeal",
    "AuditEntry",
    "AuditPersonalValue",
    "CalibrationMove",
    "CalibrationSession",
    "Competency",
    "CompetencyFramework",
    "Demographics",
    "Department",
    "ExternalProminence",
    "FeedbackItem",
    "FeedbackRating",
    "FeedbackRecipient",
    "FeedbackRequest",
    "FeedbackSettings",
    "Identity",
    "Job",
    "Notification",
    "Organisation",
    "PerformanceRating",
    "Person",
    "PromotionRound",
    "RadarOptOut",
    "RadarOutreach",
    "RadarPrediction",
    "RadarSettings",
    "RadarSnapshot",
    "RadarSubject",
    "RoundCandidate",
    "RoundDecision",
    "ScoreSnapshot",
    "ScoringRun",
    "ScoringWeights",
    "SignInThrottle",
    "SuccessionPlan",
    "Successor",
    "TalentProfile",
    "Team",
    "WebSession",
]
