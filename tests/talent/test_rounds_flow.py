"""A promotion round from opening to signed-off decision, through the domain actions.

Evidence is written straight to the store so that every number on the board is known:
performance ratings (1-5 → 0..100 points), a scoring run (prominence 1..100 = points) and
hire dates (tenure, 10 years = 100 points).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.roles import Role
from renown.store.tables.audit import AuditEntry
from renown.store.tables.talent import Demographics, PerformanceRating, PromotionRound
from renown.talent import audits, board, calibration, decisions, rounds, succession
from renown.talent.composite import WeightedCriterion
from renown.talent.rounds import Eligibility, RoundConfig
from tests.talent.conftest import NOW, TalentOrg
from tests.talent.evidence import rate, score_run

RATINGS = {"e1": 5, "e2": 4, "p1": 4, "p2": 3, "p3": 2}
"""p4 has no rating: its composite uses the other criteria and says so."""
PROMINENCE = {"e1": 40, "e2": 90, "p1": 80, "p2": 95, "p3": 20, "p4": 60}

CRITERIA = (
    WeightedCriterion("performance", 50.0),
    WeightedCriterion("prominence_internal", 50.0),
)


@pytest.fixture
def evidence(session: Session, org: TalentOrg) -> None:
    rate(session, org, RATINGS)
    score_run(session, org, datetime(2026, 11, 1, tzinfo=UTC), PROMINENCE)


def _open(
    session: Session,
    org: TalentOrg,
    clock: object,
    eligibility: Eligibility | None = None,
    **config: object,
) -> PromotionRound:
    settings = {
        "criteria": CRITERIA,
        "top_n": 2,
        "performance_criteria": ("performance",),
        "potential_criteria": ("prominence_internal",),
    } | config
    return rounds.check_open_round(
        session,
        org.staff(Role.HR),
        name="Senior 2026",
        target="Senior Engineer",
        eligibility=eligibility or Eligibility(min_tenure_months=12, departments=("Engineering",)),
        config=RoundConfig(**settings),  # type: ignore[arg-type]
        clock=clock,  # type: ignore[arg-type]
    )


def _decided_with_an_appeal(session: Session, org: TalentOrg, clock: object) -> PromotionRound:
    """A round signed off as recommended, and an appeal by p3 (not promoted)."""
    hr = org.staff(Role.HR)
    round_ = _open(session, org, clock)
    top = board.board(session, hr, round_.id).recommended
    decisions.check_sign_off(
        session,
        hr,
        round_.id,
        promoted=list(top),
        reason="As recommended",
        clock=clock,  # type: ignore[arg-type]
    )
    decisions.check_file_appeal(session, org.as_("p3"), round_.id, "Please look again", clock=clock)  # type: ignore[arg-type]
    return round_


def test_pool_follows_the_eligibility_rules(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    round_ = _open(session, org, clock)
    shown = board.board(session, org.staff(Role.HR), round_.id)
    pool = {row.person_id for row in shown.rows}
    assert pool == {org.ids[x] for x in ("e1", "e2", "p1", "p2", "p3", "p4")}
    excluded = {pid: reason for pid, _name, reason in shown.excluded}
    assert "hire date unknown" in excluded[org.ids["p5"]]
    assert "department Sales" in excluded[org.ids["s1"]]


def test_ranking_is_explained_and_missing_inputs_are_shown(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    round_ = _open(session, org, clock)
    rows = {r.person_id: r for r in board.board(session, org.staff(Role.HR), round_.id).rows}
    # e2: performance 4 → 75 points, prominence 90: (75 + 90) / 2 = 82.5
    e2 = rows[org.ids["e2"]]
    assert e2.composite == pytest.approx(82.5)
    assert sum(c.contribution or 0 for c in e2.contributions) == pytest.approx(82.5)
    # p2: 3 → 50, prominence 95: 72.5; e1: 100 and 40: 70; p1: 75 and 80: 77.5
    assert [r.name for r in sorted(rows.values(), key=lambda r: r.rank or 99)][:3] == [
        "Vic Eng" if False else rows[org.ids["e2"]].name,
        rows[org.ids["p1"]].name,
        rows[org.ids["p2"]].name,
    ]
    p4 = rows[org.ids["p4"]]
    assert p4.missing and "erformance" in p4.missing[0]
    assert p4.composite == pytest.approx(60.0)  # ranked on prominence alone, flagged
    assert next(c for c in p4.contributions if c.key == "performance").points is None
    assert board.board(session, org.staff(Role.HR), round_.id).recommended == (
        org.ids["e2"],
        org.ids["p1"],
    )


def test_external_prominence_needs_an_acknowledged_warning(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    weighted = (*CRITERIA, WeightedCriterion("prominence_external", 10.0))
    with pytest.raises(Invalid, match=r"Article 5\(1\)\(c\)"):
        _open(session, org, clock, criteria=weighted)
    round_ = _open(
        session, org, clock, Eligibility(), criteria=weighted, acknowledge_external_risk=True
    )
    assert round_.external_weighted
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "talent.round.open"))
    assert entry is not None and entry.payload["external_weighted"] is True
    report = audits.round_audit(session, org.staff(Role.HR), round_.id, now=NOW)
    assert any("Article 5(1)(c)" in w for w in report.warnings)


def test_what_if_moves_prominence_from_zero_to_its_maximum(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    round_ = _open(session, org, clock)
    view = board.what_if(session, org.staff(Role.HR), round_.id)
    first, last = view.whatif.steps[0], view.whatif.steps[-1]
    assert first.weight == 0 and last.weight == 100
    # weight 0: performance alone: e1 (100) then e2 and p1 (75, tied) — the tie stays in.
    assert set(first.top) == {org.ids["e1"], org.ids["e2"], org.ids["p1"]}
    # weight 50 (configured) vs 0: e1 leaves the top 2.
    assert org.ids["e1"] in view.whatif.versus_configured.left
    with pytest.raises(NotAllowed):
        board.what_if(session, org.as_("e2", Role.MANAGER), round_.id)


def test_calibration_moves_need_a_reason_and_shift_the_group(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    hr = org.staff(Role.HR)
    round_ = _open(session, org, clock)
    meeting = calibration.check_open_session(session, hr, round_.id, "Q4", clock=clock)  # type: ignore[arg-type]
    with pytest.raises(Invalid, match="reason"):
        calibration.check_move(
            session,
            hr,
            round_.id,
            meeting.id,
            org.ids["p3"],
            (3, 3),
            " ",
            clock=clock,  # type: ignore[arg-type]
        )
    calibration.check_move(
        session,
        hr,
        round_.id,
        meeting.id,
        org.ids["p3"],
        (2, 1),
        "Delivered the billing migration alone",
        clock=clock,  # type: ignore[arg-type]
    )
    manager = org.as_("e2", Role.MANAGER)
    calibration.check_move(
        session,
        manager,
        round_.id,
        meeting.id,
        org.ids["p1"],
        (2, 3),
        "Missed two delivery dates this half",
        clock=clock,  # type: ignore[arg-type]
    )
    with pytest.raises(NotFound):  # e1 is not in e2's reporting line
        calibration.check_move(
            session,
            manager,
            round_.id,
            meeting.id,
            org.ids["e1"],
            (1, 1),
            "not mine",
            clock=clock,  # type: ignore[arg-type]
        )
    grid = calibration.nine_box(session, hr, round_.id)
    assert {m.person_id for m in grid.moves} == {org.ids["p3"], org.ids["p1"]}
    everyone = grid.shift[0]
    assert everyone.group == "everyone" and everyone.moved == 2
    assert (everyone.up, everyone.down, everyone.net) == (1, 1, 0)
    mine = calibration.nine_box(session, manager, round_.id)
    assert {r.person_id for r in mine.rows} <= {org.ids[x] for x in ("p1", "p2", "p3", "p4")}
    actions = [e.action for e in audit.entries(session, org_id=org.id)]
    assert actions.count("talent.calibration.move") == 2


def test_sign_off_freezes_the_round_and_is_in_the_audit_log(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    hr = org.staff(Role.HR)
    round_ = _open(session, org, clock)
    top = board.board(session, hr, round_.id).recommended
    chosen = [top[0], org.ids["p2"]]
    with pytest.raises(Invalid, match="override needs a reason"):
        decisions.check_sign_off(
            session,
            hr,
            round_.id,
            promoted=chosen,
            reason="Board of 1 Dec",
            clock=clock,  # type: ignore[arg-type]
        )
    decision = decisions.check_sign_off(
        session,
        hr,
        round_.id,
        promoted=chosen,
        reason="Board of 1 Dec",
        override_reasons={org.ids["p2"]: "Took over the platform team", top[1]: "Moves teams"},
        clock=clock,  # type: ignore[arg-type]
    )
    assert round_.status == "decided"
    assert {o["person_id"] for o in decision.overrides} == {org.ids["p2"], top[1]}
    assert decisions.verify_decision(session, decision)
    assert audit.verify(session) == []
    with pytest.raises(Invalid, match="signed off"):
        rounds.check_configure_round(
            session, hr, round_.id, RoundConfig(criteria=CRITERIA), clock=clock
        )  # type: ignore[arg-type]
    # The candidate sees their own explanation and appeals; HR answers.
    p3 = org.as_("p3")
    mine = board.my_explanation(session, p3, round_.id)
    assert mine.row is not None and mine.promoted is False
    appeal = decisions.check_file_appeal(
        session,
        p3,
        round_.id,
        "My rating predates the migration",
        clock=clock,  # type: ignore[arg-type]
    )
    with pytest.raises(Invalid, match="open appeal"):
        decisions.check_file_appeal(session, p3, round_.id, "Again please", clock=clock)  # type: ignore[arg-type]
    answered = decisions.check_answer_appeal(
        session,
        hr,
        appeal.id,
        upheld=False,
        answer="Ratings are yearly",
        clock=clock,  # type: ignore[arg-type]
    )
    assert answered.status == "rejected"
    assert [a.id for a in decisions.appeals(session, p3, round_.id)] == [appeal.id]
    assert decisions.appeals(session, org.as_("p1"), round_.id) == []
    assert audit.verify(session) == []


def test_transparency_decides_who_sees_the_ranking(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    hidden = _open(session, org, clock, transparency="no_one")
    with pytest.raises(NotFound):
        board.board(session, org.as_("s2"), hidden.id)
    with pytest.raises(NotFound):
        board.board(session, org.as_("p1"), hidden.id)  # a candidate, but not published
    assert board.my_explanation(session, org.as_("p1"), hidden.id).row is not None
    public = _open(session, org, clock, transparency="everyone")
    seen = board.board(session, org.as_("s2"), public.id)
    assert not seen.full and len(seen.rows) == 6
    other = org.other_staff(Role.HR)
    with pytest.raises(NotFound):
        board.board(session, other, public.id)


def test_succession_chart_with_readiness(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    hr = org.staff(Role.HR)
    plan = succession.check_create_plan(
        session,
        hr,
        role_name="VP Engineering",
        incumbent_id=org.ids["e1"],
        criteria=CRITERIA,
        clock=clock,  # type: ignore[arg-type]
    )
    suggested = succession.suggest_successors(session, hr, plan.id, now=NOW)
    assert suggested[0][0] == org.ids["e2"]
    succession.check_add_successor(session, hr, plan.id, org.ids["e2"], readiness=None, clock=clock)  # type: ignore[arg-type]
    succession.check_add_successor(
        session,
        hr,
        plan.id,
        org.ids["p1"],
        readiness="3y+",
        reason="Needs a management role",
        clock=clock,  # type: ignore[arg-type]
    )
    with pytest.raises(Invalid):
        succession.check_add_successor(
            session, hr, plan.id, org.ids["e1"], readiness=None, clock=clock
        )  # type: ignore[arg-type]
    chart = succession.plan_view(session, hr, plan.id, now=NOW)
    assert [s.person_id for s in chart.successors] == [org.ids["e2"], org.ids["p1"]]
    assert chart.successors[0].reason.startswith("suggested from the evidence")
    succession.check_set_readiness(
        session,
        hr,
        plan.id,
        org.ids["p1"],
        readiness="1-2y",
        reason="Acting lead since Oct",
        clock=clock,  # type: ignore[arg-type]
    )
    assert succession.plan_view(session, hr, plan.id, now=NOW).successors[1].readiness == "1-2y"
    with pytest.raises(NotAllowed):
        succession.plans(session, org.as_("e2", Role.MANAGER))


def test_round_audit_counts_groups_from_demographics_and_publishes_no_small_one(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    for who, sex in {"e1": "male", "e2": "female", "p1": "female", "p2": "male"}.items():
        session.add(
            Demographics(
                org_id=org.id,
                person_id=org.ids[who],
                sex=sex,
                source="import",
                updated_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    session.flush()
    small = _open(session, org, clock)
    with pytest.raises(Invalid, match="at least 10 people"):
        audits.round_audit(session, org.staff(Role.HR), small.id, now=NOW)
    round_ = _open(session, org, clock, Eligibility())
    report = audits.round_audit(session, org.staff(Role.HR), round_.id, now=NOW)
    by_sex = next(s for s in report.sections if s.key == "selection:sex")
    # Two women (both recommended) and two men reported their sex: published, "female: 2
    # of 2 selected" next to the named top 2 would tell both of them apart. Categories of
    # fewer than 5 are merged, here with the 8 unknowns so the row is not itself small.
    assert by_sex.rows == () and by_sex.unknown is None
    assert by_sex.suppressed is not None
    assert (by_sex.suppressed.categories, by_sex.suppressed.n) == (("female", "male"), 12)
    assert (by_sex.suppressed.n_favourable, by_sex.suppressed.with_unknown) == (2, True)
    assert all(row.n >= 5 for section in report.sections for row in section.rows)
    assert report.pool_size == 12 and report.selected == 2
    with pytest.raises(NotAllowed):
        audits.round_audit(session, org.as_("e2", Role.MANAGER), round_.id, now=NOW)
    assert date(2026, 12, 1) == report.meta.period_end


def test_a_hidden_external_score_cannot_be_worked_out_from_the_composite(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    from renown.store.tables.talent import ExternalProminence

    session.add(
        ExternalProminence(
            org_id=org.id,
            person_id=org.ids["p1"],
            network="social",
            score=60,
            observed_on=date(2026, 10, 1),
        )
    )
    session.flush()
    weighted = (*CRITERIA, WeightedCriterion("prominence_external", 10.0))
    round_ = _open(
        session,
        org,
        clock,
        criteria=weighted,
        acknowledge_external_risk=True,
        transparency="everyone",
    )
    hr_row = next(
        r
        for r in board.board(session, org.staff(Role.HR), round_.id).rows
        if r.person_id == org.ids["p1"]
    )
    assert hr_row.composite is not None
    seen = next(
        r
        for r in board.board(session, org.as_("s2"), round_.id).rows
        if r.person_id == org.ids["p1"]
    )
    assert seen.rank == hr_row.rank
    assert seen.composite is None
    assert all(c.contribution is None and c.share is None for c in seen.contributions)
    external = next(c for c in seen.contributions if c.key == "prominence_external")
    assert external.points is None and "hidden" in external.shown
    # A published ranking never carries composites or confidential evidence (ratings, 360),
    # even for people who opted in; their prominence scores are shown.
    from renown.store.tables.org import Person

    opted_in = session.get(Person, org.ids["e2"])
    assert opted_in is not None
    opted_in.public_profile = True
    session.flush()
    other = next(
        r
        for r in board.board(session, org.as_("s2"), round_.id).rows
        if r.person_id == org.ids["e2"]
    )
    assert other.composite is None and other.box is None and other.missing == ()
    parts = {c.key: c for c in other.contributions}
    assert parts["prominence_internal"].points == 90
    assert (
        parts["performance"].points is None and "HR and the candidate" in parts["performance"].shown
    )


def test_succession_plans_never_weigh_external_prominence(
    session: Session, org: TalentOrg, clock: object
) -> None:
    hr = org.staff(Role.HR)
    with pytest.raises(Invalid, match="external prominence"):
        succession.check_create_plan(
            session,
            hr,
            role_name="CTO",
            incumbent_id=None,
            criteria=(*CRITERIA, WeightedCriterion("prominence_external", 5.0)),
            clock=clock,  # type: ignore[arg-type]
        )
    with pytest.raises(Invalid, match="twice"):
        succession.check_create_plan(
            session,
            hr,
            role_name="CTO",
            incumbent_id=None,
            criteria=(*CRITERIA, CRITERIA[0]),
            clock=clock,  # type: ignore[arg-type]
        )


def test_hr_is_told_about_appeals_to_answer(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    from renown.accounts.actions import do_create_account
    from renown.store.tables.feedback import Notification

    hr_account = do_create_account(
        session, org_id=org.id, email="hr@acme.example", password="long enough pw", role=Role.HR
    )
    hr = org.staff(Role.HR)
    round_ = _decided_with_an_appeal(session, org, clock)
    listed = next(r for r in rounds.list_rounds(session, hr) if r.id == round_.id)
    assert listed.open_appeals == 1
    assert all(r.open_appeals == 0 for r in rounds.list_rounds(session, org.as_("p3")))
    told = session.scalars(
        sa.select(Notification.kind).where(Notification.account_id == hr_account.id)
    ).all()
    assert told == ["promotion.appeal.filed"]


def test_a_tampered_decision_no_longer_verifies(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    hr = org.staff(Role.HR)
    round_ = _open(session, org, clock)
    meeting = calibration.check_open_session(session, hr, round_.id, "Q4", clock=clock)  # type: ignore[arg-type]
    top = board.board(session, hr, round_.id).recommended
    decision = decisions.check_sign_off(
        session,
        hr,
        round_.id,
        promoted=list(top),
        reason="As recommended",
        clock=clock,  # type: ignore[arg-type]
    )
    assert meeting.closed_at is not None  # sign-off closes the open session
    assert decisions.verify_decision(session, decision)
    decision.reason = "Something else"
    assert not decisions.verify_decision(session, decision)
    decision.reason = "As recommended"
    decision.signer_name = "Someone else"
    assert not decisions.verify_decision(session, decision)


def test_external_prominence_on_a_nine_box_axis_needs_the_acknowledgement(
    session: Session, org: TalentOrg, clock: object
) -> None:
    with pytest.raises(Invalid, match=r"Article 5\(1\)\(c\)"):
        _open(session, org, clock, potential_criteria=("prominence_external",))
    round_ = _open(
        session,
        org,
        clock,
        potential_criteria=("prominence_external",),
        acknowledge_external_risk=True,
    )
    assert round_.external_weighted


def test_the_rounds_list_shows_what_each_person_may_open(
    session: Session, org: TalentOrg, clock: object
) -> None:
    hidden = _open(session, org, clock, transparency="no_one").id
    public = _open(session, org, clock, transparency="everyone").id

    def listed(principal: object) -> set[int]:
        return {r.id for r in rounds.list_rounds(session, principal)}  # type: ignore[arg-type]

    assert listed(org.as_("s2")) == {public}  # not in the pool, no reports in it
    assert listed(org.as_("p1")) == {hidden, public}  # a candidate
    assert listed(org.as_("e2", Role.MANAGER)) == {hidden, public}  # reports in the pool
    assert listed(org.as_("s1", Role.MANAGER)) == {public}  # reports elsewhere
    assert listed(org.staff(Role.HR)) == {hidden, public}
    for round_id in listed(org.as_("s1", Role.MANAGER)):
        rounds.visible_round(session, org.as_("s1", Role.MANAGER), round_id)


def test_export_my_data_holds_my_board_records_and_nobody_elses(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    from renown.talent.export import my_talent_data

    session.add(
        Demographics(
            org_id=org.id,
            person_id=org.ids["p3"],
            sex="female",
            source="self",
            updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    )
    _decided_with_an_appeal(session, org, clock)
    mine = my_talent_data(session, org.as_("p3"))
    assert mine is not None
    assert mine["demographics"]["sex"] == "female"
    assert mine["performance_ratings"] == [{"period": "2026", "rating": 2}]
    [considered] = mine["rounds"]
    assert considered["promoted"] is False and considered["appeals"][0]["status"] == "open"
    assert considered["explanation"]["person_id"] == org.ids["p3"]
    theirs = my_talent_data(session, org.as_("p1"))
    assert theirs is not None and theirs["demographics"] is None
    assert theirs["rounds"][0]["appeals"] == [] and theirs["rounds"][0]["promoted"] is True
    assert my_talent_data(session, org.staff(Role.HR)) is None


def _candidate_sees(session: Session, org: TalentOrg, round_id: int) -> object:
    """Everything p1 (a candidate) is shown of a round: the published ranking, their own
    explanation and their appeals (ids and dates left out: they differ between rounds)."""
    p1 = org.as_("p1")
    published = board.board(session, p1, round_id)
    mine = board.my_explanation(session, p1, round_id)
    return (
        [asdict(row) for row in published.rows],
        published.recommended,
        asdict(mine.row) if mine.row else None,
        (mine.pool_size, mine.decided, mine.promoted),
        [(a.person_id, a.text, a.status) for a in decisions.appeals(session, p1, round_id)],
    )


def _make_public(session: Session, org: TalentOrg, *who: str) -> None:
    from renown.store.tables.org import Person

    for person in session.scalars(sa.select(Person).where(Person.org_id == org.id)):
        person.public_profile = person.id in {org.ids[w] for w in who}
    session.flush()


def _drop_rating(session: Session, org: TalentOrg, who: str) -> None:
    session.execute(sa.delete(PerformanceRating).where(PerformanceRating.person_id == org.ids[who]))
    session.flush()


@pytest.mark.parametrize("transparency", ["candidates", "everyone"])
def test_a_candidate_cannot_tell_whether_another_candidate_misses_an_input(
    session: Session, org: TalentOrg, clock: object, evidence: None, transparency: str
) -> None:
    # p3 (public profile) ranks last with or without a rating: 25 and 20 points → 22.5, or
    # 20 on prominence alone. What p1 sees must not depend on which: before, p3's published
    # prominence share was 50 % with a rating and 100 % without.
    _make_public(session, org, "p3", "p4")
    round_ = _open(session, org, clock, transparency=transparency)
    rated = _candidate_sees(session, org, round_.id)
    _drop_rating(session, org, "p3")
    unrated = _candidate_sees(session, org, round_.id)
    assert unrated == rated
    p3 = next(r for r in board.board(session, org.as_("p1"), round_.id).rows if r.rank == 6)
    prominence = next(c for c in p3.contributions if c.key == "prominence_internal")
    assert (prominence.points, prominence.share, prominence.contribution) == (20, None, None)


def test_a_decided_round_and_an_appeal_show_a_candidate_nothing_of_others_gaps(
    session: Session, org: TalentOrg, clock: object, evidence: None
) -> None:
    # The same round decided twice, p3 rated the first time and not the second: the frozen
    # rankings differ only in p3's shares, which p1 must not see (published or appealing).
    _make_public(session, org, "p3")
    hr = org.staff(Role.HR)
    seen = []
    for _ in range(2):
        round_ = _open(session, org, clock, transparency="candidates")
        top = list(board.board(session, hr, round_.id).recommended)
        decisions.check_sign_off(
            session,
            hr,
            round_.id,
            promoted=top,
            reason="As recommended",
            clock=clock,  # type: ignore[arg-type]
        )
        decisions.check_file_appeal(session, org.as_("p1"), round_.id, "Why not me?", clock=clock)  # type: ignore[arg-type]
        seen.append(_candidate_sees(session, org, round_.id))
        _drop_rating(session, org, "p3")
    assert seen[0] == seen[1]
