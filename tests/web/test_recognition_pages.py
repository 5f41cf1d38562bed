"""The recognition pages: the kudos wall with its form, htmx reactions and comments,
withdrawal, the badge catalogue, badges on profiles, and HR's ring review."""

from __future__ import annotations

import re
from typing import Any

from renown.core.clock import SystemClock
from renown.core.roles import Role
from renown.recognition.badges import do_evaluate_badges
from renown.store.tables.org import Person
from tests.web.conftest import Platform, add_kudos, add_ring

HTMX = {"HX-Request": "true"}


def nav_links(html: str) -> set[str]:
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    return set(re.findall(r'href="([^"]+)"', nav))


def test_wall_shows_the_form_the_budget_and_the_nav_links(platform: Platform) -> None:
    page = platform.browser(Role.EMPLOYEE).get("/kudos")
    assert page.status_code == 200
    assert 'action="/kudos"' in page.text and 'name="csrf_token"' in page.text
    assert "kudos left this month" in page.text
    assert 'hx-get="/kudos/people-search"' in page.text
    assert "/kudos" in nav_links(page.text) and "/rings" not in nav_links(page.text)
    hr_page = platform.browser(Role.HR).get("/kudos")
    assert {"/kudos", "/rings"} <= nav_links(hr_page.text)


def test_receiver_search_offers_visible_colleagues_but_not_me(platform: Platform) -> None:
    client = platform.browser(Role.MANAGER)
    with platform.sessions() as session:
        report = session.get(Person, platform.cast.report)
        me = session.get(Person, platform.cast.manager)
        assert report is not None and me is not None
        report_name, my_name = report.name, me.name
    found = client.get("/kudos/people-search", params={"q": report_name}, headers=HTMX)
    assert found.status_code == 200
    assert f'name="receiver_id" value="{platform.cast.report}"' in found.text
    mine = client.get("/kudos/people-search", params={"q": my_name}, headers=HTMX)
    assert f'value="{platform.cast.manager}"' not in mine.text
    assert client.get("/kudos/people-search", headers=HTMX).text.strip() == ""


