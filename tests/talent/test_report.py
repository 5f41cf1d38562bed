"""The bias-audit report: hand-counted rates and ratios for every kind of section, and CSV.

The fixture is a pool of 20 people (ids 1-20, table ``_TABLE``), small enough to count on
paper ("Black" is "Black or African American" in the data). Expected values are worked out
in the comments of each test; the small-group rule is the default (fewer than 5 people, or
under 2 % of the people in the section).
"""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, date, datetime

import pytest

from renown.core.errors import Invalid
from renown.fairness import SmallGroupRule
from renown.talent.report import (
    EXTERNAL_PROMINENCE_WARNING,
    AuditMeta,
    AuditRow,
    AuditSection,
    AuditSubject,
    BiasAuditReport,
    build_report,
)
from renown.talent.report_csv import CSV_COLUMNS, report_csv

BLACK = "Black or African American"
REASON = (
    "fewer than 5 people or under 2% of the pool: left out of the impact-ratio comparison "
    "(6 RCNY 5-301)"
)

_RACE = {"W": "White", "B": BLACK, "A": "Asian"}
_AGE = {"<30": "under 30", "30": "30-39", "40": "40-49", "50": "50 and over"}
_TABLE = """
id sex    race age dis sel score prominence   (race: White, Black, Asian; "-" is unknown)
 1 male   W <30 no  y 90 95
 2 male   W 30  no  y 85 90
 3 male   W 40  no  y 80 85
 4 male   W <30 no  n 55 80
 5 male   W 30  yes n 45 75
 6 male   B 40  no  y 75 70
 7 male   B <30 no  n 40 65
 8 male   B 30  no  n 35 60
 9 male   A 40  no  n 70 55
10 male   A <30 yes n 30 45
11 female W 30  no  y 88 88
12 female W 40  no  n 50 40
13 female W <30 no  n 25 35
14 female W 30  no  n 20 30
15 female B 40  yes y 65 25
16 female B <30 no  n 15 20
17 female B 30  no  n 10 15
18 female A 40  no  n 60 10
19 -      W 50  -   n 52 -
20 -      - -   -   n -  -
"""


def _value(cell: str, table: dict[str, str] | None = None) -> str | None:
    if cell == "-":
        return None
    return table[cell] if table else cell


def pool() -> list[AuditSubject]:
    subjects = []
    for line in _TABLE.strip().splitlines()[1:]:
        pid, sex, race, age, disability, selected, score, prominence = line.split()
        subjects.append(
            AuditSubject(
                person_id=int(pid),
                selected=selected == "y",
                score=None if score == "-" else float(score),
                prominence=None if prominence == "-" else float(prominence),
                sex=_value(sex),
                race_ethnicity=_value(race, _RACE),
                age_band=_value(age, _AGE),
                disability=_value(disability),
            )
        )
    return subjects


def meta(*, external_weighted: bool = False) -> AuditMeta:
    return AuditMeta(
        title="Bias audit — Senior Engineer promotion round 2026",
        organisation="Acme, Inc.",
        subject="Promotion round 'Senior Engineer 2026' (round 12)",
        selection_label="promoted (signed-off decision)",
        score_label="composite score of the board",
        data_source="HRIS import, self-reported demographics",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        generated_at=datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
        external_weighted=external_weighted,
        notes=("Audit by the HR analytics team",),
    )


@pytest.fixture(scope="module")
def report() -> BiasAuditReport:
    return build_report(pool(), meta(external_weighted=True))


def section(report: BiasAuditReport, key: str) -> AuditSection:
    (found,) = [s for s in report.sections if s.key == key]
    return found


def row(section: AuditSection, category: str) -> AuditRow:
    (found,) = [r for r in section.rows if r.category == category]
    return found


