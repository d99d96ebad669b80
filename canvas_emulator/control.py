"""Test/demo control API under ``/__emulator__/`` (not Canvas; JSON in, JSON out, no auth).

See docs/emulator.md for the list. These endpoints simulate what happens outside the API in real
Canvas: an admin creating users or developer keys, a user clicking a confirmation link, a mail
bounce, the one-hour token expiry passing, a user revoking an integration.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import lti, notifications, pages
from .bounces import record_bounce
from .channels import channel_json
from .faults import FaultError
from .oauth import session_cookie
from .state import ADMIN_PERMISSIONS, AVAILABLE_LOCALES, Channel, State, iso
from .timeparse import parse_time
from .wire import Request, Response, json_response

if TYPE_CHECKING:
    from .server import App

ControlHandler = Callable[["App", Request], Response]


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _int_field(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    # Of the values JSON can hold, these are the ones int() reads; null, lists and objects are not.
    if isinstance(value, int | float | str):
        try:
            return int(value)
        except ValueError:
            pass
    raise ControlError(400, f"{name} must be an integer")


def _user_or_404(state: State, user_id: int) -> Any:
    user = state.users.get(user_id)
    if user is None:
        raise ControlError(404, f"no user {user_id}")
    return user


def _channel_or_404(state: State, channel_id: str) -> Channel:
    channel = state.channels.get(int(channel_id)) if channel_id.isdigit() else None
    if channel is None:
        raise ControlError(404, f"no channel {channel_id}")
    return channel


def _full_channel(channel: Channel) -> dict[str, Any]:
    return {
        **channel_json(channel),
        "path": channel.path,
        "bounce_count": channel.bounce_count,
        "confirmation_sent_count": channel.confirmation_sent_count,
        "last_bounce_at": iso(channel.last_bounce_at) if channel.last_bounce_at else None,
        "last_bounce_summary": channel.last_bounce_summary,
    }


# -- users, tokens, sessions, developer keys ------------------------------------------------


def list_users(app: App, req: Request) -> Response:
    with app.state.lock:
        return json_response(
            [u.summary() for u in sorted(app.state.users.values(), key=lambda u: u.id)]
        )


def create_user(app: App, req: Request) -> Response:
    body = req.params
    name, login_id = body.get("name"), body.get("login_id")
    if not name or not login_id:
        raise ControlError(400, "name and login_id are required")
    role = str(body.get("role") or "student")
    permissions = body.get("permissions")
    if permissions is not None and not isinstance(permissions, list):
        raise ControlError(400, "permissions must be a list")
    locale = body.get("locale")
    # Canvas accepts only an exact member of its available locales (`validates_locale`, §15.2).
    if locale is not None and locale not in AVAILABLE_LOCALES:
        raise ControlError(400, f"locale {locale!r} is not one of Canvas's locales")
    state = app.state
    with state.lock:
        if any(u.login_id.lower() == str(login_id).lower() for u in state.users.values()):
            raise ControlError(400, f"login_id {login_id!r} is taken")
        perms = frozenset(str(p) for p in permissions) if permissions is not None else None
        if role == "admin" and perms is None:
            perms = ADMIN_PERMISSIONS
        user = state.add_user(
            name=str(name),
            login_id=str(login_id),
            sis_user_id=body.get("sis_user_id"),
            role=role,
            permissions=perms,
            locale=locale,
        )
        if body.get("email"):
            state.add_channel(user.id, str(body["email"]), "email", "active")
        return json_response(user.summary())


def set_permissions(app: App, req: Request) -> Response:
    """An admin's account role changes in Canvas: `[]` removes the admin role altogether."""
    permissions = req.params.get("permissions")
    if not isinstance(permissions, list):
        raise ControlError(400, "permissions must be a list")
    state = app.state
    with state.lock:
        user = _user_or_404(state, _int_field(req.route, "id"))
        user.permissions = frozenset(str(p) for p in permissions)
        return json_response({**user.summary(), "permissions": sorted(user.permissions)})


def create_token(app: App, req: Request) -> Response:
    body = req.params
    state = app.state
    with state.lock:
        user = _user_or_404(state, _int_field(body, "user_id"))
        key = None
        if body.get("developer_key_id") is not None:
            key = state.developer_keys.get(_int_field(body, "developer_key_id"))
            if key is None:
                raise ControlError(404, "no such developer key")
        row = state.issue_token(user.id, key, manual=True, purpose="emulator control API")
        return json_response({"access_token": row.token, "user_id": user.id, "id": row.id})


def _token_row(app: App, token: str) -> Any:
    row = app.state.token_by_string(unquote(token))
    if row is None:
        raise ControlError(404, "no such access token")
    return row


def _token_status(row: Any, now: float) -> str:
    """The token's state as the control API lists it: a revoked row is "revoked" whatever its
    expiry. (Canvas's own check order, docs/canvas-behaviour.md §3.5 and auth.check_token, tests
    the hard expiry first; this listing only tells tests which tokens are dead and why.)"""
    if row.deleted:
        return "revoked"
    if row.permanent_expires_at is not None and row.permanent_expires_at <= now:
        return "hard_expired"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"  # the access token is dead, the refresh token still works
    return "live"