def test_giving_kudos_through_the_form(platform: Platform) -> None:
    client = platform.browser(Role.EMPLOYEE)
    answer = client.post(
        "/kudos", data={"receiver_id": str(platform.cast.public), "message": "Great demo!"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/kudos?given=1"
    wall = client.get("/kudos?given=1").text
    assert "your kudos is on the wall" in wall
    assert "Great demo!" in wall


def test_refused_kudos_show_the_reason_and_keep_the_text(platform: Platform) -> None:
    client = platform.browser(Role.EMPLOYEE)
    mine = client.post(
        "/kudos", data={"receiver_id": str(platform.cast.employee), "message": "Me, me, me"}
    )
    assert mine.status_code == 422
    assert "cannot give kudos to yourself" in mine.text and "Me, me, me" in mine.text
    nobody = client.post("/kudos", data={"message": "To whom?"})
    assert nobody.status_code == 422 and "Choose the colleague" in nobody.text


def test_htmx_reactions_toggle(platform: Platform) -> None:
    kudos = add_kudos(platform, platform.acme_id, platform.cast.public, platform.cast.manager)
    client = platform.browser(Role.EMPLOYEE)
    on = client.post(f"/kudos/{kudos}/react", data={"kind": "rocket"}, headers=HTMX)
    assert on.status_code == 200
    assert f'id="reactions-{kudos}"' in on.text
    pressed = re.search(r'aria-pressed="true"\s+data-reaction="rocket"', on.text)
    assert pressed and 'aria-label="Rocket 1"' in on.text
    assert f'hx-post="/kudos/{kudos}/unreact"' in on.text
    off = client.post(f"/kudos/{kudos}/unreact", data={"kind": "rocket"}, headers=HTMX)
    assert 'aria-label="Rocket 0"' in off.text
    plain = client.post(f"/kudos/{kudos}/react", data={"kind": "rocket"})
    assert plain.status_code == 303


def test_htmx_comment_thread(platform: Platform) -> None:
    kudos = add_kudos(platform, platform.acme_id, platform.cast.public, platform.cast.manager)
    client = platform.browser(Role.EMPLOYEE)
    empty = client.get(f"/kudos/{kudos}/comments", headers=HTMX)
    assert "No comments yet." in empty.text and "<html" not in empty.text
    added = client.post(f"/kudos/{kudos}/comments", data={"text": "Bravo"}, headers=HTMX)
    assert added.status_code == 200 and "Bravo" in added.text
    comment_id = re.search(r'id="comment-(\d+)"', added.text)
    assert comment_id
    refused = client.post(f"/kudos/{kudos}/comments", data={"text": " "}, headers=HTMX)
    assert refused.status_code == 200 and 'role="alert"' in refused.text
    other = platform.browser(Role.MANAGER).get(f"/kudos/{kudos}/comments")
    assert other.status_code == 200 and "Bravo" in other.text and "<html" in other.text
    assert f"/kudos/comments/{comment_id.group(1)}/delete" not in other.text
    gone = client.post(f"/kudos/comments/{comment_id.group(1)}/delete", headers=HTMX)
    assert gone.status_code == 200 and gone.text == ""
    assert "Bravo" not in client.get(f"/kudos/{kudos}/comments", headers=HTMX).text


def test_withdraw_own_kudos_only(platform: Platform) -> None:
    mine = add_kudos(platform, platform.acme_id, platform.cast.employee, platform.cast.public)
    theirs = add_kudos(platform, platform.acme_id, platform.cast.public, platform.cast.employee)
    client = platform.browser(Role.EMPLOYEE)
    wall = client.get("/kudos").text
    assert f'hx-post="/kudos/{mine}/withdraw"' in wall
    assert f'hx-post="/kudos/{theirs}/withdraw"' not in wall
    assert client.post(f"/kudos/{theirs}/withdraw", headers=HTMX).status_code == 403
    assert client.post(f"/kudos/{mine}/withdraw", headers=HTMX).text == ""
    assert f'id="kudos-{mine}"' not in client.get("/kudos").text


def test_discount_marks_show_to_hr_only(platform: Platform) -> None:
    kudos = add_kudos(
        platform,
        platform.acme_id,
        platform.cast.private,
        platform.cast.public,
        message="ring thanks",
        discounted=True,
    )

    def card(role: Role) -> str:
        html: str = platform.browser(role).get(f"/kudos/{kudos}/comments").text
        return html.split(f'id="kudos-{kudos}"', 1)[1].split("</article>", 1)[0]

    assert "discounted" not in card(Role.EMPLOYEE)
    hr_card = card(Role.HR)
    assert "discounted" in hr_card
    # HR reads what the mark means and reaches the ring, never the stored "ring:0" mark.
    assert '<a href="/rings/0">part of a confirmed kudos ring</a>' in hr_card
    assert "ring:0" not in hr_card


def test_badge_catalogue_and_profile_strip(platform: Platform) -> None:
    catalogue = platform.browser(Role.EMPLOYEE).get("/badges")
    assert catalogue.status_code == 200
    assert "First kudos" in catalogue.text and "Gold" in catalogue.text
    add_kudos(platform, platform.acme_id, platform.cast.employee, platform.cast.public)
    with platform.sessions() as session, session.begin():
        do_evaluate_badges(session, platform.acme_id, SystemClock())
    profile = platform.browser(Role.EMPLOYEE).get(f"/people/{platform.cast.employee}")
    assert profile.status_code == 200
    strip = profile.text.split('id="badges-title"', 1)[1].split("</section>", 1)[0]
    assert "Appreciator" in strip and "tier-bronze" in strip


def test_ring_review_page(platform: Platform) -> None:
    members = [platform.cast.report, platform.cast.second_level]
    add_kudos(platform, platform.acme_id, members[0], members[1])
    ring = add_ring(platform, platform.acme_id, members)
    assert platform.browser(Role.EMPLOYEE).get("/rings").status_code == 403
    hr = platform.browser(Role.HR)
    listing = hr.get("/rings")
    assert listing.status_code == 200 and f'href="/rings/{ring}"' in listing.text
    detail = hr.get(f"/rings/{ring}")
    assert (
        "Who thanked whom" in detail.text and f'formaction="/rings/{ring}/confirm"' in detail.text
    )
    refused = hr.post(f"/rings/{ring}/confirm", data={"reason": ""})
    assert refused.status_code == 422 and "Say why" in refused.text
    done = hr.post(f"/rings/{ring}/dismiss", data={"reason": "colleagues on one project"})
    assert done.status_code == 303
    after = hr.get(done.headers["location"]).text
    assert "Dismissed</span>" in after and "colleagues on one project" in after


def test_recognition_pass_starts_a_job(platform: Platform) -> None:
    answer: Any = platform.browser(Role.ADMIN).post("/rings/run")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/jobs/")
