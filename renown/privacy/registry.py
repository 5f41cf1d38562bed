"""Every column that names a person: where "export my data" puts it, what erasure does.

This is the reviewed list the privacy tests walk the schema against. Every foreign key to
``people.id`` or ``accounts.id`` must be listed, with every other column known to name
someone (names, e-mails, audit actor strings, person ids kept in JSON); a table added
later with such a column fails the tests until it is classified here. Free text anywhere
(messages, reasons, explanations) can mention anyone: it is not listed column by column
but scrubbed on erasure (:mod:`renown.privacy.scrub`), except identifier columns, which
must not be rewritten.

How a column names the person (:class:`Names`) decides which rows are theirs; what
erasure does (:class:`Erase`) and why is stated per column. The decisions, in short:

* Rows *about* the person (their profile, identities, accounts, scores, talent records,
  feedback and kudos they received, their requests, notifications) are deleted.
* Rows that are *someone else's* record stay, without the person: feedback they gave stays
  with the receiver (anonymous answers keep counting once in their releases, so no
  aggregate changes and no release shrinks below its threshold; named ones read "a former
  colleague"), a rating they gave stays with the rated person, their reports keep their
  place in the org chart without a manager.
* Kudos they gave or received are deleted with their reactions and comments: a kudos is a
  public message from one named person to another, which means nothing without either.
* Records that must stay exactly as they were (frozen promotion decisions, the audit log,
  ring reviews) keep a pseudonym instead of the person, with the change recorded so the
  decision's digests and the audit chain still verify.
* Challenges: what a person's accounts did as a participant (profile, registrations,
  submissions, results, ratings, prizes owed to them, invitations, feedback about them) is
  deleted; what others rely on stays without them (a challenge they posted keeps running
  for its entrants, a payment they recorded stays recorded, feedback they gave stays on
  the member's profile). Every challenge table names accounts through a non-null key that
  cascades from the account, so a row cannot stay with a pseudonym in place of the
  account; the audit log keeps, under the pseudonym, that results were decided and prizes
  paid.
"""

from __future__ import annotations

from typing import Final

from renown.privacy.kinds import Erase, Exported, Names, PersonalColumn
from renown.privacy.kinds import col as _col
from renown.privacy.registry_challenges import (
    CHALLENGE_COLUMNS,
    CHALLENGE_TABLES_NAMING_NOBODY,
)
from renown.privacy.registry_external import EXTERNAL_COLUMNS, EXTERNAL_TABLES_NAMING_NOBODY

P, A, ACT, W, IDS = Names.PERSON, Names.ACCOUNT, Names.ACTOR, Names.WORDS, Names.IDS
DEL, CLEAR, DETACH, PSEUDO = Erase.DELETE, Erase.CLEAR, Erase.DETACH, Erase.PSEUDONYMISE

