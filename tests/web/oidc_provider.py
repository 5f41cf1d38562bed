"""A minimal OpenID Connect provider for the single sign-on tests.

It speaks the real protocol over real HTTP (discovery, authorisation code, token endpoint
with an RS256-signed ID token, JWKS), so the test exercises Authlib's client exactly as a
corporate identity provider would, without a network or an external service.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI, Form
from fastapi.responses import RedirectResponse
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "renown-test"
CLIENT_SECRET = "renown-test-secret"


@dataclass
class Provider:
    """The provider's state: who signs in next and the codes it has handed out."""

    issuer: str
    email: str = "someone@example.org"
    email_verified: bool = True
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    codes: dict[str, str] = field(default_factory=dict)

    def app(self) -> FastAPI:
        api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

        @api.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }

        @api.get("/jwks")
        def jwks() -> dict[str, Any]:
            return {"keys": [self.key.as_dict(private=False)]}

        @api.get("/authorize")
        def authorize(
            client_id: str, redirect_uri: str, state: str, nonce: str = ""
        ) -> RedirectResponse:
            assert client_id == CLIENT_ID
            code = secrets.token_urlsafe(16)
            self.codes[code] = nonce
            return RedirectResponse(
                f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", status_code=302
            )

        @api.post("/token")
        def token(code: Annotated[str, Form()]) -> dict[str, Any]:
            nonce = self.codes.pop(code)
            now = int(time.time())
            claims = {
                "iss": self.issuer,
                "sub": self.email,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "nonce": nonce,
                "email": self.email,
                "email_verified": self.email_verified,
            }
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
            return {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }

        return api


@contextmanager
def running_provider() -> Iterator[Provider]:
    """Serve a provider on a free loopback port for the duration of the block."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = Provider(issuer=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(
        uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test identity provider did not start")
        time.sleep(0.02)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)
