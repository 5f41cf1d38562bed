"""Two people calibrating one session at once: HR and a manager, each in their own browser.

A reviewer found the 9-box going stale under them: after HR moved Sam, the manager's page
still drew Sam in the old cell, preset the move form from it, and accepted the manager's
move over HR's without a word. A move now carries the cell its mover saw the person in and
is refused, saying who moved them where and when, when that is no longer their cell (409
for the API); the page's poll answers 204 while nothing moved and otherwise sends the grid
and the table of cells along with the moves; the picker's matches carry each person's cell
as the server knows it. The Grid Lab of ``test_talent_ninebox_picker`` is the room.
"""

# ruff: noqa: F811 - the tests take the imported ``lab`` fixture

from __future__ import annotations

import html
import re
from datetime import datetime

import httpx
import sqlalchemy as sa
from starlette.testclient import TestClient

from renown.core.roles import Role
from renown.store.tables.accounts import Account
from renown.store.tables.audit import AuditEntry
from renown.store.tables.org import Person
from renown.store.tables.talent import CalibrationMove
from renown.talent.ninebox import BOX_NAMES, BOXES, Box
from tests.web.conftest import Platform
from tests.web.test_talent_ninebox_picker import (  # noqa: F401 - lab: the fixture
    HTMX,
    GridLab,
    _boxes,
    _ninebox,
    _search,
    lab,
)

API = "/api/v1"
POLL = re.compile(r'data-ninebox-poll="([^"]*)"')


def _other_cell(*avoid: Box) -> Box:
    return next(box for box in reversed(BOXES) if box not in avoid)


def _moves_url(lab: GridLab) -> str:
    return f"/talent/rounds/{lab.round_id}/calibration/{lab.session_id}/moves"


def _post_move(
    client: TestClient, lab: GridLab, person: int, to: Box, seen: Box, reason: str, **headers: str
) -> httpx.Response:
    return client.post(
        _moves_url(lab),
        data={
            "person_id": str(person),
            "performance": str(to[0]),
            "potential": str(to[1]),
            "from_performance": str(seen[0]),
            "from_potential": str(seen[1]),
            "reason": reason,
        },
        headers=headers,
    )


def _audited_moves(platform: Platform) -> int:
    with platform.sessions() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(
                    AuditEntry.action == "talent.calibration.move"
                )
            )
            or 0
        )


def _last_move(platform: Platform, person: int) -> CalibrationMove:
    with platform.sessions() as session:
        move = session.scalars(
            sa.select(CalibrationMove)
            .where(CalibrationMove.person_id == person)
            .order_by(CalibrationMove.id.desc())
            .limit(1)
        ).one()
        session.expunge(move)
        return move


def _hr_name(platform: Platform) -> str:
    """How a colleague knows the HR account: its person's name, else its e-mail."""
    with platform.sessions() as session:
        email, name = session.execute(
            sa.select(Account.email, Person.name)
            .outerjoin(Person, Person.id == Account.person_id)
            .where(Account.id == platform.members[Role.HR].account_id)
        ).one()
    return str(name or email)


def _stale_sentence(platform: Platform, person: int, name: str) -> re.Pattern[str]:
    """The sentence of a move refused because HR moved ``person`` since (the day is said
    only when the move was not today)."""
    last = _last_move(platform, person)
    cell = BOX_NAMES[(last.to_performance, last.to_potential)]
    at: datetime = last.moved_at
    return re.compile(
        re.escape(f"{name} was moved to {cell} by {_hr_name(platform)} ")
        + r"(on \d\d \w{3} \d{4} )?"
        + re.escape(f"at {at:%H:%M} UTC while you were choosing; check and move again.")
    )


def _form(page: str) -> str:
    return page[page.index("data-calibration-form") :].split("</form>", 1)[0]


def _selected(form: str, field: str) -> str:
    select = form[form.index(f'<select name="{field}"') :].split("</select>", 1)[0]
    found = re.search(r'<option value="(\d)" selected>', select)
    assert found, f"no {field} level preset"
    return found.group(1)


def _hidden(form: str, field: str) -> str:
    found = re.search(rf'name="{field}" value="([^"]*)"', form)
    assert found, f"no {field} in the form"
    return found.group(1)


def test_a_move_chosen_on_a_stale_grid_is_refused_and_changes_nothing(
    platform: Platform, lab: GridLab
) -> None:
    person = lab.rivera_north  # in the manager's line: both may move him
    seen = _boxes(platform, lab)[person]
    manager, hr = platform.browser(Role.MANAGER), platform.browser(Role.HR)
    chosen = manager.get(f"{_ninebox(lab)}?session_id={lab.session_id}&pick={person}").text
    form = _form(chosen)
    assert (_hidden(form, "from_performance"), _hidden(form, "from_potential")) == tuple(
        map(str, seen)
    ), "the form says which cell the manager sees Sam in"

    hr_cell = _other_cell(seen)
    moved = _post_move(hr, lab, person, hr_cell, seen, "HR: led the grid migration")
    assert moved.status_code == 303
    audited = _audited_moves(platform)

    manager_cell = _other_cell(seen, hr_cell)
    reason = "Manager: ready to lead the south grid"
    refused = _post_move(manager, lab, person, manager_cell, seen, reason)
    text = refused.text
    assert refused.status_code == 422, text
    assert _stale_sentence(platform, person, "Sam Rivera").search(html.unescape(text)), text
    assert _boxes(platform, lab)[person] == hr_cell, "HR's move stands"
    assert _audited_moves(platform) == audited, "a refused move is not in the audit log"
    form = _form(text)
    assert reason in form, "the typed reason stays"
    assert f'name="person_id" value="{person}" data-picker-value' in form
    now = tuple(map(str, hr_cell))
    assert (_selected(form, "performance"), _selected(form, "potential")) == now
    assert (_hidden(form, "from_performance"), _hidden(form, "from_potential")) == now
    assert 'id="performance-field" aria-invalid="true"' in form

    # Checked again, as the sentence asks, the manager's move goes through.
    again = _post_move(manager, lab, person, manager_cell, hr_cell, reason)
    assert again.status_code == 303
    assert _boxes(platform, lab)[person] == manager_cell
    assert _audited_moves(platform) == audited + 1


