"""Reading a round's board: the composite ranking with every candidate's explanation, the
what-if of the prominence weight, and a candidate's own view.

The ranking is computed each time from the evidence as of the round's date, kept with each
candidate when first measured (:mod:`renown.talent.frozen`): what HR sees is always what
the configuration implies, and a rescore, a badge or a rating recorded later does not move
it. A sign-off freezes the ranking itself (:mod:`renown.talent.decisions`); a signed-off
round is shown exactly as frozen.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.store.tables.org import Person
from renown.store.tables.talent import PromotionRound, RoundCandidate, RoundDecision
from renown.talent.composite import RankedCandidate, WeightedCriterion, compose
from renown.talent.criteria import (
    EXTERNAL_KEYS,
    PROMINENCE_KEYS,
    CriterionInfo,
    Evidence,
    available,
)
from renown.talent.frozen import frozen_evidence, frozen_on, round_keys
from renown.talent.ninebox import Box, axis_points, place
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.talent.rounds import (
    candidate_ids,
    criteria_of,
    is_candidate,
    managed_candidate_ids,
    visible_round,
)
from renown.talent.whatif import WhatIf, sweep

HIDDEN = "hidden (no public profile)"
"""Shown instead of an external score to people who may not see it."""


@dataclass(frozen=True)
class Evidenced:
    """A round's candidates and the evidence of every criterion it uses."""

    person_ids: list[int]
    evidence: dict[str, dict[int, Evidence]]

    def points(self) -> dict[str, dict[int, float | None]]:
        return {
            key: {pid: e.points for pid, e in by_person.items()}
            for key, by_person in self.evidence.items()
        }


@dataclass(frozen=True)
class ContributionView:
    """One criterion's part in a candidate's composite, with the evidence behind it."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    key: str
    label: str
    weight: float
    share: float | None
    """Weight over the weights the candidate has (null: missing, or hidden from the caller)."""
    points: float | None
    """0 to 100 (null: missing, or hidden from the caller)."""
    contribution: float | None
    """share x points; they add up to the composite."""
    shown: str
    """The evidence in words."""
    external: bool


@dataclass(frozen=True)
class BoardRow:
    """One candidate on the board."""

    person_id: int
    name: str
    title: str | None
    department: str | None
    rank: int | None
    composite: float | None
    recommended: bool
    contributions: tuple[ContributionView, ...]
    missing: tuple[str, ...]
    note: str
    box: Box | None


@dataclass(frozen=True)
class Board:
    """A round's ranking as the principal may see it."""

    round: PromotionRound
    criteria: tuple[CriterionInfo, ...]
    rows: tuple[BoardRow, ...]
    excluded: tuple[tuple[int, str, str], ...]
    """People considered but not in the pool: (person id, name, reason). HR only."""
    recommended: tuple[int, ...]
    warning: str | None
    decision: RoundDecision | None
    full: bool
    """HR's view (all evidence); False for a published or candidate view."""
    evidence_frozen_on: datetime | None = None
    """When the evidence (as of ``round.as_of``) was measured and kept; None: measured live."""


def labels(session: Session, org_id: int) -> dict[str, CriterionInfo]:
    """Every criterion the organisation can use, by key."""
    return {info.key: info for info in available(session, org_id)}


def evidence_of(session: Session, round_: PromotionRound, keys: Sequence[str]) -> Evidenced:
    """The pool's evidence on ``keys`` as of the round's date, as frozen when it was
    measured (:mod:`renown.talent.frozen`), so a rescore does not move an open round."""
    people, evidence = frozen_evidence(session, round_, keys)
    return Evidenced(people, evidence)


def ranking(
    round_: PromotionRound, evidenced: Evidenced, criteria: Sequence[WeightedCriterion]
) -> list[RankedCandidate]:
    """The composite ranking of the pool under ``criteria``."""
    return compose(
        evidenced.person_ids,
        criteria,
        evidenced.points(),
        missing_policy="exclude" if round_.missing_policy == "exclude" else "reweigh",
    )


def recommended_ids(ranked: Sequence[RankedCandidate], top_n: int) -> tuple[int, ...]:
    """The top N of a ranking (a tie across the cut keeps everyone tied inside it)."""
    return tuple(c.person_id for c in ranked if c.rank is not None and c.rank <= top_n)


def computed_boxes(round_: PromotionRound, evidenced: Evidenced) -> dict[int, Box | None]:
    """Each candidate's 9-box cell from the evidence (before calibration)."""
    points = evidenced.points()
    return {
        pid: place(
            axis_points(points, round_.performance_criteria, pid),
            axis_points(points, round_.potential_criteria, pid),
        )
        for pid in evidenced.person_ids
    }


def _people(session: Session, ids: Sequence[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(ids)))}


WITHHELD = "shown to HR and the candidate only"
"""Shown instead of evidence a published ranking does not carry."""


