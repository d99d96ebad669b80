"""API authentication (access tokens, scopes) and Canvas's authorization-failure responses.

docs/canvas-behaviour.md §3.5 (token validation order and bodies), §3.6 (scope matching), §3.8
(unauthorized).
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

from .state import AccessToken, State, User, iso
from .wire import HttpError, Request, Response, json_response

BEARER_CHALLENGE = 'Bearer realm="canvas-lms"'


def _invalid(message: str, **extra: str) -> Response:
    body = {"errors": [{"message": message, **extra}]}
    return json_response(body, 401, WWW_Authenticate=BEARER_CHALLENGE)


def token_from_request(req: Request) -> str | None:
    """``Authorization: Bearer`` or the ``access_token`` param (docs/canvas-behaviour.md §3.5)."""
    header = req.headers.get("Authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return req.str_param("access_token") or None


def check_token(state: State, token: AccessToken | None, now: float | None = None) -> None:
    """Raise the §3.5 401 for an unusable token; return quietly for a good one."""
    now = time.time() if now is None else now
    if token is None:
        raise HttpError(_invalid("Invalid access token."))
    if token.permanent_expires_at is not None and token.permanent_expires_at <= now:
        raise HttpError(
            _invalid("Expired access token.", expired_at=iso(token.permanent_expires_at))
        )
    if token.deleted:
        raise HttpError(_invalid("Revoked access token."))
    if token.expires_at is not None and token.expires_at <= now:
        # The normal 1-hour expiry is only "not usable?" → the generic AccessTokenError.
        raise HttpError(_invalid("Invalid access token."))
    if token.user_id not in state.users:
        raise HttpError(_invalid("Invalid access token."))
    if token.developer_key_id is not None and token.developer_key_id not in state.developer_keys:
        raise HttpError(_invalid("Invalid access token."))


def authenticate_api(state: State, req: Request) -> None:
    """Set ``req.user``/``req.token`` or raise the 401 Canvas would send."""
    raw = token_from_request(req)
    req.token_string = raw
    if raw is None:
        # require_user with no user at all (docs/canvas-behaviour.md §3.8 first bullet).
        body = {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}
        raise HttpError(json_response(body, 401, WWW_Authenticate=BEARER_CHALLENGE))
    with state.lock:
        token = state.token_by_string(raw)
        check_token(state, token)
        assert token is not None
        _check_scopes(state, token, req)
        req.token = token
        req.user = state.users[token.user_id]


@lru_cache(maxsize=256)
def scope_regex(route: str) -> re.Pattern[str]:
    """``:param`` → ``[^/]+``, ``*glob`` → ``.+``, ``(...)`` optional, optional ``.format``."""
    pattern = ""
    for piece in re.split(r"(:\w+|\*\w+|\(|\))", route):
        if not piece:
            continue
        if piece.startswith(":"):
            pattern += "[^/]+"
        elif piece.startswith("*"):
            pattern += ".+"
        elif piece == "(":
            pattern += "(?:"
        elif piece == ")":
            pattern += ")?"
        else:
            pattern += re.escape(piece)
    return re.compile(f"^{pattern}(?:\\.[^/]+)?$")


def scope_allows(scopes: list[str], method: str, path: str) -> bool:
    verb = "GET" if method == "HEAD" else method  # HEAD counts as GET (§3.6)
    for scope in scopes:
        prefix = f"url:{verb}|"
        if scope.startswith(prefix) and scope_regex(scope[len(prefix) :]).match(path):
            return True
    return False


def _check_scopes(state: State, token: AccessToken, req: Request) -> None:
    key = state.developer_keys.get(token.developer_key_id) if token.developer_key_id else None
    if token.manual or key is None or not key.require_scopes:
        return
    # Removing a scope from a key invalidates tokens that relied on it (docs): use the
    # intersection of what the token was granted and what the key still allows.
    allowed = [s for s in token.scopes if s in key.scopes]
    if not scope_allows(allowed, req.method, req.path.split("?", 1)[0]):
        body = {"errors": [{"message": "Insufficient scopes on access token."}]}
        raise HttpError(json_response(body, 401))  # deliberately no WWW-Authenticate


def unauthorized(state: State) -> Response:
    """``render_unauthorized_action``: 403 today, 401 (same body) on older Canvas (§3.8)."""
    body = {
        "status": "unauthorized",
        "errors": [{"message": "user not authorized to perform that action"}],
    }
    return json_response(body, state.settings.unauthorized_status)


# -- permission predicates shared by the endpoint modules ------------------------------------


def has_permission(user: User | None, permission: str) -> bool:
    return user is not None and permission in user.permissions


def can_manage_user_details(actor: User, target: User) -> bool:
    """Admin with :manage_user_logins whose rights cover every right the target holds (§1.5)."""
    return has_permission(actor, "manage_user_logins") and target.permissions <= actor.permissions


def can_read_user(actor: User, target: User) -> bool:
    """User policy :read — self or :manage_user_logins admins (teachers do not get it, §1.4)."""
    return actor.id == target.id or has_permission(actor, "manage_user_logins")


def can_view_user(actor: User, target: User) -> bool:
    """:api_show_user — self, :manage_user_logins or :read_roster admins (§5.1)."""
    return (
        actor.id == target.id
        or has_permission(actor, "manage_user_logins")
        or has_permission(actor, "read_roster")
    )
