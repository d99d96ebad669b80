"""Use cases on a user's contact methods. Each makes the fewest Canvas calls the task allows."""

import dataclasses
import time
from dataclasses import dataclass
from typing import Literal

from canvas.client import CanvasClient
from canvas.errors import (
    CanvasError,
    CanvasProblem,
    NotFound,
    Throttled,
    Unavailable,
    ValidationFailed,
)
from canvas.records import Channel

# Canvas sends at most three confirmation messages per address, ever
# (docs/canvas-behaviour.md §1.5, §12.3).
CONFIRMATION_MESSAGE_LIMIT = 3
RESEND_READD_ATTEMPTS = 3


@dataclass(frozen=True)
class ActionRecord:
    """What one change attempt did, for whoever keeps a record (the help-desk audit log)."""

    action: str  # "add", "remove", "resend", "replace"
    channel_type: str
    address: str
    outcome: str  # "success", "refused" (Canvas or the form said no), "failure" (error)
    canvas_status: int | None = None
    error: str = ""


def record_of(
    action: str, channel_type: str, address: str, exc: Exception | None = None
) -> ActionRecord:
    if exc is None:
        return ActionRecord(action, channel_type, address, "success", 200)
    refused = isinstance(exc, ValidationFailed | DuplicateAddress | NotResendable)
    return ActionRecord(
        action,
        channel_type,
        address,
        "refused" if refused else "failure",
        getattr(exc, "status", None),
        f"{type(exc).__name__}: {exc}"[:500],
    )


class DuplicateAddress(Exception):
    """The user already has this address (caught before asking Canvas)."""

    def __init__(self, existing: Channel) -> None:
        super().__init__(existing.address)
        self.existing = existing


# Removing and re-adding an address is the only way to make Canvas send another confirmation
# (docs/canvas-behaviour.md §7), and it leaves the address unconfirmed. Done to an active address
# it would stop its notifications; done to push it would delete push for good (push cannot be
# added back).
RESENDABLE_TYPES = frozenset({"email", "sms"})


def can_resend(channel: Channel) -> bool:
    """Whether "send the confirmation again" may touch this channel at all."""
    return channel.type in RESENDABLE_TYPES and channel.is_unconfirmed


class NotResendable(Exception):
    """A resend asked for a channel that is not an unconfirmed email or SMS: nothing was done."""

    def __init__(self, channel: Channel) -> None:
        super().__init__(f"{channel.type} channel {channel.id} is {channel.workflow_state}")
        self.channel = channel


class ResendIncomplete(Exception):
    """The address was removed for the resend but Canvas would not take it back."""

    def __init__(self, channel: Channel, cause: CanvasProblem) -> None:
        super().__init__(str(cause))
        self.channel = channel
        self.cause = cause


def find_duplicate(channels: list[Channel], *, channel_type: str, address: str) -> Channel | None:
    """Canvas compares addresses of one type case-insensitively.

    docs/canvas-behaviour.md §1.5, step 4.
    """
    wanted = address.casefold()
    return next(
        (c for c in channels if c.type == channel_type and c.address.casefold() == wanted), None
    )


def channel_list(*, client: CanvasClient, user_id: int | str) -> list[Channel]:
    return client.list_channels(user_id)


def channel_add(
    *,
    client: CanvasClient,
    user_id: int | str,
    channel_type: str,
    address: str,
    known_channels: list[Channel] | None = None,
    skip_confirmation: bool = False,
) -> Channel:
    duplicate = find_duplicate(known_channels or [], channel_type=channel_type, address=address)
    if duplicate is not None:
        raise DuplicateAddress(duplicate)
    return client.create_channel(
        user_id,
        channel_type=channel_type,
        address=address,
        skip_confirmation=skip_confirmation,
    )


def channel_remove(*, client: CanvasClient, user_id: int | str, channel_id: int) -> Channel | None:
    """Remove a channel; one already removed elsewhere (404) counts as removed (returns None)."""
    try:
        return client.delete_channel(user_id, channel_id)
    except NotFound:
        return None


@dataclass(frozen=True)
class ResendResult:
    channel: Channel
    readd_attempts: int


