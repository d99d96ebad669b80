"""The sentences only the help desk says: its access check, the user being helped, replacing an
email address in one step, and the hints of its forms. Whole sentences, none assembled from
fragments. What the student pages also say comes from `channels_app.wording`, re-exported here so
help-desk code reads every sentence from one `wording`.

Translated (gettext): the constants lazily, so each page shows them in its own language; the
functions at call time, in the language of the request. Where a sentence depends on a state
(active or unconfirmed, which Canvas failure), each combination is its own whole sentence, so a
translator never sees a fragment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext, pgettext_lazy

from canvas.errors import CanvasProblem, Forbidden, Throttled, Unavailable
from canvas.records import Channel

# Re-exported: help-desk views say these exactly as the student pages do.
from channels_app.wording import (  # noqa: F401
    CANVAS_FAILED,
    SKIP_IGNORED,
    Action,
    add_refusal,
    failure,
    unknown_channel,
)
from portal.wording import PageProblem

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- the audit log ------------------------------------------------------------------------------

READ_PAGE, READ_CSV = "audit-read", "audit-export"
# The labels of the log's rows, its filter and its CSV: what happened, not a button to press.
ACTION_LABELS: dict[str, StrOrPromise] = {
    "add": pgettext_lazy("audit action", "Add"),
    "remove": pgettext_lazy("audit action", "Remove"),
    "resend": pgettext_lazy("audit action", "Send confirmation again"),
    "confirm": pgettext_lazy("audit action", "Confirm for the user"),
    "make-default": pgettext_lazy("audit action", "Make default"),
    "replace-add": pgettext_lazy("audit action", "Replace email: add new"),
    "replace-default": pgettext_lazy("audit action", "Replace email: make the new one the default"),
    "replace-remove": pgettext_lazy("audit action", "Replace email: remove old"),
    READ_PAGE: pgettext_lazy("audit action", "Read the audit log"),
    READ_CSV: pgettext_lazy("audit action", "Downloaded the audit log (CSV)"),
}
OUTCOME_LABELS: dict[str, StrOrPromise] = {
    "success": pgettext_lazy("audit outcome", "Done"),
    "refused": pgettext_lazy("audit outcome", "Refused"),
    "failure": pgettext_lazy("audit outcome", "Failed"),
}

REASON_LABEL = gettext_lazy("Reason or ticket reference")
REASON_HINT_REQUIRED = gettext_lazy("Required: recorded in the audit log with this change.")
REASON_HINT_OPTIONAL = gettext_lazy("Optional: recorded in the audit log with this change.")
REASON_MISSING = gettext_lazy(
    "Give a reason or ticket reference for this change: it is recorded in the audit log. "
    "Nothing was changed."
)

STAFF_CHECK_FAILED = PageProblem(
    gettext_lazy("Canvas is not answering"),
    gettext_lazy(
        "Canvas did not answer, so we could not check your help-desk access. "
        "Try again in a few minutes."
    ),
)
COULD_NOT_LOAD_TITLE = gettext_lazy("Could not load this user")
USER_NOT_FOUND_TITLE = gettext_lazy("User not found")


def user_not_found(user_id: int) -> str:
    return gettext("Canvas has no user %(user_id)s that your account may see.") % {
        "user_id": user_id
    }


def search_hint(min_length: int) -> str:
    return ngettext(
        "Type at least %(count)d character; Canvas matches any part of it. For one exact user, "
        "type their Canvas user number (such as 42), or sis_user_id:S1001, or sis_login_id:jdoe.",
        "Type at least %(count)d characters; Canvas matches any part of them. For one exact "
        "user, type their Canvas user number (such as 42), or sis_user_id:S1001, or "
        "sis_login_id:jdoe.",
        min_length,
    ) % {"count": min_length}


SKIP_PERMITTED = gettext_lazy("Your Canvas role has the permission for this.")
SKIP_PROBABLY_IGNORED = gettext_lazy(
    "Canvas reports that your role lacks the “manage students” permission, so Canvas will "
    "probably ignore this and send a confirmation link."
)


def email_choice(channel: Channel) -> str:
    """An address in the "Email address to replace" list, with its state."""
    if channel.is_active:
        return gettext("%(address)s (active)") % {"address": channel.address}
    return gettext("%(address)s (unconfirmed)") % {"address": channel.address}


# --- replacing an email address -----------------------------------------------------------------


def replace_duplicate(existing: Channel, old: Channel) -> str:
    return gettext(
        "%(existing)s is already on this user's list. To drop %(old)s, use its Remove button "
        "on the user's page instead."
    ) % {"existing": existing.address, "old": old.address}


def replace_not_started(said: StrOrPromise, old: Channel) -> str:
    """The add failed: what `failure` said (whole sentences), then where the user stands."""
    left = gettext("%(old)s was left as it was.") % {"old": old.address}
    return f"{said} {left}"


def _then(text: str, *more: StrOrPromise) -> str:
    """Whole sentences, one after the other."""
    return " ".join([text, *(str(sentence) for sentence in more if sentence)])


# "Active" says Canvas may send there, not what it sends (docs/canvas-behaviour.md §11.3);
# "was asked to send": Canvas answers the same when it silently skips the message (§12.3).


def replaced(
    old: Channel, added: Channel, *, skip_requested: bool, made_default: bool = False
) -> str:
    values = {"old": old.address, "new": added.address}
    if added.is_active:
        text = gettext(
            "Replaced %(old)s with %(new)s. %(new)s is active: Canvas can send to it, but only "
            "the notifications its settings turn on."
        )
        ignored: StrOrPromise = ""
    else:
        text = gettext(
            "Replaced %(old)s with %(new)s. %(new)s is unconfirmed: Canvas was asked to send a "
            "confirmation link to it, and sends nothing there until the user opens that link."
        )
        ignored = SKIP_IGNORED if skip_requested else ""
    default = replaced_default(old, added) if made_default else ""
    return _then(text % values, ignored, default)


def half_done(
    *,
    added: Channel,
    old: Channel,
    owner_name: str,
    cause: CanvasProblem,
    made_default: bool = False,
) -> str:
    """Exactly where the user stands when the new address went in but the old one did not go."""
    said = _half_done_removal(added=added, old=old, owner_name=owner_name, cause=cause)
    return _then(said, replaced_default(old, added) if made_default else "")


def _half_done_removal(
    *, added: Channel, old: Channel, owner_name: str, cause: CanvasProblem
) -> str:
    values = {"new": added.address, "old": old.address, "name": owner_name}
    active = added.is_active
    if isinstance(cause, Unavailable | Throttled):
        if active:
            text = gettext(
                "Only half done. %(new)s was added (%(new)s is active: Canvas can send to it, "
                "but only the notifications its settings turn on.) Canvas then did not answer "
                "when asked to remove %(old)s, so it may or may not still be there: the list "
                "below shows what we know. Reload this page to check, and remove %(old)s if it "
                "is still listed."
            )
        else:
            text = gettext(
                "Only half done. %(new)s was added (%(new)s is unconfirmed: Canvas was asked to "
                "send a confirmation link to it, and sends nothing there until the user opens "
                "that link.) Canvas then did not answer when asked to remove %(old)s, so it may "
                "or may not still be there: the list below shows what we know. Reload this page "
                "to check, and remove %(old)s if it is still listed."
            )
    elif isinstance(cause, Forbidden):
        if active:
            text = gettext(
                "Only half done. %(new)s was added (%(new)s is active: Canvas can send to it, "
                "but only the notifications its settings turn on.) but %(old)s was not removed: "
                "Canvas did not allow the removal. %(name)s now has both addresses. Remove "
                "%(old)s with its Remove button below once the cause is fixed."
            )
        else:
            text = gettext(
                "Only half done. %(new)s was added (%(new)s is unconfirmed: Canvas was asked to "
                "send a confirmation link to it, and sends nothing there until the user opens "
                "that link.) but %(old)s was not removed: Canvas did not allow the removal. "
                "%(name)s now has both addresses. Remove %(old)s with its Remove button below "
                "once the cause is fixed."
            )
    elif active:
        text = gettext(
            "Only half done. %(new)s was added (%(new)s is active: Canvas can send to it, but "
            "only the notifications its settings turn on.) but %(old)s was not removed: Canvas "
            "refused to remove it. %(name)s now has both addresses. Remove %(old)s with its "
            "Remove button below once the cause is fixed."
        )
    else:
        text = gettext(
            "Only half done. %(new)s was added (%(new)s is unconfirmed: Canvas was asked to send "
            "a confirmation link to it, and sends nothing there until the user opens that "
            "link.) but %(old)s was not removed: Canvas refused to remove it. %(name)s now has "
            "both addresses. Remove %(old)s with its Remove button below once the cause is "
            "fixed."
        )
    return text % values


# --- replacing the default email ----------------------------------------------------------------


def replace_default_note(default: Channel) -> str:
    """Said on the replace form before anything happens."""
    return gettext(
        "%(address)s is the default email: Canvas sends mail about the account there. If you "
        "replace it, the new address becomes the default in its place."
    ) % {"address": default.address}


def replaced_default(old: Channel, added: Channel) -> str:
    return gettext("%(new)s is the default email now, in place of %(old)s.") % {
        "new": added.address,
        "old": old.address,
    }


def half_done_default(*, added: Channel, old: Channel, owner_name: str) -> str:
    """The new address went in, but Canvas did not make it the default: the old one stays."""
    values = {"new": added.address, "old": old.address, "name": owner_name}
    if added.is_active:
        text = gettext(
            "Only half done. %(new)s was added (%(new)s is active: Canvas can send to it, but "
            "only the notifications its settings turn on.) but Canvas did not make it the "
            "default email, so %(old)s was not removed and is still the default. %(name)s now "
            "has both addresses. Make %(new)s the default from the delivery panel, then remove "
            "%(old)s."
        )
    else:
        text = gettext(
            "Only half done. %(new)s was added (%(new)s is unconfirmed: Canvas was asked to send "
            "a confirmation link to it, and sends nothing there until the user opens that "
            "link.) but Canvas did not make it the default email, so %(old)s was not removed "
            "and is still the default. %(name)s now has both addresses. Make %(new)s the "
            "default from the delivery panel, then remove %(old)s."
        )
    return text % values


# --- the delivery panel -------------------------------------------------------------------------


def readable_date(when: datetime) -> str:
    """A date a person reads at a glance, in the page's language (its DATE_FORMAT: "Nov. 3,
    2026", "3 de noviembre de 2026"), in the portal's time zone (UTC, docs/i18n.md)."""
    return formats.date_format(timezone.localtime(when), "DATE_FORMAT")


