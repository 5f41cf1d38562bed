"""E-mailing outside raters their feedback link, when e-mail is configured.

The link is the rater's only credential and is never stored (only its hash is), so it can
be sent exactly once: right after the request is created. Without an SMTP server the
requester sees the links once and forwards them; with one, renown sends them itself and
says which addresses it reached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from renown.feedback.requests import CreatedRequest
from renown.notify import DeliveryError, send_email
from renown.settings import Settings

log = logging.getLogger(__name__)


def mail_rater_links(
    settings: Settings, created: CreatedRequest, url_of: Callable[[str], str], requester: str
) -> dict[str, str]:
    """Send each outside rater their link; map each address to ``sent``, ``skipped`` or why
    it failed (a failure does not undo the request: the requester still has the links)."""
    expires = f"{created.request.expires_at:%d %B %Y}"
    outcome: dict[str, str] = {}
    for email, token in created.links.items():
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
            log.warning("could not e-mail a feedback link to %s: %s", email, failure)
            outcome[email] = f"failed: {failure}"
    return outcome
