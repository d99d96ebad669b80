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
from portal.help_desk import AsksHelpDesk

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
    # Both caps count removed rows too (docs/canvas-behaviour.md §1.5): the institution's cap
    # counts addresses removed in the last hour, Canvas's own cap of 100 every address ever added.
    if exc.has("type"):
        if for_self:
            return AsksHelpDesk(
                "You have as many contact methods as your institution allows. Addresses removed "
                "in the last hour still count, so removing one now does not make room at once: "
                "try again in an hour, or ask your help desk."
            )
        return (
            "This user has as many contact methods as the institution allows. Addresses removed "
            "in the last hour still count, so removing one now does not make room at once: try "
            "again in an hour."
        )
    if exc.has("user_id"):
        if for_self:
            return AsksHelpDesk(
                "Canvas keeps every address ever added to an account, removed ones included, and "
                "yours has reached Canvas's limit, so removing one does not make room. Ask your "
                "help desk."
            )
        return (
            "Canvas keeps every address ever added to an account, removed ones included, and "
            "this user's has reached Canvas's limit, so removing one does not make room."
        )
    return "Canvas did not accept this address. Check it and try again."


def failure(exc: CanvasError, *, action: Action, changes: bool, for_self: bool = True) -> Problem:
    """A sentence for a failed Canvas call. `action` completes "we could not …"."""
    if isinstance(exc, ValidationFailed) and exc.has("workflow_state"):
        # The one refusal of a removal: the number Canvas texts sign-in codes to (§1.5, §1.6).
        if for_self:
            return Problem(HTTPStatus.BAD_REQUEST, SIGN_IN_NUMBER)
        return Problem(HTTPStatus.BAD_REQUEST, SIGN_IN_NUMBER_FOR_STAFF)
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
            AsksHelpDesk(
                "Your institution manages contact methods centrally, so they cannot be changed "
                "here. Ask your help desk to make this change."
            ),
        )
    if isinstance(exc, InsufficientScope):
        return Problem(
            CANVAS_FAILED,
            AsksHelpDesk(
                f"This portal is not allowed to {action} in your Canvas. "
                "Please tell your help desk (the Canvas developer key is missing a scope)."
            ),
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
            AsksHelpDesk(
                f"Canvas sent more than this portal accepts, so we could not {action}. "
                "Trying again will not help: please tell your help desk."
            ),
        )
    return Problem(
        CANVAS_FAILED,
        f"Canvas is not answering right now, so we could not {action}. Try again in a few minutes.",
    )


SIGN_IN_NUMBER = AsksHelpDesk(
    "Canvas did not remove this number because it is where Canvas texts your sign-in codes "
    "(multi-factor authentication). Ask your help desk if you want to stop using it."
)
SIGN_IN_NUMBER_FOR_STAFF = (
    "Canvas did not remove this number because it is where Canvas texts the user's sign-in "
    "codes (multi-factor authentication). Reset the user's multi-factor authentication in Canvas "
    "first."
)


# --- what a change did ---------------------------------------------------------------------------

SKIP_IGNORED = (
    "Canvas ignored “skip confirmation”, because your Canvas account does not have the "
    "permission for it."
)


