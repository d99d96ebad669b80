"""The sentences only the help desk says: its access check, the user being helped, replacing an
email address in one step, and the hints of its forms. Whole sentences, none assembled from
fragments. What the student pages also say comes from `channels_app.wording`, re-exported here so
help-desk code reads every sentence from one `wording`."""

from datetime import datetime

from django.utils import timezone

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

# --- the audit log ------------------------------------------------------------------------------

READ_PAGE, READ_CSV = "audit-read", "audit-export"
ACTION_LABELS = {
    "add": "Add",
    "remove": "Remove",
    "resend": "Send confirmation again",
    "confirm": "Confirm for the user",
    "make-default": "Make default",
    "replace-add": "Replace email: add new",
    "replace-default": "Replace email: make the new one the default",
    "replace-remove": "Replace email: remove old",
    READ_PAGE: "Read the audit log",
    READ_CSV: "Downloaded the audit log (CSV)",
}
OUTCOME_LABELS = {"success": "Done", "refused": "Refused", "failure": "Failed"}

REASON_LABEL = "Reason or ticket reference"
REASON_HINT_REQUIRED = "Required: recorded in the audit log with this change."
REASON_HINT_OPTIONAL = "Optional: recorded in the audit log with this change."
REASON_MISSING = (
    "Give a reason or ticket reference for this change: it is recorded in the audit log. "
    "Nothing was changed."
)

STAFF_CHECK_FAILED = PageProblem(
    "Canvas is not answering",
    "Canvas did not answer, so we could not check your help-desk access. "
    "Try again in a few minutes.",
)
COULD_NOT_LOAD_TITLE = "Could not load this user"
USER_NOT_FOUND_TITLE = "User not found"


def user_not_found(user_id: int) -> str:
    return f"Canvas has no user {user_id} that your account may see."


def search_hint(min_length: int) -> str:
    return (
        f"Type at least {min_length} characters; Canvas matches any part of them. For one exact "
        "user, type their Canvas user number (such as 42), or sis_user_id:S1001, or "
        "sis_login_id:jdoe."
    )


SKIP_PERMITTED = "Your Canvas role has the permission for this."
SKIP_PROBABLY_IGNORED = (
    "Canvas reports that your role lacks the “manage students” permission, so Canvas will "
    "probably ignore this and send a confirmation link."
)


def email_choice(channel: Channel) -> str:
    """An address in the "Email address to replace" list, with its state."""
    if channel.is_active:
        return f"{channel.address} (active)"
    return f"{channel.address} (unconfirmed)"


# --- replacing an email address -----------------------------------------------------------------


def replace_duplicate(existing: Channel, old: Channel) -> str:
    return (
        f"{existing.address} is already on this user's list. To drop {old.address}, "
        "use its Remove button on the user's page instead."
    )


def replace_not_started(said: str, old: Channel) -> str:
    """The add failed: what `failure` said (whole sentences), then where the user stands."""
    return f"{said} {old.address} was left as it was."


def _state_of(added: Channel, *, skip_requested: bool) -> str:
    # "Active" says Canvas may send there, not what it sends (docs/canvas-behaviour.md §11.3);
    # "was asked to send": Canvas answers the same when it silently skips the message (§12.3).
    if added.is_active:
        return (
            f"{added.address} is active: Canvas can send to it, but only the notifications its "
            "settings turn on."
        )
    text = (
        f"{added.address} is unconfirmed: Canvas was asked to send a confirmation link to it, "
        "and sends nothing there until the user opens that link."
    )
    return f"{text} {SKIP_IGNORED}" if skip_requested else text


def replaced(
    old: Channel, added: Channel, *, skip_requested: bool, made_default: bool = False
) -> str:
    state = _state_of(added, skip_requested=skip_requested)
    if made_default:
        return (
            f"Replaced {old.address} with {added.address}. {state} {replaced_default(old, added)}"
        )
    return f"Replaced {old.address} with {added.address}. {state}"


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
    return f"{said} {replaced_default(old, added)}" if made_default else said


def _half_done_removal(
    *, added: Channel, old: Channel, owner_name: str, cause: CanvasProblem
) -> str:
    state = _state_of(added, skip_requested=False)
    if isinstance(cause, Unavailable | Throttled):
        return (
            f"Only half done. {added.address} was added ({state}) Canvas then did not answer "
            f"when asked to remove {old.address}, so it may or may not still be there: the "
            f"list below shows what we know. Reload this page to check, and remove "
            f"{old.address} if it is still listed."
        )
    if isinstance(cause, Forbidden):
        return (
            f"Only half done. {added.address} was added ({state}) but {old.address} was not "
            f"removed: Canvas did not allow the removal. {owner_name} now has both addresses. "
            f"Remove {old.address} with its Remove button below once the cause is fixed."
        )
    return (
        f"Only half done. {added.address} was added ({state}) but {old.address} was not "
        f"removed: Canvas refused to remove it. {owner_name} now has both addresses. "
        f"Remove {old.address} with its Remove button below once the cause is fixed."
    )


# --- replacing the default email ----------------------------------------------------------------


def replace_default_note(default: Channel) -> str:
    """Said on the replace form before anything happens."""
    return (
        f"{default.address} is the default email: Canvas sends mail about the account there. If "
        "you replace it, the new address becomes the default in its place."
    )


def replaced_default(old: Channel, added: Channel) -> str:
    return f"{added.address} is the default email now, in place of {old.address}."