def rates(section: AuditSection) -> dict[str, tuple[int, int, float | None]]:
    """category -> (n, n_favourable, impact ratio rounded to 4 decimals)."""
    return {
        r.category: (
            r.n,
            r.n_favourable,
            None if r.impact_ratio is None else round(r.impact_ratio, 4),
        )
        for r in section.rows
    }


def fisher_two_sided(a: int, n_a: int, b: int, n_b: int) -> float:
    """Fisher's exact test from the hypergeometric law, summed by hand (independent check)."""
    total, chosen = n_a + n_b, a + b

    def probability(k: int) -> float:
        return math.comb(n_a, k) * math.comb(n_b, chosen - k) / math.comb(total, chosen)

    observed = probability(a)
    support = range(max(0, chosen - n_b), min(n_a, chosen) + 1)
    return sum(p for k in support if (p := probability(k)) <= observed * (1 + 1e-7))


def test_sections_come_in_the_documented_order(report: BiasAuditReport) -> None:
    three = ("sex", "race_ethnicity", "sex x race_ethnicity")
    expected = [
        *(f"selection:{d}" for d in three),
        *(f"scoring:{d}" for d in three),
        *(f"prominence:{d}" for d in three),
        "selection:age_band",
        "selection:disability",
    ]
    assert [s.key for s in report.sections] == expected
    assert (report.pool_size, report.selected) == (20, 6)
    assert section(report, "selection:sex").heading == "Selection rates by sex"
    assert section(report, "prominence:sex x race_ethnicity").measure == "prominence"
    assert section(report, "prominence:race_ethnicity").dimension == "race_ethnicity"


def test_selection_by_sex(report: BiasAuditReport) -> None:
    # male: 1, 2, 3, 6 of 10 selected = 0.40 (reference); female: 11, 15 of 8 = 0.25;
    # ratio 0.25 / 0.40 = 0.625 < 0.8, flagged. 19 and 20 have no sex: 2 unknown.
    by_sex = section(report, "selection:sex")
    assert rates(by_sex) == {"female": (8, 2, 0.625), "male": (10, 4, 1.0)}
    assert row(by_sex, "male").reference and row(by_sex, "male").rate == pytest.approx(0.4)
    assert row(by_sex, "female").rate == pytest.approx(0.25)
    assert row(by_sex, "female").four_fifths_flag is True
    assert (by_sex.unknown, by_sex.flagged, by_sex.excluded) == (2, ("female",), ())
    female = row(by_sex, "female")
    assert female.fisher_p == pytest.approx(fisher_two_sided(2, 8, 4, 10))
    # Pooled z: p = 6/18, se = sqrt(1/3 * 2/3 * (1/8 + 1/10)) = 0.22361; (0.25 - 0.4) / se.
    assert female.z == pytest.approx(-0.15 / math.sqrt(2 / 9 * 0.225))
    assert row(by_sex, "male").fisher_p is None


def test_selection_by_race_names_the_small_category_without_flagging_it(
    report: BiasAuditReport,
) -> None:
    # White: 1, 2, 3, 11 of 10 = 0.40 (reference); Black: 6, 15 of 6 = 1/3, ratio 0.8333 (not
    # flagged); Asian: 0 of 3 -- fewer than 5, small: ratio 0 shown, excluded, not flagged.
    by_race = section(report, "selection:race_ethnicity")
    assert rates(by_race) == {"Asian": (3, 0, 0.0), BLACK: (6, 2, 0.8333), "White": (10, 4, 1.0)}
    asian = row(by_race, "Asian")
    assert asian.small and asian.four_fifths_flag is True and not asian.reference
    assert by_race.flagged == ()
    assert [(e.category, e.n, e.reason) for e in by_race.excluded] == [("Asian", 3, REASON)]
    assert by_race.unknown == 1  # person 20


