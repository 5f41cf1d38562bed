"""Optional single sign-on with OpenID Connect (Authlib).

When ``RENOWN_OIDC_ISSUER`` (with a client id and secret) is set, the sign-in page offers
"Sign in with your organisation". renown never creates accounts from single sign-on:
the identity provider proves who someone is, and only an existing, active renown account
with that verified email address is signed in, so HR keeps control of who has which role.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from renown import audit
from renown.accounts.sessions import do_start_session
from renown.settings import Settings
from renown.store.engine import writing
from renown.store.tables.accounts import Account
from renown.web.deps import SessionDep
from renown.web.policy import SESSION_TOKEN, csrf_token, public, session_limits

PROVIDER = "organisation"


def sso_router(settings: Settings) -> APIRouter | None:
    """Routes for single sign-on, or ``None`` when it is not configured."""
    if not (settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret):
        return None
    oauth = OAuth()
    oauth.register(
        PROVIDER,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        client_kwargs={"scope": "openid email profile"},
    )
    client: Any = oauth.create_client(PROVIDER)
    router = APIRouter(include_in_schema=False)

    @router.get("/signin/sso", dependencies=[public()])
    async def start(request: Request) -> Response:
        """Send the browser to the identity provider."""
        redirect: Response = await client.authorize_redirect(
            request, str(request.url_for("sso_callback"))
        )
        return redirect

    @router.get("/signin/sso/callback", name="sso_callback", dependencies=[public()])
    async def callback(request: Request, session: SessionDep) -> Response:
        """Finish the exchange and sign in the account with the verified email address."""
        try:
            token = await client.authorize_access_token(request)
        except OAuthError as error:
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST, f"single sign-on failed: {error}"
            ) from error
        claims = token.get("userinfo") or {}
        email = str(claims.get("email", "")).strip().lower()
        if not email or claims.get("email_verified") is False:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, "the identity provider sent no verified email"
            )
        session.rollback()  # whatever the policy read, the sign-in below writes
        await run_in_threadpool(writing, session)  # waiting for the write lock: off the loop
        account = session.scalar(sa.select(Account).where(Account.email == email))
        if account is None or not account.active:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"no renown account for {email}")
        now = datetime.now(UTC)
        account.last_sign_in = now
        session_token = do_start_session(
            session,
            account.id,
            now=now,
            limits=session_limits(request),
            user_agent=request.headers.get("user-agent", ""),
        )
        audit.append(
            session,
            actor=f"account:{account.id}",
            action="account.sign_in",
            subject=f"account:{account.id}",
            payload={"method": "oidc", "issuer": settings.oidc_issuer},
            org_id=account.org_id,
        )
        session.commit()
        request.session.clear()
        request.session[SESSION_TOKEN] = session_token
        csrf_token(request)
        return RedirectResponse("/", status_code=303)

    return router
