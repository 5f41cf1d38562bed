"""What the home page gathers for the signed-in account: things to answer, recent
recognition, feedback received, the score's change, and a start page of cards per role.

Every piece is read through the query module of its feature with the viewer's principal,
so the home page shows exactly what the page it links to would show (and nothing else):
feedback received comes from :func:`renown.feedback.queries.received`, which never hands out
an anonymous answer one by one; appeals waiting are counted by
:func:`renown.talent.rounds.list_rounds` for HR only; a challenge's submissions to review
come from :func:`renown.challenges.queries.review_tasks`, which refuses anyone but its
reviewers. Challenge-only accounts (sponsors, members) get challenge cards and never any
prominence data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.challenges import queries as challenge_queries
from renown.challenges.access import challenge_for, counted_submissions
from renown.challenges.marketplace import invitations_for
from renown.challenges.phases import Phase
from renown.challenges.results import ChallengeSummary
from renown.challenges.roles import REVIEWER_ROLES
from renown.core.errors import NotAllowed
from renown.core.roles import Role
from renown.feedback import queries as feedback_queries
from renown.feedback.results import NamedItem, PendingRequest
from renown.org import queries as org_queries
from renown.recognition import queries as recognition_queries
from renown.recognition.queries import BadgeView, KudosView
from renown.scoring import queries as scoring_queries
from renown.scoring.changes import PersonChange, latest_change_of
from renown.scoring.imports import INGEST
from renown.talent.rounds import list_rounds
from renown.talent.waiting import calibrations_waiting

RECENT = 5
"""Kudos and feedback items shown on the home page (the pages they link to show all)."""
BADGES = 6
REVIEWING = frozenset({Phase.REVIEW.value})
"""Phases in which a reviewer fills scorecards."""
APPEALING = frozenset({Phase.APPEALS.value, Phase.APPEALS_RESPONSE.value})
"""Phases in which a reviewer answers the appeals against their scorecards."""
IN_REVIEW = frozenset({Phase.REVIEW.value, Phase.APPEALS.value, Phase.APPEALS_RESPONSE.value})
"""Phases in which a sponsor follows the review of their challenge's entries."""
UNFINISHED = ("queued", "running")


@dataclass(frozen=True)
class Todo:
    """One thing waiting for the viewer, and the page where it is answered."""

    text: str
    href: str
    due: datetime | None = None


@dataclass(frozen=True)
class TodoGroup:
    """Things of one kind waiting for the viewer, counted, with the page listing them all."""

    label: str
    count: int
    href: str
    items: tuple[Todo, ...]


@dataclass(frozen=True)
class StartCard:
    """A card of a role's start page: one main job, a count when it has one, its links."""

    title: str
    href: str
    note: str
    count: int | None = None
    count_label: str = ""
    """What is counted, in the plural (``open rounds``)."""
    count_label_one: str = ""
    """The same for a count of one (``open round``), when it differs."""
    links: tuple[tuple[str, str], ...] = ()
    """(href, text) of the job's other pages."""

    @property
    def counted(self) -> str:
        """The label that agrees with the count: "1 open round", "2 open rounds"."""
        return (
            self.count_label_one if self.count == 1 and self.count_label_one else self.count_label
        )


@dataclass(frozen=True)
class HomeData:
    """Everything the home page shows beyond the score card, reports and summary."""

    todos: tuple[TodoGroup, ...] = ()
    kudos: tuple[KudosView, ...] = ()
    kudos_total: int = 0
    badges: tuple[BadgeView, ...] = ()
    feedback: tuple[NamedItem, ...] = ()
    feedback_groups: int = 0
    """Anonymous group summaries released to the viewer (shown only as a count here)."""
    change: PersonChange | None = None
    cards: tuple[StartCard, ...] = field(default=())

    @property
    def todo_count(self) -> int:
        """How many things wait for the viewer, over every group."""
        return sum(group.count for group in self.todos)


def initials(name: str) -> str:
    """Up to two capital letters standing for a person in an avatar."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isalpha()]
    if not words:
        return "?"
    picked = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return picked.upper()


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 appeal``, ``3 appeals``."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def gather_home(session: Session, principal: Principal, *, now: datetime) -> HomeData:
    """The home page's data for ``principal``, each part scoped as the page it links to."""
    todos = _todos(session, principal, now)
    cards = _cards(session, principal, now)
    if not principal.is_staff or principal.person_id is None:
        return HomeData(todos=todos, cards=cards)
    person_id = principal.person_id
    kudos = recognition_queries.kudos_received(session, principal, person_id, per_page=RECENT)
    received = feedback_queries.received(session, principal)
    return HomeData(
        todos=todos,
        kudos=tuple(kudos.items),
        kudos_total=kudos.total,
        badges=tuple(recognition_queries.badges_of(session, principal, person_id)[:BADGES]),
        feedback=received.named[:RECENT],
        feedback_groups=len(received.aggregates),
        change=latest_change_of(session, principal.org_id, person_id),
        cards=cards,
    )


