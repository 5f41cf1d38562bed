"""Stack Exchange badges in renown's rule language, and how well they match the site.

The proof that the language is expressive enough: the site's own badges, written from
their documented criteria in ``stackexchange.toml`` (never fitted to a dump's awards),
evaluated over facts read from a public dump (``renown.datasets.stackexchange_badges``)
and compared per badge, by user, with the awards the site really made.

Badges whose inputs the dump does not hold are listed in :data:`UNAVAILABLE` with the
reason, so every badge of the site is accounted for.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from typing import Final

import polars as pl

from renown.badges.language import parse_rules
from renown.badges.rules import Badge

TARGET: Final = 0.95
"""Precision and recall expected of every badge whose inputs are complete."""

UNAVAILABLE: Final[dict[str, str]] = {
    "Informed": "reading the tour page is not recorded in the dump",
    "Custodian": "review tasks (the review queues) are not in the dump",
    "Precognitive": "Area 51 commitments are not in the dump",
    "Beta": "the private-beta activity threshold is not documented",
    "Citizen Patrol": "flags are not in the dump",
    "Enthusiast": "daily visits are not in the dump (only the last access)",
    "Fanatic": "daily visits are not in the dump (only the last access)",
    "Quorum": "meta site posts are not in the dump",
    "Convention": "meta site posts are not in the dump",
    "Organizer": "retags are PostHistory events, not in the dump",
    "Talkative": "chat messages are not in the dump",
    "Suffrage": "votes carry no voter, so votes per user per day are unknown",
    "Vox Populi": "votes carry no voter, so votes per user per day are unknown",
    "Electorate": "votes carry no voter, so votes on questions per user are unknown",
    "Explainer": (
        "needs the time of the user's own edit of the question (only the last editor is "
        "in the dump) within 12 hours of their answer"
    ),
    "Cleanup": "rollbacks are PostHistory events, not in the dump",
    "Peer Pressure": "deleted posts are not in the dump",
    "Disciplined": "deleted posts are not in the dump",
    "Proofreader": "suggested-edit reviews are not in the dump",
    "Announcer": "visits from shared links (unique IP addresses) are not in the dump",
    "Synonymizer": "tag synonyms are not in the dump",
    "Populist": (
        "compares two answers' scores at the same moment (outscoring the accepted answer "
        "by 2x): the facts hold each post's score but the language has no cross-post rule"
    ),
}
"""Site badges renown cannot express on a dump, with the reason."""


def load_stackexchange_rules() -> tuple[Badge, ...]:
    """The Stack Exchange badges expressible on a dump (``stackexchange.toml``)."""
    resource = files("renown.badges").joinpath("stackexchange.toml")
    return parse_rules(
        resource.read_text(encoding="utf-8"), source="renown/badges/stackexchange.toml"
    )


def agreement(
    rules: Sequence[Badge], renown_awards: pl.DataFrame, site_awards: pl.DataFrame
) -> pl.DataFrame:
    """Per site badge: renown's awards against the site's, by user.

    ``renown_awards`` has the award columns (``badge`` is a rule id); ``site_awards`` has
    ``user`` and ``badge`` (the site's name). Rules name their site badge in
    ``meta.site_name`` and their inputs in ``meta.inputs`` (``complete``/``partial``).
    Returns one row per rule and per other site badge: awards and users on each side, true
    positives (users on both), precision, recall, inputs and a verdict.
    """
    names = {badge.id: badge.meta.get("site_name", badge.name) for badge in rules}
    ours = renown_awards.select(
        pl.col("badge").replace_strict(names, default=None).alias("badge"), "user"
    )
    rows = []
    for badge in rules:
        name = names[badge.id]
        mine = ours.filter(pl.col("badge") == name)["user"]
        real = site_awards.filter(pl.col("badge") == name)["user"]
        inputs = badge.meta.get("inputs", "partial")
        rows.append(_row(name, badge.id, inputs, mine, real, badge.meta.get("missing", "")))
    covered = set(names.values())
    for name in sorted(set(site_awards["badge"]) - covered):
        real = site_awards.filter(pl.col("badge") == name)["user"]
        reason = UNAVAILABLE.get(name, "")
        rows.append(_row(name, None, "none", pl.Series([], dtype=pl.String), real, reason))
    return pl.DataFrame(rows, schema=AGREEMENT_SCHEMA, orient="row")


AGREEMENT_SCHEMA: Final[dict[str, pl.DataType]] = {
    "site_badge": pl.String(),
    "rule": pl.String(),
    "inputs": pl.String(),
    "renown_awards": pl.Int64(),
    "site_awards": pl.Int64(),
    "renown_users": pl.Int64(),
    "site_users": pl.Int64(),
    "true_positives": pl.Int64(),
    "precision": pl.Float64(),
    "recall": pl.Float64(),
    "verdict": pl.String(),
    "note": pl.String(),
}


def _row(
    name: str, rule: str | None, inputs: str, mine: pl.Series, real: pl.Series, note: str
) -> tuple[object, ...]:
    mine_users, real_users = set(mine.to_list()), set(real.to_list())
    hits = len(mine_users & real_users)
    precision = hits / len(mine_users) if mine_users else None
    recall = hits / len(real_users) if real_users else None
    if inputs == "none":
        verdict = "not expressible" if note else "UNEXPLAINED"
    elif not mine_users and not real_users:
        verdict = "agree (nobody earned it)"
    elif inputs == "complete":
        good = all(v is not None and v >= TARGET for v in (precision, recall))
        verdict = "meets 95%" if good else "BELOW 95%"
    else:
        verdict = "partial inputs"
    return (
        name,
        rule,
        inputs,
        mine.len(),
        real.len(),
        len(mine_users),
        len(real_users),
        hits,
        precision,
        recall,
        verdict,
        note,
    )


def agreement_markdown(table: pl.DataFrame) -> str:
    """The agreement table as a Markdown table (numbers rounded for reading)."""

    def percent(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f}%"

    lines = [
        "| site badge | inputs | renown awards (users) | site awards (users) | both | "
        "precision | recall | verdict | note |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in table.iter_rows(named=True):
        lines.append(
            f"| {row['site_badge']} | {row['inputs']} "
            f"| {row['renown_awards']} ({row['renown_users']}) "
            f"| {row['site_awards']} ({row['site_users']}) | {row['true_positives']} "
            f"| {percent(row['precision'])} | {percent(row['recall'])} "
            f"| {row['verdict']} | {row['note'].replace('|', '/')} |"
        )
    return "\n".join(lines) + "\n"
