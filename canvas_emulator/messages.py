"""The messages Canvas sends about channels: confirmation codes and address added/removed notices.

Each message is recorded on the channel it goes to (control API ``channels/<id>/messages``), so a
test can read a confirmation code and follow it. Spec §1.5 (``send_confirmation!``), §1.6, §11.3
(delivery: every SMS is cancelled on current Canvas), §12.1 (codes).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from .state import Channel, State, iso

# CanvasSlug's current alphabet (spec §12.1): no 0 1 5 b d g i j l o p q s I O S. Case-sensitive.
CODE_ALPHABET = "2346789" + "acefhkmnrtuvwxyz" + "ABCDEFGHJKLMNPQRTUVWXYZ"
EMAIL_CODE_LENGTH = 25
OTHER_CODE_LENGTH = 4  # CanvasSlug.generate's default: SMS, slack, push
CONFIRMATION_LIMIT = 3  # confirmation_limit_reached: confirmation_sent_count > 2 (§1.5)


def confirmation_code(channel: Channel) -> str:
    """``set_confirmation_code``: drawn once (``||=``), 25 characters for email, else 4 (§12.1)."""
    if channel.confirmation_code is None:
        length = EMAIL_CODE_LENGTH if channel.path_type == "email" else OTHER_CODE_LENGTH
        channel.confirmation_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return channel.confirmation_code


def _deliverable(state: State, channel: Channel) -> bool:
    """``Message#deliver``: ``skip_and_cancel if path_type == "sms"`` unless SMS is switched on."""
    return channel.path_type != "sms" or state.settings.deliver_sms


def _record(state: State, channel: Channel, kind: str, **details: Any) -> dict[str, Any]:
    delivered = _deliverable(state, channel)
    message: dict[str, Any] = {
        "id": state.next_id("message"),
        "to": channel.path,
        "type": kind,
        "sent_at": iso(time.time()),
        "workflow_state": "sent" if delivered else "cancelled",
        # A cancelled message never reaches anyone: what it carried stays unknown to the test.
        **{key: (value if delivered else None) for key, value in details.items()},
    }
    channel.messages.append(message)
    return message


def send_confirmation(state: State, channel: Channel, base_url: str) -> None:
    """``send_confirmation!``: silently nothing after 3 sends or while bouncing (§1.5, §12.3).

    The count goes up even when delivery then cancels the message (an SMS on current Canvas).
    """
    if channel.path_type == "push":
        return
    if channel.confirmation_sent_count >= CONFIRMATION_LIMIT or channel.bounce_count >= 1:
        return
    channel.confirmation_sent_count += 1
    code = confirmation_code(channel)
    if channel.path_type == "email":
        url = f"{base_url}/register/{code}"  # confirmation_url_data exists only for email
        _record(state, channel, "confirm_email_communication_channel", code=code, url=url)
    else:
        _record(state, channel, "confirm_sms_communication_channel", code=code, url=None)


def default_email_channel(state: State, user_id: int) -> Channel | None:
    """``User#email_channel``: the first unretired email by position, maybe unconfirmed (§1.9)."""
    return next((c for c in state.user_channels(user_id) if c.path_type == "email"), None)


def notify_email_added(state: State, channel: Channel) -> None:
    """``notify_email_added!``: a new email tells the user's (other) default email (§1.5 step 9)."""
    default = default_email_channel(state, channel.user_id)
    if channel.path_type == "email" and default is not None and default.id != channel.id:
        _record(state, default, "new_email_address_added", address=channel.path)


def notify_email_removed(state: State, channel: Channel) -> None:
    """``notify_email_removed!``: removing a non-default email tells the default one (§1.6).

    Call it before the row is retired: removing the default itself notifies nobody.
    """
    default = default_email_channel(state, channel.user_id)
    if channel.path_type == "email" and default is not None and default.id != channel.id:
        _record(state, default, "email_address_removed", address=channel.path)