def published_row(row: BoardRow, *, public_profile: bool) -> BoardRow:
    """What a published ranking shows of one candidate: rank, name, whether recommended,
    and, for people with a public profile, their prominence scores; nothing else.

    The composite, the other criteria (performance ratings, 360 means, tenure), the 9-box
    cell and the missing inputs stay with HR and the candidate. Any of them next to the
    weights would let a reader subtract their way to a confidential rating or to a hidden
    external score; the rank alone orders people without revealing either.

    No criterion keeps its share or contribution either, not even a published prominence
    score: a share is the criterion's weight over the weights of the criteria *that
    candidate has*, so next to the round's weights it tells which inputs they are missing
    (a prominence share of 100 % says "no rating"), and a contribution is share x points.
    """
    parts = tuple(
        replace(part, share=None, contribution=None)
        if part.key in PROMINENCE_KEYS and public_profile
        else replace(
            part,
            share=None,
            points=None,
            contribution=None,
            shown=HIDDEN if part.external else WITHHELD,
        )
        for part in row.contributions
    )
    return replace(row, composite=None, contributions=parts, missing=(), note="", box=None)


def board_rows(
    session: Session,
    round_: PromotionRound,
    *,
    full: bool,
    boxes: Mapping[int, Box | None] | None = None,
    evidenced: Evidenced | None = None,
) -> tuple[list[BoardRow], tuple[int, ...], dict[str, CriterionInfo]]:
    """Rows of the live ranking (``full``: HR's view with every external score).

    ``evidenced``: the round's evidence when the caller measured it already (it must cover
    :func:`round_keys`), so one request measures once.
    """
    infos = labels(session, round_.org_id)
    if evidenced is None:
        evidenced = evidence_of(session, round_, round_keys(round_))
    ranked = ranking(round_, evidenced, criteria_of(round_))
    top = recommended_ids(ranked, round_.top_n)
    people = _people(session, evidenced.person_ids)
    cells = boxes if boxes is not None else computed_boxes(round_, evidenced)
    rows = []
    for candidate in ranked:
        person = people[candidate.person_id]
        views = []
        for part in candidate.contributions:
            info = infos.get(part.key)
            shown = evidenced.evidence.get(part.key, {}).get(candidate.person_id)
            views.append(
                ContributionView(
                    key=part.key,
                    label=info.label if info else part.key,
                    weight=part.weight,
                    share=part.share,
                    points=part.points,
                    contribution=part.contribution,
                    shown=shown.shown if shown else "missing",
                    external=part.key in EXTERNAL_KEYS,
                )
            )
        row = BoardRow(
            person_id=person.id,
            name=person.name,
            title=person.title,
            department=person.department.name if person.department else None,
            rank=candidate.rank,
            composite=candidate.composite,
            recommended=candidate.person_id in top,
            contributions=tuple(views),
            missing=tuple(infos[k].label if k in infos else k for k in candidate.missing),
            note=candidate.note,
            box=cells.get(candidate.person_id),
        )
        rows.append(row if full else published_row(row, public_profile=person.public_profile))
    return rows, top, infos


def board(session: Session, principal: Principal, round_id: int) -> Board:
    """The round's ranking: HR sees everything; others see what the round publishes."""
    round_ = visible_round(session, principal, round_id)
    full = principal.sees_everyone
    if not full:
        published = round_.transparency == "everyone" or (
            round_.transparency == "candidates"
            and is_candidate(session, round_.id, principal.person_id)
        )
        if not published:
            raise NotFound(f"no published ranking for round {round_id}")
    decision = session.scalar(sa.select(RoundDecision).where(RoundDecision.round_id == round_.id))
    if decision is not None:
        public = {
            pid
            for pid, person in _people(
                session, [int(r["person_id"]) for r in decision.ranking]
            ).items()
            if person.public_profile
        }
        rows_frozen = tuple(frozen_rows(decision.ranking, full=full, public=public))
        return Board(
            round=round_,
            criteria=tuple(labels(session, round_.org_id).values()),
            rows=rows_frozen,
            excluded=excluded_people(session, round_) if full else (),
            recommended=tuple(r.person_id for r in rows_frozen if r.recommended),
            warning=EXTERNAL_PROMINENCE_WARNING if round_.external_weighted else None,
            decision=decision,
            full=full,
        )
    rows, top, infos = board_rows(session, round_, full=full)
    return Board(
        round=round_,
        criteria=tuple(infos.values()),
        rows=tuple(rows),
        excluded=excluded_people(session, round_) if full else (),
        recommended=top,
        warning=EXTERNAL_PROMINENCE_WARNING if round_.external_weighted else None,
        decision=None,
        full=full,
        evidence_frozen_on=frozen_on(session, round_.id),
    )


def excluded_people(session: Session, round_: PromotionRound) -> tuple[tuple[int, str, str], ...]:
    """People considered for the round but not in its pool, with the reason."""
    rows = session.execute(
        sa.select(Person.id, Person.name, RoundCandidate.reason)
        .join(RoundCandidate, RoundCandidate.person_id == Person.id)
        .where(RoundCandidate.round_id == round_.id, RoundCandidate.included.is_(False))
        .order_by(Person.name, Person.id)
    ).all()
    return tuple((int(i), str(n), str(r)) for i, n, r in rows)


