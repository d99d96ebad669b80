"""Every sentence the contact-methods pages say about an outcome: Canvas's refusals and failures
(each with its HTTP status), and what an add, a removal or a resend did.

Kept in one place so the same situation always reads the same way, whichever page shows it, and
so a later translation finds every sentence here, whole: none is assembled from fragments.
`for_self` is False on help-desk pages, where the reader acts for someone else.
"""

from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from typing import TYPE_CHECKING

from canvas.errors import (
    AnswerRefused,
    CanvasError,
    Forbidden,
    InsufficientScope,
    NotFound,
    Throttled,
    ValidationFailed,
)
from canvas.records import Channel
from channels_app.presenters import spoken_name
from channels_app.services import CONFIRMATION_MESSAGE_LIMIT

if TYPE_CHECKING:
    from channels_app.preferences import Summary

# The status of a page that reports Canvas's failure. Canvas being down is not the portal
# failing: load balancers and error-rate alerts read a portal 5xx as the portal failing, so the
# page that says "Canvas is not answering" is a 200 carrying the sentence. Canvas's refusals
# (not allowed, not found, bad input) keep their 4xx.
CANVAS_FAILED = HTTPStatus.OK


@dataclass(frozen=True)
class Problem:
    status: int
    message: str


# --- Canvas's refusals and failures --------------------------------------------------------------


class Action(StrEnum):
    """What the user asked for, completing "we could not …" in `failure`. One phrase per
    action, kept here so views hold no English; the translation issue turns each pairing into
    whole sentences."""

    LOAD = "load the contact methods"
    ADD = "add the address"
    REMOVE = "remove the address"
    RESEND = "send a new confirmation"
    UNREGISTER_DEVICE = "unregister the device"
    SEARCH_USERS = "search for users"
    LOOK_UP_USER = "look up this user"
    ADD_NEW = "add the new address"
    REMOVE_OLD = "remove the old address"
    MAKE_DEFAULT = "make the address the default"
    CONFIRM = "confirm the address"
    LOAD_NOTIFICATIONS = "load what this address receives"
    SAVE_NOTIFICATIONS = "save what this address receives"


def already_listed(*, for_self: bool = True) -> str:
    if for_self:
        return "This address is already on your list."
    return "This address is already on this user's list."


def add_refusal(exc: ValidationFailed, *, address: str, for_self: bool = True) -> str:
    """Why Canvas would not add `address` (docs/canvas-behaviour.md §1.5), for the field."""
    if exc.has("path", "unique!", "taken"):
        return already_listed(for_self=for_self)
    if exc.has("email", "forbidden"):
        domain = address.rpartition("@")[2] or "that domain"
        if for_self:
            return (
                f"Your institution does not allow email addresses at {domain}. "
                "Use a different email address."
            )
        return (
            f"The institution does not allow email addresses at {domain}. "
            "Use a different email address."
        )
    if exc.has("email"):
        return "Canvas does not accept this email address. Check it for typos."
    if exc.has("type") or exc.has("user_id"):
        if for_self:
            return (
                "You have as many contact methods as Canvas allows. "
                "Remove one that is no longer used, then add this one."
            )
        return (
            "This user has as many contact methods as Canvas allows. "
            "Remove one that is no longer used, then add this one."
        )
    return "Canvas did not accept this address. Check it and try again."


def failure(exc: CanvasError, *, action: Action, changes: bool, for_self: bool = True) -> Problem:
    """A sentence for a failed Canvas call. `action` completes "we could not …"."""
    if isinstance(exc, Forbidden) and not for_self:
        return Problem(
            HTTPStatus.FORBIDDEN,
            f"Canvas did not allow you to {action}. Your Canvas role may lack the permission "
            "for it, or this user has admin rights that yours do not cover.",
        )
    if isinstance(exc, Throttled):
        return Problem(
            CANVAS_FAILED,
            f"Canvas is busy right now, so we could not {action}. Wait a minute and try again.",
        )
    if isinstance(exc, Forbidden):
        return Problem(
            HTTPStatus.FORBIDDEN,
            "Your institution manages contact methods centrally, so they cannot be changed here. "
            "Ask your help desk to make this change.",
        )
    if isinstance(exc, InsufficientScope):
        return Problem(
            CANVAS_FAILED,
            f"This portal is not allowed to {action} in your Canvas. "
            "Please tell your help desk (the Canvas developer key is missing a scope).",
        )
    if isinstance(exc, NotFound):
        return Problem(
            HTTPStatus.NOT_FOUND,
            "Canvas could not find that contact method. It may already be gone.",
        )
    if isinstance(exc, ValidationFailed):
        return Problem(HTTPStatus.BAD_REQUEST, f"Canvas refused to {action}.")
    if changes:
        return Problem(
            CANVAS_FAILED,
            f"Canvas did not answer properly, so we cannot tell whether we managed to {action}. "
            "Reload the page to check before trying again.",
        )
    if isinstance(exc, AnswerRefused):
        return Problem(
            CANVAS_FAILED,
            f"Canvas sent more than this portal accepts, so we could not {action}. "
            "Trying again will not help: please tell your help desk.",
        )
    return Problem(
        CANVAS_FAILED,
        f"Canvas is not answering right now, so we could not {action}. Try again in a few minutes.",
    )


# --- what a change did ---------------------------------------------------------------------------

SKIP_IGNORED = (
    "Canvas ignored “skip confirmation”, because your Canvas account does not have the "
    "permission for it."
)


