"""Every sentence the contact-methods pages say about an outcome: what an add, a removal or a
resend did, what each address receives, and the notes under each address. Canvas's refusals and
failures are in `channels_app.failures`, re-exported here.

Kept in one place so the same situation always reads the same way, whichever page shows it.
Translated (gettext): constants lazily, so each page shows them in its own language; functions at
call time, as whole sentences with named placeholders (`%(address)s`), none assembled from
fragments. `for_self` is False on help-desk pages, where the reader acts for someone else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from canvas.records import Channel
from channels_app.failures import (  # noqa: F401  (re-exported: one `wording` for the views)
    CANVAS_FAILED,
    Action,
    Problem,
    add_refusal,
    already_listed,
    failure,
)
from channels_app.services import CONFIRMATION_MESSAGE_LIMIT
from portal.help_desk import AsksHelpDesk, asks_help_desk

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from channels_app.preferences import Summary


# --- lists read as one phrase, in the page's language --------------------------------------------


def listed(items: list[str], *, last_joined: bool = True) -> str:
    """ "A", "A and b", "A, b and c" (or "A, b, c" when not `last_joined`), with each language's
    own separator and conjunction; later items lower-cased, as they are read mid-sentence."""
    if not items:
        return ""
    words = [items[0], *(item.lower() for item in items[1:])]
    text = words[0]
    for index, word in enumerate(words[1:], start=1):
        if last_joined and index == len(words) - 1:
            # Translators: the last two items of a list, e.g. "Announcements and grades".
            text = pgettext("list", "%(items)s and %(last)s") % {"items": text, "last": word}
        else:
            # Translators: two items of a list that goes on, e.g. "Announcements, grades".
            text = pgettext("list", "%(items)s, %(next)s") % {"items": text, "next": word}
    return text


# --- what a change did ---------------------------------------------------------------------------

SKIP_IGNORED = gettext_lazy(
    "Canvas ignored “skip confirmation”, because your Canvas account does not have the "
    "permission for it."
)


def added(channel: Channel, *, skip_requested: bool = False) -> str:
    # "was asked to send": Canvas answers the same whether it sent or silently skipped the
    # message (at most 3 per address, ever, §12.3). "Active" says Canvas may send there, not what
    # it sends: a new address starts at "Never" for every notification but the first one's (§11.3).
    values = {"address": channel.address}
    if channel.is_active:
        return (
            gettext(
                "Added %(address)s. It is active: Canvas can send to it, but only the "
                "notifications its settings turn on."
            )
            % values
        )
    if channel.type == "sms":
        message = (
            gettext(
                "Added %(address)s. Canvas was asked to send it a text message with a 4-character "
                "confirmation code; it gets no notifications until that code is entered."
            )
            % values
        )
    else:
        message = (
            gettext(
                "Added %(address)s. Canvas was asked to send it an email with a confirmation link; "
                "it gets no notifications until that link is opened."
            )
            % values
        )
    return f"{message} {SKIP_IGNORED}" if skip_requested else message


def removed(channel: Channel) -> str:
    if channel.type == "push":
        return gettext("Removed push notifications for all devices.")
    return gettext("Removed %(address)s.") % {"address": channel.address}


def already_removed(address: str) -> str:
    return gettext("%(address)s had already been removed.") % {"address": address}


def unknown_already_removed(channel_id: int) -> str:
    """A removal Canvas found already done, of a channel the last list did not show."""
    return gettext("Contact method %(id)s had already been removed.") % {"id": channel_id}


NO_LONGER_LISTED = gettext_lazy("That contact method is no longer on the list.")


def unknown_channel(channel_id: int) -> str:
    """How the audit log names a channel the last list did not show. Stored in the log, so it
    stays in one language (English), like the log's other data."""
    return f"contact method {channel_id}"


