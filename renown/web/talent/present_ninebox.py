"""What the 9-box page draws: the Vega-Lite chart, the accessible 3x3 table, and who moved.

The chart places every candidate the viewer may calibrate in their cell (jittered by person
id, so a person stays at the same spot every time the page is drawn) and marks who was
moved in calibration; the table says the same without the chart. Audit actors
(``account:<id>``) are named by their e-mail on this page and on succession charts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import account_of_actor
from renown.store.tables.accounts import Account
from renown.talent.calibration import NineBox
from renown.talent.ninebox import BOX_NAMES, BOXES, Box
from renown.web.vega import chart

COMPUTED: Final = "As computed"
MOVED: Final = "Moved in calibration"
CELL_FILL: Final = {2: "#fbe9e7", 3: "#fdf3e1", 4: "#f4f6f9", 5: "#e8f3ec", 6: "#d9eee1"}
"""Background of a cell by the sum of its two levels: weak corner warm, strong corner green."""


def actor_labels(session: Session, org_id: int, actors: Iterable[str]) -> dict[str, str]:
    """How the page names the audit actors ``account:<id>``: the account's e-mail.

    Only accounts of ``org_id`` are looked up; anything else keeps its raw name.
    """
    wanted = {a: account for a in set(actors) if (account := account_of_actor(a)) is not None}
    found: dict[int, str] = {}
    if wanted:
        found = dict(
            session.execute(
                sa.select(Account.id, Account.email).where(
                    Account.id.in_(sorted(set(wanted.values()))), Account.org_id == org_id
                )
            ).all()
        )
    return {actor: found.get(account, actor) for actor, account in wanted.items()}


def _spread(person_id: int, factor: float) -> float:
    """A stable position 0.12..0.88 inside a cell, from the person id alone.

    Multiples of an irrational number modulo 1 spread evenly, so neighbours by id land
    apart and a person stays at the same spot every time the page is drawn.
    """
    return 0.12 + 0.76 * ((person_id * factor) % 1.0)


def _cells(view: NineBox) -> list[dict[str, Any]]:
    return [
        {
            "x0": perf - 1,
            "x1": perf,
            "y0": pot - 1,
            "y1": pot,
            "label": f"{BOX_NAMES[(perf, pot)]} ({view.counts.get((perf, pot), 0)})",
            "fill": CELL_FILL[perf + pot],
        }
        for perf, pot in BOXES
    ]


def chart_points(view: NineBox) -> list[dict[str, Any]]:
    """One point per placed candidate, jittered inside their cell by person id.

    Parameters
    ----------
    view:
        The round's 9-box as the viewer may see it.

    Returns
    -------
    list of dict
        ``person_id``, ``name``, ``department``, ``composite`` (one decimal, or ``None``),
        ``box`` (its name), ``status`` (computed or moved), ``x`` and ``y`` (0..3).
    """
    points = []
    for row in view.rows:
        if row.box is None:
            continue
        perf, pot = row.box
        points.append(
            {
                "person_id": row.person_id,
                "name": row.name,
                "department": row.department or "no department",
                "composite": None if row.composite is None else round(row.composite, 1),
                "box": BOX_NAMES[row.box],
                "status": MOVED if view.computed.get(row.person_id) != row.box else COMPUTED,
                "x": round(perf - 1 + _spread(row.person_id, 0.6180339887498949), 4),
                "y": round(pot - 1 + _spread(row.person_id, 0.7548776662466927), 4),
            }
        )
    return points


def _axis(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "values": [0.5, 1.5, 2.5],
        "labelExpr": "datum.value < 1 ? 'Low' : datum.value < 2 ? 'Moderate' : 'High'",
        "grid": False,
        "ticks": False,
        "domain": False,
    }


def ninebox_spec(view: NineBox) -> dict[str, Any]:
    """A Vega-Lite spec of the 9-box: named cells behind one point per placed candidate."""
    scale = {"domain": [0, 3], "nice": False, "zero": False}
    return chart(
        "9-box: performance against potential",
        420,
        {
            "layer": [
                {
                    "data": {"values": _cells(view)},
                    "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 3},
                    "encoding": {
                        "x": {"field": "x0", "type": "quantitative", "scale": scale},
                        "x2": {"field": "x1"},
                        "y": {"field": "y0", "type": "quantitative", "scale": scale},
                        "y2": {"field": "y1"},
                        "color": {"field": "fill", "type": "nominal", "scale": None},
                    },
                },
                {
                    "data": {"values": _cells(view)},
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "baseline": "top",
                        "dx": 6,
                        "dy": 6,
                        "fontWeight": 600,
                        "color": "#4a5568",
                        # A cell's name stops at its cell's edge (an ellipsis on a phone,
                        # where the names ran into the next cell).
                        "limit": {"expr": "width / 3 - 10"},
                    },
                    "encoding": {
                        "x": {"field": "x0", "type": "quantitative", "axis": _axis("Performance")},
                        "y": {"field": "y1", "type": "quantitative", "axis": _axis("Potential")},
                        "text": {"field": "label"},
                    },
                },
                {
                    "name": "candidates",
                    "data": {"values": chart_points(view)},
                    "mark": {
                        "type": "point",
                        "filled": True,
                        "size": 110,
                        "opacity": 0.9,
                        "cursor": "pointer",
                    },
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative"},
                        "y": {"field": "y", "type": "quantitative"},
                        "shape": {
                            "field": "status",
                            "type": "nominal",
                            "scale": {"domain": [COMPUTED, MOVED], "range": ["circle", "diamond"]},
                            "legend": {"title": None, "orient": "bottom"},
                        },
                        "color": {
                            "field": "status",
                            "type": "nominal",
                            "scale": {"domain": [COMPUTED, MOVED], "range": ["#3b528b", "#c2410c"]},
                            "legend": {"title": None, "orient": "bottom"},
                        },
                        "tooltip": [
                            {"field": "name", "title": "Name"},
                            {"field": "department", "title": "Department"},
                            {"field": "composite", "title": "Composite", "format": ".1f"},
                            {"field": "box", "title": "Cell"},
                            {"field": "status", "title": "Placement"},
                        ],
                    },
                },
            ],
        },
        axes={"labelColor": "#4a5568", "titleColor": "#1b2330", "labelFontSize": 12},
    )


def grid(view: NineBox) -> list[list[tuple[Box, str, list[Any]]]]:
    """Rows of the accessible table: high potential first, low performance first."""
    people: dict[Box, list[Any]] = {box: [] for box in BOXES}
    for row in view.rows:
        if row.box is not None:
            people[row.box].append(row)
    return [
        [((perf, pot), BOX_NAMES[(perf, pot)], people[(perf, pot)]) for perf in (1, 2, 3)]
        for pot in (3, 2, 1)
    ]
