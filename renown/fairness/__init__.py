"""Fairness audits of selections and scores (pure compute).

:func:`impact_table` turns a table of people (demographics plus a selection or a score)
into per-group selection or scoring rates, impact ratios, the four-fifths flag of the
Uniform Guidelines on Employee Selection Procedures (29 CFR 1607.4(D)) and significance
tests, in the shape New York City Local Law 144 bias audits report (6 RCNY 5-300/5-301).
"""

from renown.fairness.audit import IMPACT_TABLE_COLUMNS, impact_table
from renown.fairness.rates import FOUR_FIFTHS, UNKNOWN_LABEL, SmallGroupRule
from renown.fairness.significance import (
    RateComparison,
    compare_rates,
    fisher_exact_p,
    two_proportion_z,
)

__all__ = [
    "FOUR_FIFTHS",
    "IMPACT_TABLE_COLUMNS",
    "UNKNOWN_LABEL",
    "RateComparison",
    "SmallGroupRule",
    "compare_rates",
    "fisher_exact_p",
    "impact_table",
    "two_proportion_z",
]