def list_tokens(app: App, req: Request) -> Response:
    """Every token ever issued, so tests can see which were revoked (logout, replace_tokens)."""
    state, now = app.state, time.time()
    raw = req.str_param("user_id")
    with state.lock:
        rows = sorted(state.tokens.values(), key=lambda t: t.id)
        if raw is not None:
            user_id = _int_field({"user_id": raw}, "user_id")
            rows = [t for t in rows if t.user_id == user_id]
        return json_response(
            [
                {
                    "id": t.id,
                    "user_id": t.user_id,
                    "developer_key_id": t.developer_key_id,
                    "access_token": t.token,
                    "status": _token_status(t, now),
                    "manual": t.manual,
                    "purpose": t.purpose,
                }
                for t in rows
            ]
        )


def expire_token(app: App, req: Request) -> Response:
    """The 1-hour expiry passes: the API answers 401, refresh still works."""
    with app.state.lock:
        row = _token_row(app, req.route["token"])
        row.expires_at = time.time() - 1
        return json_response({"expired": True})


def revoke_token(app: App, req: Request) -> Response:
    """The user removes the integration: the row is gone, so refresh fails too."""
    with app.state.lock:
        row = _token_row(app, req.route["token"])
        row.deleted = True
        return json_response({"revoked": True})


def create_session(app: App, req: Request) -> Response:
    state = app.state
    with state.lock:
        user = _user_or_404(state, _int_field(req.params, "user_id"))
        session = state.new_session(user.id)
    response = json_response({"user_id": user.id, "cookie": session_cookie(session).split(";")[0]})
    return response.header("Set-Cookie", session_cookie(session))


def list_developer_keys(app: App, req: Request) -> Response:
    with app.state.lock:
        return json_response([k.as_json() for k in app.state.developer_keys.values()])


def create_developer_key(app: App, req: Request) -> Response:
    body = req.params
    uris = body.get("redirect_uris") or []
    scopes = body.get("scopes") or []
    if not isinstance(uris, list) or not isinstance(scopes, list):
        raise ControlError(400, "redirect_uris and scopes must be lists")
    client_type = str(body.get("client_type") or "confidential")
    if client_type not in {"confidential", "public"}:
        raise ControlError(400, "client_type must be confidential or public")
    key = app.state.add_developer_key(
        name=str(body.get("name") or "Emulated Developer Key"),
        redirect_uris=[str(u) for u in uris],
        trusted=bool(body.get("trusted", False)),
        require_scopes=bool(body.get("require_scopes", False)),
        scopes=[str(s) for s in scopes],
        client_type=client_type,
        sns_arn=body.get("sns_arn"),
    )
    return json_response(key.as_json())


# -- settings, reset ---------------------------------------------------------------------------


def _settings_json(state: State) -> dict[str, Any]:
    account = state.root_account
    return {
        "users_can_edit_comm_channels": account.users_can_edit_comm_channels,
        "max_communication_channels": account.max_communication_channels,
        "banned_email_domains": list(account.banned_email_domains),
        "unauthorized_status": state.settings.unauthorized_status,
        "deliver_sms": state.settings.deliver_sms,
        "admins_can_view_notifications": account.admins_can_view_notifications,
    }


def get_settings(app: App, req: Request) -> Response:
    with app.state.lock:
        return json_response(_settings_json(app.state))


def update_settings(app: App, req: Request) -> Response:
    body = req.params
    state = app.state
    with state.lock:
        account = state.root_account
        if "users_can_edit_comm_channels" in body:
            account.users_can_edit_comm_channels = bool(body["users_can_edit_comm_channels"])
        if "max_communication_channels" in body:
            limit = body["max_communication_channels"]
            account.max_communication_channels = None if limit is None else int(limit)
        if "banned_email_domains" in body:
            account.banned_email_domains = [str(d) for d in body["banned_email_domains"] or []]
        if "admins_can_view_notifications" in body:
            account.admins_can_view_notifications = bool(body["admins_can_view_notifications"])
        if "unauthorized_status" in body:
            status = int(body["unauthorized_status"])
            if status not in (401, 403):
                raise ControlError(400, "unauthorized_status must be 401 or 403")
            state.settings.unauthorized_status = status
        if "deliver_sms" in body:
            if not isinstance(body["deliver_sms"], bool):
                raise ControlError(400, "deliver_sms must be true or false")
            state.settings.deliver_sms = body["deliver_sms"]
        return json_response(_settings_json(state))


def reset(app: App, req: Request) -> Response:
    app.reset()
    return json_response({"reset": True, "seed": app.seed})


# -- channels ----------------------------------------------------------------------------------


