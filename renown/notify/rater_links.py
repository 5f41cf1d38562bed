"""Delivering outside raters' feedback links: by e-mail to the rater alone, when possible.

The link is the rater's only credential and is never stored (only its hash is), so it is
sent right after it is made. With a mail server configured, renown e-mails each link and
the requester never sees it: that is what lets an outside rater's answer stay anonymous
(:mod:`renown.feedback.raters`, whose :func:`~renown.feedback.raters.link_delivery` says
which way these settings send them). Without one, the requester is shown the links to pass
on, and answers through them are named.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from renown.notify.email import send_email
from renown.notify.result import DeliveryError
from renown.settings import Settings

log = logging.getLogger(__name__)

SKIPPED = "skipped"
"""What a link's delivery says when the requester was shown it instead of renown mailing it."""


def mailed_link(settings: Settings, token: str) -> str:
    """The rater's page at renown's configured public address (never the request's host)."""
    if not settings.public_url:
        raise RuntimeError("links are mailed only when RENOWN_PUBLIC_URL is set")
    return f"{settings.public_url}/r/{token}"


def mail_rater_links(
    settings: Settings, links: Mapping[str, str], expires_at: datetime, requester: str
) -> dict[str, str]:
    """E-mail each outside rater their link; map each address to ``sent`` or why it failed.

    A failure does not undo the request: the requester sees it and can send a new link.
    """
    expires = f"{expires_at:%d %B %Y}"
    outcome: dict[str, str] = {}
    for email, token in links.items():
        link = mailed_link(settings, token)
        body = (
            f"{requester} asked for your feedback through renown.\n\n"
            f"Answer here (the link works once, until {expires}):\n{link}\n\n"
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
