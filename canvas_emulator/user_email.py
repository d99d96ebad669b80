"""``PUT /api/v1/users/:id`` with ``user[email]``: an admin sets the default email (§13.1).

Only the ``email`` key of ``users#update`` is emulated. Every other ``user[...]`` key is
refused like a key outside ``managed_attributes``, which is what Canvas does for callers who
may not change it (renaming and the other profile fields are not modelled).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from .auth import can_manage_user_details, unauthorized
from .channels import _find_by_path, _validate_new
from .messages_api import DEFAULT_EMAIL_CHANGED, record_message
from .state import Channel, State, User
from .users import _admin_fields, _base_user_json
from .wire import HttpError, Request, Response, json_response, model_errors, not_found


def _first_email(state: State, user_id: int) -> Channel | None:
    """``User#email_channel``: the first unretired email row by position (§1.9)."""
    return next((c for c in state.user_channels(user_id) if c.path_type == "email"), None)


def _move_to_top(state: State, channel: Channel) -> None:
    """``acts_as_list#move_to_top``: rows above it (retired ones too) shift down by one."""
    for other in state.user_channels(channel.user_id, include_retired=True):
        if other.id != channel.id and other.position < channel.position:
            other.position += 1
    channel.position = 1


def set_default_email(state: State, user: User, address: str) -> Response | None:
    """``User#email=``; an error response when the new row fails validation, else ``None``."""
    prior = _first_email(state, user.id)
    channel = _find_by_path(state, user.id, "email", address)  # any state, retired included
    if channel is None:
        errors = _validate_new(state, user, "email", address)
        if errors:
            response = model_errors(errors)
            response.status = 422  # RecordInvalid from create! (derived, §13.1)
            return response
        channel = state.add_channel(user.id, address, "email", "unconfirmed")
    channel.path = address  # the new spelling wins
    if channel.workflow_state == "retired":
        channel.workflow_state = "unconfirmed"  # bounce count kept, unlike API create
    _move_to_top(state, channel)
    # No confirmation is sent for the new default; the old default hears about the change.
    if prior is not None and prior.id != channel.id:
        record_message(prior, DEFAULT_EMAIL_CHANGED)
    return None


def _user_json(state: State, actor: User, user: User, req: Request) -> dict[str, Any]:
    """``user_json`` with ``%w[locale avatar_url email time_zone]`` (+ ``avatar_state``)."""
    body = _base_user_json(user)
    body.update(_admin_fields(state, actor, user, with_email=True))
    if actor.id == user.id and "email" not in body:
        body["email"] = state.primary_email(user.id)
    body.update(
        locale=user.locale,
        time_zone="Etc/UTC",
        avatar_url=f"{req.base_url}/images/messages/avatar-50.png",
    )
    if can_manage_user_details(actor, user):
        body["avatar_state"] = "none"
    return body


def update_user(state: State, req: Request) -> Response:
    actor = req.user
    assert actor is not None
    fields = req.param("user")
    fields = fields if isinstance(fields, dict) else {}
    with state.lock:
        user = state.find_user(unquote(req.route["id"]), actor)
        if user is None:
            raise HttpError(not_found())  # api_find precedes every permission check
        managed = {"email"} if can_manage_user_details(actor, user) else set()
        # Any key the caller may not change refuses the whole request, allowed keys included.
        if not (managed or actor.id == user.id) or not set(fields) <= managed:
            return unauthorized(state)
        if "email" in fields:
            failure = set_default_email(state, user, str(fields["email"] or ""))
            if failure is not None:
                return failure
        return json_response(_user_json(state, actor, user, req))


ROUTES = [("PUT", r"/api/v1/users/(?P<id>[^/]+)", update_user)]