def half_done_default(*, added: Channel, old: Channel, owner_name: str) -> str:
    """The new address went in, but Canvas did not make it the default: the old one stays."""
    state = _state_of(added, skip_requested=False)
    return (
        f"Only half done. {added.address} was added ({state}) but Canvas did not make it the "
        f"default email, so {old.address} was not removed and is still the default. "
        f"{owner_name} now has both addresses. Make {added.address} the default from the "
        f"delivery panel, then remove {old.address}."
    )


# --- the delivery panel -------------------------------------------------------------------------


def readable_date(when: datetime) -> str:
    """3 Nov 2026: a date a person reads at a glance, in the portal's time zone."""
    local = timezone.localtime(when)
    return f"{local.day} {local:%b %Y}"


def no_email(name: str) -> str:
    return (
        f"{name} has no email address, so Canvas cannot send them email notifications: add one "
        "on their page."
    )


def default_bounced(address: str, since: str, name: str, *, others: bool) -> str:
    if since and others:
        return (
            f"Email notifications go first to {address}, which has bounced since {since}: make "
            f"another active address the default, replace it, or ask {name} to confirm another "
            "address."
        )
    if since:
        return (
            f"Every notification goes to {address}, which has bounced since {since}: replace it "
            f"or ask {name} to confirm another address."
        )
    if others:
        return (
            f"Email notifications go first to {address}, which has bounced: make another active "
            f"address the default, replace it, or ask {name} to confirm another address."
        )
    return (
        f"Every notification goes to {address}, which has bounced: replace it or ask {name} "
        "to confirm another address."
    )


def default_unconfirmed(address: str, name: str) -> str:
    return (
        f"The default email, {address}, is unconfirmed, so Canvas sends nothing there: confirm "
        f"it for {name}, make an active address the default, or ask {name} to open the "
        "confirmation link."
    )


def default_fine(address: str) -> str:
    return (
        f"Nothing here stops delivery: the default email, {address}, is confirmed and has not "
        "bounced. If mail still does not arrive, check what it receives and the user's spam "
        "filtering."
    )


def default_bounces_unknown(address: str) -> str:
    return (
        f"The default email, {address}, is confirmed, but whether mail to it bounces is not "
        "shown to your Canvas role (see below)."
    )


DELIVERY_PART_FAILED = "Canvas did not answer for this part. Reload the panel to try again."
BOUNCES_NOT_ALLOWED = (
    "When and why an address bounced is not shown: your Canvas role cannot read the "
    "bounced-address report (it needs the “view notifications” and “read roster” "
    "permissions on the root account)."
)
MESSAGES_NOT_ALLOWED = (
    "The messages Canvas sent are not shown: your Canvas role lacks the “view notifications” "
    "permission on the root account."
)
RECEIVES_NOT_ALLOWED = (
    "What this address receives is not shown: your Canvas role lacks the “view statistics” "
    "permission (needed to read another user's notification settings)."
)
DEFAULT_NOT_ALLOWED = (
    "Choosing the default email is not offered: your Canvas role lacks the “manage user "
    "details” permission over this user's account."
)
CONFIRM_NOT_ALLOWED = (
    "Confirming an address for the user is not offered: Canvas reports that your role lacks "
    "the “manage students” permission, so Canvas would ignore it."
)
MESSAGE_STATES = {
    "sent": "Sent",
    "bounced": "Bounced",
    "cancelled": "Cancelled (not delivered)",
    "created": "Waiting to be sent",
    "staged": "Waiting to be sent",
    "sending": "Sending",
    "dashboard": "Shown in Canvas only",
    "closed": "Closed",
    "transmission_error": "Could not be sent",
}


def message_state(state: str) -> str:
    return MESSAGE_STATES.get(state, state)


# --- make default, confirm for the user ---------------------------------------------------------


def made_default(channel: Channel) -> str:
    return made_default_sentence(channel.address)


def made_default_sentence(address: str) -> str:
    return f"{address} is the default email now: Canvas sends mail about the account there."


def not_made_default(channel: Channel | None, reason: str) -> str:
    """Make default refused before Canvas was asked."""
    if channel is None or reason == "gone":
        return "That address is no longer on the user's list. Nothing was changed."
    if reason == "unconfirmed":
        return (
            f"{channel.address} is unconfirmed, so it cannot be the default: Canvas would send "
            "nothing there. Confirm it first. Nothing was changed."
        )
    if reason == "already-default":
        return f"{channel.address} is already the default email. Nothing was changed."
    return f"Only an email address can be the default. {channel.address} was left as it was."


def confirmed(channel: Channel) -> str:
    return (
        f"{channel.address} is confirmed: Canvas can send to it, but only the notifications its "
        "settings turn on."
    )


def not_confirmed(channel: Channel | None, reason: str) -> str:
    """Confirm refused before Canvas was asked."""
    if channel is None or reason == "gone":
        return "That address is no longer on the user's list. Nothing was changed."
    return f"{channel.address} is not waiting for confirmation. Nothing was changed."


def confirm_ignored(channel: Channel) -> str:
    return (
        f"Canvas did not confirm {channel.address}: it ignored the request to skip "
        "confirmation, because your Canvas role lacks the “manage students” permission on the "
        f"root account. {channel.address} is still unconfirmed, and Canvas may have sent it a "
        "new confirmation link."
    )


def confirm_incomplete(channel: Channel, owner_name: str) -> str:
    return (
        f"Only half done. {channel.address} was removed to be added back confirmed, but Canvas "
        f"did not take it back: {owner_name} no longer has it. Add it again on their page."
    )