def row_json(row: BoardRow) -> dict[str, Any]:
    """A board row as stored with a decision (and read back by :func:`frozen_rows`)."""
    return {
        "person_id": row.person_id,
        "name": row.name,
        "title": row.title,
        "department": row.department,
        "rank": row.rank,
        "composite": row.composite,
        "recommended": row.recommended,
        "missing": list(row.missing),
        "note": row.note,
        "box": list(row.box) if row.box else None,
        "contributions": [
            {
                "key": c.key,
                "label": c.label,
                "weight": c.weight,
                "share": c.share,
                "points": c.points,
                "contribution": c.contribution,
                "shown": c.shown,
                "external": c.external,
            }
            for c in row.contributions
        ],
    }


def frozen_rows(
    stored: Sequence[Mapping[str, Any]], *, full: bool, public: Collection[int] = ()
) -> list[BoardRow]:
    """Board rows as frozen at sign-off; outside HR's view, as :func:`published_row` shows
    them (``public``: ids of people with a public profile today)."""
    rows = []
    for item in stored:
        box = item.get("box")
        row = BoardRow(
            person_id=item["person_id"],
            name=item["name"],
            title=item["title"],
            department=item["department"],
            rank=item["rank"],
            composite=item["composite"],
            recommended=item["recommended"],
            contributions=tuple(
                ContributionView(
                    key=c["key"],
                    label=c["label"],
                    weight=c["weight"],
                    share=c["share"],
                    points=c["points"],
                    contribution=c["contribution"],
                    shown=c["shown"],
                    external=c["external"],
                )
                for c in item["contributions"]
            ),
            missing=tuple(item["missing"]),
            note=item["note"],
            box=(int(box[0]), int(box[1])) if box else None,
        )
        rows.append(row if full else published_row(row, public_profile=row.person_id in public))
    return rows


@dataclass(frozen=True)
class WhatIfView:
    """The what-if of one criterion's weight, with names for the chart and table."""

    round: PromotionRound
    whatif: WhatIf
    names: dict[int, str]
    label: str


def what_if(
    session: Session,
    principal: Principal,
    round_id: int,
    *,
    key: str = "prominence_internal",
    max_weight: float = 100.0,
    steps: int = 21,
) -> WhatIfView:
    """Move ``key``'s weight from 0 to ``max_weight``: who enters and leaves the top N (HR)."""
    round_ = visible_round(session, principal, round_id)
    principal.require_people_admin("only HR and admins explore a round's weights")
    infos = labels(session, round_.org_id)
    if key not in infos:
        from renown.talent.criteria import source_for

        source_for(key)  # raises Invalid for an unknown key
    evidenced = evidence_of(session, round_, [*round_keys(round_), key])
    result = sweep(
        evidenced.person_ids,
        criteria_of(round_),
        evidenced.points(),
        key=key,
        top_n=round_.top_n,
        max_weight=max_weight,
        steps=steps,
        missing_policy="exclude" if round_.missing_policy == "exclude" else "reweigh",
    )
    people = _people(session, evidenced.person_ids)
    return WhatIfView(
        round=round_,
        whatif=result,
        names={pid: p.name for pid, p in people.items()},
        label=infos[key].label if key in infos else key,
    )


@dataclass(frozen=True)
class CandidateView:
    """A candidate's own explanation: their row, the criteria, the outcome once decided."""

    round: PromotionRound
    row: BoardRow | None
    pool_size: int
    decided: bool
    promoted: bool | None


def my_explanation(session: Session, principal: Principal, round_id: int) -> CandidateView:
    """The signed-in candidate's own row and explanation, whatever the round's transparency.

    Someone who may see the round but is not a candidate gets a view without a row (the
    page says so) rather than a refusal: nothing of anyone else is in it.
    """
    round_ = visible_round(session, principal, round_id)
    decision = session.scalar(sa.select(RoundDecision).where(RoundDecision.round_id == round_.id))
    if not is_candidate(session, round_.id, principal.person_id):
        rows: list[BoardRow] = []
    elif decision is not None:
        rows = frozen_rows(decision.ranking, full=True)
    else:
        rows, _, _ = board_rows(session, round_, full=True)
    mine = next((r for r in rows if r.person_id == principal.person_id), None)
    return CandidateView(
        round=round_,
        row=mine,
        pool_size=len(candidate_ids(session, round_.id)),
        decided=decision is not None,
        promoted=None if decision is None else principal.person_id in decision.promoted,
    )


def manager_rows(session: Session, principal: Principal, round_id: int) -> list[BoardRow]:
    """A manager's view of their own reports in a round (for calibration)."""
    round_ = visible_round(session, principal, round_id)
    mine = managed_candidate_ids(session, principal, round_.id)
    rows, _, _ = board_rows(session, round_, full=True)
    return [r for r in rows if r.person_id in mine]
