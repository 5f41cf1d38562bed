"""The bias-audit report: hand-counted rates and ratios for every kind of section, and CSV.

The fixture is a pool of 20 people (ids 1-20, table ``_TABLE``), small enough to count on
paper ("Black" is "Black or African American" in the data). Expected values are worked out
in the comments of each test; the small-group rule is the default (fewer than 5 people, or
under 2 % of the people in the section). Categories of fewer than 5 people are not
published: they are merged, with as many others as it takes so that none can be worked out
from the totals, into one suppressed row per section.
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
SUPPRESSION = (
    "categories of fewer than 5 people are not published: next to the list of who was "
    "promoted, they would reveal their people's answers; others are held back with them so "
    "that none can be worked out from the totals"
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


def suppressed(section: AuditSection) -> tuple[tuple[str, ...], int, int, bool]:
    """(names, people, favourable, unknowns merged in) of a section's suppressed row."""
    assert section.suppressed is not None
    held = section.suppressed
    return held.categories, held.n, held.n_favourable, held.with_unknown


def test_selection_by_race_suppresses_the_small_category_and_the_next_smallest(
    report: BiasAuditReport,
) -> None:
    # White: 1, 2, 3, 11 of 10 = 0.40 (reference); Asian: 3 people, fewer than 5: not
    # published. Alone in its row it would be the pool minus the others, so Black (6, the
    # smallest other category; 6 and 15 selected) is held back with it: 9 people, 2 selected.
    by_race = section(report, "selection:race_ethnicity")
    assert rates(by_race) == {"White": (10, 4, 1.0)}
    assert suppressed(by_race) == (("Asian", BLACK), 9, 2, False)
    assert by_race.suppressed is not None and by_race.suppressed.reason == SUPPRESSION
    assert (by_race.flagged, by_race.excluded, by_race.unknown) == ((), (), 1)  # unknown: 20


def test_selection_by_intersection(report: BiasAuditReport) -> None:
    # Only male x White (1-5, 3 selected = 0.6) has 5 people: it is published and the
    # reference; the other five intersections (1, 3, 4, 2 and 3 people) are merged: 13 people,
    # 3 selected (6, 11, 15). Unknown: 19 (sex unknown, White) and 20.
    both = section(report, "selection:sex x race_ethnicity")
    assert rates(both) == {"male x White": (5, 3, 1.0)}
    assert row(both, "male x White").reference
    names = ("female x Asian", f"female x {BLACK}", "female x White", "male x Asian")
    assert suppressed(both) == ((*names, f"male x {BLACK}"), 13, 3, False)
    assert both.excluded == () and both.flagged == () and both.unknown == 2


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
    # race: White 1, 2, 3, 4, 11 of 10 (with 19) = 0.5 (reference); Asian (9, 18 above, of
    # 3) is too small and Black (6, 15 above, of 6) is held back with it: 9 people, 4 above.
    by_race = section(report, "scoring:race_ethnicity")
    assert rates(by_race) == {"White": (10, 5, 1.0)}
    assert suppressed(by_race) == (("Asian", BLACK), 9, 4, False)
    assert by_race.flagged == () and by_race.unknown == 0
    # intersection: male x White 1-4 of 5 = 0.8 (reference); the others merged: 13 people,
    # 5 above the median (6, 9, 11, 15, 18).
    both = section(report, "scoring:sex x race_ethnicity")
    assert rates(both) == {"male x White": (5, 4, 1.0)}
    assert suppressed(both)[1:] == (13, 5, False)
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
    # race: Asian (3) is too small. White (9 with a prominence score) would show, next to the
    # 10 White people of the selection sections, that exactly one White person has no score
    # (19): the people without a score are known to whoever ran the round, so that would
    # reveal 19's answer. White is held back too, and Black with them (a merged row of two
    # categories is the pool minus the third): nothing is published by race.
    by_race = section(report, "prominence:race_ethnicity")
    assert by_race.rows == ()
    assert suppressed(by_race) == (("Asian", BLACK, "White"), 18, 9, False)
    assert "Every category here is held back" in " ".join(by_race.notes)
    both = section(report, "prominence:sex x race_ethnicity")
    assert rates(both) == {"male x White": (5, 5, 1.0)}
    assert suppressed(both)[1:] == (13, 4, False)  # 6, 7, 8 and 11 above the median
    assert both.unknown == 0


