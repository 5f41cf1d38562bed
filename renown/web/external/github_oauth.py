"""Proving a GitHub account by signing in there (OAuth; the routes are in
:mod:`renown.web.external.pages`), when the installation has an OAuth
app (``RENOWN_GITHUB_CLIENT_ID`` and ``RENOWN_GITHUB_CLIENT_SECRET``).

The person is sent to GitHub's authorisation page (scope ``read:user``: the public profile,
nothing private); GitHub sends them back with a code, which Authlib exchanges for a token
(the ``state`` it kept in the session protects the callback against forgery). The token
names the account that signed in (``GET /user``), so that account is linked and proven at
once, its token sealed at rest (:func:`renown.external.linking.do_prove_by_oauth`), and a
refresh of the person's accounts is queued. Without an OAuth app both routes answer 404 and
the pages offer the code in the bio instead.

Tests reach the token endpoint through an ``httpx`` transport they put on
``app.state.github_oauth_transport``; GitHub's API is read like every connector's
(:func:`renown.external.transport.connector_transport`).
"""

from __future__ import annotations

from typing import Any, Final

from authlib.integrations.starlette_client import OAuth
from fastapi import HTTPException, Request, status

from renown.connectors.base import PublicProfile
from renown.connectors.errors import ConnectorError, MalformedResponse
from renown.connectors.registry import connector
from renown.connectors.shapes import Where, obj, text
from renown.core.errors import Invalid
from renown.external.transport import connector_transport
from renown.settings import Settings

AUTHORIZE_URL: Final = "https://github.com/login/oauth/authorize"
TOKEN_URL: Final = "https://github.com/login/oauth/access_token"  # nosec B105 - an address
SCOPE: Final = "read:user"
NETWORK: Final = "github"
STATE_KEY: Final = "external_github_oauth"
"""Where the app keeps its Authlib client (made on first use)."""
TRANSPORT_KEY: Final = "github_oauth_transport"
"""An ``httpx`` transport tests put on ``app.state`` to answer for GitHub's token endpoint."""


def oauth_client(request: Request, settings: Settings) -> Any:
    """The app's GitHub OAuth client (404 when the installation has no OAuth app)."""
    if not (settings.github_client_id and settings.github_client_secret):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Signing in with GitHub is not set up.")
    state = request.app.state
    found = getattr(state, STATE_KEY, None)
    if found is None:
        kwargs: dict[str, Any] = {"scope": SCOPE}
        transport = getattr(state, TRANSPORT_KEY, None)
        if transport is not None:
            kwargs["transport"] = transport
        oauth = OAuth()
        oauth.register(
            NETWORK,
            client_id=settings.github_client_id,
            client_secret=settings.github_client_secret,
            authorize_url=AUTHORIZE_URL,
            access_token_url=TOKEN_URL,
            client_kwargs=kwargs,
        )
        found = oauth.create_client(NETWORK)
        setattr(state, STATE_KEY, found)
    return found


def signed_in_profile(settings: Settings, token: str) -> PublicProfile:
    """The public profile of the GitHub account ``token`` belongs to (``GET /user``)."""
    github = connector(NETWORK)
    try:
        with github.client("", transport=connector_transport(settings), token=token) as api:
            page = api.get_json("/user")
            assert page is not None
            where = Where(NETWORK, page.url)
            login = text(obj(page.data, where), "login", where)
            return github.profile(api, login)
    except (ConnectorError, MalformedResponse) as error:
        raise Invalid(f"Could not read the GitHub account you signed in with: {error}") from None
