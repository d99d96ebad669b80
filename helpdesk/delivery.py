"""Why mail does not reach a user: the delivery panel's facts and its one-sentence conclusion.

Read from Canvas when the panel is asked for, never with the user page (which keeps its own
Canvas calls): the user's addresses (bounce count and state, docs/canvas-behaviour.md §1.3),
the bounced-channel report for the addresses that bounced (when and why, §14.1), and the latest
messages Canvas made for the user (§14.3). Each part is read only when the staff member's Canvas
role allows it (helpdesk/staff.py), and a refusal of the call itself (a root-account setting can
still switch the right off) hides that part with a sentence instead of failing the panel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from canvas.client import CanvasClient
from canvas.errors import CanvasError, Forbidden, InsufficientScope
from canvas.records import BouncedChannel, Channel, CommMessage
from channels_app import preferences
from channels_app import wording as channels_wording
from channels_app.preferences import NotificationPanel
from channels_app.services import default_email_of
from helpdesk import wording
from helpdesk.staff import StaffStatus
from helpdesk.targets import Target

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# "Recent": the messages of the last month, newest first, at most a screenful.
MESSAGE_WINDOW = timedelta(days=30)
MESSAGE_LIMIT = 20
ROOT_ACCOUNT = "self"
# Addresses Canvas can confirm or make the default (push has no address to choose).
ADDRESS_TYPES = frozenset({"email", "sms"})


@dataclass(frozen=True)
class AddressState:
    channel: Channel
    is_default: bool
    bounce: BouncedChannel | None
    can_make_default: bool
    can_confirm: bool
    # Whether the portal can tell if it bounced: the report was read, or Canvas gave the count
    # (only to Site Admins, docs/canvas-behaviour.md §1.3).
    bounce_known: bool = True
    # What it receives: the student's notification panel, read-only, with its one-line summary;
    # or the sentence saying why it is not shown.
    receives: NotificationPanel | None = None
    receives_line: StrOrPromise = ""
    receives_missing: StrOrPromise = ""

    @property
    def has_bounced(self) -> bool:
        return self.bounce is not None or bool(self.channel.bounce_count)

    @property
    def bounced_on(self) -> str:
        when = self.bounce.bounced_at if self.bounce else None
        return wording.readable_date(when) if when else ""


@dataclass(frozen=True)
class MessageRow:
    message: CommMessage

    @property
    def state_label(self) -> StrOrPromise:
        return wording.message_state(self.message.workflow_state)


@dataclass(frozen=True)
class Part[T]:
    """One part of the panel: what Canvas said, or the sentence saying why it is not shown."""

    items: list[T]
    shown: bool
    missing: StrOrPromise = ""


@dataclass(frozen=True)
class Delivery:
    addresses: list[AddressState]
    bounces: Part[BouncedChannel]
    messages: Part[MessageRow]
    conclusion: str
    make_default_missing: StrOrPromise
    confirm_missing: StrOrPromise


def _read[T](read: Callable[[], list[T]], *, allowed: bool, refused: StrOrPromise) -> Part[T]:
    if not allowed:
        return Part([], shown=False, missing=refused)
    try:
        return Part(read(), shown=True)
    except (Forbidden, InsufficientScope):
        return Part([], shown=False, missing=refused)
    except CanvasError:
        return Part([], shown=False, missing=wording.DELIVERY_PART_FAILED)


def _bounces(client: CanvasClient, target: Target, channels: list[Channel]) -> list[BouncedChannel]:
    """The report's rows for this user's bounced addresses: one call per address whose bounce
    count says it bounced, or per email when Canvas gave no count (usually none or one).
    `pattern` is a LIKE pattern, so rows are kept only when they are this user's own channel."""
    ids = {c.id for c in channels}
    rows: list[BouncedChannel] = []
    for channel in channels:
        unknown = channel.bounce_count is None and channel.type == "email"
        if not (unknown or (channel.bounce_count or 0) > 0):
            continue
        found = client.bounced_channels(ROOT_ACCOUNT, channel.address)
        rows += [r for r in found if r.user_id == target.id and r.channel_id in ids]
    return rows


def _receives(
    client: CanvasClient,
    target: Target,
    channel: Channel,
    default: Channel | None,
    *,
    allowed: bool,
) -> dict[str, Any]:
    """The address's notification panel, read-only (one Canvas call; reading another user's
    preferences needs `view_statistics`, docs/canvas-behaviour.md §11.4)."""
    if not allowed:
        return {"receives_missing": wording.RECEIVES_NOT_ALLOWED}
    if not preferences.has_preferences_to_show(channel):
        return {}  # an SMS while Canvas sends no texts: its row already says so
    try:
        panel, rows = preferences.panel_load(
            client=client, user_id=target.id, channel=channel, default=default, read_only=True
        )
    except (Forbidden, InsufficientScope):
        return {"receives_missing": wording.RECEIVES_NOT_ALLOWED}
    except CanvasError:
        return {"receives_missing": wording.DELIVERY_PART_FAILED}
    line = channels_wording.receives(preferences.summarise(channel, preferences.by_category(rows)))
    return {"receives": panel, "receives_line": line}


def diagnose(
    client: CanvasClient,
    staff: StaffStatus,
    target: Target,
    channels: list[Channel],
    *,
    now: datetime | None = None,
) -> Delivery:
    """The panel for `target` whose current list is `channels` (read just before)."""
    addresses = [c for c in channels if c.type in ADDRESS_TYPES]
    bounces = _read(
        lambda: _bounces(client, target, addresses),
        allowed=staff.can_read_bounces,
        refused=wording.BOUNCES_NOT_ALLOWED,
    )
    since = (now or datetime.now(UTC)) - MESSAGE_WINDOW
    messages = _read(
        lambda: [
            MessageRow(m) for m in client.comm_messages(target.id, since.isoformat(), MESSAGE_LIMIT)
        ],
        allowed=staff.can_read_messages,
        refused=wording.MESSAGES_NOT_ALLOWED,
    )
    default = default_email_of(channels)
    by_channel = {row.channel_id: row for row in bounces.items}
    states = [
        AddressState(
            channel=c,
            is_default=c == default,
            bounce=by_channel.get(c.id),
            can_make_default=(
                staff.can_set_default_email and c.type == "email" and c.is_active and c != default
            ),
            can_confirm=staff.can_skip_confirmation and c.is_unconfirmed,
            bounce_known=bounces.shown or c.bounce_count is not None,
            **_receives(client, target, c, default, allowed=staff.can_read_preferences),
        )
        for c in addresses
    ]
    return Delivery(
        addresses=states,
        bounces=bounces,
        messages=messages,
        conclusion=conclusion(target, states),
        make_default_missing="" if staff.can_set_default_email else wording.DEFAULT_NOT_ALLOWED,
        confirm_missing="" if staff.can_skip_confirmation else wording.CONFIRM_NOT_ALLOWED,
    )


def conclusion(target: Target, states: list[AddressState]) -> str:
    """One plain sentence on why mail does (not) arrive, from the addresses alone."""
    emails = [s for s in states if s.channel.type == "email"]
    default = next((s for s in emails if s.is_default), None)
    if default is None:
        return wording.no_email(target.name)
    working = [s for s in states if s.channel.is_active and not s.has_bounced and s is not default]
    if default.has_bounced:
        return wording.default_bounced(
            default.channel.address, default.bounced_on, target.name, others=bool(working)
        )
    if default.channel.is_unconfirmed:
        return wording.default_unconfirmed(default.channel.address, target.name)
    if not default.bounce_known:
        return wording.default_bounces_unknown(default.channel.address)
    return wording.default_fine(default.channel.address)