def test_selection_by_intersection(report: BiasAuditReport) -> None:
    # Only male x White (1-5, 3 selected = 0.6) has 5 people: it is the reference and every
    # other intersection is small. Unknown: 19 (sex unknown, White) and 20.
    both = section(report, "selection:sex x race_ethnicity")
    assert rates(both) == {
        "female x Asian": (1, 0, 0.0),
        f"female x {BLACK}": (3, 1, 0.5556),  # (1/3) / 0.6
        "female x White": (4, 1, 0.4167),  # (1/4) / 0.6
        "male x Asian": (2, 0, 0.0),
        f"male x {BLACK}": (3, 1, 0.5556),
        "male x White": (5, 3, 1.0),
    }
    assert [r.category for r in both.rows if r.reference] == ["male x White"]
    assert [e.category for e in both.excluded] == [r.category for r in both.rows if r.small]
    assert len(both.excluded) == 5 and both.flagged == () and both.unknown == 2


def test_scoring_rates_use_the_median_of_the_people_with_a_score(report: BiasAuditReport) -> None:
    # 19 scores (person 20 has none); sorted, the 10th is 52 (person 19): the median.
    # Strictly above 52: 1, 2, 3, 4, 6, 9, 11, 15, 18.
    # sex: male 1, 2, 3, 4, 6, 9 of 10 = 0.6 (reference); female 11, 15, 18 of 8 = 0.375,
    # ratio 0.625 flagged; unknown: 19 only (20 is left out).
    by_sex = section(report, "scoring:sex")
    assert rates(by_sex) == {"female": (8, 3, 0.625), "male": (10, 6, 1.0)}
    assert by_sex.flagged == ("female",) and by_sex.unknown == 1
    assert any("median composite score of the board (52)" in note for note in by_sex.notes)
    assert "1 person has no composite score of the board: left out of this section." in (
        by_sex.notes
    )
    # race: White 1, 2, 3, 4, 11 of 10 (with 19) = 0.5 (reference); Black 6, 15 of 6 = 1/3,
    # ratio 0.6667 flagged; Asian 9, 18 of 3 = 2/3, ratio 1.3333, small.
    by_race = section(report, "scoring:race_ethnicity")
    assert rates(by_race) == {
        "Asian": (3, 2, 1.3333),
        BLACK: (6, 2, 0.6667),
        "White": (10, 5, 1.0),
    }
    assert by_race.flagged == (BLACK,) and by_race.unknown == 0
    # intersection: male x White 1-4 of 5 = 0.8 (reference); female x Asian 18: 1 of 1.
    both = section(report, "scoring:sex x race_ethnicity")
    assert rates(both)["male x White"] == (5, 4, 1.0)
    assert rates(both)["female x Asian"] == (1, 1, 1.25)
    assert rates(both)["male x Asian"] == (2, 1, 0.625)
    assert both.unknown == 1


def test_prominence_sections_audit_the_prominence_score_itself(report: BiasAuditReport) -> None:
    # 18 prominence scores (19 and 20 have none); sorted, the 9th and 10th are 55 and 60:
    # median 57.5. Above it: 1-8 and 11.
    # sex: male 8 of 10 = 0.8 (reference); female 1 of 8 = 0.125, ratio 0.15625 flagged.
    by_sex = section(report, "prominence:sex")
    assert rates(by_sex) == {"female": (8, 1, 0.1562), "male": (10, 8, 1.0)}
    assert by_sex.flagged == ("female",) and by_sex.unknown == 0
    assert any("median internal prominence score (57.5)" in note for note in by_sex.notes)
    assert "2 people have no internal prominence score: left out of this section." in (by_sex.notes)
    # race: White 1-5 and 11 of 9 = 2/3 (reference); Black 6, 7, 8 of 6 = 0.5, ratio 0.75
    # flagged; Asian 0 of 3, small.
    by_race = section(report, "prominence:race_ethnicity")
    assert rates(by_race) == {"Asian": (3, 0, 0.0), BLACK: (6, 3, 0.75), "White": (9, 6, 1.0)}
    assert by_race.flagged == (BLACK,)
    both = section(report, "prominence:sex x race_ethnicity")
    assert rates(both)["male x White"] == (5, 5, 1.0)
    assert rates(both)["female x White"] == (4, 1, 0.25)
    assert both.unknown == 0


