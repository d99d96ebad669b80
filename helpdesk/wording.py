"""The sentences only the help desk says: its access check, the user being helped, replacing an
email address in one step, and the hints of its forms. Whole sentences, none assembled from
fragments. What the student pages also say comes from `channels_app.wording`, re-exported here so
help-desk code reads every sentence from one `wording`."""

from canvas.errors import CanvasProblem, Forbidden, Throttled, Unavailable
from canvas.records import Channel

# Re-exported: help-desk views say these exactly as the student pages do.
from channels_app.wording import (  # noqa: F401
    CANVAS_FAILED,
    SKIP_IGNORED,
    Action,
    add_refusal,
    failure,
)
from portal.wording import PageProblem

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


def replaced(old: Channel, added: Channel, *, skip_requested: bool) -> str:
    return (
        f"Replaced {old.address} with {added.address}. "
        f"{_state_of(added, skip_requested=skip_requested)}"
    )


def half_done(*, added: Channel, old: Channel, owner_name: str, cause: CanvasProblem) -> str:
    """Exactly where the user stands when the new address went in but the old one did not go."""
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