def added(channel: Channel, *, skip_requested: bool = False) -> str:
    if channel.is_active:
        return f"Added {channel.address}. It is active: Canvas can send notifications there now."
    if channel.type == "sms":
        message = (
            f"Added {channel.address}. Canvas sent a text message with a confirmation link to "
            "it; it gets no notifications until that link is used."
        )
    else:
        message = (
            f"Added {channel.address}. Canvas sent an email with a confirmation link to it; "
            "it gets no notifications until that link is used."
        )
    return f"{message} {SKIP_IGNORED}" if skip_requested else message


def removed(channel: Channel) -> str:
    return f"Removed {spoken_name(channel)}."


def already_removed(address: str) -> str:
    return f"{address} had already been removed."


def unknown_already_removed(channel_id: int) -> str:
    """A removal Canvas found already done, of a channel the last list did not show."""
    return f"Contact method {channel_id} had already been removed."


NO_LONGER_LISTED = "That contact method is no longer on the list."


def unknown_channel(channel_id: int) -> str:
    """How the audit log names a channel the last list did not show."""
    return f"contact method {channel_id}"


def confirmation_sent(channel: Channel) -> str:
    if channel.type == "sms":
        return (
            f"Canvas was asked to send a new confirmation text message to {channel.address}. "
            f"Canvas sends at most {CONFIRMATION_MESSAGE_LIMIT} confirmation messages per "
            "address: if none arrives, use a link you already have or your Canvas profile page."
        )
    return (
        f"Canvas was asked to send a new confirmation email to {channel.address}. "
        f"Canvas sends at most {CONFIRMATION_MESSAGE_LIMIT} confirmation messages per "
        "address: if none arrives, use a link you already have or your Canvas profile page."
    )


def resend_incomplete(channel: Channel, *, for_self: bool = True) -> str:
    """The address was removed so Canvas would send a new link, and Canvas would not re-add it."""
    if for_self:
        return (
            f"{channel.address} was removed so Canvas would send a new confirmation, but Canvas "
            f"would not add it back. {channel.address} is not on your list now: add it again "
            "with the form below (we have filled it in)."
        )
    return (
        f"{channel.address} was removed so Canvas would send a new confirmation, but Canvas "
        f"would not add it back. {channel.address} is not on the user's list now: add it again "
        "with the form below (we have filled it in)."
    )


def not_resendable(channel: Channel) -> str:
    if channel.type == "push":
        return (
            "Push notifications need no confirmation, so nothing was sent and nothing was changed."
        )
    if channel.is_active:
        return (
            f"{channel.address} is already confirmed and gets notifications, so no new "
            "confirmation was sent and nothing was changed."
        )
    return f"Canvas cannot send a confirmation to {channel.address}, so nothing was changed."


PUSH_UNREGISTERED = "Done: that device will no longer get push notifications from Canvas."
NO_PUSH_CHANNEL = "Canvas has no push notifications set up for your account."


def address_hint(*, local: str, international: str) -> str:
    """The hint under the address field, with example numbers the form itself accepts."""
    return (
        f"For text messages, enter a mobile number such as {local}; add the country code for "
        f"other countries ({international})."
    )


# --- what a contact method receives (notification preferences, §6, §11) -------------------------
# Kept as one block: the row's one-line summary, the panel's outcomes and refusals.

RECEIVES_UNKNOWN = "Not checked yet: use “Choose what it receives” to see"
RECEIVES_UNCONFIRMED = "Nothing until it is confirmed"
RECEIVES_NOTHING = "Nothing"
RECEIVES_VARIED = "Some notifications, at different times"
RECEIVES_EVERYTHING = {
    "immediately": "Everything, right away",
    "daily": "Everything, in a daily summary",
    "weekly": "Everything, in a weekly summary",
}


def _listed(labels: tuple[str, ...]) -> str:
    """ "Announcements", "Announcements and grades", "A, B and C": the list read as one phrase."""
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} and {labels[-1].lower()}"


def receives(summary: "Summary") -> str:
    """The row's one line: what Canvas sends to this address, as far as the portal has seen."""
    if summary.kind == "unconfirmed":
        return RECEIVES_UNCONFIRMED
    if summary.kind == "nothing":
        return RECEIVES_NOTHING
    if summary.kind == "same_as":
        return f"Same as {summary.same_as}"
    if summary.kind == "same_once_confirmed":
        return f"Same as {summary.same_as} once it is confirmed; nothing until then"
    if summary.kind == "everything":
        return RECEIVES_EVERYTHING[summary.frequency]
    if summary.kind == "right_away":
        groups = _listed(summary.groups)
        if summary.rest_never:
            return f"{groups} right away, the rest never"
        return f"{groups} right away, the rest in summaries or never"
    if summary.kind == "varied":
        return RECEIVES_VARIED
    return RECEIVES_UNKNOWN


def new_address_receives_nothing(address: str) -> str:
    """Added after the add's own sentence: Canvas creates every notification of a channel other
    than the user's first as `never` (§6, §11.3)."""
    return f"Canvas will send nothing to {address} until you choose what it receives."


def category_saved(address: str, category: str, frequency: str) -> str:
    return f"Saved: {category} to {address}: {frequency}."


def copied_default(address: str, default_address: str) -> str:
    return f"Saved: {address} now receives the same notifications as {default_address}."


def set_to_nothing(address: str) -> str:
    return f"Saved: Canvas will send no notifications to {address}."


UNKNOWN_CATEGORY = "That kind of notification is not one Canvas knows. Nothing was changed."
BAD_FREQUENCY = "Choose right away, daily, weekly or never. Nothing was changed."
NO_DEFAULT_TO_COPY = "There is no other default email to copy from. Nothing was changed."
NO_NOTIFICATIONS_BY_TEXT = "Nothing: Canvas no longer sends notifications by text message"
