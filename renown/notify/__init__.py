"""Outgoing notifications: e-mail over SMTP and a Slack incoming webhook.

Both senders are plain functions of the settings and the message, with no database: the
recognition and feedback domains decide *what* to send and record deliveries; this
package only knows *how*. An unconfigured channel is a no-op that says so in its result,
so an installation without a mail server works and its operators can see why nothing was
mailed; a configured channel that fails raises :class:`DeliveryError`, never hides it.
"""

from renown.notify.email import send_email
from renown.notify.result import Delivery, DeliveryError
from renown.notify.slack import post_slack

__all__ = ["Delivery", "DeliveryError", "post_slack", "send_email"]