def readable_time(when: datetime, *, seconds: bool = False) -> str:
    """A date and time in UTC (the pages label it), in the page's language."""
    utc = when.astimezone(UTC)
    return pgettext("a date, then a time of day", "%(date)s, %(time)s") % {
        "date": formats.date_format(utc, "DATE_FORMAT"),
        "time": formats.time_format(utc, "H:i:s" if seconds else "H:i"),
    }


def no_email(name: str) -> str:
    return gettext(
        "%(name)s has no email address, so Canvas cannot send them email notifications: add one "
        "on their page."
    ) % {"name": name}


def default_bounced(address: str, since: str, name: str, *, others: bool) -> str:
    values = {"address": address, "since": since, "name": name}
    if since and others:
        text = gettext(
            "Email notifications go first to %(address)s, which has bounced since %(since)s: "
            "make another active address the default, replace it, or ask %(name)s to confirm "
            "another address."
        )
    elif since:
        text = gettext(
            "Every notification goes to %(address)s, which has bounced since %(since)s: replace "
            "it or ask %(name)s to confirm another address."
        )
    elif others:
        text = gettext(
            "Email notifications go first to %(address)s, which has bounced: make another "
            "active address the default, replace it, or ask %(name)s to confirm another address."
        )
    else:
        text = gettext(
            "Every notification goes to %(address)s, which has bounced: replace it or ask "
            "%(name)s to confirm another address."
        )
    return text % values


