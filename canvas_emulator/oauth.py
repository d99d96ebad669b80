"""OAuth2 provider and the Canvas login page (docs/canvas-behaviour.md §3.1-§3.4).

The web side (authorize, login, confirm, accept, deny) keeps the pending request in a cookie
session exactly as Canvas does; the token endpoint is stateless apart from codes and tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from . import pages
from .auth import check_token, token_from_request
from .state import (
    ACCESS_TOKEN_TTL_S,
    AUTH_CODE_TTL_S,
    GLOBAL_ID_BASE,
    PUBLIC_CLIENT_TTL_S,
    AuthCode,
    DeveloperKey,
    Session,
    State,
    opaque_token,
)
from .wire import (
    SESSION_COOKIE,
    HttpError,
    Request,
    Response,
    html_response,
    json_response,
    redirect,
    text_response,
)

OOB_URI = "urn:ietf:wg:oauth:2.0:oob"
OAUTH_CHALLENGE = "Canvas OAuth 2.0"
INVALID_SCOPE_TEXT = (
    "A requested scope is invalid, unknown, malformed, or exceeds the scope granted by the "
    "resource owner. The following scopes were requested, but not granted: "
)
PKCE_MISMATCH_TEXT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)

# -- sessions ---------------------------------------------------------------------------------


def current_session(state: State, req: Request) -> Session | None:
    sid = req.cookie(SESSION_COOKIE)
    with state.lock:
        return state.sessions.get(sid) if sid else None


def ensure_session(state: State, req: Request) -> tuple[Session, bool]:
    """The request's session, or a fresh anonymous one (True = needs a Set-Cookie)."""
    session = req.session or current_session(state, req)
    if session is not None:
        return session, False
    session = state.new_session()
    req.session = session
    return session, True


def session_cookie(session: Session) -> str:
    return f"{SESSION_COOKIE}={session.id}; Path=/; HttpOnly; SameSite=Lax"


def _with_cookie(response: Response, session: Session, new: bool) -> Response:
    return response.header("Set-Cookie", session_cookie(session)) if new else response


def _csrf_ok(session: Session | None, req: Request) -> bool:
    sent = req.str_param("authenticity_token") or ""
    return session is not None and hmac.compare_digest(sent, session.csrf_token)


# -- redirects --------------------------------------------------------------------------------


def final_redirect(redirect_uri: str, **params: str | None) -> Response:
    """``Canvas::OAuth::Provider.final_redirect``: append with ``?`` or ``&``; OOB stays local."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    if redirect_uri == OOB_URI:
        return redirect(f"/login/oauth2/auth?{query}")
    joiner = "&" if "?" in redirect_uri else "?"
    return redirect(f"{redirect_uri}{joiner}{query}")


def _to_sentence(items: list[str]) -> str:
    """ActiveSupport ``to_sentence(locale: :en)``: "a", "a and b", "a, b, and c"."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _redirect_uri_allowed(key: DeveloperKey, redirect_uri: str) -> bool:
    return redirect_uri == OOB_URI or redirect_uri in key.redirect_uris


def _issue_code(state: State, pending: dict[str, Any], user_id: int) -> Response:
    code = secrets.token_hex(64)  # 128 hex characters
    with state.lock:
        state.codes[code] = AuthCode(
            code=code,
            developer_key_id=pending["developer_key_id"],
            user_id=user_id,
            redirect_uri=pending["redirect_uri"],
            scopes=pending["scopes"],
            expires_at=time.time() + AUTH_CODE_TTL_S,
            code_challenge=pending.get("code_challenge"),
            purpose=pending.get("purpose"),
        )
    return final_redirect(pending["redirect_uri"], code=code, state=pending.get("state"))


def _after_login(state: State, session: Session) -> Response:
    """Logged in with a pending OAuth request: trusted keys skip the confirm page (§3.1 step 9)."""
    pending = session.oauth2
    if pending is None and session.user_id is not None and session.return_to:
        # ``redirect_back_or_default``: e.g. the /register/:code link that sent us here (§12.2).
        back, session.return_to = session.return_to, None
        return redirect(back)
    if pending is None or session.user_id is None:
        return redirect("/")
    key = state.developer_keys.get(pending["developer_key_id"])
    if key is not None and key.trusted:
        session.oauth2 = None
        return _issue_code(state, pending, session.user_id)
    return redirect("/login/oauth2/confirm")


