"""Communication Channels API: index, create, destroy, delete push token.

Canvas's rules for them are docs/canvas-behaviour.md §1; "§N" below means a section of that file.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import unquote

from . import messages
from .auth import can_manage_user_details, can_read_user, has_permission, unauthorized
from .links import paginated_response
from .state import MAX_CCS_PER_USER, Channel, State, User, iso
from .wire import (
    HttpError,
    Request,
    Response,
    custom_type_error,
    generic_error,
    json_response,
    model_errors,
    not_found,
    truthy,
)

KNOWN_TYPES = {"email", "sms", "push", "slack"}
PUSH_ADDRESS = "For All Devices"  # i18n string Canvas reports instead of the push token (§1.3)
CAP_WINDOW_S = 3600  # retired rows created within the last hour still count (§1.5 step 2)

# RFC 2822 addr-spec in the spirit of the email_address_validator gem: local part of atoms or
# a quoted string, "@", a domain of dot-separated labels (``a@b`` passes, ``foo`` fails).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_RE = re.compile(
    rf'^(?:{_ATOM}(?:\.{_ATOM})*|"(?:[^"\\\r\n]|\\.)*")@'
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)


def channel_json(channel: Channel) -> dict[str, Any]:
    """``communication_channel_json`` with its renames (§1.3)."""
    return {
        "id": channel.id,
        "address": PUSH_ADDRESS if channel.path_type == "push" else channel.path,
        "type": "email" if channel.path_type == "personal_email" else channel.path_type,
        "position": channel.position,
        "user_id": channel.user_id,
        "workflow_state": channel.workflow_state,
        "created_at": iso(channel.created_at),
    }


def _target_user(state: State, req: Request) -> User:
    """Resolve ``:user_id`` (§1.2); unknown → 404 before any permission check."""
    user = state.find_user(unquote(req.route["user_id"]), req.user)
    if user is None:
        raise HttpError(not_found())
    return user


def _can_edit_own(state: State, actor: User, target: User) -> bool:
    """``can_edit_own_comm_channels?``: target is the caller and the account allows it."""
    return actor.id == target.id and state.root_account.users_can_edit_comm_channels


# -- index -----------------------------------------------------------------------------------


def index(state: State, req: Request) -> Response:
    with state.lock:
        target = _target_user(state, req)
        assert req.user is not None
        if not can_read_user(req.user, target):
            return unauthorized(state)
        rows = [channel_json(c) for c in state.user_channels(target.id)]
    return paginated_response(req, rows)


# -- create ----------------------------------------------------------------------------------


def create(state: State, req: Request) -> Response:
    cc = req.param("communication_channel")
    if not isinstance(cc, dict):
        # params[:communication_channel][:type] on nil → NoMethodError → 500 (§1.5).
        response = generic_error(500, "internal_server_error")
        assert isinstance(response.json_payload, dict)
        response.json_payload["error_report_id"] = int(time.time())
        return response
    path_type = str(cc.get("type") or "")
    address = str(cc.get("address") or "")
    with state.lock:
        actor = req.user
        assert actor is not None
        target = _target_user(state, req)
        # 1. permission
        allowed = (
            _can_edit_own(state, actor, target)
            or can_manage_user_details(actor, target)
            or path_type == "push"
        )
        if not allowed:
            return unauthorized(state)
        # 2. cap counts the *caller's* channels, not the target's (quirk, §1.5 step 2)
        if not _caller_can_have_more(state, actor):
            return custom_type_error("Maximum number of communication channels reached")
        skip = truthy(req.param("skip_confirmation")) and _honours_skip(actor)
        if path_type == "push":
            return _create_push(state, req, target)
        existing = _find_by_path(state, target.id, path_type, address)
        if existing is not None and existing.workflow_state != "retired":
            return model_errors({"path": [("unique!", "unique!")]})
        if existing is not None:
            channel = _resurrect(existing, address, skip)
        else:
            errors = _validate_new(state, target, path_type, address)
            if errors:
                return model_errors(errors)
            stored_type = path_type if path_type in KNOWN_TYPES else "email"  # assert_path_type
            channel = state.add_channel(
                target.id, address, stored_type, "active" if skip else "unconfirmed"
            )
        if not skip:
            messages.send_confirmation(state, channel, req.base_url)
        messages.notify_email_added(state, channel)
        return json_response(channel_json(channel))


def _honours_skip(actor: User) -> bool:
    """``skip_confirmation`` only with :manage_students on the root account; else ignored."""
    return has_permission(actor, "manage_students")


def _caller_can_have_more(state: State, actor: User) -> bool:
    limit = state.root_account.max_communication_channels
    if limit is None:
        return True
    cutoff = time.time() - CAP_WINDOW_S
    rows = state.user_channels(actor.id, include_retired=True)
    counted = [c for c in rows if c.workflow_state != "retired" or c.created_at > cutoff]
    return len(counted) < limit


def _find_by_path(state: State, user_id: int, path_type: str, address: str) -> Channel | None:
    """``of_type(type).by_path(address)``: case-insensitive, any state, first by position."""
    low = address.lower()
    rows = state.user_channels(user_id, include_retired=True)
    return next((c for c in rows if c.path_type == path_type and c.path.lower() == low), None)


def _resurrect(channel: Channel, address: str, skip: bool) -> Channel:
    """``re_activate!``: same id and position, new casing, bounce count back to 0 (§1.5 step 6)."""
    channel.path = address
    channel.bounce_count = 0
    channel.workflow_state = "active" if skip else "unconfirmed"
    return channel


def _validate_new(
    state: State, target: User, path_type: str, address: str
) -> dict[str, list[tuple[str, str]]]:
    """Model validations for a new row, in declaration order (§1.5 step 8)."""
    errors: dict[str, list[tuple[str, str]]] = {}
    if not address:
        errors.setdefault("path", []).append(("blank", "blank"))
    if not path_type:
        errors.setdefault("path_type", []).append(("blank", "blank"))
    if len(state.user_channels(target.id, include_retired=True)) >= MAX_CCS_PER_USER:
        message = "user communication_channels limit exceeded"
        errors.setdefault("user_id", []).append((message, message))
    if path_type == "email":
        if not _EMAIL_RE.match(address):
            errors.setdefault("email", []).append(("invalid", "invalid"))
        else:
            domain = address.rsplit("@", 1)[1].lower()
            banned = {d.lower() for d in state.root_account.banned_email_domains}
            if domain in banned:
                errors.setdefault("email", []).append(("forbidden", "forbidden"))
    return errors


def _create_push(state: State, req: Request, target: User) -> Response:
    """Push channels are keyed on the caller's developer key (§1.5 step 3)."""
    token = req.token
    if token is None:
        return custom_type_error("Push is only supported when using an access token")
    key = state.developer_keys.get(token.developer_key_id) if token.developer_key_id else None
    if key is None or not key.sns_arn:
        return custom_type_error("SNS is not configured for this developer key")
    push_token = str(req.param("communication_channel", "token") or "")
    channel = next(
        (c for c in state.user_channels(target.id, include_retired=True) if c.path_type == "push"),
        None,
    )
    if channel is None:
        channel = state.add_channel(target.id, "push", "push", "active")
    channel.workflow_state = "active"  # skip_confirmation forced true for push
    if push_token.lower() not in (t.lower() for t in channel.push_tokens):
        channel.push_tokens.append(push_token)
    return json_response(channel_json(channel))