def default_unconfirmed(address: str, name: str) -> str:
    return gettext(
        "The default email, %(address)s, is unconfirmed, so Canvas sends nothing there: confirm "
        "it for %(name)s, make an active address the default, or ask %(name)s to open the "
        "confirmation link."
    ) % {"address": address, "name": name}


def default_fine(address: str) -> str:
    return gettext(
        "Nothing here stops delivery: the default email, %(address)s, is confirmed and has not "
        "bounced. If mail still does not arrive, check what it receives and the user's spam "
        "filtering."
    ) % {"address": address}


def default_bounces_unknown(address: str) -> str:
    return gettext(
        "The default email, %(address)s, is confirmed, but whether mail to it bounces is not "
        "shown to your Canvas role (see below)."
    ) % {"address": address}


DELIVERY_PART_FAILED = gettext_lazy(
    "Canvas did not answer for this part. Reload the panel to try again."
)
BOUNCES_NOT_ALLOWED = gettext_lazy(
    "When and why an address bounced is not shown: your Canvas role cannot read the "
    "bounced-address report (it needs the “view notifications” and “read roster” "
    "permissions on the root account)."
)
MESSAGES_NOT_ALLOWED = gettext_lazy(
    "The messages Canvas sent are not shown: your Canvas role lacks the “view notifications” "
    "permission on the root account."
)
RECEIVES_NOT_ALLOWED = gettext_lazy(
    "What this address receives is not shown: your Canvas role lacks the “view statistics” "
    "permission (needed to read another user's notification settings)."
)
DEFAULT_NOT_ALLOWED = gettext_lazy(
    "Choosing the default email is not offered: your Canvas role lacks the “manage user "
    "details” permission over this user's account."
)
CONFIRM_NOT_ALLOWED = gettext_lazy(
    "Confirming an address for the user is not offered: Canvas reports that your role lacks "
    "the “manage students” permission, so Canvas would ignore it."
)
# Canvas's workflow states of a message (docs/canvas-behaviour.md §14.3), as the panel says them.
MESSAGE_STATES: dict[str, StrOrPromise] = {
    "sent": pgettext_lazy("message state", "Sent"),
    "bounced": pgettext_lazy("message state", "Bounced"),
    "cancelled": pgettext_lazy("message state", "Cancelled (not delivered)"),
    "created": pgettext_lazy("message state", "Waiting to be sent"),
    "staged": pgettext_lazy("message state", "Waiting to be sent"),
    "sending": pgettext_lazy("message state", "Sending"),
    "dashboard": pgettext_lazy("message state", "Shown in Canvas only"),
    "closed": pgettext_lazy("message state", "Closed"),
    "transmission_error": pgettext_lazy("message state", "Could not be sent"),
}


