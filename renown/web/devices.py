"""Device cookies: a browser that signed in to an account before is counted on its own by
the sign-in throttle (:mod:`renown.accounts.throttle`), so an attack from elsewhere cannot
lock the owner out of their usual browser (OWASP's "device cookies").

The cookie is signed with the installation's secret (itsdangerous) and names the account
(by a digest of its e-mail) and a random device id; its signing time counts too, because
a device cookie issued before the account's password last changed is trusted no more
(:func:`renown.accounts.signin.trusted`).
"""

from __future__ import annotations

import hashlib
import secrets

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from renown.accounts.throttle import Attempt
from renown.web.deps import client_address

DEVICE_COOKIE = "renown_device"
DEVICE_MAX_AGE_SECONDS = 90 * 24 * 3600


def _devices(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.session_secret(), "renown-device")


def _email_tag(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def attempt_of(request: Request, email: str) -> Attempt:
    """Who is trying to use ``email``'s password: the client, and its device cookie if it
    was issued at a sign-in to that account (with the time it was issued)."""
    client = client_address(request)
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return Attempt(email, client)
    try:
        value, issued = _devices(request).loads(
            cookie, max_age=DEVICE_MAX_AGE_SECONDS, return_timestamp=True
        )
    except BadSignature:
        return Attempt(email, client)
    device = value.get("d") if isinstance(value, dict) else None
    if value.get("e") != _email_tag(email) or not isinstance(device, str):
        return Attempt(email, client)
    return Attempt(email, client, device, issued)


def issue_device_cookie(request: Request, response: Response, email: str) -> None:
    """Give this browser a new device cookie for ``email`` (after a sign-in or a change of
    the password, which makes older device cookies worthless)."""
    value = {"e": _email_tag(email), "d": secrets.token_urlsafe(16)}
    response.set_cookie(
        DEVICE_COOKIE,
        _devices(request).dumps(value),
        max_age=DEVICE_MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
