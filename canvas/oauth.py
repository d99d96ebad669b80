"""Canvas OAuth2: authorization URL with PKCE, code exchange, refresh, revocation (spec §3).

requests-oauthlib pitfalls handled here:
* `OAuth2Session(pkce=...)` keeps the verifier on the instance, which does not survive between
  the redirect and the callback, so the verifier is made here and kept in the user's session.
* `auto_refresh_url` would copy the failing call's params into the refresh request, so
  refreshing is explicit (`refresh`).
"""

import base64
import hashlib
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from oauthlib.oauth2 import OAuth2Error
from requests_oauthlib import OAuth2Session

from canvas import http
from canvas.errors import CanvasError, NotAuthenticated, OAuthFailed, Unavailable
from canvas.records import TokenGrant

AUTHORIZE_PATH = "/login/oauth2/auth"
TOKEN_PATH = "/login/oauth2/token"  # noqa: S105 - a URL path, not a secret


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    # 64 random bytes -> 86 characters, inside RFC 7636's 43..128.
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _session(redirect_uri: str | None = None, state: str | None = None) -> OAuth2Session:
    oauth = OAuth2Session(
        client_id=settings.CANVAS_CLIENT_ID,
        redirect_uri=redirect_uri,
        scope=settings.CANVAS_SCOPES or None,
        state=state,
    )
    # Share the process-wide connection pool with the API client.
    shared = http.shared_session()
    oauth.adapters = shared.adapters
    return oauth


def authorization_url(*, redirect_uri: str, state: str, verifier: str) -> str:
    url, _ = _session(redirect_uri, state).authorization_url(
        http.canvas_url(AUTHORIZE_PATH),
        code_challenge=code_challenge(verifier),
        code_challenge_method="S256",
    )
    return url


@contextmanager
def _token_endpoint(refused: Callable[[OAuth2Error], CanvasError]) -> Iterator[None]:
    """One call to the token endpoint: logged like API calls, its failures typed.

    `refused` turns Canvas's OAuth error answer into the error the caller should see.
    """
    started, status = time.monotonic(), "error"
    try:
        yield
        status = 200
    except OAuth2Error as exc:
        status = exc.status_code
        raise refused(exc) from exc
    except (OSError, ValueError) as exc:
        raise Unavailable("Canvas's token endpoint did not answer properly") from exc
    finally:
        http.log_call("POST", TOKEN_PATH, status, started)


def exchange_code(*, code: str, redirect_uri: str, verifier: str) -> TokenGrant:
    oauth = _session(redirect_uri)
    with _token_endpoint(
        lambda exc: OAuthFailed(exc.error, exc.description or "", status=exc.status_code)
    ):
        token = oauth.fetch_token(
            http.canvas_url(TOKEN_PATH),
            code=code,
            client_secret=settings.CANVAS_CLIENT_SECRET,
            code_verifier=verifier,
            include_client_id=True,
            timeout=settings.CANVAS_TIMEOUT,
        )
    return _grant(token, previous_refresh_token=None)


def refresh(refresh_token: str) -> TokenGrant:
    """A new access token; Canvas keeps the same refresh token for confidential clients."""
    oauth = _session()
    # invalid_grant: the token row is gone (signed out, revoked) -> sign in again.
    with _token_endpoint(
        lambda exc: NotAuthenticated(f"refresh refused: {exc.error}", status=exc.status_code)
    ):
        token = oauth.refresh_token(
            http.canvas_url(TOKEN_PATH),
            refresh_token=refresh_token,
            client_id=settings.CANVAS_CLIENT_ID,
            client_secret=settings.CANVAS_CLIENT_SECRET,
            timeout=settings.CANVAS_TIMEOUT,
        )
    return _grant(token, previous_refresh_token=refresh_token)


def revoke(access_token: str) -> None:
    """Sign the token out at Canvas (`DELETE /login/oauth2/token`, spec §3.4)."""
    http.send("DELETE", http.canvas_url(TOKEN_PATH), token=access_token)


def _grant(token: dict[str, Any], *, previous_refresh_token: str | None) -> TokenGrant:
    try:
        user = token.get("user") or {}
        expires_in = token.get("expires_in")
        expires_at = (
            datetime.now(UTC) + timedelta(seconds=float(expires_in))
            if expires_in is not None
            else None
        )
        return TokenGrant(
            access_token=str(token["access_token"]),
            refresh_token=token.get("refresh_token") or previous_refresh_token,
            expires_at=expires_at,
            user_id=int(user["id"]) if user else 0,
            user_name=str(user.get("name", "")) if user else "",
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise Unavailable("Canvas's token answer was missing fields") from exc
