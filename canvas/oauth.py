"""Canvas OAuth2: authorization URL with PKCE, code exchange, refresh, revocation.

How Canvas's OAuth2 provider behaves: docs/canvas-behaviour.md §3.

requests-oauthlib pitfalls handled here:
* `OAuth2Session(pkce=...)` keeps the verifier on the instance, which does not survive between
  the redirect and the callback, so the verifier is made here and kept in the user's session.
* `auto_refresh_url` would copy the failing call's params into the refresh request, so
  refreshing is explicit (`refresh`).
* requests follows redirects by default, and a 307/308 makes it re-send the body (client secret,
  code, refresh token) to wherever the redirect points; token calls never follow redirects.
"""

import base64
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from oauthlib.oauth2 import OAuth2Error
from requests_oauthlib import OAuth2Session

from canvas import http
from canvas.errors import (
    CanvasProblem,
    NotAuthenticated,
    OAuthFailed,
    TokenWithoutUser,
    Unavailable,
)
from canvas.records import TokenGrant

AUTHORIZE_PATH = "/login/oauth2/auth"
TOKEN_PATH = "/login/oauth2/token"  # noqa: S105 - a URL path, not a secret
# The longest user name kept; Canvas has no limit and the session should not carry a novel.
MAX_USER_NAME = 255
# The longest locale kept: Canvas's are short BCP-47 tags (`da-x-k12`, docs/canvas-behaviour.md
# §15.2); anything longer is not one.
MAX_LOCALE = 35

logger = logging.getLogger("canvas")


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    # 64 random bytes -> 86 characters, inside RFC 7636's 43..128.
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _TokenSession(OAuth2Session):
    """An OAuth2Session whose calls never follow a redirect, and whose outages stay outages.

    The token endpoint is the one place the client secret and the refresh token travel; a
    redirect there (a misconfigured proxy, a hijacked DNS name) must not carry them to another
    host, so a 3xx is a failed call, not a hop. And oauthlib reads any answer without an access
    token as a refusal (MissingTokenError, "400"): a 5xx or throttled answer is typed here first,
    so a Canvas outage never makes the portal throw away a good refresh token.
    """

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs["allow_redirects"] = False
        response = super().request(method, url, *args, **kwargs)
        status = response.status_code
        if 300 <= status < 400:
            raise Unavailable("Canvas's token endpoint answered with a redirect", status=status)
        if status >= 500 or status in (403, 429):
            http.raise_for_status(response)  # Throttled, Forbidden or Unavailable
        return response


def _session(redirect_uri: str | None = None, state: str | None = None) -> OAuth2Session:
    oauth = _TokenSession(
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
def _token_endpoint(refused: Callable[[OAuth2Error], CanvasProblem]) -> Iterator[None]:
    """One call to the token endpoint: logged like API calls, its failures typed.

    `refused` turns Canvas's OAuth error answer into the error the caller should see.
    """
    started = time.monotonic()
    status: int | str = "error"
    try:
        yield
        status = 200
    except OAuth2Error as exc:
        status = exc.status_code
        raise refused(exc) from exc
    except CanvasProblem as exc:
        status = exc.status or "error"
        raise
    except (OSError, ValueError) as exc:
        raise Unavailable("Canvas's token endpoint did not answer properly") from exc
    finally:
        http.log_call("POST", TOKEN_PATH, status, started)


def exchange_code(*, code: str, redirect_uri: str, verifier: str) -> TokenGrant:
    """Trade the callback's code for tokens.

    `replace_tokens=1` makes Canvas delete this user's other tokens for this developer key
    (docs/canvas-behaviour.md §3.3): signing in again must not leave the previous token alive
    at Canvas.
    """
    oauth = _session(redirect_uri)
    with _token_endpoint(
        lambda exc: OAuthFailed(exc.error or "", exc.description or "", status=exc.status_code)
    ):
        token = oauth.fetch_token(
            http.canvas_url(TOKEN_PATH),
            code=code,
            client_secret=settings.CANVAS_CLIENT_SECRET,
            code_verifier=verifier,
            include_client_id=True,
            replace_tokens="1",
            timeout=settings.CANVAS_TIMEOUT,
        )
    grant = _grant(token, previous_refresh_token=None)
    if grant.user_id is None:
        # A token nobody can be signed in with: end it at Canvas rather than leave it alive.
        revoke_quietly(grant.access_token, reason="its answer named no Canvas user")
        raise TokenWithoutUser("Canvas's token answer named no user")
    return grant


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
    """Sign the token out at Canvas (`DELETE /login/oauth2/token`, docs/canvas-behaviour.md §3.4).

    `http.send` never follows redirects; a 3xx surfaces as Unavailable.
    """
    http.send("DELETE", http.canvas_url(TOKEN_PATH), token=access_token)


def revoke_quietly(access_token: str, *, reason: str) -> None:
    """Best-effort revoke of a token the portal will not keep; a refusal is logged, not raised."""
    try:
        revoke(access_token)
    except CanvasProblem as exc:
        # The class and status say enough; Canvas's text and the token stay out of the log.
        logger.warning(
            "Canvas did not revoke a token the portal discarded because %s (%s, status %s)",
            reason,
            type(exc).__name__,
            exc.status,
        )


def _canvas_user(token: dict[str, Any]) -> tuple[int | None, str]:
    """The user the token belongs to: a JSON integer id > 0 inside a `user` object, or None.

    Canvas always sends one on a code exchange (docs/canvas-behaviour.md §3.3); anything else is
    not Canvas's answer, and guessing (the old `0`) would file the token under the wrong person.
    """
    user = token.get("user")
    if not isinstance(user, dict):
        return None, ""
    user_id = user.get("id")
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
        return None, ""
    name = user.get("name")
    return user_id, (name if isinstance(name, str) else "")[:MAX_USER_NAME]


def _effective_locale(token: dict[str, Any]) -> str | None:
    """`user.effective_locale` of the answer (§15.1), if it is a short string."""
    user = token.get("user")
    locale = user.get("effective_locale") if isinstance(user, dict) else None
    return locale if isinstance(locale, str) and 0 < len(locale) <= MAX_LOCALE else None


def _grant(token: dict[str, Any], *, previous_refresh_token: str | None) -> TokenGrant:
    try:
        expires_in = token.get("expires_in")
        expires_at = (
            datetime.now(UTC) + timedelta(seconds=float(expires_in))
            if expires_in is not None
            else None
        )
        access_token = token["access_token"]
        if not isinstance(access_token, str) or not access_token:
            raise ValueError("no access token")
        user_id, user_name = _canvas_user(token)
        return TokenGrant(
            access_token=access_token,
            refresh_token=token.get("refresh_token") or previous_refresh_token,
            expires_at=expires_at,
            user_id=user_id,
            user_name=user_name,
            effective_locale=_effective_locale(token),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise Unavailable("Canvas's token answer was missing fields") from exc
