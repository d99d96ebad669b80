"""How a channel list reads on the page: groups, statuses, the default email, warnings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from canvas.records import Channel
from channels_app.services import can_resend

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GROUPS: list[tuple[str, StrOrPromise]] = [
    ("email", pgettext_lazy("contact method type", "Email")),
    ("sms", gettext_lazy("Text (SMS)")),
    ("push", pgettext_lazy("contact method type", "Push")),
    ("other", pgettext_lazy("contact method type", "Other")),
]
# The state of an address ("Active": Canvas may send to it).
STATUS_TEXT = {
    "active": pgettext_lazy("address state", "Active"),
    "unconfirmed": pgettext_lazy("address state", "Unconfirmed"),
}


def spoken_name(channel: Channel) -> str:
    """How buttons and messages name a channel: Canvas shows "For All Devices" for push,
    which alone would not say what is meant."""
    if channel.type == "push":
        return gettext("push notifications for all devices")
    return channel.address


@dataclass(frozen=True)
class ChannelRow:
    channel: Channel
    is_default: bool
    # Filled in by channels_app/guidance.py: sentences under the row, the note next to "Send
    # the confirmation again", and whether the row offers the SMS code field.
    notes: tuple[StrOrPromise, ...] = ()
    resend_note: StrOrPromise = ""
    offers_code: bool = False
    # The code field's form (channels_app.forms.ConfirmationCodeForm) when `offers_code`.
    code_form: object = None

    @property
    def id(self) -> int:
        return self.channel.id

    @property
    def address(self) -> str:
        return self.channel.address

    @property
    def spoken_name(self) -> str:
        return spoken_name(self.channel)

    @property
    def status(self) -> StrOrPromise:
        return STATUS_TEXT.get(self.channel.workflow_state, self.channel.workflow_state.title())

    @property
    def is_unconfirmed(self) -> bool:
        return self.channel.is_unconfirmed

    @property
    def can_resend(self) -> bool:
        return can_resend(self.channel)

    @property
    def is_bouncing(self) -> bool:
        return bool(self.channel.bounce_count)


@dataclass(frozen=True)
class ChannelGroup:
    key: str
    label: StrOrPromise
    rows: list[ChannelRow]


def default_email(channels: list[Channel]) -> Channel | None:
    """Canvas's primary email: the first unretired email by position, even if unconfirmed
    (docs/canvas-behaviour.md §1.9)."""
    return next((c for c in sorted(channels, key=lambda c: c.position) if c.type == "email"), None)


def group_channels(channels: list[Channel]) -> list[ChannelGroup]:
    default = default_email(channels)
    known = {key for key, _ in GROUPS}
    ordered = sorted(channels, key=lambda c: c.position)
    groups = []
    for key, label in GROUPS:
        rows = [
            ChannelRow(channel=c, is_default=default is not None and c.id == default.id)
            for c in ordered
            if (c.type if c.type in known else "other") == key
        ]
        if rows:
            groups.append(ChannelGroup(key=key, label=label, rows=rows))
    return groups


def display_order(channels: list[Channel]) -> list[Channel]:
    return [row.channel for group in group_channels(channels) for row in group.rows]


def unconfirmed(channels: list[Channel]) -> list[Channel]:
    return [c for c in sorted(channels, key=lambda c: c.position) if c.is_unconfirmed]


def neighbour_after_removal(channel_id: int, channels: list[Channel]) -> int | None:
    """The row that should take focus once `channel_id` leaves the list (next, else previous)."""
    order = [c.id for c in display_order(channels)]
    if channel_id not in order:
        return None
    index = order.index(channel_id)
    rest = order[:index] + order[index + 1 :]
    if not rest:
        return None
    return rest[min(index, len(rest) - 1)]