def test_htmx_gives_the_stale_move_back_in_the_workspace(platform: Platform, lab: GridLab) -> None:
    person = lab.ids[5]
    seen = _boxes(platform, lab)[person]
    hr = platform.browser(Role.HR)
    first = _other_cell(seen)
    assert _post_move(hr, lab, person, first, seen, "First look").status_code == 303
    refused = _post_move(hr, lab, person, _other_cell(seen, first), seen, "Second tab", **HTMX)
    text = refused.text
    assert refused.status_code == 422
    assert 'id="ninebox-workspace"' in text and "<html" not in text
    assert "while you were choosing; check and move again." in text
    assert "by you at" in text, "one's own move in another tab is named as one's own"
    assert _boxes(platform, lab)[person] == first


def test_the_api_answers_409_to_a_move_on_a_stale_cell(platform: Platform, lab: GridLab) -> None:
    person = lab.ids[7]
    seen = _boxes(platform, lab)[person]
    api = platform.bearer(Role.HR)
    url = f"{API}{_moves_url(lab)}"
    first = _other_cell(seen)
    body = {"person_id": person, "performance": first[0], "potential": first[1]}
    seen_fields = {"from_performance": seen[0], "from_potential": seen[1]}
    made = api.post(url, json=body | seen_fields | {"reason": "Moved through the API"})
    assert made.status_code == 201, made.text
    audited = _audited_moves(platform)

    target = _other_cell(seen, first)
    again = {"person_id": person, "performance": target[0], "potential": target[1]}
    stale = api.post(url, json=again | seen_fields | {"reason": "Chosen on the old grid"})
    assert stale.status_code == 409, stale.text
    detail = stale.json()["detail"]
    assert f"Grid Tester 07 was moved to {BOX_NAMES[first]} by you at " in detail
    assert _boxes(platform, lab)[person] == first
    assert _audited_moves(platform) == audited

    half = api.post(url, json=again | {"from_performance": first[0], "reason": "Half a cell"})
    assert half.status_code == 422
    unsaid = api.post(url, json=again | {"reason": "A client that does not say what it saw"})
    assert unsaid.status_code == 201, unsaid.text
    assert _boxes(platform, lab)[person] == target


def _poll(client: TestClient, lab: GridLab, seen: str) -> httpx.Response:
    return client.get(
        f"{_ninebox(lab)}/shift",
        params={"session_id": lab.session_id, "seen": seen},
        headers=HTMX,
    )


def test_the_poll_sends_the_grid_and_the_cells_only_when_someone_moved(
    platform: Platform, lab: GridLab
) -> None:
    person = lab.ids[9]
    hr, manager = platform.browser(Role.HR), platform.browser(Role.MANAGER)
    page = hr.get(f"{_ninebox(lab)}?session_id={lab.session_id}").text
    version = POLL.search(page)
    assert version, "the page polls with the session's version"
    quiet = _poll(hr, lab, version.group(1))
    assert quiet.status_code == 204 and quiet.text == ""
    manager_version = POLL.search(manager.get(f"{_ninebox(lab)}?session_id={lab.session_id}").text)
    assert manager_version

    seen = _boxes(platform, lab)[person]
    target = _other_cell(seen)
    assert _post_move(hr, lab, person, target, seen, "Moved by HR").status_code == 303
    changed = _poll(hr, lab, version.group(1))
    text = changed.text
    assert changed.status_code == 200
    assert '<section id="ninebox-grid"' in text and '<section id="ninebox-cells"' in text
    assert text.count('hx-swap-oob="true"') == 2
    entry = re.search(rf'data-select-person="{person}"[^>]*>', text)
    assert entry, "the table of cells comes along"
    assert f'data-performance="{target[0]}" data-potential="{target[1]}"' in entry.group(0)
    newer = POLL.search(text)
    assert newer and newer.group(1) != version.group(1), "the next poll asks from here"
    assert _poll(hr, lab, newer.group(1)).status_code == 204
    # Grid Tester 09 is not in the manager's line: their page has nothing new to draw.
    unseen = _poll(manager, lab, manager_version.group(1))
    assert unseen.status_code == 204


def test_the_picker_presets_from_the_cell_the_server_knows(
    platform: Platform, lab: GridLab
) -> None:
    person = lab.rivera_north
    manager, hr = platform.browser(Role.MANAGER), platform.browser(Role.HR)
    seen = _boxes(platform, lab)[person]
    target = _other_cell(seen)
    assert _post_move(hr, lab, person, target, seen, "Moved by HR").status_code == 303
    found = manager.get(_search(lab, "rivera"), headers=HTMX).text
    match = re.search(rf'data-pick-person="{person}"[^>]*>', found)
    assert match
    assert f'data-performance="{target[0]}" data-potential="{target[1]}"' in match.group(0)