def message_state(state: str) -> StrOrPromise:
    return MESSAGE_STATES.get(state, state)


# --- make default, confirm for the user ---------------------------------------------------------


def made_default(channel: Channel) -> str:
    return made_default_sentence(channel.address)


def made_default_sentence(address: str) -> str:
    return gettext(
        "%(address)s is the default email now: Canvas sends mail about the account there."
    ) % {"address": address}


def _gone() -> str:
    return gettext("That address is no longer on the user's list. Nothing was changed.")


def not_made_default(channel: Channel | None, reason: str) -> str:
    """Make default refused before Canvas was asked."""
    if channel is None or reason == "gone":
        return _gone()
    values = {"address": channel.address}
    if reason == "unconfirmed":
        return (
            gettext(
                "%(address)s is unconfirmed, so it cannot be the default: Canvas would send "
                "nothing there. Confirm it first. Nothing was changed."
            )
            % values
        )
    if reason == "already-default":
        return gettext("%(address)s is already the default email. Nothing was changed.") % values
    return (
        gettext("Only an email address can be the default. %(address)s was left as it was.")
        % values
    )


def confirmed(channel: Channel) -> str:
    return gettext(
        "%(address)s is confirmed: Canvas can send to it, but only the notifications its "
        "settings turn on."
    ) % {"address": channel.address}


def not_confirmed(channel: Channel | None, reason: str) -> str:
    """Confirm refused before Canvas was asked."""
    if channel is None or reason == "gone":
        return _gone()
    return gettext("%(address)s is not waiting for confirmation. Nothing was changed.") % {
        "address": channel.address
    }


def confirm_ignored(channel: Channel) -> str:
    return gettext(
        "Canvas did not confirm %(address)s: it ignored the request to skip confirmation, "
        "because your Canvas role lacks the “manage students” permission on the root account. "
        "%(address)s is still unconfirmed, and Canvas may have sent it a new confirmation link."
    ) % {"address": channel.address}


def confirm_incomplete(channel: Channel, owner_name: str) -> str:
    return gettext(
        "Only half done. %(address)s was removed to be added back confirmed, but Canvas did not "
        "take it back: %(name)s no longer has it. Add it again on their page."
    ) % {"address": channel.address, "name": owner_name}