PERSONAL_COLUMNS: Final[tuple[PersonalColumn, ...]] = (
    # --- the organisation chart -------------------------------------------------------
    _col("people", "id", P, DEL, "the person's own row", Exported("person")),
    _col("people", "name", W, DEL, "the person's own row", Exported("person")),
    _col("people", "email", W, DEL, "the person's own row", Exported("person")),
    _col("people", "employee_id", W, DEL, "the person's own row", Exported("person")),
    _col(
        "people",
        "manager_id",
        P,
        CLEAR,
        "their reports stay in the org chart, without a manager until the next import",
        Exported("direct_reports"),
    ),
    _col(
        "identities",
        "person_id",
        P,
        DEL,
        "the names they appear under in event data",
        Exported("identities", match="value", key="value"),
    ),
    _col(
        "identities",
        "value",
        W,
        DEL,
        "one of their identities",
        Exported("identities", match="value", key="value"),
    ),
    _col(
        "identity_aliases",
        "person_id",
        P,
        DEL,
        "identifiers HR mapped to them (other addresses, old handles)",
        Exported("identities", match="value", key="value"),
    ),
    _col(
        "identity_aliases",
        "value",
        W,
        DEL,
        "one of their identifiers, as an upload named them",
        Exported("identities", match="value", key="value"),
    ),
    # --- accounts -----------------------------------------------------------------------
    _col("accounts", "person_id", P, DEL, "their sign-ins", Exported("accounts")),
    _col("accounts", "email", W, DEL, "their sign-ins", Exported("accounts")),
    _col("api_tokens", "account_id", A, DEL, "their tokens", Exported("accounts.*.tokens")),
    _col(
        "web_sessions",
        "account_id",
        A,
        DEL,
        "their sign-ins (browser, times)",
        Exported("accounts.*.sessions"),
    ),
    _col(
        "jobs",
        "created_by",
        A,
        CLEAR,
        "the organisation's job (its events or scores) stays; who started it is forgotten",
        Exported("activity.jobs"),
    ),
    _col(
        "notifications",
        "person_id",
        P,
        DEL,
        "messages to them",
        Exported("notifications"),
    ),
    _col(
        "notifications",
        "account_id",
        A,
        DEL,
        "messages to their accounts",
        Exported("notifications"),
    ),
    _col(
        "notification_deliveries",
        "recipient",
        W,
        DEL,
        "e-mails sent to their address",
        Exported("deliveries"),
    ),
    # --- the audit log ------------------------------------------------------------------
    _col(
        "audit_log",
        "actor",
        ACT,
        Erase.REDACT,
        "what they did stays on record, done by a pseudonym (recorded redaction)",
        Exported("activity.audit", match="seq", key="seq"),
    ),
    _col(
        "audit_log",
        "subject",
        ACT,
        Erase.REDACT,
        "what was done to them stays on record, about a pseudonym (recorded redaction)",
        Exported("about_me.audit", match="seq", key="seq"),
    ),
    _col(
        "audit_log",
        "payload",
        IDS,
        Erase.REDACT,
        "payloads keep the pseudonym (recorded redaction); their values are other people's"
        " records of the organisation's actions",
    ),
    _col(
        "audit_personal_values",
        "person_id",
        P,
        DEL,
        "a personal value an audit entry recorded by digest: deleting it is the erasure",
        Exported("about_me.audit_values", match="seq", key="seq"),
    ),
    _col(
        "audit_personal_values",
        "account_id",
        A,
        DEL,
        "a personal value an audit entry recorded by digest: deleting it is the erasure",
        Exported("about_me.audit_values", match="seq", key="seq"),
    ),
    # --- prominence ---------------------------------------------------------------------
    _col(
        "score_snapshots",
        "person_id",
        P,
        DEL,
        "their scores",
        Exported("snapshots", match="run_id", key="run_id"),
    ),
    _col(
        "score_snapshots",
        "explanation",
        W,
        PSEUDO,
        "other people's explanations name the identities that drive their score; those"
        " stay theirs, with the erased person's identities scrubbed",
    ),
    # --- 360 feedback ------------------------------------------------------------------
    _col(
        "feedback_items",
        "receiver_id",
        P,
        DEL,
        "feedback about them; anonymous answers are exported only as the aggregates they see",
        Exported("feedback_received.named", where=("anonymous", False)),
    ),
    _col(
        "feedback_items",
        "giver_person_id",
        P,
        DETACH,
        "the receiver's feedback stays: anonymous answers keep counting once in their"
        " releases (no aggregate changes), named ones read 'a former colleague'",
        Exported("feedback_given.named", where=("anonymous", False)),
        Exported("feedback_given.anonymous", match="text", key="text", where=("anonymous", True)),
    ),
    _col(
        "feedback_releases",
        "receiver_id",
        P,
        DEL,
        "releases of anonymous answers about them (exported as aggregates only)",
        Exported("feedback_received.anonymous_aggregates", match="group", key="group"),
    ),
    _col(
        "feedback_requests",
        "requester_id",
        P,
        DEL,
        "requests they made; the answers stay with their receivers, outside raters keep"
        " counting once in releases",
        Exported("feedback_requests.made"),
    ),
    _col(
        "feedback_requests",
        "subject_id",
        P,
        DEL,
        "requests for feedback about them",
        Exported("feedback_requests.about_me"),
    ),
    _col(
        "feedback_recipients",
        "person_id",
        P,
        DETACH,
        "whether they answered stays counted (a requester's count of answers would otherwise"
        " drop, revealing they answered); the row reads 'a former colleague'",
        Exported("feedback_requests.asked_me", match="request_id", key="request_id"),
    ),
    # --- recognition ---------------------------------------------------------------------
    _col(
        "kudos",
        "giver_id",
        P,
        DEL,
        "a kudos is a public message from one named person to another",
        Exported("recognition.kudos_given"),
    ),
    _col(
        "kudos",
        "receiver_id",
        P,
        DEL,
        "a kudos is a public message from one named person to another",
        Exported("recognition.kudos_received"),
    ),
    _col(
        "kudos_reactions",
        "person_id",
        P,
        DEL,
        "their reactions",
        Exported("recognition.reactions"),
    ),
    _col(
        "kudos_comments",
        "author_id",
        P,
        DEL,
        "their comments",
        Exported("recognition.comments"),
    ),
    _col("badge_awards", "person_id", P, DEL, "their badges", Exported("recognition.badges")),
    _col(
        "kudos_ring_reviews",
        "members",
        IDS,
        PSEUDO,
        "HR's review of a group stays (it explains discounted kudos) with a pseudonym member",
        Exported("recognition.rings"),
    ),
    _col(
        "kudos_ring_reviews",
        "decided_by",
        ACT,
        PSEUDO,
        "HR's decision stays, by a pseudonym",
        Exported("activity.authored.kudos_ring_reviews"),
    ),
    # --- the recruiter radar -----------------------------------------------------------
    _col(
        "radar_subjects",
        "person_id",
        P,
        DEL,
        "the radar's profile of them: its snapshots and predictions go with it (cascade)",
        Exported("radar.subjects"),
    ),
    _col(
        "radar_opt_outs",
        "person_id",
        P,
        DEL,
        "their choice to stay off the radar",
        Exported("radar.opt_out", match="person_id", key="person_id"),
    ),
    _col(
        "radar_outreach",
        "account_id",
        A,
        CLEAR,
        "the organisation's outreach record about a prospect stays; who wrote it is forgotten",
    ),
    *CHALLENGE_COLUMNS,
    # --- promotion boards ----------------------------------------------------------------
    _col(
        "talent_profiles",
        "person_id",
        P,
        DEL,
        "their level",
        Exported("talent.profile", match="person_id", key="person_id"),
    ),
    _col(
        "demographics",
        "person_id",
        P,
        DEL,
        "their self-reported answers",
        Exported("talent.demographics", match="person_id", key="person_id"),
    ),
    _col(
        "performance_ratings",
        "person_id",
        P,
        DEL,
        "their ratings",
        Exported("talent.performance_ratings", match="period", key="period"),
    ),
    _col(
        "performance_ratings",
        "rated_by_id",
        P,
        CLEAR,
        "the rating belongs to the rated person; who rated is forgotten",
        Exported("talent.ratings_given"),
    ),
    _col(
        "external_prominence",
        "person_id",
        P,
        DEL,
        "their external scores",
        Exported("talent.external_prominence"),
    ),
    _col(
        "round_candidates",
        "person_id",
        P,
        DEL,
        "their candidacy (a decided round keeps its frozen, pseudonymised ranking)",
        Exported("talent.rounds", match="round_id", key="round_id"),
    ),
    _col(
        "calibration_moves",
        "person_id",
        P,
        DEL,
        "moves of their 9-box cell",
        Exported("talent.calibration_moves"),
    ),
    _col(
        "promotion_appeals",
        "person_id",
        P,
        DEL,
        "their appeals",
        Exported("talent.rounds.*.appeals"),
    ),
    _col(
        "round_decisions",
        "ranking",
        IDS,
        PSEUDO,
        "a signed-off decision stays exactly as decided, with a pseudonym in their row; the"
        " audit entry's digests follow by recorded redaction, so the decision still verifies",
        Exported("talent.rounds", match="round_id", key="round_id"),
    ),
    _col(
        "round_decisions",
        "signer_name",
        W,
        PSEUDO,
        "a decision they signed stays, signed by a pseudonym",
        Exported("activity.authored.round_decisions"),
    ),
    _col(
        "round_decisions",
        "signed_by",
        ACT,
        PSEUDO,
        "a decision they signed stays, signed by a pseudonym",
        Exported("activity.authored.round_decisions"),
    ),
    _col(
        "succession_plans",
        "incumbent_id",
        P,
        CLEAR,
        "the key role stays, without its incumbent",
        Exported("talent.incumbent_of"),
    ),
    _col("successors", "person_id", P, DEL, "their succession", Exported("talent.successor_of")),
    *(
        _col(
            table,
            column,
            ACT,
            PSEUDO,
            "HR's record stays, by a pseudonym",
            Exported(f"activity.authored.{table}"),
        )
        for table, column in (
            ("promotion_rounds", "created_by"),
            ("round_candidates", "changed_by"),
            ("calibration_sessions", "opened_by"),
            ("calibration_moves", "moved_by"),
            ("promotion_appeals", "answered_by"),
            ("succession_plans", "created_by"),
            ("successors", "set_by"),
            ("identity_aliases", "chosen_by"),
        )
    ),
    *EXTERNAL_COLUMNS,
)
"""Every column that names a person (erasure deletes children before parents, whatever
the order here)."""

