"""Notification Preferences API (spec §6, §11): per-channel policies, created lazily.

A policy row exists only once something read or wrote it (``find_all_for`` / ``find_or_update_for``,
§11.3): its first frequency is the notification's default on the user's first unretired channel
and ``never`` everywhere else. Writes are only on ``users/self`` routes.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import unquote

from . import notification_catalog as catalog
from .auth import unauthorized
from .notification_catalog import FREQUENCIES, Notification
from .permissions import can_read_preferences
from .state import Channel, State
from .wire import HttpError, Request, Response, generic_error, json_response, not_found

# -- policy rows -------------------------------------------------------------------------------


def _default_for(state: State, channel: Channel, notification: Notification) -> str:
    """``user.communication_channel`` (first unretired, any type or state) gets the default."""
    first = next(iter(state.user_channels(channel.user_id)), None)
    if first is not None and first.id == channel.id:
        return notification.default_frequency
    return "never"


def _policy(state: State, channel: Channel, notification: Notification) -> dict[str, str]:
    """The row, created with its default when missing (``find_or_update_for`` without frequency)."""
    stored = channel.notification_policies
    if notification.name not in stored:
        stored[notification.name] = _default_for(state, channel, notification)
    return policy_json(notification, stored[notification.name])


def policy_json(notification: Notification, frequency: str) -> dict[str, str]:
    """``notification_policy_json``: no id, no href (§11.4)."""
    return {
        "frequency": frequency,
        "notification": notification.api_name,
        "category": notification.api_category,
    }


def _all_policies(state: State, channel: Channel) -> list[dict[str, str]]:
    """``find_all_for``: existing rows first, then every missing row in catalogue order."""
    for notification in catalog.ALL:
        _policy(state, channel, notification)
    by_name = {n.name: n for n in catalog.ALL}
    return [
        policy_json(by_name[name], frequency)
        for name, frequency in channel.notification_policies.items()
    ]


def _set(state: State, channel: Channel, param: str, frequency: Any) -> dict[str, str]:
    """``find_or_update_for(cc, param, frequency)``: 404 unknown name, 422 bad frequency."""
    notification = catalog.by_param(param)
    if notification is None:
        raise HttpError(not_found())
    if frequency is None:
        return _policy(state, channel, notification)
    if frequency not in FREQUENCIES:
        # np.save! raises RecordInvalid → 422 with the §1.10 hash shape (§11.4).
        error = {"attribute": "frequency", "type": "inclusion", "message": "inclusion"}
        raise HttpError(json_response({"errors": {"frequency": [error]}}, 422))
    channel.notification_policies[notification.name] = str(frequency)
    return policy_json(notification, str(frequency))


# -- lookup shared by every route (before_action :require_user, :get_cc) ------------------------


def _channel(state: State, req: Request, *, writing: bool) -> Channel:
    """User (404), unretired channel by id or type/address (404), then permission (§11.4)."""
    actor = req.user
    assert actor is not None
    target = state.find_user(unquote(req.route["user_id"]), actor)
    if target is None:
        raise HttpError(not_found())
    rows = state.user_channels(target.id)
    if "channel_id" in req.route:
        raw = unquote(req.route["channel_id"])
        channel = next((c for c in rows if raw.isdigit() and c.id == int(raw)), None)
    else:
        path_type, low = unquote(req.route["type"]), unquote(req.route["address"]).lower()
        channel = next(
            (c for c in rows if c.path_type == path_type and c.path.lower() == low), None
        )
    if channel is None:
        raise HttpError(not_found())
    allowed = actor.id == target.id if writing else can_read_preferences(state, actor, target)
    if not allowed:
        raise HttpError(unauthorized(state))
    return channel


def _missing_params() -> Response:
    """``nil[:frequency]`` / ``nil.to_unsafe_h`` → NoMethodError → 500 (§11.4, derived)."""
    response = generic_error(500, "internal_server_error")
    response.json_payload["error_report_id"] = int(time.time())
    return response


def _single_frequency(prefs: Any) -> Any:
    """``notification_preferences[frequency]`` or the JSON-API form ``[{"frequency": …}]``."""
    if isinstance(prefs, list):
        prefs = prefs[0] if prefs else {}
    return prefs.get("frequency") if isinstance(prefs, dict) else None


def _wrap(rows: list[dict[str, str]]) -> Response:
    return json_response({"notification_preferences": rows})


# -- handlers ----------------------------------------------------------------------------------


def index(state: State, req: Request) -> Response:
    with state.lock:
        channel = _channel(state, req, writing=False)
        return _wrap(_all_policies(state, channel))


def category_index(state: State, req: Request) -> Response:
    """Slugs (``category_slug``) of the channel's policies, in row order, each once (§11.2)."""
    with state.lock:
        channel = _channel(state, req, writing=False)
        _all_policies(state, channel)
        by_name = {n.name: n for n in catalog.ALL}
        slugs: list[str] = []
        for name in channel.notification_policies:
            slug = catalog.category_slug(by_name[name].category)
            if slug not in slugs:
                slugs.append(slug)
        return json_response({"categories": slugs})