def channel_resend_confirmation(
    *, client: CanvasClient, user_id: int | str, channel: Channel, retry_pause: float = 0.5
) -> ResendResult:
    """Canvas has no resend API (docs/canvas-behaviour.md §7): remove the address and add it again.

    Re-adding resurrects the same row, which sends a new message unless three were sent already.
    The address must never be left removed, so the re-add is retried; if it still fails,
    ResendIncomplete says so and the caller tells the user exactly where things stand.
    Anything but an unconfirmed email or SMS is refused with NotResendable before any call.
    """
    if not can_resend(channel):
        raise NotResendable(channel)
    channel_remove(client=client, user_id=user_id, channel_id=channel.id)
    last_error: CanvasError | None = None
    for attempt in range(1, RESEND_READD_ATTEMPTS + 1):
        try:
            readded = client.create_channel(
                user_id, channel_type=channel.type, address=channel.address
            )
        except (Unavailable, Throttled) as exc:
            last_error = exc
            time.sleep(retry_pause * attempt)
            continue
        except ValidationFailed as exc:
            if attempt > 1 and exc.has("path"):
                # An earlier attempt that timed out did go through: the address is back.
                return ResendResult(channel=channel, readd_attempts=attempt)
            raise ResendIncomplete(channel, exc) from exc
        except CanvasProblem as exc:
            # Even a lost sign-in: the address is off the list now, and the user must be told.
            raise ResendIncomplete(channel, exc) from exc
        return ResendResult(channel=readded, readd_attempts=attempt)
    assert last_error is not None
    raise ResendIncomplete(channel, last_error)


def push_token_unregister(*, client: CanvasClient, push_token: str) -> bool:
    """Stop push notifications to one device. False when Canvas has no push channel (404)."""
    try:
        client.delete_push_token(push_token)
    except NotFound:
        return False
    return True


@dataclass(frozen=True)
class ReplaceResult:
    added: Channel
    # None when the old address had already been removed elsewhere.
    removed: Channel | None
    # The old address was the default email and the new one took its place.
    made_default: bool = False


class ReplaceIncomplete(Exception):
    """The new address was added but a later step failed: both addresses are on the list.

    `step` says which: "default" (Canvas did not make the new address the default, so the old
    one, still the default, was left in place) or "remove" (the old one could not be removed;
    if it was the default, the new one already is).
    """

    def __init__(
        self,
        added: Channel,
        old: Channel,
        cause: CanvasProblem,
        *,
        step: Literal["default", "remove"] = "remove",
        made_default: bool = False,
    ) -> None:
        super().__init__(str(cause))
        self.added = added
        self.old = old
        self.cause = cause
        self.step = step
        self.made_default = made_default


def default_email_of(channels: list[Channel]) -> Channel | None:
    """Canvas's default email: the first unretired email by position, even an unconfirmed one
    (docs/canvas-behaviour.md §1.9)."""
    emails = sorted((c for c in channels if c.type == "email"), key=lambda c: c.position)
    return emails[0] if emails else None


def channel_replace(
    *,
    client: CanvasClient,
    user_id: int | str,
    old: Channel,
    new_address: str,
    known_channels: list[Channel] | None = None,
    skip_confirmation: bool = False,
) -> ReplaceResult:
    """Swap one address for another: add the new one first, then remove the old one.

    Adding first means a failure can never leave the user with neither address. If the add
    fails nothing changed and its error propagates; if the removal fails, ReplaceIncomplete
    carries the added channel so the caller can say that both addresses are now listed.

    When the old address is the default email, the new one is made the default before the old
    one goes (PUT users/:id, §13.1): otherwise Canvas would promote the next email by position,
    which may be an unconfirmed address nothing is sent to (§1.6, §1.9). If that step fails the
    old address is left in place, still the default.
    """
    was_default = old.type == "email" and default_email_of(known_channels or []) == old
    added = channel_add(
        client=client,
        user_id=user_id,
        channel_type=old.type,
        address=new_address,
        known_channels=known_channels,
        skip_confirmation=skip_confirmation,
    )
    if was_default:
        try:
            client.set_default_email(user_id, added.address)
        except CanvasProblem as exc:
            # Even a lost sign-in: the new address is listed now, and the user must be told.
            raise ReplaceIncomplete(added, old, exc, step="default") from exc
        # Canvas moved it to the top of the list (§13.1).
        added = dataclasses.replace(added, position=0)
    try:
        removed = channel_remove(client=client, user_id=user_id, channel_id=old.id)
    except CanvasProblem as exc:
        # Even a lost sign-in: both addresses are listed now, and the user must be told.
        raise ReplaceIncomplete(added, old, exc, made_default=was_default) from exc
    return ReplaceResult(added=added, removed=removed, made_default=was_default)
