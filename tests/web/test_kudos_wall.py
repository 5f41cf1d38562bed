"""The kudos wall reads feed-first: the give form folded away until opened, avatars with
initials, values and mentions by their labels (never a key like ``customer_focus``), and
reactions with names in words as well as emoji; and the badges page shows the person's own
badges and how far they are from the next ones."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from renown.core.clock import SystemClock
from renown.core.roles import Role
from renown.recognition.badges import do_evaluate_badges
from renown.store.tables.org import Person
from renown.store.tables.recognition import Kudos, KudosReaction
from renown.web.recognition.present import Part, initials, message_parts
from tests.web.conftest import Platform, add_kudos, colleague_of

VALUES = {"customer_focus": "Customer focus", "delivery": "Delivery"}
MESSAGE = "Thanks @Sam for the #customer_focus on the call, and #delivery too (mail: a#b@c.io)"


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_messages_show_values_by_label_and_mentions() -> None:
    parts = message_parts(MESSAGE, VALUES)
    assert Part("value", "#Customer focus") in parts and Part("value", "#Delivery") in parts
    assert Part("mention", "@Sam") in parts
    assert "".join(p.text for p in parts) == (
        "Thanks @Sam for the #Customer focus on the call, and #Delivery too (mail: a#b@c.io)"
    )
    assert message_parts("No #such value", VALUES) == [
        Part("text", "No "),
        Part("tag", "#such"),
        Part("text", " value"),
    ]
    assert initials("Ada King Lovelace") == "AL" and initials("Cher") == "C"


def test_a_mention_takes_the_whole_name_of_someone_in_the_organisation() -> None:
    names = {"zoe zimmermann", "ana de la cruz"}
    parts = message_parts("Thanks @Zoe Zimmermann and @ana de la Cruz! @Zoe Other #x", {}, names)
    assert [p for p in parts if p.kind != "text"] == [
        Part("mention", "@Zoe Zimmermann"),
        Part("mention", "@ana de la Cruz"),
        Part("mention", "@Zoe"),  # nobody is called Zoe Other: the first word alone
        Part("tag", "#x"),
    ]
    assert (
        "".join(p.text for p in parts)
        == "Thanks @Zoe Zimmermann and @ana de la Cruz! @Zoe Other #x"
    )


def test_the_wall_highlights_a_mentioned_colleagues_full_name(platform: Platform) -> None:
    with platform.sessions() as session:
        name = session.get(Person, platform.cast.public).name  # type: ignore[union-attr]
    kudos = add_kudos(
        platform,
        platform.acme_id,
        platform.cast.manager,
        message=f"Great pairing with @{name} #pairing",
    )
    html = platform.browser(Role.EMPLOYEE).get("/kudos").text
    card = html[html.index(f'id="kudos-{kudos}"') :].split("</article>", 1)[0]
    assert f'<span class="kudos-mention">@{name}</span>' in card
    assert '<span class="kudos-tag">#pairing</span>' in card


def _kudos_with_a_value(platform: Platform) -> int:
    with platform.sessions() as session, session.begin():
        kudos = Kudos(
            org_id=platform.acme_id,
            giver_id=platform.cast.manager,
            receiver_id=platform.cast.public,
            message=MESSAGE,
            competency="customer_focus",
            created_at=datetime.now(UTC) - timedelta(days=2),
        )
        session.add(kudos)
        session.flush()
        session.add(
            KudosReaction(
                kudos_id=kudos.id,
                person_id=platform.cast.employee,
                kind="clap",
                created_at=datetime.now(UTC) - timedelta(days=1),
            )
        )
        return int(kudos.id)


def test_the_wall_is_feed_first_with_labels_avatars_and_named_reactions(
    platform: Platform,
) -> None:
    kudos = _kudos_with_a_value(platform)
    html = platform.browser(Role.EMPLOYEE).get("/kudos").text
    give = re.search(r'<details class="card kudos-give" id="give-kudos"([^>]*)>', html)
    assert give and "open" not in give.group(1)  # folded away until opened
    assert html.index('id="give-kudos"') < html.index(f'id="kudos-{kudos}"')
    card = html[html.index(f'id="kudos-{kudos}"') :].split("</article>", 1)[0]
    shown = _text(card)
    assert "#Customer focus" in shown and "#Delivery" in shown and "@Sam" in shown
    assert "customer_focus" not in shown
    assert re.search(r'class="avatar avatar-\d"[^>]*>[A-Z]{1,2}<', card)
    assert 'aria-label="Applause 1"' in card and "Applause 1" in shown
    assert 'aria-label="Thumbs up 0"' in card
    assert "customer_focus" not in _text(html)


def test_a_refused_kudos_opens_the_form_again(platform: Platform) -> None:
    refused = platform.browser(Role.EMPLOYEE).post("/kudos", data={"message": "To whom?"})
    assert refused.status_code == 422
    give = re.search(r'<details class="card kudos-give" id="give-kudos"([^>]*)>', refused.text)
    assert give and "open" in give.group(1)


def test_the_badges_page_shows_my_badges_and_progress(platform: Platform) -> None:
    me = platform.cast.employee
    # three colleagues thank me within 30 days: 3 of 5 towards "Team player"
    with platform.sessions() as session, session.begin():
        for days, giver in enumerate(
            (platform.cast.manager, platform.cast.public, platform.cast.report)
        ):
            session.add(
                Kudos(
                    org_id=platform.acme_id,
                    giver_id=giver,
                    receiver_id=me,
                    message="Thanks for the help",
                    created_at=datetime.now(UTC) - timedelta(days=days + 1),
                )
            )
    add_kudos(platform, platform.acme_id, me, colleague_of(platform, platform.acme_id, me))
    with platform.sessions() as session, session.begin():
        do_evaluate_badges(session, platform.acme_id, SystemClock())
    page = platform.browser(Role.EMPLOYEE).get("/badges")
    assert page.status_code == 200
    shown = _text(page.text)
    mine = shown[shown.index("Your badges") : shown.index("Next badges")]
    assert "First kudos" in mine and "Appreciator" in mine
    progress = shown[shown.index("Next badges") :]
    assert "3 of 5 kudos from different colleagues for Team player" in progress
    assert re.search(r'role="progressbar"[^>]*aria-valuenow="3"[^>]*aria-valuemax="5"', page.text)
    # a role without a person sees the catalogue only
    hr_page = platform.browser(Role.SPONSOR).get("/badges")
    assert hr_page.status_code == 403