def show(state: State, req: Request) -> Response:
    with state.lock:
        channel = _channel(state, req, writing=False)
        return _wrap([_set(state, channel, unquote(req.route["notification"]), None)])


def update(state: State, req: Request) -> Response:
    prefs = req.param("notification_preferences")
    with state.lock:
        channel = _channel(state, req, writing=True)
        if prefs is None:
            return _missing_params()
        name = unquote(req.route["notification"])
        return _wrap([_set(state, channel, name, _single_frequency(prefs))])


def update_all(state: State, req: Request) -> Response:
    """Row by row, no transaction: a bad item answers 404/422 after earlier ones were saved."""
    prefs = req.param("notification_preferences")
    with state.lock:
        channel = _channel(state, req, writing=True)
        if prefs is None:
            return _missing_params()
        if isinstance(prefs, list):
            items = [(str(p.get("notification") or ""), p.get("frequency")) for p in prefs]
        elif isinstance(prefs, dict):
            items = [
                (name, value.get("frequency") if isinstance(value, dict) else None)
                for name, value in prefs.items()
            ]
        else:
            return _missing_params()
        return _wrap([_set(state, channel, name, frequency) for name, frequency in items])


def update_by_category(state: State, req: Request) -> Response:
    """The path takes the ``parse_category`` spelling, not what the GETs emit (§11.4)."""
    prefs = req.param("notification_preferences")
    with state.lock:
        channel = _channel(state, req, writing=True)
        members = catalog.in_category(catalog.parse_category(unquote(req.route["category"])))
        if not members:
            return not_found()
        if prefs is None:
            return _missing_params()
        frequency = _single_frequency(prefs)
        return _wrap([_set(state, channel, n.name, frequency) for n in members])


def stored_policies(channel: Channel) -> list[dict[str, str]]:
    """What is stored for a channel (control API), in creation order."""
    by_name = {n.name: n for n in catalog.ALL}
    return [
        policy_json(by_name[name], freq) for name, freq in channel.notification_policies.items()
    ]


_BY_ID = r"/api/v1/users/(?P<user_id>[^/]+)/communication_channels/(?P<channel_id>[^/]+)"
_BY_ADDRESS = (
    r"/api/v1/users/(?P<user_id>[^/]+)/communication_channels/(?P<type>[^/]+)/(?P<address>[^/?]+)"
)
_SELF_ID = r"/api/v1/users/(?P<user_id>self)/communication_channels/(?P<channel_id>[^/]+)"
_SELF_ADDRESS = (
    r"/api/v1/users/(?P<user_id>self)/communication_channels/(?P<type>[^/]+)/(?P<address>[^/?]+)"
)
# config/routes.rb order (§11.5); the write routes exist only under users/self (§6). Names and
# categories hold no dot, so an optional ``.json`` format suffix stays outside them.
ROUTES = [
    ("GET", rf"{_BY_ID}/notification_preferences", index),
    ("GET", rf"{_BY_ADDRESS}/notification_preferences", index),
    ("GET", rf"{_BY_ID}/notification_preference_categories", category_index),
    ("GET", rf"{_BY_ID}/notification_preferences/(?P<notification>[^/.]+)", show),
    ("GET", rf"{_BY_ADDRESS}/notification_preferences/(?P<notification>[^/.]+)", show),
    ("PUT", rf"{_SELF_ID}/notification_preferences/(?P<notification>[^/.]+)", update),
    ("PUT", rf"{_SELF_ADDRESS}/notification_preferences/(?P<notification>[^/.]+)", update),
    ("PUT", rf"{_SELF_ID}/notification_preferences", update_all),
    ("PUT", rf"{_SELF_ADDRESS}/notification_preferences", update_all),
    (
        "PUT",
        rf"{_SELF_ID}/notification_preference_categories/(?P<category>[^/.]+)",
        update_by_category,
    ),
]
