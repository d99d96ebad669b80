"""The help desk's own changes to a user's addresses: make an email the default, and confirm an
address for the user. Each reads the list afresh first, so it never acts on a page that is out
of date (an address confirmed, removed or made the default elsewhere since)."""

import dataclasses
from dataclasses import dataclass

from canvas.client import CanvasClient
from canvas.errors import CanvasProblem, NotFound
from canvas.records import Channel
from channels_app import services


class NotAllowedHere(Exception):
    """The address is not one this action may touch: nothing was sent to Canvas."""

    def __init__(self, channel: Channel | None, reason: str) -> None:
        super().__init__(reason)
        self.channel = channel
        self.reason = reason


class ConfirmIncomplete(Exception):
    """The address was removed to be added back confirmed, but Canvas would not take it back."""

    def __init__(self, channel: Channel, cause: CanvasProblem) -> None:
        super().__init__(str(cause))
        self.channel = channel
        self.cause = cause


@dataclass(frozen=True)
class Outcome:
    channel: Channel  # as Canvas now has it
    channels: list[Channel]  # the user's list, as it now stands


def _fresh(client: CanvasClient, user_id: int, channel_id: int) -> tuple[Channel, list[Channel]]:
    channels = client.list_channels(user_id)
    channel = next((c for c in channels if c.id == channel_id), None)
    if channel is None:
        raise NotAllowedHere(None, "gone")
    return channel, channels


def make_default(client: CanvasClient, user_id: int, channel_id: int) -> Outcome:
    """Put an active email first (PUT users/:id with user[email], docs/canvas-behaviour.md §13.1).

    Only an active email: Canvas would make any address it is given the default, an unconfirmed
    one too, and then send the user's mail nowhere until it is confirmed (§1.9).
    """
    channel, channels = _fresh(client, user_id, channel_id)
    if channel.type != "email":
        raise NotAllowedHere(channel, "not-email")
    if not channel.is_active:
        raise NotAllowedHere(channel, "unconfirmed")
    if services.default_email_of(channels) == channel:
        raise NotAllowedHere(channel, "already-default")
    client.set_default_email(user_id, channel.address)
    # Canvas moved the row to position 1 (§13.1); the rest keep their order after it.
    top = dataclasses.replace(channel, position=0)
    return Outcome(top, [top, *(c for c in channels if c.id != channel.id)])


def confirm_for_user(client: CanvasClient, user_id: int, channel_id: int) -> Outcome:
    """Make an unconfirmed address active: remove it and add it back with skip_confirmation.

    Canvas revives the same row at its old position (§1.5 step 6), so a default stays the
    default. Canvas honours the skip only for callers with manage_students on the root account
    (or Site Admin, §1.5) and otherwise ignores it silently: the answer's state says which, and
    the caller refuses in words when the address is still unconfirmed.
    """
    channel, channels = _fresh(client, user_id, channel_id)
    if not channel.is_unconfirmed or channel.type not in services.RESENDABLE_TYPES:
        raise NotAllowedHere(channel, "not-unconfirmed")
    try:
        client.delete_channel(user_id, channel.id)
    except NotFound as exc:
        raise NotAllowedHere(channel, "gone") from exc
    try:
        added = client.create_channel(
            user_id, channel_type=channel.type, address=channel.address, skip_confirmation=True
        )
    except CanvasProblem as exc:
        # Even a lost sign-in: the address is off the list now, and the user must be told.
        raise ConfirmIncomplete(channel, exc) from exc
    rest = [c for c in channels if c.id not in {channel.id, added.id}]
    return Outcome(added, sorted([*rest, added], key=lambda c: c.position))