# --- To do ------------------------------------------------------------------------------


def _todos(session: Session, principal: Principal, now: datetime) -> tuple[TodoGroup, ...]:
    groups = [
        _feedback_requests(session, principal),
        _appeals(session, principal),
        _calibrations(session, principal),
        _challenge_reviews(session, principal, now),
        _challenge_appeals(session, principal, now),
    ]
    return tuple(group for group in groups if group is not None and group.count)


def _feedback_requests(session: Session, principal: Principal) -> TodoGroup | None:
    if not principal.is_staff:
        return None
    waiting = feedback_queries.pending(session, principal)
    items = tuple(
        Todo(
            _asks(request),
            f"/feedback/requests/{request.id}/answer",
            request.expires_at,
        )
        for request in waiting
    )
    return TodoGroup("Feedback requests to answer", len(items), "/feedback/pending", items)


def _asks(request: PendingRequest) -> str:
    """The to-do of a request: "Ada asks for your feedback", with whom it is about when that
    is someone else (a manager asking about a report)."""
    asks = f"{request.requester_name} asks for your feedback"
    same = request.requester_name == request.subject_name
    return asks if same else f"{asks} about {request.subject_name}"


def _appeals(session: Session, principal: Principal) -> TodoGroup | None:
    if not principal.sees_everyone:
        return None  # only HR and administrators answer a round's appeals
    rounds = [r for r in list_rounds(session, principal) if r.open_appeals]
    items = tuple(
        Todo(
            f"{plural(r.open_appeals, 'appeal')} in {r.name}",
            f"/talent/rounds/{r.id}#appeals",
        )
        for r in rounds
    )
    total = sum(r.open_appeals for r in rounds)
    return TodoGroup("Promotion appeals to answer", total, "/talent", items)


def _calibrations(session: Session, principal: Principal) -> TodoGroup | None:
    if not principal.is_staff:
        return None
    waiting = calibrations_waiting(session, principal)
    items = tuple(
        Todo(
            f"{c.name}, in {c.round_name}",
            f"/talent/rounds/{c.round_id}/ninebox?session_id={c.session_id}",
        )
        for c in waiting
    )
    return TodoGroup("Calibration sessions open", len(items), "/talent", items)


def _challenge_reviews(session: Session, principal: Principal, now: datetime) -> TodoGroup | None:
    if principal.role not in REVIEWER_ROLES:
        return None
    items: list[Todo] = []
    total = 0
    for challenge in _reviewing(session, principal, now, REVIEWING):
        tasks = challenge_queries.review_tasks(session, principal, challenge.id, now)
        missing = sum(task.my_score is None for task in tasks)
        if missing:
            total += missing
            items.append(
                Todo(
                    f"{plural(missing, 'submission')} to review in {challenge.title}",
                    f"/challenges/{challenge.id}/review",
                )
            )
    return TodoGroup("Challenge submissions to review", total, "/challenges?mine=1", tuple(items))


def _challenge_appeals(session: Session, principal: Principal, now: datetime) -> TodoGroup | None:
    if principal.role not in REVIEWER_ROLES:
        return None
    items: list[Todo] = []
    total = 0
    for challenge in _reviewing(session, principal, now, APPEALING):
        reviews = challenge_queries.reviews_for(session, principal, challenge.id, now)
        open_ = sum(a.outcome is None for review in reviews for a in review.appeals)
        if open_:
            total += open_
            items.append(
                Todo(
                    f"{plural(open_, 'appeal')} against your scorecards in {challenge.title}",
                    f"/challenges/{challenge.id}/review",
                )
            )
    return TodoGroup("Challenge appeals to answer", total, "/challenges?mine=1", tuple(items))


def _reviewing(
    session: Session, principal: Principal, now: datetime, phases: frozenset[str]
) -> list[ChallengeSummary]:
    """Challenges in one of ``phases`` that the principal reviews (not runs, nor entered)."""
    found = []
    for challenge in challenge_queries.list_challenges(session, principal, now, mine=True):
        if challenge.phase not in phases or challenge.registered or challenge.runs:
            continue
        try:
            challenge_queries.review_tasks(session, principal, challenge.id, now)
        except NotAllowed:
            continue  # the query's own rule: only the challenge's reviewers
        found.append(challenge)
    return found


# --- Start pages ------------------------------------------------------------------------


def _cards(session: Session, principal: Principal, now: datetime) -> tuple[StartCard, ...]:
    if principal.sees_everyone:
        return _people_admin_cards(session, principal)
    if principal.role is Role.RECRUITER:
        return _recruiter_cards(session, principal)
    if principal.role is Role.SPONSOR:
        return _sponsor_cards(session, principal, now)
    if principal.role is Role.MEMBER:
        return _member_cards(session, principal, now)
    return ()


