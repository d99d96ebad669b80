"""``GET /api/v1/comm_messages`` and the messages it lists (docs/canvas-behaviour.md §14.3).

The emulator records a message wherever Canvas would send one: confirmations (``channels``),
the default-email notice (``user_email``) and the demo seed. Each record is a dict in the
channel's ``messages`` list with ``to``, ``type`` and ``sent_at`` (when it was made); records
made here also carry ``workflow_state``. Ids are handed out on first read, in creation order, so
the confirmation code path in ``channels`` stays a plain append.
"""

from __future__ import annotations

import html
import time
from datetime import datetime
from typing import Any

from .auth import unauthorized
from .links import paginated_response
from .permissions import can_read_comm_messages
from .state import Channel, State, iso
from .timeparse import parse_time
from .wire import Request, Response, not_found

# HostUrl.outgoing_email_address / outgoing_email_default_name of hosted Canvas.
OUTGOING_ADDRESS = "notifications@instructure.com"
OUTGOING_NAME = "Instructure Canvas"
DEFAULT_EMAIL_CHANGED = "default_email_address_changed"

# Subject and plain-text body per notification; wording is the emulator's (UNVERIFIED).
_TEXTS: dict[str, tuple[str, str]] = {
    "confirm_email_communication_channel": (
        "Confirm Email: Canvas",
        "Please confirm this email address so that Canvas can send you notifications.",
    ),
    "confirm_sms_communication_channel": (
        "Confirm SMS: Canvas",
        "Please confirm this phone number so that Canvas can send you text messages.",
    ),
    DEFAULT_EMAIL_CHANGED: (
        "Default Email Changed: Canvas",
        "The default email address of your Canvas account was changed. "
        "If you did not expect this, contact your school's help desk.",
    ),
}


def record_message(
    channel: Channel, kind: str, *, workflow_state: str = "sent", at: float | None = None
) -> dict[str, Any]:
    """Add a message to ``channel`` (call with the state lock held) and return it."""
    message = {
        "to": channel.path,
        "type": kind,
        "sent_at": iso(time.time() if at is None else at),
        "workflow_state": workflow_state,
    }
    channel.messages.append(message)
    return message


def mark_latest_bounced(channel: Channel) -> None:
    """A bounce notice concerns the last message delivered to the address (emulator choice)."""
    for message in reversed(channel.messages):
        if _state_of(channel, message) == "sent":
            message["workflow_state"] = "bounced"
            return


def _state_of(channel: Channel, message: dict[str, Any]) -> str:
    """Recorded state, else what ``Message#deliver`` ends in: SMS is always cancelled (§11.3)."""
    recorded = message.get("workflow_state")
    if isinstance(recorded, str):
        return recorded
    return "cancelled" if channel.path_type == "sms" else "sent"


def _created(message: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(message["sent_at"])).timestamp()


def _number(state: State) -> None:
    """Give every message without an id the next one, oldest first."""
    waiting = [
        (_created(message), channel.id, index, message)
        for channel in state.channels.values()
        for index, message in enumerate(channel.messages)
        if "id" not in message
    ]
    for *_, message in sorted(waiting, key=lambda row: row[:3]):
        message["id"] = state.next_id("message")


def message_json(channel: Channel, message: dict[str, Any]) -> dict[str, Any]:
    """``Message#as_json`` with the ``lib/api/v1/comm_message.rb`` defaults (§14.3)."""
    kind = str(message.get("type") or "")
    subject, body = _TEXTS.get(kind, ("Canvas notification", "A message from Canvas."))
    state = _state_of(channel, message)
    return {
        "id": message["id"],
        "created_at": message["sent_at"],
        # A cancelled message was never handed to a mail or SMS gateway.
        "sent_at": None if state == "cancelled" else message["sent_at"],
        "workflow_state": state,
        "from": OUTGOING_ADDRESS,
        "from_name": OUTGOING_NAME,
        "to": message.get("to") or channel.path,
        "reply_to": None,
        "subject": subject,
        "body": body,
        "html_body": f"<p>{html.escape(body)}</p>",
    }


def comm_messages(state: State, req: Request) -> Response:
    """Messages sent to ``user_id``, newest first, paginated (§14.3)."""
    caller = req.user
    assert caller is not None
    with state.lock:
        raw = req.str_param("user_id")
        # api_find runs before the permission check: a missing or unknown user is a 404.
        user = state.find_user(raw, caller) if raw else None
        if user is None:
            return not_found()
        if not can_read_comm_messages(state, caller):
            return unauthorized(state)
        start = parse_time(req.str_param("start_time"))
        end = parse_time(req.str_param("end_time"))
        _number(state)
        found = [
            (_created(message), message["id"], message_json(channel, message))
            for channel in state.user_channels(user.id, include_retired=True)
            for message in channel.messages
        ]
    kept = [
        (created, ident, row)
        for created, ident, row in found
        if (start is None or created >= start) and (end is None or created <= end)
    ]
    kept.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return paginated_response(req, [row for *_, row in kept])


ROUTES = [("GET", r"/api/v1/comm_messages", comm_messages)]