# -- GET /login/oauth2/auth -------------------------------------------------------------------


def authorize(state: State, req: Request) -> Response:
    if req.param("code") is not None or req.param("error") is not None:
        return html_response(pages.oob_page(req.str_param("code"), req.str_param("error")))
    key = state.key_by_client_id(req.str_param("client_id"))
    if key is None:
        body = {"error": "invalid_client", "error_description": "unknown client"}
        return json_response(body, 401, WWW_Authenticate=OAUTH_CHALLENGE)
    redirect_uri = req.str_param("redirect_uri") or ""
    if not _redirect_uri_allowed(key, redirect_uri):
        body = {
            "error": "invalid_request",
            "error_description": "redirect_uri does not match client settings",
        }
        return json_response(body, 400)
    oauth_state = req.str_param("state")
    scopes = (req.str_param("scope") or req.str_param("scopes") or "").split()
    session, new = ensure_session(state, req)
    challenge = req.str_param("code_challenge")
    pkce = challenge if challenge and req.str_param("code_challenge_method") == "S256" else None
    with state.lock:
        session.oauth2 = {
            "developer_key_id": key.id,
            "redirect_uri": redirect_uri,
            "scopes": scopes,
            "purpose": req.str_param("purpose"),
            "code_challenge": pkce,  # plain or missing method silently disables PKCE (§3.2)
            "state": oauth_state,
        }
        response = _authorize_outcome(state, req, key, session, scopes, oauth_state, redirect_uri)
    return _with_cookie(response, session, new)


def _authorize_outcome(
    state: State,
    req: Request,
    key: DeveloperKey,
    session: Session,
    scopes: list[str],
    oauth_state: str | None,
    redirect_uri: str,
) -> Response:
    if key.require_scopes:
        missing = [s for s in scopes if s not in key.scopes]
        if not scopes or missing:
            description = INVALID_SCOPE_TEXT + _to_sentence(missing)
            return final_redirect(
                redirect_uri,
                error="invalid_scope",
                error_description=description,
                state=oauth_state,
            )
    if req.str_param("response_type") != "code":
        return final_redirect(
            redirect_uri,
            error="unsupported_response_type",
            error_description="Only response_type=code is permitted",
            state=oauth_state,
        )
    prompt = req.str_param("prompt")
    force_login = req.str_param("force_login") in {"1", "true"} or prompt == "login"
    if prompt not in (None, "", "none", "login"):
        return final_redirect(
            redirect_uri,
            error="unsupported_prompt_type",
            error_description='prompt must be "none" (or omitted)',
            state=oauth_state,
        )
    if prompt == "none":
        if session.user_id is None:
            return final_redirect(redirect_uri, error="login_required", state=oauth_state)
        if not key.trusted:
            return final_redirect(redirect_uri, error="interaction_required", state=oauth_state)
    if force_login:
        session.user_id = None
    if session.user_id is None:
        return redirect("/login/canvas")
    return _after_login(state, session)


# -- login page -------------------------------------------------------------------------------


def _login_redirect(state: State, req: Request) -> Response:
    """``/login`` → the Canvas login page, keeping the query (a pre-filled login id)."""
    return redirect("/login/canvas" + (f"?{req.query_string}" if req.query_string else ""))


def login_form(state: State, req: Request) -> Response:
    session, new = ensure_session(state, req)
    with state.lock:
        users = sorted(state.users.values(), key=lambda u: u.id)
    # /register/:code sends the owner's login as pseudonym_session[unique_id] (§12.2).
    unique_id = req.str_param("unique_id") or req.str_param("pseudonym_session", "unique_id") or ""
    page = pages.login_page(users, session.csrf_token, unique_id=unique_id)
    return _with_cookie(html_response(page), session, new)


