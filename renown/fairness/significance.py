"""Is a group's lower rate more than chance? Two tests against the reference group.

The four-fifths rule of the Uniform Guidelines on Employee Selection Procedures
(29 CFR 1607.4(D)) is a rule of thumb: it says that "smaller differences in selection rate
may nevertheless constitute adverse impact, where they are significant in both statistical
and practical terms", and that greater differences may not, where they rest on small
numbers. So every group's rate is also compared with the reference group's by

* Fisher's exact test (:func:`scipy.stats.fisher_exact`), exact at any sample size, the one
  to read for small groups;
* the pooled two-proportion z-test, the "number of standard deviations" figure that
  reviewers and courts are used to (|z| > 2 is the usual bar), reliable for large groups.

Both are reported with the two sample sizes they rest on, because a p-value without its
sample sizes invites over-reading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True, slots=True)
class RateComparison:
    """One group's favourable-outcome rate compared with the reference group's.

    Attributes
    ----------
    n_group, favourable_group:
        Size of the group and how many of it had the favourable outcome.
    n_reference, favourable_reference:
        The same for the reference group.
    fisher_p:
        Two-sided p-value of Fisher's exact test on the 2x2 table.
    z:
        Pooled two-proportion z statistic, group minus reference (negative: the group does
        worse). ``None`` when both groups have the same all-or-nothing rate (0 or 1), where
        the pooled standard error is zero and z is undefined.
    z_p:
        Two-sided p-value of ``z`` under the normal approximation; ``None`` with ``z``.
    """

    n_group: int
    favourable_group: int
    n_reference: int
    favourable_reference: int
    fisher_p: float
    z: float | None
    z_p: float | None


def _check_counts(favourable: int, n: int, label: str) -> None:
    if n <= 0:
        raise ValueError(f"{label}: a group needs at least one person (n = {n})")
    if not 0 <= favourable <= n:
        raise ValueError(f"{label}: favourable count {favourable} is not within 0..{n}")


def fisher_exact_p(favourable_a: int, n_a: int, favourable_b: int, n_b: int) -> float:
    """Two-sided Fisher's exact p-value for two groups' favourable-outcome counts.

    The 2x2 table is ``[[favourable_a, n_a - favourable_a], [favourable_b, n_b -
    favourable_b]]``; the test conditions on the margins, so it stays exact for the small
    groups the four-fifths rule warns about.
    """
    _check_counts(favourable_a, n_a, "group")
    _check_counts(favourable_b, n_b, "reference")
    table = np.array(
        [[favourable_a, n_a - favourable_a], [favourable_b, n_b - favourable_b]], dtype=np.int64
    )
    result = stats.fisher_exact(table, alternative="two-sided")
    return min(1.0, float(result.pvalue))


def two_proportion_z(
    favourable_a: int, n_a: int, favourable_b: int, n_b: int
) -> tuple[float | None, float | None]:
    """Pooled two-proportion z statistic (a minus b) and its two-sided p-value.

    ``z = (p_a - p_b) / sqrt(p (1 - p) (1/n_a + 1/n_b))`` with ``p`` the pooled rate. The
    pooled form is the one under the null hypothesis of equal rates, which is what is being
    tested. Returns ``(None, None)`` when the pooled rate is 0 or 1: then both groups have
    the same rate, nothing can be tested, and a made-up 0 would look like evidence.
    """
    _check_counts(favourable_a, n_a, "group")
    _check_counts(favourable_b, n_b, "reference")
    pooled = (favourable_a + favourable_b) / (n_a + n_b)
    variance = pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b)
    if variance <= 0.0:
        return None, None
    z = (favourable_a / n_a - favourable_b / n_b) / math.sqrt(variance)
    return z, float(2.0 * stats.norm.sf(abs(z)))


def compare_rates(
    favourable_group: int, n_group: int, favourable_reference: int, n_reference: int
) -> RateComparison:
    """Both tests of one group against the reference group, with the sample sizes."""
    z, z_p = two_proportion_z(favourable_group, n_group, favourable_reference, n_reference)
    return RateComparison(
        n_group=n_group,
        favourable_group=favourable_group,
        n_reference=n_reference,
        favourable_reference=favourable_reference,
        fisher_p=fisher_exact_p(favourable_group, n_group, favourable_reference, n_reference),
        z=z,
        z_p=z_p,
    )