def _people_admin_cards(session: Session, principal: Principal) -> tuple[StartCard, ...]:
    runs = scoring_queries.list_runs(session, principal, limit=1)
    imports = [
        job
        for job in scoring_queries.list_jobs(session, principal, kind=INGEST, limit=50)
        if job.status in UNFINISHED
    ]
    rounds = list_rounds(session, principal)
    overview = feedback_queries.org_overview(session, principal)
    kudos = recognition_queries.wall(session, principal, per_page=1)
    latest = runs[0] if runs else None
    return (
        StartCard(
            "Scoring",
            f"/runs/{latest.id}" if latest else "/runs",
            (
                f"Latest run as of {latest.as_of:%d %b %Y}: {latest.people_scored} people scored."
                if latest
                else "No scoring run yet: upload events and score the organisation."
            ),
            count=len(imports),
            count_label="imports in progress",
            count_label_one="import in progress",
            links=(("/runs", "Scoring runs and uploads"),),
        ),
        StartCard(
            "Promotion rounds",
            "/talent",
            "Open a round, calibrate its 9-box and sign it off.",
            count=sum(r.status == "open" for r in rounds),
            count_label="open rounds",
            count_label_one="open round",
            links=(("/talent/succession", "Succession plans"),),
        ),
        StartCard(
            "Feedback",
            "/feedback/overview",
            "Requests, released summaries and the competency framework of the organisation.",
            count=overview.open_requests,
            count_label="open requests",
            count_label_one="open request",
        ),
        StartCard(
            "Kudos",
            "/kudos",
            "The organisation's kudos wall; review suspected rings of mutual kudos.",
            count=kudos.total,
            count_label="kudos given",
            links=(("/rings", "Kudos rings"),),
        ),
    )


def _recruiter_cards(session: Session, principal: Principal) -> tuple[StartCard, ...]:
    visible = org_queries.list_people(session, principal, limit=1).total
    return (
        StartCard(
            "Radar",
            "/radar",
            "Prospects ranked by how likely they are to change jobs, with the reasons.",
        ),
        StartCard(
            "People",
            "/people",
            "Colleagues who chose a public profile.",
            count=visible,
            count_label="people you may see",
            count_label_one="person you may see",
        ),
        StartCard(
            "Marketplace",
            "/marketplace",
            "Members of the challenge community, by skill and rating.",
        ),
    )


def _sponsor_cards(session: Session, principal: Principal, now: datetime) -> tuple[StartCard, ...]:
    mine = [
        c for c in challenge_queries.list_challenges(session, principal, now, mine=True) if c.runs
    ]
    in_review = [c for c in mine if c.phase in IN_REVIEW]
    one = f"/challenges/{in_review[0].id}/reviews" if len(in_review) == 1 else ""
    entries = sum(
        len(counted_submissions(session, challenge_for(session, principal, c.id)))
        for c in in_review
    )
    return (
        StartCard(
            "Your challenges",
            "/challenges?mine=1",
            "Follow each challenge you posted through review and appeals.",
            count=len(mine),
            count_label="challenges",
            count_label_one="challenge",
            links=(("/challenges/new", "Post a challenge"),),
        ),
        StartCard(
            "Entries in review",
            one or "/challenges?mine=1",
            _in_review_note(in_review),
            count=entries,
            count_label="entries",
            count_label_one="entry",
        ),
        StartCard(
            "Prize ledger",
            "/challenges/ledger",
            "The prizes you owe and paid.",
            links=(("/marketplace", "Find members in the marketplace"),),
        ),
    )


def _in_review_note(in_review: list[ChallengeSummary]) -> str:
    if not in_review:
        return "None of your challenges is in review."
    return "In review: " + ", ".join(c.title for c in in_review) + "."


def _member_cards(session: Session, principal: Principal, now: datetime) -> tuple[StartCard, ...]:
    mine = challenge_queries.list_challenges(session, principal, now, mine=True)
    registered = [c for c in mine if c.registered]
    submitting = [
        c for c in registered if c.phase in {Phase.REGISTRATION.value, Phase.SUBMISSION.value}
    ]
    invitations = invitations_for(session, principal, now).received
    return (
        StartCard(
            "Your challenges",
            "/challenges?mine=1",
            "Challenges you registered for or review.",
            count=len(mine),
            count_label="challenges",
            count_label_one="challenge",
            links=(("/challenges", "Open challenges"),),
        ),
        StartCard(
            "Submissions",
            "/challenges?mine=1",
            "Challenges you registered for that still take your submission.",
            count=len(submitting),
            count_label="open for submission",
            links=(("/challenges/ledger", "Your prizes"),),
        ),
        StartCard(
            "Invitations",
            "/invitations",
            "Invitations to private work from sponsors.",
            count=sum(i.status == "sent" for i in invitations),
            count_label="waiting for your answer",
            links=(("/members/me/edit", "Your marketplace profile"),),
        ),
    )