def confirmation_sent(channel: Channel, *, for_self: bool = True) -> str:
    # After 3 messages Canvas sends no more, and neither its profile page nor a re-add resets
    # the count (§12.3): only the help desk can confirm the address then.
    limit = CONFIRMATION_MESSAGE_LIMIT
    values = {"address": channel.address, "limit": limit}
    if not for_self:
        if channel.type == "sms":
            return (
                ngettext(
                    "Canvas was asked to send a new confirmation text message to %(address)s. "
                    "Canvas sends at most %(limit)d confirmation message per address, ever: if "
                    "none arrives, add the address again with “Skip confirmation”.",
                    "Canvas was asked to send a new confirmation text message to %(address)s. "
                    "Canvas sends at most %(limit)d confirmation messages per address, ever: if "
                    "none arrives, add the address again with “Skip confirmation”.",
                    limit,
                )
                % values
            )
        return (
            ngettext(
                "Canvas was asked to send a new confirmation email to %(address)s. Canvas sends at "
                "most %(limit)d confirmation message per address, ever: if none arrives, add the "
                "address again with “Skip confirmation”.",
                "Canvas was asked to send a new confirmation email to %(address)s. Canvas sends at "
                "most %(limit)d confirmation messages per address, ever: if none arrives, add the "
                "address again with “Skip confirmation”.",
                limit,
            )
            % values
        )
    if channel.type == "sms":
        return AsksHelpDesk(
            ngettext(
                "Canvas was asked to send a new confirmation text message to %(address)s. Canvas "
                "sends at most %(limit)d confirmation message per address, ever: if none arrives, "
                "use a code you already have, or ask your help desk to confirm the number.",
                "Canvas was asked to send a new confirmation text message to %(address)s. Canvas "
                "sends at most %(limit)d confirmation messages per address, ever: if none "
                "arrives, use a code you already have, or ask your help desk to confirm the "
                "number.",
                limit,
            )
            % values
        )
    return AsksHelpDesk(
        ngettext(
            "Canvas was asked to send a new confirmation email to %(address)s. Canvas sends at "
            "most %(limit)d confirmation message per address, ever: if none arrives, use a link "
            "you already have, or ask your help desk to confirm the address.",
            "Canvas was asked to send a new confirmation email to %(address)s. Canvas sends at "
            "most %(limit)d confirmation messages per address, ever: if none arrives, use a link "
            "you already have, or ask your help desk to confirm the address.",
            limit,
        )
        % values
    )


def resend_incomplete(channel: Channel, *, for_self: bool = True) -> str:
    """The address was removed so Canvas would send a new link, and Canvas would not re-add it."""
    values = {"address": channel.address}
    if for_self:
        return (
            gettext(
                "%(address)s was removed so Canvas would send a new confirmation, but Canvas would "
                "not add it back. %(address)s is not on your list now: add it again with the form "
                "below (we have filled it in)."
            )
            % values
        )
    return (
        gettext(
            "%(address)s was removed so Canvas would send a new confirmation, but Canvas would not "
            "add it back. %(address)s is not on the user's list now: add it again with the form "
            "below (we have filled it in)."
        )
        % values
    )


def not_resendable(channel: Channel) -> str:
    if channel.type == "push":
        return gettext(
            "Push notifications need no confirmation, so nothing was sent and nothing was changed."
        )
    values = {"address": channel.address}
    if channel.is_active:
        return (
            gettext(
                "%(address)s is already confirmed, so no new confirmation was sent and nothing was "
                "changed."
            )
            % values
        )
    return (
        gettext("Canvas cannot send a confirmation to %(address)s, so nothing was changed.")
        % values
    )


# Canvas answers success whether or not the token matched a device (§1.7).
PUSH_UNREGISTERED = gettext_lazy(
    "Done. If that token belonged to one of your devices, that device will no longer get push "
    "notifications from Canvas."
)
NO_PUSH_CHANNEL = gettext_lazy("Canvas has no push notifications set up for your account.")


def address_hint(*, local: str, international: str) -> str:
    """The hint under the address field, with example numbers the form itself accepts."""
    return gettext(
        "For text messages, enter a mobile number such as %(local)s; add the country code for "
        "other countries (%(international)s)."
    ) % {"local": local, "international": international}


# --- what a contact method receives (notification preferences, §6, §11) -------------------------
# Kept as one block: the row's one-line summary, the panel's outcomes and refusals.

RECEIVES_UNKNOWN = gettext_lazy("Not checked yet: use “Choose what it receives” to see")
RECEIVES_UNCONFIRMED = gettext_lazy("Nothing until it is confirmed")
RECEIVES_NOTHING = gettext_lazy("Nothing")
RECEIVES_VARIED = gettext_lazy("Some notifications, at different times")
RECEIVES_EVERYTHING = {
    "immediately": gettext_lazy("Everything, right away"),
    "daily": gettext_lazy("Everything, in a daily summary"),
    "weekly": gettext_lazy("Everything, in a weekly summary"),
}


