"""Delivering outside raters' feedback links: by e-mail to the rater alone, when possible.

The link is the rater's only credential and is never stored (only its hash is), so it is
sent right after it is made. With a mail server configured, renown e-mails each link and
the requester never sees it: that is what lets an outside rater's answer stay anonymous
(:mod:`renown.feedback.raters`). Without one, the requester is shown the links to pass
on, and answers through them are named.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from renown.feedback.raters import Delivery
from renown.notify import DeliveryError, send_email
from renown.settings import Settings

log = logging.getLogger(__name__)

SKIPPED = "skipped"
"""What a link's delivery says when the requester was shown it instead of renown mailing it."""


def link_delivery(settings: Settings) -> Delivery:
    """How new links will reach outside raters with these settings."""
    return Delivery.MAIL if settings.smtp_host and settings.smtp_from else Delivery.REQUESTER


def mail_rater_links(
    settings: Settings,
    links: Mapping[str, str],
    expires_at: datetime,
    url_of: Callable[[str], str],
    requester: str,
) -> dict[str, str]:
    """E-mail each outside rater their link; map each address to ``sent`` or why it failed.

    A failure does not undo the request: the requester sees it and can send a new link.
    """
    expires = f"{expires_at:%d %B %Y}"
    outcome: dict[str, str] = {}
    for email, token in links.items():
        body = (
            f"{requester} asked for your feedback through renown.\n\n"
            f"Answer here (the link works once, until {expires}):\n{url_of(token)}\n\n"
            "No account is needed. If you did not expect this message, ignore it."
        )
        try:
            outcome[email] = send_email(
                settings, email, f"{requester} asked for your feedback", body
            ).status
        except DeliveryError as failure:
            log.warning("could not e-mail a feedback link: %s", failure)
            outcome[email] = f"failed: {failure}"
    return outcome
