"""The bias audit page leads with a summary in sentences and an impact-ratio chart; pages
write dates one way; a criterion keeps its colour in every round.

The summary and the chart are checked twice: on hand-built reports (so each sentence is
known exactly) and on a served audit, against the same audit's JSON answer.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from renown.core import dates
from renown.core.roles import Role
from renown.store.tables.jobs import Job
from renown.store.tables.org import Person
from renown.talent.report import (
    AuditMeta,
    AuditRow,
    AuditSection,
    BiasAuditReport,
    ExcludedCategory,
)
from renown.talent.rounds import DEFAULT_CRITERIA
from renown.web.talent import colours
from renown.web.talent.present_audit import BELOW, FOUR_FIFTHS, audit_summary, impact_chart
from renown.web.talent.present_board import colours_of
from tests.web.conftest import Platform

STATIC = Path(colours.__file__).parents[1] / "static"
SPEC = re.compile(r'<script type="application/json" id="impact-spec">(.*?)</script>', re.S)


def _row(category: str, ratio: float | None, *, n: int = 20, small: bool = False) -> AuditRow:
    reference = ratio == 1.0
    return AuditRow(
        category=category,
        n=n,
        n_favourable=n // 4,
        rate=0.25 if ratio is None else 0.25 * ratio,
        impact_ratio=ratio,
        four_fifths_flag=None if ratio is None or small else ratio < FOUR_FIFTHS,
        small=small,
        reference=reference,
        fisher_p=None if reference else 0.2,
        z=None,
        z_p=None,
    )


def _section(
    key: str, heading: str, dimension: str, rows: tuple[AuditRow, ...], measure: str = "selection"
) -> AuditSection:
    return AuditSection(
        key=key,
        heading=heading,
        measure=measure,  # type: ignore[arg-type]
        dimension=dimension,
        rows=rows,
        unknown=3,
        excluded=(),
        flagged=tuple(r.category for r in rows if r.four_fifths_flag),
    )


def _report(*sections: AuditSection, pool: int = 60, selected: int = 12) -> BiasAuditReport:
    meta = AuditMeta(
        title="Bias audit: Senior engineer",
        organisation="Acme",
        subject="Senior engineer",
        selection_label="promoted (signed-off decision)",
        score_label="composite",
        data_source="the round",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        generated_at=datetime(2026, 7, 1, 9, 30),
        external_weighted=False,
    )
    return BiasAuditReport(meta, pool, selected, tuple(sections), ())


BY_SEX = ("selection:sex", "Selection rates by sex", "sex")
BY_DISABILITY = ("selection:disability", "Selection rates by disability", "disability")


def test_summary_names_each_group_below_four_fifths_with_its_ratio() -> None:
    report = _report(
        _section(*BY_SEX, (_row("male", 1.0), _row("female", 0.62))),
        _section(*BY_DISABILITY, (_row("no", 1.0), _row("yes", 0.5))),
        _section(
            "scoring:sex",
            "Scoring rates by sex",
            "sex",
            (_row("female", 1.0), _row("male", 0.91)),
            "scoring",
        ),
    )
    summary = audit_summary(report)
    assert summary.opening == (
        "The audit covers 60 people, 12 of them promoted (signed-off decision).",
        "2 groups fall below the four-fifths rule (an impact ratio under 0.80) in 2 sections:",
    )
    assert summary.below == (
        ("Selection rates by sex", "female (0.620)"),
        ("Selection rates by disability", "disability: yes (0.500)"),
    )
    assert summary.closing == (
        "A ratio below 0.80 is a signal to investigate, not proof of bias: read its "
        "section's counts and p-values below.",
    )


def test_summary_says_none_falls_below_and_names_the_lowest_ratio() -> None:
    report = _report(
        _section(*BY_SEX, (_row("male", 1.0), _row("female", 0.86), _row("non-binary", 0.95))),
    )
    summary = audit_summary(report)
    assert summary.opening[1] == (
        "No group falls below the four-fifths rule: every compared impact ratio is 0.80 or "
        "more. The lowest is female in selection rates by sex (impact ratio 0.860)."
    )
    assert summary.below == () and summary.closing == ()


def test_summary_when_nothing_could_be_compared_and_small_groups_are_counted() -> None:
    nobody = _section(*BY_SEX, (_row("male", None), _row("female", None)))
    small = AuditSection(
        key="selection:race",
        heading="Selection rates by race/ethnicity",
        measure="selection",
        dimension="race_ethnicity",
        rows=(_row("Asian", 0.4, n=4, small=True),),
        unknown=3,
        excluded=(ExcludedCategory("Asian", 4, "fewer than 5 people"),),
        flagged=(),
    )
    summary = audit_summary(_report(nobody, small, selected=0))
    assert summary.opening[1].startswith("No group could be compared under the four-fifths rule")
    assert summary.closing == ("1 small category is shown but not compared.",)


def test_impact_chart_draws_compared_selection_groups_and_the_four_fifths_line() -> None:
    report = _report(
        _section(*BY_SEX, (_row("male", 1.0), _row("female", 0.62), _row("x", 0.3, small=True))),
        _section("scoring:sex", "Scoring rates by sex", "sex", (_row("female", 0.5),), "scoring"),
    )
    spec = impact_chart(report)
    assert spec is not None
    drawn = {v["group"]: (v["ratio"], v["status"]) for v in spec["data"]["values"]}
    assert drawn == {"male": (1.0, "reference"), "female": (0.62, BELOW)}  # no small, no scoring
    line = spec["layer"][1]
    assert line["mark"]["type"] == "rule" and line["data"]["values"][0]["ratio"] == FOUR_FIFTHS
    assert impact_chart(_report(_section(*BY_SEX, (_row("male", None),)))) is None


# --- The served page ----------------------------------------------------------------------


def _upload_demographics(platform: Platform) -> None:
    with platform.sessions() as session:
        employees = session.scalars(
            sa.select(Person.employee_id)
            .where(Person.org_id == platform.acme_id)
            .order_by(Person.employee_id)
        ).all()
    sexes = ("female", "male", "female", "male", "non-binary")
    lines = ["employee_id,sex,race_ethnicity,disability"]
    lines += [
        f"{employee},{sexes[i % 5]},{('White', 'Asian')[i % 2]},{('no', 'yes')[i % 3 == 0]}"
        for i, employee in enumerate(employees)
    ]
    answer = platform.browser(Role.HR).post(
        "/talent/imports/demographics",
        files={"file": ("answers.csv", "\n".join(lines).encode(), "text/csv")},
    )
    assert answer.status_code == 200, answer.text


def test_audit_page_leads_with_the_summary_and_chart_of_its_own_numbers(
    platform: Platform,
) -> None:
    _upload_demographics(platform)
    hr = platform.browser(Role.HR)
    report = hr.get("/api/v1/talent/audit/prominence").json()
    html = hr.get("/talent/audit/prominence").text

    summary_at, first_table = html.index("data-audit-summary"), html.index("<table")
    assert summary_at < html.index('id="impact-chart"') < first_table
    summary = html[summary_at : html.index("</section>", summary_at)]
    assert f"The audit covers {report['pool_size']} people, {report['selected']} of them" in summary
    compared = [
        (section, row)
        for section in report["sections"]
        for row in section["rows"]
        if not row["small"] and not row["reference"] and row["impact_ratio"] is not None
    ]
    assert compared, "the uploaded answers give the audit groups to compare"
    flagged = [(s, r) for s, r in compared if r["four_fifths_flag"]]
    if flagged:
        assert f"{len(flagged)} group" in summary
        items = dict(re.findall(r"<li><strong>([^<]+)</strong>: ([^<]+)</li>", summary))
        assert sorted(items) == sorted({s["heading"] for s, _ in flagged})
        for section, row in flagged:
            assert f"{row['category']} ({row['impact_ratio']:.3f})" in items[section["heading"]]
    else:
        assert "No group falls below the four-fifths rule" in summary

    found = SPEC.search(html)
    assert found
    spec = json.loads(found.group(1))
    drawn = sorted((v["section"], v["group"]) for v in spec["data"]["values"])
    expected = sorted(
        (
            s["heading"],
            r["category"] if s["dimension"] != "disability" else f"disability: {r['category']}",
        )
        for s in report["sections"]
        if s["measure"] == "selection"
        for r in s["rows"]
        if not r["small"] and r["impact_ratio"] is not None
    )
    assert drawn == expected
    assert spec["layer"][1]["data"]["values"][0]["ratio"] == 0.8


# --- Dates and colours --------------------------------------------------------------------


def test_one_date_format_for_days_and_moments() -> None:
    assert dates.format_date(date(2026, 3, 4)) == "04 Mar 2026"
    assert dates.format_date(datetime(2026, 3, 4, 23, 59)) == "04 Mar 2026"
    assert dates.format_datetime(datetime(2026, 3, 4, 9, 5)) == "04 Mar 2026, 09:05 UTC"
    paris = timezone(timedelta(hours=1))
    assert dates.format_datetime(datetime(2026, 3, 4, 10, 5, tzinfo=paris)) == (
        "04 Mar 2026, 09:05 UTC"
    )
    assert dates.format_date(None) == dates.format_datetime(None) == "–"


def test_audit_and_runs_pages_write_dates_one_way(platform: Platform) -> None:
    hr = platform.browser(Role.HR)
    pages = [hr.get("/talent/audit/prominence").text, hr.get("/runs").text]
    iso = re.compile(r">[^<]*\b\d{4}-\d{2}-\d{2}\b")
    day = re.compile(r"\b\d{2} [A-Z][a-z]{2} \d{4}\b")
    for html in pages:
        assert day.search(html), "a date in the one format"
        shown = re.sub(r"<code>.*?</code>", "", html.split("<main", 1)[1])  # run keys are ids
        assert not iso.search(shown), "no ISO date shown to a reader"
    assert datetime.now(UTC).strftime("%d %b %Y") in pages[0]  # the audit's generation time


def test_a_criterion_keeps_its_colour_whatever_its_place_in_the_round() -> None:
    class Round:
        def __init__(self, keys: list[str]) -> None:
            self.criteria = [{"key": key, "weight": 1.0} for key in keys]

    keys = [str(c.key) for c in DEFAULT_CRITERIA]
    first = colours_of(Round(keys))  # type: ignore[arg-type]
    second = colours_of(Round([*reversed(keys), "feedback:communication"]))  # type: ignore[arg-type]
    assert all(first[key] == second[key] for key in keys)
    assert len(set(first.values())) == len(keys), "built-in criteria never share a colour"
    shared = colours.criterion_colour("feedback:communication")
    assert shared not in colours.BUILT_IN_COLOURS.values()
    assert colours.criterion_colour("feedback:communication") == shared  # stable


def test_talent_css_paints_each_colour_number_as_the_python_list_says() -> None:
    css = (STATIC / "talent.css").read_text()
    painted = dict(re.findall(r"\.crit-(\d+) \{ background: (#[0-9a-f]{6}); \}", css))
    assert painted == {str(i): hex_ for i, hex_ in enumerate(colours.CRITERION_COLOURS)}


def test_recent_jobs_name_every_kind_in_words(platform: Platform) -> None:
    with platform.sessions() as session, session.begin():
        session.add(Job(org_id=platform.acme_id, kind="external_refresh", status="done"))
    page = platform.browser(Role.HR).get("/runs").text
    jobs = page[page.index('id="jobs-title"') :]
    assert "External networks refresh" in jobs
    assert "external_refresh" not in jobs