def test_selection_by_age_band_and_disability(report: BiasAuditReport) -> None:
    # age: 40-49 (3, 6, 9, 12, 15, 18) 3 selected = 0.5 (reference); 30-39 2 of 6, ratio
    # 0.6667; under 30 1 of 6, ratio 0.3333: both flagged. 50 and over: person 19 alone, small.
    by_age = section(report, "selection:age_band")
    assert rates(by_age) == {
        "30-39": (6, 2, 0.6667),
        "40-49": (6, 3, 1.0),
        "50 and over": (1, 0, 0.0),
        "under 30": (6, 1, 0.3333),
    }
    assert by_age.flagged == ("30-39", "under 30") and by_age.unknown == 1
    assert [e.category for e in by_age.excluded] == ["50 and over"]
    # disability: no 5 of 15 = 1/3 (reference); yes (5, 10, 15) 1 of 3 = 1/3, small.
    by_disability = section(report, "selection:disability")
    assert rates(by_disability) == {"no": (15, 5, 1.0), "yes": (3, 1, 1.0)}
    assert by_disability.unknown == 2 and by_disability.flagged == ()


def test_warnings_name_external_prominence_and_silent_people(report: BiasAuditReport) -> None:
    assert report.warnings[0] == EXTERNAL_PROMINENCE_WARNING
    assert "Article 5(1)(c)" in EXTERNAL_PROMINENCE_WARNING
    assert any(
        w.startswith("No demographics reported for 1 of 20 people (5%") for w in report.warnings
    )
    quiet = build_report(pool(), meta(external_weighted=False))
    assert EXTERNAL_PROMINENCE_WARNING not in quiet.warnings


def test_scoring_sections_are_skipped_only_when_nobody_has_a_score() -> None:
    unscored = [
        AuditSubject(
            s.person_id,
            s.selected,
            None,
            s.prominence,
            s.sex,
            s.race_ethnicity,
            s.age_band,
            s.disability,
        )
        for s in pool()
    ]
    report = build_report(unscored, meta())
    keys = [s.key for s in report.sections]
    assert not any(key.startswith("scoring:") for key in keys)
    assert "prominence:sex" in keys and len(keys) == 8
    assert (
        "The composite score of the board is missing for everyone in the pool: the scoring "
        "sections are left out." in report.warnings
    )


def test_a_nan_score_counts_as_missing_not_as_lowest() -> None:
    people = pool()
    people[0] = AuditSubject(1, True, math.nan, 95.0, "male", "White", "under 30", "no")
    by_sex = section(build_report(people, meta()), "scoring:sex")
    assert sum(r.n for r in by_sex.rows) + by_sex.unknown == 18
    assert "2 people have no composite score of the board: left out of this section." in (
        by_sex.notes
    )


def test_nobody_selected_gives_no_ratio_and_says_why() -> None:
    people = [
        AuditSubject(i, False, float(i), None, "female" if i % 2 else "male", None, None, None)
        for i in range(1, 21)
    ]
    report = build_report(people, meta())
    by_sex = section(report, "selection:sex")
    assert all(r.impact_ratio is None and r.four_fifths_flag is None for r in by_sex.rows)
    assert any("no impact ratio exists" in note for note in by_sex.notes)
    assert any(w.startswith("Nobody in the pool was promoted") for w in report.warnings)
    by_race = section(report, "selection:race_ethnicity")
    assert by_race.rows == () and by_race.unknown == 20
    assert "Nobody reported a category here: there is nothing to compare." in by_race.notes