def test_selection_by_age_band_and_disability(report: BiasAuditReport) -> None:
    # age: 40-49 (3, 6, 9, 12, 15, 18) 3 selected = 0.5 (reference); under 30 1 of 6, ratio
    # 0.3333, flagged. 50 and over is person 19 alone: held back, with 30-39 (6, the
    # smallest other; 2 and 11 selected). Unknown: 20.
    by_age = section(report, "selection:age_band")
    assert rates(by_age) == {"40-49": (6, 3, 1.0), "under 30": (6, 1, 0.3333)}
    assert suppressed(by_age) == (("30-39", "50 and over"), 7, 2, False)
    assert by_age.flagged == ("under 30",) and by_age.unknown == 1
    # disability: no 5 of 15 = 1/3 (reference); yes (5, 10, 15; 15 selected) is too small.
    # Held back with the two unknowns (19, 20) rather than with "no", the reference: 5
    # people, 1 selected, and no unknown count of its own.
    by_disability = section(report, "selection:disability")
    assert rates(by_disability) == {"no": (15, 5, 1.0)}
    assert suppressed(by_disability) == (("yes",), 5, 1, True)
    assert by_disability.unknown is None and by_disability.flagged == ()


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
    assert by_sex.suppressed is not None and by_sex.unknown is not None
    assert sum(r.n for r in by_sex.rows) + by_sex.suppressed.n + by_sex.unknown == 18
    assert "2 people have no composite score of the board: left out of this section." in (
        by_sex.notes
    )
    # Person 1 (male) is the only man without a score: 10 men in the selection sections
    # and 9 here would tell who. Both sexes are held back in this section.
    assert by_sex.rows == () and by_sex.suppressed.categories == ("female", "male")


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
    # Categories under 20 % of the pool (4 people) are small: compared with nobody, yet
    # published when they have at least 3 people (the rule's count).
    lenient = SmallGroupRule(min_share=0.2, min_count=3)
    by_disability = section(
        build_report(pool(), meta(), small_groups=lenient), "selection:disability"
    )
    assert rates(by_disability) == {"no": (15, 5, 1.0), "yes": (3, 1, 1.0)}
    assert row(by_disability, "yes").small and by_disability.suppressed is None
    assert by_disability.excluded[0].reason.startswith(
        "fewer than 3 people or under 20% of the pool"
    )
    with pytest.raises(ValueError, match="category of one"):
        build_report(pool(), meta(), small_groups=SmallGroupRule(min_count=1))


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
    assert "excluded" not in header  # no small category is published here
    assert header["suppressed"] == [SUPPRESSION]
    assert list(rows[0]) == list(CSV_COLUMNS)
    prefixes = ("unknown", "excluded: ", "suppressed: ")
    categories = [r for r in rows if not r["category"].startswith(prefixes)]
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
    assert len(unknown) == sum(s.unknown is not None for s in report.sections)
    assert next(r for r in unknown if r["section"] == "selection:sex")["n"] == "2"
    held = [r for r in rows if r["section"] == "selection:race_ethnicity"][-1]
    assert (held["category"], held["n"], held["n_favourable"], held["rate"]) == (
        f"suppressed: Asian; {BLACK}",
        "9",
        "2",
        "",
    )
    merged = next(r for r in rows if r["category"].startswith("suppressed: yes"))
    assert (merged["category"], merged["n"]) == ("suppressed: yes; unknown", "5")
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


def test_an_intersection_cannot_be_worked_out_from_the_margins() -> None:
    # Everyone reported both: men 6 White and 3 Black, women 4 White, 3 Black and 1 Asian.
    # Hiding only the small intersections would leave "male x Black" = men (9) minus
    # "male x White" (6): the margins are totals too.
    cells = {("male", "White"): 6, ("female", "White"): 4, ("male", BLACK): 3}
    cells |= {("female", BLACK): 3, ("female", "Asian"): 1}
    kinds = [(sex, race, index % 2 == 0) for (sex, race), n in cells.items() for index in range(n)]
    people = [
        AuditSubject(pid, chosen, None, None, sex, race, None, None)
        for pid, (sex, race, chosen) in enumerate(kinds, start=1)
    ]
    report = build_report(people, meta())
    both = section(report, "selection:sex x race_ethnicity")
    assert all(r.n >= 5 for s in report.sections for r in s.rows)
    held = set(both.suppressed.categories if both.suppressed else ())
    for margin, position in (("selection:sex", 0), ("selection:race_ethnicity", 1)):
        for shown in section(report, margin).rows:
            hidden = [c for c in held if c.split(" x ")[position] == shown.category]
            assert len(hidden) != 1, (margin, shown.category, hidden)