def added(channel: Channel, *, skip_requested: bool = False) -> str:
    # "was asked to send": Canvas answers the same whether it sent or silently skipped the
    # message (at most 3 per address, ever, §12.3). "Active" says Canvas may send there, not what
    # it sends: a new address starts at "Never" for every notification but the first one's (§11.3).
    if channel.is_active:
        return (
            f"Added {channel.address}. It is active: Canvas can send to it, but only the "
            "notifications its settings turn on."
        )
    if channel.type == "sms":
        message = (
            f"Added {channel.address}. Canvas was asked to send it a text message with a "
            "4-character confirmation code; it gets no notifications until that code is entered."
        )
    else:
        message = (
            f"Added {channel.address}. Canvas was asked to send it an email with a confirmation "
            "link; it gets no notifications until that link is opened."
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


def confirmation_sent(channel: Channel, *, for_self: bool = True) -> str:
    # After 3 messages Canvas sends no more, and neither its profile page nor a re-add resets
    # the count (§12.3): only the help desk can confirm the address then.
    if not for_self:
        if channel.type == "sms":
            return (
                f"Canvas was asked to send a new confirmation text message to {channel.address}. "
                f"Canvas sends at most {CONFIRMATION_MESSAGE_LIMIT} confirmation messages per "
                "address, ever: if none arrives, add the address again with “Skip confirmation”."
            )
        return (
            f"Canvas was asked to send a new confirmation email to {channel.address}. "
            f"Canvas sends at most {CONFIRMATION_MESSAGE_LIMIT} confirmation messages per "
            "address, ever: if none arrives, add the address again with “Skip confirmation”."
        )
    if channel.type == "sms":
        return AsksHelpDesk(
            f"Canvas was asked to send a new confirmation text message to {channel.address}. "
            f"Canvas sends at most {CONFIRMATION_MESSAGE_LIMIT} confirmation messages per "
            "address, ever: if none arrives, use a code you already have, or ask your help desk "
            "to confirm the number."
        )
    return AsksHelpDesk(
        f"Canvas was asked to send a new confirmation email to {channel.address}. "
        f"Canvas sends at most {CONFIRMATION_MESSAGE_LIMIT} confirmation messages per "
        "address, ever: if none arrives, use a link you already have, or ask your help desk "
        "to confirm the address."
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
            f"{channel.address} is already confirmed, so no new confirmation was sent and "
            "nothing was changed."
        )
    return f"Canvas cannot send a confirmation to {channel.address}, so nothing was changed."


# Canvas answers success whether or not the token matched a device (§1.7).
PUSH_UNREGISTERED = (
    "Done. If that token belonged to one of your devices, that device will no longer get push "
    "notifications from Canvas."
)
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


# --- what the page says about each address (channels_app/guidance.py) -----------------------------

# Current Canvas cancels every SMS message, confirmation codes included (§11.3).
SMS_NOT_SENT = (
    "Current Canvas sends no text messages, so this number gets no notifications and cannot be "
    "confirmed."
)
DEFAULT_EMAIL_ROLE = (
    "Canvas sends mail about your account here, such as notices that an address was added or "
    "removed."
)
DEFAULT_EMAIL_ROLE_FOR_STAFF = (
    "Canvas sends mail about this user's account here, such as notices that an address was added "
    "or removed."
)
# A link (format_html): there is no API for a user's own default email (§13.2).
CHOOSE_DEFAULT = (
    'To make another confirmed email your default, choose it in your <a href="{url}">Canvas '
    "profile settings</a>."
)
CHOOSE_DEFAULT_FOR_STAFF = (
    "The user can make another confirmed email their default in their Canvas profile settings."
)
# Removing and re-adding an email that is not the default notifies the default (§1.5, §1.6).
RESEND_NOTICES = (
    "Sending again removes this address and adds it back, so Canvas also emails your default "
    "address a notice that it was removed and another that it was added."
)
RESEND_NOTICES_FOR_STAFF = (
    "Sending again removes this address and adds it back, so Canvas also emails the user's "
    "default address a notice that it was removed and another that it was added."
)
EMAIL_ONLY_LABEL = "Email address"
EMAIL_ONLY_REQUIRED = "Enter the email address to add."
CODE_LABEL = "Have a confirmation code?"
CODE_HINT = (
    "Type the 4-character code from the text message. Canvas opens and confirms the number; it "
    "may ask you to log in first."
)
CODE_INVALID = (
    "That is not a confirmation code: a code is the 4 letters and digits in the text message, "
    "such as 7Kx3, and capitals matter."
)
CODE_MISSING = "Type the 4-character code from the text message."


def push_receives(categories: list[str]) -> str:
    """What a phone can receive: Canvas's push allow-list (§11.3), whatever the settings say."""
    return (
        "Canvas sends a phone or tablet only these kinds of notifications, whatever the "
        f"settings say: {', '.join(categories)}."
    )


def default_unconfirmed(address: str, *, for_self: bool = True) -> str:
    if for_self:
        return (
            f"{address} is your default email and it is not confirmed: Canvas can email you "
            "nothing until it is."
        )
    return (
        f"{address} is this user's default email and it is not confirmed: Canvas can email "
        "them nothing until it is."
    )


def next_default(address: str, *, confirmed: bool, for_self: bool = True) -> str:
    """Removing the default email: what the next one is (§1.6, §1.9). What it receives is not
    known to the page (its settings are another read), so it is not guessed at."""
    if for_self and confirmed:
        return (
            f"This is your default email. Canvas will use {address} as your default instead; "
            "it is confirmed."
        )
    if for_self:
        return (
            f"This is your default email. Canvas will use {address} as your default instead, "
            "and it is not confirmed: Canvas can email you nothing until it is."
        )
    if confirmed:
        return (
            f"This is the user's default email. Canvas will use {address} as the default "
            "instead; it is confirmed."
        )
    return (
        f"This is the user's default email. Canvas will use {address} as the default instead, "
        "and it is not confirmed: Canvas can email the user nothing until it is."
    )


# --- "Not getting notifications?" (templates/channels/_not_getting.html) -------------------------

HELP_PANEL_TITLE = "Not getting notifications?"
HELP_DEFAULT_UNCONFIRMED = (
    "Your default email is not confirmed, so Canvas emails you nothing. Confirm it first (see "
    "above)."
)
HELP_NEW_ADDRESS_NEVER = (
    "A newly added address starts with every notification set to “Never”: choose what it "
    "should receive in its notification settings."
)
HELP_SMS_OFF = "Current Canvas sends no text messages, so a mobile number gets nothing."
HELP_SMS_ON = (
    "A mobile number gets text messages only once it is confirmed with the code Canvas texted "
    "to it, and only if your institution's Canvas still sends text messages."
)
HELP_PUSH = (
    "Push notifications reach only the Canvas app on a phone or tablet, and only for some kinds "
    "of notifications."
)
HELP_SPAM = (
    "Look in your spam or junk folder, and add Canvas's sender to your contacts or safe senders "
    "(on Canvas hosted by Instructure it is notifications@instructure.com)."
)
HELP_ASK = AsksHelpDesk("Still nothing? Ask your help desk.")
