"""Tables, split by domain. Importing this package registers all of them on ``Base``."""

from renown.store.tables.accounts import Account, ApiToken
from renown.store.tables.audit import AuditEntry
from renown.store.tables.jobs import Job
from renown.store.tables.org import Department, Identity, Organisation, Person, Team
from renown.store.tables.scores import ScoreSnapshot, ScoringRun

__all__ = [
    "Account",
    "ApiToken",
    "AuditEntry",
    "Department",
    "Identity",
    "Job",
    "Organisation",
    "Person",
    "ScoreSnapshot",
    "ScoringRun",
    "Team",
]