# -- destroy ---------------------------------------------------------------------------------


def destroy(state: State, req: Request) -> Response:
    with state.lock:
        actor = req.user
        assert actor is not None
        target = _target_user(state, req)
        channel = _find_unretired(state, target, req.route)
        # Lookup precedes the permission check: a stranger's missing row is a 404 (§1.6).
        if channel is None:
            return not_found()
        if not (can_manage_user_details(actor, target) or _can_edit_own(state, actor, target)):
            return unauthorized(state)
        messages.notify_email_removed(state, channel)
        channel.workflow_state = "retired"
        return json_response(channel_json(channel))


def _find_unretired(state: State, target: User, route: dict[str, str]) -> Channel | None:
    rows = state.user_channels(target.id)
    if "id" in route:
        raw = unquote(route["id"])
        return next((c for c in rows if raw.isdigit() and c.id == int(raw)), None)
    path_type, low = unquote(route["type"]), unquote(route["address"]).lower()
    return next((c for c in rows if c.path_type == path_type and c.path.lower() == low), None)


def delete_push_token(state: State, req: Request) -> Response:
    """``DELETE /users/self/communication_channels/push`` (§1.7)."""
    with state.lock:
        actor = req.user
        assert actor is not None
        push = next((c for c in state.user_channels(actor.id) if c.path_type == "push"), None)
        if push is None:
            return not_found()
        low = (req.str_param("push_token") or "").lower()
        push.push_tokens = [t for t in push.push_tokens if t.lower() != low]
        return json_response({"success": True})


_USER = r"/api/v1/users/(?P<user_id>[^/]+)/communication_channels"
ROUTES = [
    ("GET", rf"{_USER}", index),
    ("POST", rf"{_USER}", create),
    # Declared before the :id route, exactly as config/routes.rb does (§1.1).
    ("DELETE", r"/api/v1/users/self/communication_channels/push", delete_push_token),
    ("DELETE", rf"{_USER}/(?P<id>[^/]+)", destroy),
    ("DELETE", rf"{_USER}/(?P<type>[^/]+)/(?P<address>[^/?]+)", destroy),
]