def test_small_group_rule_is_applied_and_worded() -> None:
    lenient = SmallGroupRule(min_share=0.025, min_count=3)
    by_race = section(
        build_report(pool(), meta(), small_groups=lenient), "selection:race_ethnicity"
    )
    assert not row(by_race, "Asian").small and by_race.flagged == ("Asian",)
    by_age = section(build_report(pool(), meta(), small_groups=lenient), "selection:age_band")
    assert by_age.excluded[0].reason.startswith("fewer than 3 people or under 2.5% of the pool")


def test_empty_pool_and_backwards_period_are_refused() -> None:
    with pytest.raises(Invalid):
        build_report([], meta())
    with pytest.raises(ValueError, match="before it starts"):
        AuditMeta(
            "t",
            "o",
            "s",
            "sel",
            "score",
            "src",
            date(2026, 2, 1),
            date(2026, 1, 1),
            datetime(2026, 1, 1, tzinfo=UTC),
            False,
        )


def _read_csv(text: str) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    header: dict[str, list[str]] = {}
    body = []
    for line in text.splitlines():
        if line.startswith("#"):
            key, _, value = line[2:].partition(": ")
            header.setdefault(key, []).append(value)
        else:
            body.append(line)
    return header, list(csv.DictReader(io.StringIO("\n".join(body))))


def test_csv_round_trip(report: BiasAuditReport) -> None:
    text = report_csv(report)
    header, rows = _read_csv(text)
    assert header["title"] == [report.meta.title]
    assert header["period"] == ["2026-01-01 to 2026-12-31"]
    assert header["external weighted"] == ["yes"]
    assert header["warning"] == list(report.warnings)
    assert header["excluded"] == [REASON]
    assert list(rows[0]) == list(CSV_COLUMNS)
    categories = [r for r in rows if not r["category"].startswith(("unknown", "excluded: "))]
    assert len(categories) == sum(len(s.rows) for s in report.sections)
    female = next(r for r in rows if r["section"] == "selection:sex" and r["category"] == "female")
    assert (female["n"], female["n_favourable"], female["rate"]) == ("8", "2", "0.2500")
    assert (female["impact_ratio"], female["four_fifths_flag"], female["small"]) == (
        "0.6250",
        "yes",
        "no",
    )
    assert float(female["fisher_p"]) == pytest.approx(fisher_two_sided(2, 8, 4, 10), rel=1e-3)
    male = next(r for r in rows if r["section"] == "selection:sex" and r["category"] == "male")
    assert (male["reference"], male["fisher_p"], male["z"]) == ("yes", "", "")
    unknown = [r for r in rows if r["category"] == "unknown"]
    assert len(unknown) == len(report.sections)
    assert next(r for r in unknown if r["section"] == "selection:sex")["n"] == "2"
    excluded = [r for r in rows if r["section"] == "selection:race_ethnicity"][-1]
    assert (excluded["category"], excluded["n"], excluded["rate"]) == ("excluded: Asian", "3", "")
    # Every number written for a category reads back to the model's value.
    for s in report.sections:
        written = {r["category"]: r for r in rows if r["section"] == s.key}
        for r in s.rows:
            assert int(written[r.category]["n"]) == r.n
            assert float(written[r.category]["rate"]) == pytest.approx(r.rate, abs=5e-5)


def test_csv_header_stays_one_line_and_defuses_formulas() -> None:
    people = [
        AuditSubject(i, i < 6, None, None, "=HYPERLINK(x)" if i < 10 else "male", None, None, None)
        for i in range(1, 21)
    ]
    odd_meta = AuditMeta(
        "Audit\nwith a break",
        "Org",
        "s",
        "picked",
        "score",
        "src",
        date(2026, 1, 1),
        date(2026, 1, 2),
        datetime(2026, 1, 3, tzinfo=UTC),
        False,
    )
    text = report_csv(build_report(people, odd_meta))
    assert "# title: Audit with a break\n" in text
    header, rows = _read_csv(text)
    assert "'=HYPERLINK(x)" in {r["category"] for r in rows}
    assert header["external weighted"] == ["no"]