def list_channels(app: App, req: Request) -> Response:
    state = app.state
    raw = req.str_param("user_id")
    with state.lock:
        if raw is None:
            rows = sorted(state.channels.values(), key=lambda c: (c.user_id, c.position, c.id))
        else:
            rows = state.user_channels(
                _int_field({"user_id": raw}, "user_id"), include_retired=True
            )
        return json_response([_full_channel(c) for c in rows])


def confirm_channel(app: App, req: Request) -> Response:
    """What clicking the ``/register/:nonce`` link does (docs/canvas-behaviour.md §7)."""
    with app.state.lock:
        channel = _channel_or_404(app.state, req.route["id"])
        if channel.workflow_state == "retired":
            raise ControlError(400, "a retired channel cannot be confirmed")
        channel.workflow_state = "active"
        return json_response(_full_channel(channel))


def bounce_channel(app: App, req: Request) -> Response:
    """A bounce notice arrives: optional ``count``, ``reason`` and ``bounced_at`` (ISO-8601)."""
    body = req.params
    raw_at = body.get("bounced_at")
    bounced_at = None if raw_at is None else parse_time(str(raw_at))
    if raw_at is not None and bounced_at is None:
        raise ControlError(400, "bounced_at must be an ISO-8601 time")
    reason = body.get("reason")
    with app.state.lock:
        channel = _channel_or_404(app.state, req.route["id"])
        count = _int_field(body, "count") if "count" in body else None
        record_bounce(
            channel, count=count, reason=None if reason is None else str(reason), at=bounced_at
        )
        return json_response(_full_channel(channel))


def channel_messages(app: App, req: Request) -> Response:
    with app.state.lock:
        channel = _channel_or_404(app.state, req.route["id"])
        return json_response([dict(m) for m in channel.messages])


def channel_notification_preferences(app: App, req: Request) -> Response:
    """The policy rows stored for a channel: only those something read or wrote (spec §11.3)."""
    with app.state.lock:
        channel = _channel_or_404(app.state, req.route["id"])
        return json_response(notifications.stored_policies(channel))


# -- faults, request log, static ---------------------------------------------------------------


def get_faults(app: App, req: Request) -> Response:
    return json_response(app.faults.snapshot())


def set_faults(app: App, req: Request) -> Response:
    try:
        return json_response(app.faults.configure(req.params))
    except FaultError as err:
        raise ControlError(400, str(err)) from None


def get_requests(app: App, req: Request) -> Response:
    return json_response(app.log_snapshot())


def clear_requests(app: App, req: Request) -> Response:
    app.clear_log()
    return json_response({"cleared": True})


def static(app: App, req: Request) -> Response:
    content = pages.static_file(req.route["name"])
    if content is None:
        raise ControlError(404, "no such file")
    content_type = {
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
    }.get(req.route["name"].rpartition(".")[2], "text/plain")
    return Response(200, content, content_type, [("Cache-Control", "max-age=3600")])


_ROUTES: list[tuple[str, str, ControlHandler]] = [
    ("GET", r"users", list_users),
    ("POST", r"users", create_user),
    ("GET", r"tokens", list_tokens),
    ("POST", r"users/(?P<id>[^/]+)/permissions", set_permissions),
    ("POST", r"tokens", create_token),
    ("POST", r"tokens/(?P<token>[^/]+)/expire", expire_token),
    ("POST", r"tokens/(?P<token>[^/]+)/revoke", revoke_token),
    ("POST", r"session", create_session),
    ("GET", r"developer_keys", list_developer_keys),
    ("POST", r"developer_keys", create_developer_key),
    ("GET", r"settings", get_settings),
    ("POST", r"settings", update_settings),
    ("POST", r"reset", reset),
    ("GET", r"channels", list_channels),
    ("POST", r"channels/(?P<id>[^/]+)/confirm", confirm_channel),
    ("POST", r"channels/(?P<id>[^/]+)/bounce", bounce_channel),
    ("GET", r"channels/(?P<id>[^/]+)/messages", channel_messages),
    ("GET", r"channels/(?P<id>[^/]+)/notification_preferences", channel_notification_preferences),
    ("GET", r"faults", get_faults),
    ("POST", r"faults", set_faults),
    ("GET", r"requests", get_requests),
    ("DELETE", r"requests", clear_requests),
    ("GET", r"static/(?P<name>[^/]+)", static),
    *lti.CONTROL_ROUTES,
]
_COMPILED = [(m, re.compile(f"^/__emulator__/{p}/?$"), h) for m, p, h in _ROUTES]


def dispatch(app: App, req: Request) -> Response:
    verb = "GET" if req.method == "HEAD" else req.method
    known_path = False
    for method, regex, handler in _COMPILED:
        found = regex.match(req.path)
        if not found:
            continue
        known_path = True
        if method == verb:
            req.route = found.groupdict()
            try:
                return handler(app, req)
            except ControlError as err:
                return json_response({"error": err.message}, err.status)
            except (TypeError, ValueError) as err:
                return json_response({"error": str(err)}, 400)
    if known_path:
        return json_response({"error": "method not allowed"}, 405)
    return json_response({"error": f"unknown control endpoint {req.path}"}, 404)