def login_submit(state: State, req: Request) -> Response:
    session = current_session(state, req)
    if not _csrf_ok(session, req):
        return text_response("Invalid authenticity token", 422)
    assert session is not None
    with state.lock:
        user = None
        chosen = req.str_param("user_id")
        unique_id = (req.str_param("pseudonym_session", "unique_id") or "").strip()
        if chosen and chosen.isdigit():
            user = state.users.get(int(chosen))
        elif unique_id:
            user = next(
                (u for u in state.users.values() if u.login_id.lower() == unique_id.lower()), None
            )
        if user is None:
            users = sorted(state.users.values(), key=lambda u: u.id)
            page = pages.login_page(
                users,
                session.csrf_token,
                error="Please verify your username or password and try again.",
                unique_id=unique_id,
            )
            return html_response(page, 400)
        # Cycle the session id at login, as Canvas (and every careful site) does.
        state.sessions.pop(session.id, None)
        session.id = secrets.token_urlsafe(24)
        session.user_id = user.id
        state.sessions[session.id] = session
        return _with_cookie(_after_login(state, session), session, True)


def home(state: State, req: Request) -> Response:
    session = current_session(state, req)
    with state.lock:
        user = state.users.get(session.user_id) if session and session.user_id else None
    return html_response(pages.home_page(user))


# -- confirm / accept / deny ------------------------------------------------------------------


def _pending(state: State, req: Request) -> tuple[Session, dict[str, Any]]:
    session = current_session(state, req)
    if session is None or session.oauth2 is None or session.user_id is None:
        raise HttpError(text_response("Invalid or missing session for oauth", 400))
    return session, session.oauth2


def confirm(state: State, req: Request) -> Response:
    session, pending = _pending(state, req)
    with state.lock:
        key = state.developer_keys.get(pending["developer_key_id"])
        user = state.users.get(session.user_id or 0)
        if key is None or user is None:
            raise HttpError(text_response("Invalid or missing session for oauth", 400))
        page = pages.confirm_page(key.name, user, session.csrf_token, pending["scopes"])
    return html_response(page)


def accept(state: State, req: Request) -> Response:
    session, pending = _pending(state, req)
    if not _csrf_ok(session, req):
        return text_response("Invalid authenticity token", 422)
    with state.lock:
        session.oauth2 = None
        assert session.user_id is not None
        return _issue_code(state, pending, session.user_id)


def deny(state: State, req: Request) -> Response:
    session, pending = _pending(state, req)
    if not _csrf_ok(session, req):
        return text_response("Invalid authenticity token", 422)
    with state.lock:
        session.oauth2 = None
    return final_redirect(
        pending["redirect_uri"], error="access_denied", state=pending.get("state")
    )


def deny_get(state: State, req: Request) -> Response:
    """GET is refused once ``oauth2_deny_post`` is on (§3.1 step 10)."""
    return text_response("Method Not Allowed", 405)


# -- POST /login/oauth2/token -----------------------------------------------------------------


def _oauth_error(status: int, error: str, description: str) -> Response:
    body = {"error": error, "error_description": description}
    if status == 401:
        return json_response(body, 401, WWW_Authenticate=OAUTH_CHALLENGE)
    return json_response(body, status)