def receives(summary: Summary) -> str:
    """The row's one line: what Canvas sends to this address, as far as the portal has seen."""
    if summary.kind == "unconfirmed":
        return str(RECEIVES_UNCONFIRMED)
    if summary.kind == "nothing":
        return str(RECEIVES_NOTHING)
    if summary.kind == "same_as":
        return gettext("Same as %(address)s") % {"address": summary.same_as}
    if summary.kind == "same_once_confirmed":
        return gettext("Same as %(address)s once it is confirmed; nothing until then") % {
            "address": summary.same_as
        }
    if summary.kind == "everything":
        return str(RECEIVES_EVERYTHING[summary.frequency])
    if summary.kind == "right_away":
        groups = {"groups": listed([str(group) for group in summary.groups])}
        if summary.rest_never:
            return gettext("%(groups)s right away, the rest never") % groups
        return gettext("%(groups)s right away, the rest in summaries or never") % groups
    if summary.kind == "varied":
        return str(RECEIVES_VARIED)
    return str(RECEIVES_UNKNOWN)


def new_address_receives_nothing(address: str) -> str:
    """Added after the add's own sentence: Canvas creates every notification of a channel other
    than the user's first as `never` (§6, §11.3)."""
    return gettext("Canvas will send nothing to %(address)s until you choose what it receives.") % {
        "address": address
    }


def category_saved(name: str, category: str, frequency: str) -> str:
    """`name`: the address, or "push notifications for all devices"."""
    return gettext("Saved: %(category)s to %(name)s: %(frequency)s.") % {
        "category": category,
        "name": name,
        "frequency": frequency,
    }


def copied_default(channel: Channel, default_address: str) -> str:
    if channel.type == "push":
        return gettext(
            "Saved: your phones and tablets now get the same notifications as %(default)s, as "
            "far as a phone can receive them."
        ) % {"default": default_address}
    return gettext("Saved: %(address)s now receives the same notifications as %(default)s.") % {
        "address": channel.address,
        "default": default_address,
    }


def set_to_nothing(channel: Channel) -> str:
    if channel.type == "push":
        return gettext("Saved: Canvas will send no push notifications to any of your devices.")
    return gettext("Saved: Canvas will send no notifications to %(address)s.") % {
        "address": channel.address
    }


UNKNOWN_CATEGORY = gettext_lazy(
    "That kind of notification is not one Canvas knows. Nothing was changed."
)
BAD_FREQUENCY = gettext_lazy("Choose right away, daily, weekly or never. Nothing was changed.")
NO_DEFAULT_TO_COPY = gettext_lazy(
    "There is no other default email to copy from. Nothing was changed."
)


# --- what the page says about each address (channels_app/guidance.py) -----------------------------

# Current Canvas cancels every SMS message, confirmation codes included (§11.3).
SMS_NOT_SENT = gettext_lazy(
    "Current Canvas sends no text messages, so this number gets no notifications and cannot be "
    "confirmed."
)
DEFAULT_EMAIL_ROLE = gettext_lazy(
    "Canvas sends mail about your account here, such as notices that an address was added or "
    "removed."
)
DEFAULT_EMAIL_ROLE_FOR_STAFF = gettext_lazy(
    "Canvas sends mail about this user's account here, such as notices that an address was added "
    "or removed."
)
# A link (format_html): there is no API for a user's own default email (§13.2).
CHOOSE_DEFAULT = gettext_lazy(
    'To make another confirmed email your default, choose it in your <a href="{url}">Canvas '
    "profile settings</a>."
)
CHOOSE_DEFAULT_FOR_STAFF = gettext_lazy(
    "The user can make another confirmed email their default in their Canvas profile settings."
)
# Removing and re-adding an email that is not the default notifies the default (§1.5, §1.6).
RESEND_NOTICES = gettext_lazy(
    "Sending again removes this address and adds it back, so Canvas also emails your default "
    "address a notice that it was removed and another that it was added."
)
RESEND_NOTICES_FOR_STAFF = gettext_lazy(
    "Sending again removes this address and adds it back, so Canvas also emails the user's "
    "default address a notice that it was removed and another that it was added."
)
EMAIL_ONLY_LABEL = gettext_lazy("Email address")
EMAIL_ONLY_REQUIRED = gettext_lazy("Enter the email address to add.")
CODE_LABEL = gettext_lazy("Have a confirmation code?")
CODE_HINT = gettext_lazy(
    "Type the 4-character code from the text message. Canvas opens and confirms the number; it "
    "may ask you to log in first."
)
CODE_INVALID = gettext_lazy(
    "That is not a confirmation code: a code is the 4 letters and digits in the text message, "
    "such as 7Kx3, and capitals matter."
)
CODE_MISSING = gettext_lazy("Type the 4-character code from the text message.")


