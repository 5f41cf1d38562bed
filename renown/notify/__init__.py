"""Notifying people: in the app, by e-mail and on Slack.

:mod:`renown.notify.inapp` keeps the in-app notifications the domains create (a feedback
release, a promotion decision, a badge) and their owners read. :mod:`renown.notify.outbox`
records e-mail and Slack messages in the cause's transaction and delivers them afterwards;
:mod:`renown.notify.rater_links` mails outside raters their single-use links.

The channels (:mod:`renown.notify.email`, :mod:`renown.notify.slack`) are plain functions of
the settings and the message, with no database: the domains decide *what* to send; this
package only knows *how*. An unconfigured channel is a no-op that says so in its result,
so an installation without a mail server works and its operators can see why nothing was
mailed; a configured channel that fails raises :class:`~renown.notify.result.DeliveryError`,
never hides it.
"""