TABLES_NAMING_NOBODY: Final[dict[str, str]] = {
    "organisations": "the tenant itself",
    "departments": "the organisation's structure",
    "teams": "the organisation's structure",
    "competency_frameworks": "the organisation's vocabulary",
    "competencies": "the organisation's vocabulary",
    "feedback_settings": "an organisation's setting",
    "kudos_budgets": "an organisation's setting",
    "scoring_weights": "an organisation's setting (who set it is in the audit log)",
    "radar_settings": "an organisation's setting (who set it is in the audit log)",
    "radar_snapshots": "reached through its radar subject (exported and erased with it)",
    "radar_predictions": "reached through its radar subject (exported and erased with it)",
    "radar_erasures": (
        "a SHA-256 of the handle of an external prospect erased on request, kept so a later"
        " import skips them; no person row, nothing to export"
    ),
    "scoring_runs": "a run's parameters and counts (its snapshots name people)",
    "feedback_ratings": "reached through its feedback item (exported and erased with it)",
    **CHALLENGE_TABLES_NAMING_NOBODY,
    "sign_in_throttle": (
        "failed sign-ins keyed by a SHA-256 of the scope (account, address, device), never"
        " the values; a row is forgotten a day after its last failure"
    ),
    **EXTERNAL_TABLES_NAMING_NOBODY,
}
"""Tables with no column that names a person, and why (every other table has one above)."""

__all__ = [
    "PERSONAL_COLUMNS",
    "TABLES_NAMING_NOBODY",
    "Erase",
    "Exported",
    "Names",
    "PersonalColumn",
]