def push_receives(categories: list[str]) -> str:
    """What a phone can receive: Canvas's push allow-list (§11.3), whatever the settings say."""
    return gettext(
        "Canvas sends a phone or tablet only these kinds of notifications, whatever the settings "
        "say: %(categories)s."
    ) % {"categories": listed(categories, last_joined=False)}


def default_unconfirmed(address: str, *, for_self: bool = True) -> str:
    values = {"address": address}
    if for_self:
        return (
            gettext(
                "%(address)s is your default email and it is not confirmed: Canvas can email you "
                "nothing until it is."
            )
            % values
        )
    return (
        gettext(
            "%(address)s is this user's default email and it is not confirmed: Canvas can email "
            "them nothing until it is."
        )
        % values
    )


def next_default(address: str, *, confirmed: bool, for_self: bool = True) -> str:
    """Removing the default email: what the next one is (§1.6, §1.9). What it receives is not
    known to the page (its settings are another read), so it is not guessed at."""
    values = {"address": address}
    if for_self and confirmed:
        return (
            gettext(
                "This is your default email. Canvas will use %(address)s as your default instead; "
                "it is confirmed."
            )
            % values
        )
    if for_self:
        return (
            gettext(
                "This is your default email. Canvas will use %(address)s as your default instead, "
                "and it is not confirmed: Canvas can email you nothing until it is."
            )
            % values
        )
    if confirmed:
        return (
            gettext(
                "This is the user's default email. Canvas will use %(address)s as the default "
                "instead; it is confirmed."
            )
            % values
        )
    return (
        gettext(
            "This is the user's default email. Canvas will use %(address)s as the default instead, "
            "and it is not confirmed: Canvas can email the user nothing until it is."
        )
        % values
    )


# What removing a channel costs, said before the user confirms (channels_app/guidance.py).
STOPS_ALL_PUSH = gettext_lazy("Canvas will stop sending push notifications to all your devices.")
STOPS_ALL_PUSH_FOR_STAFF = gettext_lazy(
    "Canvas will stop sending push notifications to all the user's devices."
)
ONLY_EMAIL = gettext_lazy(
    "This is your only email address: Canvas will have no email to send notifications to."
)
ONLY_EMAIL_FOR_STAFF = gettext_lazy(
    "This is the user's only email address: Canvas will have no email to send notifications to."
)


# --- "Not getting notifications?" (templates/channels/_not_getting.html) -------------------------

HELP_PANEL_TITLE = gettext_lazy("Not getting notifications?")
HELP_DEFAULT_UNCONFIRMED = gettext_lazy(
    "Your default email is not confirmed, so Canvas emails you nothing. Confirm it first (see "
    "above)."
)
HELP_NEW_ADDRESS_NEVER = gettext_lazy(
    "A newly added address starts with every notification set to “Never”: choose what it "
    "should receive in its notification settings."
)
HELP_SMS_OFF = gettext_lazy(
    "Current Canvas sends no text messages, so a mobile number gets nothing."
)
HELP_SMS_ON = gettext_lazy(
    "A mobile number gets text messages only once it is confirmed with the code Canvas texted "
    "to it, and only if your institution's Canvas still sends text messages."
)
HELP_PUSH = gettext_lazy(
    "Push notifications reach only the Canvas app on a phone or tablet, and only for some kinds "
    "of notifications."
)
HELP_SPAM = gettext_lazy(
    "Look in your spam or junk folder, and add Canvas's sender to your contacts or safe senders "
    "(on Canvas hosted by Instructure it is notifications@instructure.com)."
)
HELP_ASK: StrOrPromise = asks_help_desk(gettext_lazy("Still nothing? Ask your help desk."))