def _client_credentials(req: Request) -> tuple[str | None, str | None]:
    header = req.headers.get("Authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        client_id, _, secret = decoded.partition(":")
        return client_id or None, secret or None
    return req.str_param("client_id"), req.str_param("client_secret")


def _pkce_matches(verifier: str, challenge: str | None) -> bool:
    if not challenge:
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(computed, challenge)


def token(state: State, req: Request) -> Response:
    """Grant order: unsupported grant → client auth → grant checks (§3.3)."""
    grant = req.str_param("grant_type") or ("authorization_code" if req.param("code") else None)
    if grant not in {"authorization_code", "refresh_token"}:
        return _oauth_error(
            400,
            "unsupported_grant_type",
            "The grant_type you requested is not currently supported",
        )
    uses_pkce = grant == "authorization_code" and req.param("code_verifier") is not None
    client_id, secret = _client_credentials(req)
    with state.lock:
        key = state.key_by_client_id(client_id)
        if key is None:
            return _oauth_error(401, "invalid_client", "unknown client")
        # Public clients may omit the secret on the PKCE and refresh grants (§3.2).
        public_exempt = key.client_type == "public" and (uses_pkce or grant == "refresh_token")
        if not public_exempt and not hmac.compare_digest(secret or "", key.client_secret):
            return _oauth_error(401, "invalid_client", "invalid client")
        if grant == "authorization_code":
            return _exchange_code(state, req, key, uses_pkce)
        return _refresh(state, req, key)


def _exchange_code(state: State, req: Request, key: DeveloperKey, uses_pkce: bool) -> Response:
    code_value = req.str_param("code")
    if not code_value:
        return _oauth_error(
            400,
            "invalid_request",
            "You must provide the code parameter when using the authorization_code grant type",
        )
    code = state.codes.get(code_value)
    if code is None or code.expires_at <= time.time():
        state.codes.pop(code_value, None)
        return _oauth_error(400, "invalid_grant", "authorization_code not found")
    if code.developer_key_id != key.id:
        return _oauth_error(400, "invalid_grant", "incorrect client")
    if uses_pkce:
        challenge, code.code_challenge = code.code_challenge, None  # deleted on check
        if not _pkce_matches(req.str_param("code_verifier") or "", challenge):
            return _oauth_error(400, "invalid_grant", PKCE_MISMATCH_TEXT)
    del state.codes[code_value]  # single use
    if req.str_param("replace_tokens") in {"1", "true"}:
        for row in state.tokens.values():
            if row.user_id == code.user_id and row.developer_key_id == key.id:
                row.deleted = True
    row = state.issue_token(code.user_id, key, scopes=code.scopes, purpose=code.purpose)
    return json_response(_token_json(state, row.user_id, row.token, row.refresh_token))


def _refresh(state: State, req: Request, key: DeveloperKey) -> Response:
    refresh_value = req.str_param("refresh_token")
    if not refresh_value:
        return _oauth_error(
            400,
            "invalid_request",
            "You must provide the refresh_token parameter when using the refresh_token grant type",
        )
    row = state.token_by_refresh(refresh_value)
    now = time.time()
    hard_expired = (
        row is not None and row.permanent_expires_at is not None and row.permanent_expires_at <= now
    )
    if row is None or row.deleted or hard_expired:
        return _oauth_error(400, "invalid_grant", "refresh_token not found")
    if row.developer_key_id != key.id:
        return _oauth_error(400, "invalid_grant", "incorrect client")
    # Same row, new access token string, new 1-hour expiry (§3.3 Refresh).
    row.token = opaque_token(row.id)
    row.expires_at = now + ACCESS_TOKEN_TTL_S
    new_refresh = None
    if key.client_type == "public":
        row.permanent_expires_at = now + PUBLIC_CLIENT_TTL_S  # rolling
        row.refresh_token = new_refresh = opaque_token(row.id)  # rotated
    return json_response(_token_json(state, row.user_id, row.token, new_refresh))


def _token_json(state: State, user_id: int, access: str, refresh: str | None) -> dict[str, Any]:
    """``Canvas::OAuth::Token#as_json`` (§3.3)."""
    user = state.users[user_id]
    body: dict[str, Any] = {
        "access_token": access,
        "token_type": "Bearer",
        "user": {
            "id": user.id,
            "name": user.name,
            "global_id": str(GLOBAL_ID_BASE + user.id),
            "effective_locale": user.effective_locale,
            "fake_student": False,
        },
        "canvas_region": "unknown",
    }
    if refresh is not None:
        body["refresh_token"] = refresh
    body["expires_in"] = ACCESS_TOKEN_TTL_S
    return body


# -- DELETE /login/oauth2/token ---------------------------------------------------------------


def logout(state: State, req: Request) -> Response:
    raw = token_from_request(req)
    if raw is None:
        body = {"message": "can't delete OAuth access token when not using an OAuth access token"}
        return json_response(body, 400)
    with state.lock:
        row = state.token_by_string(raw)
        check_token(state, row)
        assert row is not None
        row.deleted = True  # soft delete: the refresh token dies with it (§3.4)
    return json_response({})


ROUTES = [
    ("GET", r"/login/oauth2/auth", authorize),
    ("POST", r"/login/oauth2/token", token),
    ("DELETE", r"/login/oauth2/token", logout),
    ("GET", r"/login/oauth2/confirm", confirm),
    ("POST", r"/login/oauth2/accept", accept),
    ("POST", r"/login/oauth2/deny", deny),
    ("GET", r"/login/oauth2/deny", deny_get),
    ("GET", r"/login", _login_redirect),
    ("GET", r"/login/canvas", login_form),
    ("POST", r"/login/canvas", login_submit),
    ("GET", r"/", home),
]
