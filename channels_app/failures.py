"""Every sentence about Canvas refusing or failing a request on the contact-methods pages, each
with the HTTP status of the page that says it.

Each sentence names what the user asked for (`Action`) and is written out whole for every action,
so a translation never fills a phrase into another sentence. `for_self` is False on help-desk
pages, where the reader acts for someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy

from canvas.errors import (
    AnswerRefused,
    CanvasError,
    Forbidden,
    InsufficientScope,
    NotFound,
    Throttled,
    ValidationFailed,
)
from portal.help_desk import AsksHelpDesk, asks_help_desk

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The status of a page that reports Canvas's failure. Canvas being down is not the portal
# failing: load balancers and error-rate alerts read a portal 5xx as the portal failing, so the
# page that says "Canvas is not answering" is a 200 carrying the sentence. Canvas's refusals
# (not allowed, not found, bad input) keep their 4xx.
CANVAS_FAILED = HTTPStatus.OK


@dataclass(frozen=True)
class Problem:
    status: int
    message: str


class Action(StrEnum):
    """What the user asked for: each failure below has one whole sentence per action."""

    LOAD = "load"
    ADD = "add"
    REMOVE = "remove"
    RESEND = "resend"
    UNREGISTER_DEVICE = "unregister-device"
    SEARCH_USERS = "search-users"
    LOOK_UP_USER = "look-up-user"
    ADD_NEW = "add-new"
    REMOVE_OLD = "remove-old"
    MAKE_DEFAULT = "make-default"
    CONFIRM = "confirm"
    LOAD_NOTIFICATIONS = "load-notifications"
    SAVE_NOTIFICATIONS = "save-notifications"


# A help-desk change Canvas forbade (403): the staff member's role, or the user's own rights.
_NOT_ALLOWED: dict[Action, StrOrPromise] = {
    Action.LOAD: gettext_lazy(
        "Canvas did not allow you to load the contact methods. Your Canvas role may "
        "lack the permission for it, or this user has admin rights that yours do not "
        "cover."
    ),
    Action.ADD: gettext_lazy(
        "Canvas did not allow you to add the address. Your Canvas role may lack the "
        "permission for it, or this user has admin rights that yours do not cover."
    ),
    Action.REMOVE: gettext_lazy(
        "Canvas did not allow you to remove the address. Your Canvas role may lack the "
        "permission for it, or this user has admin rights that yours do not cover."
    ),
    Action.RESEND: gettext_lazy(
        "Canvas did not allow you to send a new confirmation. Your Canvas role may "
        "lack the permission for it, or this user has admin rights that yours do not "
        "cover."
    ),
    Action.UNREGISTER_DEVICE: gettext_lazy(
        "Canvas did not allow you to unregister the device. Your Canvas role may lack "
        "the permission for it, or this user has admin rights that yours do not cover."
    ),
    Action.SEARCH_USERS: gettext_lazy(
        "Canvas did not allow you to search for users. Your Canvas role may lack the "
        "permission for it, or this user has admin rights that yours do not cover."
    ),
    Action.LOOK_UP_USER: gettext_lazy(
        "Canvas did not allow you to look up this user. Your Canvas role may lack the "
        "permission for it, or this user has admin rights that yours do not cover."
    ),
    Action.ADD_NEW: gettext_lazy(
        "Canvas did not allow you to add the new address. Your Canvas role may lack "
        "the permission for it, or this user has admin rights that yours do not cover."
    ),
    Action.REMOVE_OLD: gettext_lazy(
        "Canvas did not allow you to remove the old address. Your Canvas role may lack "
        "the permission for it, or this user has admin rights that yours do not cover."
    ),
    Action.MAKE_DEFAULT: gettext_lazy(
        "Canvas did not allow you to make the address the default. Your Canvas role "
        "may lack the permission for it, or this user has admin rights that yours do "
        "not cover."
    ),
    Action.CONFIRM: gettext_lazy(
        "Canvas did not allow you to confirm the address. Your Canvas role may lack "
        "the permission for it, or this user has admin rights that yours do not cover."
    ),
    Action.LOAD_NOTIFICATIONS: gettext_lazy(
        "Canvas did not allow you to load what this address receives. Your Canvas role "
        "may lack the permission for it, or this user has admin rights that yours do "
        "not cover."
    ),
    Action.SAVE_NOTIFICATIONS: gettext_lazy(
        "Canvas did not allow you to save what this address receives. Your Canvas role "
        "may lack the permission for it, or this user has admin rights that yours do "
        "not cover."
    ),
}
# Canvas throttled the request.
_BUSY: dict[Action, StrOrPromise] = {
    Action.LOAD: gettext_lazy(
        "Canvas is busy right now, so we could not load the contact methods. Wait a "
        "minute and try again."
    ),
    Action.ADD: gettext_lazy(
        "Canvas is busy right now, so we could not add the address. Wait a minute and try again."
    ),
    Action.REMOVE: gettext_lazy(
        "Canvas is busy right now, so we could not remove the address. Wait a minute and try again."
    ),
    Action.RESEND: gettext_lazy(
        "Canvas is busy right now, so we could not send a new confirmation. Wait a "
        "minute and try again."
    ),
    Action.UNREGISTER_DEVICE: gettext_lazy(
        "Canvas is busy right now, so we could not unregister the device. Wait a "
        "minute and try again."
    ),
    Action.SEARCH_USERS: gettext_lazy(
        "Canvas is busy right now, so we could not search for users. Wait a minute and try again."
    ),
    Action.LOOK_UP_USER: gettext_lazy(
        "Canvas is busy right now, so we could not look up this user. Wait a minute and try again."
    ),
    Action.ADD_NEW: gettext_lazy(
        "Canvas is busy right now, so we could not add the new address. Wait a minute "
        "and try again."
    ),
    Action.REMOVE_OLD: gettext_lazy(
        "Canvas is busy right now, so we could not remove the old address. Wait a "
        "minute and try again."
    ),
    Action.MAKE_DEFAULT: gettext_lazy(
        "Canvas is busy right now, so we could not make the address the default. Wait "
        "a minute and try again."
    ),
    Action.CONFIRM: gettext_lazy(
        "Canvas is busy right now, so we could not confirm the address. Wait a minute "
        "and try again."
    ),
    Action.LOAD_NOTIFICATIONS: gettext_lazy(
        "Canvas is busy right now, so we could not load what this address receives. "
        "Wait a minute and try again."
    ),
    Action.SAVE_NOTIFICATIONS: gettext_lazy(
        "Canvas is busy right now, so we could not save what this address receives. "
        "Wait a minute and try again."
    ),
}
# The developer key lacks this call's scope: only the help desk can fix that.
_NO_SCOPE: dict[Action, StrOrPromise] = {
    Action.LOAD: gettext_lazy(
        "This portal is not allowed to load the contact methods in your Canvas. Please "
        "tell your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.ADD: gettext_lazy(
        "This portal is not allowed to add the address in your Canvas. Please tell "
        "your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.REMOVE: gettext_lazy(
        "This portal is not allowed to remove the address in your Canvas. Please tell "
        "your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.RESEND: gettext_lazy(
        "This portal is not allowed to send a new confirmation in your Canvas. Please "
        "tell your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.UNREGISTER_DEVICE: gettext_lazy(
        "This portal is not allowed to unregister the device in your Canvas. Please "
        "tell your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.SEARCH_USERS: gettext_lazy(
        "This portal is not allowed to search for users in your Canvas. Please tell "
        "your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.LOOK_UP_USER: gettext_lazy(
        "This portal is not allowed to look up this user in your Canvas. Please tell "
        "your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.ADD_NEW: gettext_lazy(
        "This portal is not allowed to add the new address in your Canvas. Please tell "
        "your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.REMOVE_OLD: gettext_lazy(
        "This portal is not allowed to remove the old address in your Canvas. Please "
        "tell your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.MAKE_DEFAULT: gettext_lazy(
        "This portal is not allowed to make the address the default in your Canvas. "
        "Please tell your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.CONFIRM: gettext_lazy(
        "This portal is not allowed to confirm the address in your Canvas. Please tell "
        "your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.LOAD_NOTIFICATIONS: gettext_lazy(
        "This portal is not allowed to load what this address receives in your Canvas. "
        "Please tell your help desk (the Canvas developer key is missing a scope)."
    ),
    Action.SAVE_NOTIFICATIONS: gettext_lazy(
        "This portal is not allowed to save what this address receives in your Canvas. "
        "Please tell your help desk (the Canvas developer key is missing a scope)."
    ),
}
# Canvas answered 400 or 422 (to anything but an add, which says why next to its field).
_REFUSED: dict[Action, StrOrPromise] = {
    Action.LOAD: gettext_lazy("Canvas refused to load the contact methods."),
    Action.ADD: gettext_lazy("Canvas refused to add the address."),
    Action.REMOVE: gettext_lazy("Canvas refused to remove the address."),
    Action.RESEND: gettext_lazy("Canvas refused to send a new confirmation."),
    Action.UNREGISTER_DEVICE: gettext_lazy("Canvas refused to unregister the device."),
    Action.SEARCH_USERS: gettext_lazy("Canvas refused to search for users."),
    Action.LOOK_UP_USER: gettext_lazy("Canvas refused to look up this user."),
    Action.ADD_NEW: gettext_lazy("Canvas refused to add the new address."),
    Action.REMOVE_OLD: gettext_lazy("Canvas refused to remove the old address."),
    Action.MAKE_DEFAULT: gettext_lazy("Canvas refused to make the address the default."),
    Action.CONFIRM: gettext_lazy("Canvas refused to confirm the address."),
    Action.LOAD_NOTIFICATIONS: gettext_lazy("Canvas refused to load what this address receives."),
    Action.SAVE_NOTIFICATIONS: gettext_lazy("Canvas refused to save what this address receives."),
}
# A change that may or may not have happened: the answer was lost or broken.
_UNSURE: dict[Action, StrOrPromise] = {
    Action.LOAD: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to load "
        "the contact methods. Reload the page to check before trying again."
    ),
    Action.ADD: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to add "
        "the address. Reload the page to check before trying again."
    ),
    Action.REMOVE: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to "
        "remove the address. Reload the page to check before trying again."
    ),
    Action.RESEND: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to send "
        "a new confirmation. Reload the page to check before trying again."
    ),
    Action.UNREGISTER_DEVICE: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to "
        "unregister the device. Reload the page to check before trying again."
    ),
    Action.SEARCH_USERS: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to "
        "search for users. Reload the page to check before trying again."
    ),
    Action.LOOK_UP_USER: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to look "
        "up this user. Reload the page to check before trying again."
    ),
    Action.ADD_NEW: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to add "
        "the new address. Reload the page to check before trying again."
    ),
    Action.REMOVE_OLD: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to "
        "remove the old address. Reload the page to check before trying again."
    ),
    Action.MAKE_DEFAULT: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to make "
        "the address the default. Reload the page to check before trying again."
    ),
    Action.CONFIRM: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to "
        "confirm the address. Reload the page to check before trying again."
    ),
    Action.LOAD_NOTIFICATIONS: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to load "
        "what this address receives. Reload the page to check before trying again."
    ),
    Action.SAVE_NOTIFICATIONS: gettext_lazy(
        "Canvas did not answer properly, so we cannot tell whether we managed to save "
        "what this address receives. Reload the page to check before trying again."
    ),
}
# Canvas's answer was larger than the portal reads.
_TOO_MUCH: dict[Action, StrOrPromise] = {
    Action.LOAD: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not load the contact "
        "methods. Trying again will not help: please tell your help desk."
    ),
    Action.ADD: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not add the address. "
        "Trying again will not help: please tell your help desk."
    ),
    Action.REMOVE: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not remove the "
        "address. Trying again will not help: please tell your help desk."
    ),
    Action.RESEND: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not send a new "
        "confirmation. Trying again will not help: please tell your help desk."
    ),
    Action.UNREGISTER_DEVICE: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not unregister the "
        "device. Trying again will not help: please tell your help desk."
    ),
    Action.SEARCH_USERS: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not search for users. "
        "Trying again will not help: please tell your help desk."
    ),
    Action.LOOK_UP_USER: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not look up this user. "
        "Trying again will not help: please tell your help desk."
    ),
    Action.ADD_NEW: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not add the new "
        "address. Trying again will not help: please tell your help desk."
    ),
    Action.REMOVE_OLD: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not remove the old "
        "address. Trying again will not help: please tell your help desk."
    ),
    Action.MAKE_DEFAULT: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not make the address "
        "the default. Trying again will not help: please tell your help desk."
    ),
    Action.CONFIRM: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not confirm the "
        "address. Trying again will not help: please tell your help desk."
    ),
    Action.LOAD_NOTIFICATIONS: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not load what this "
        "address receives. Trying again will not help: please tell your help desk."
    ),
    Action.SAVE_NOTIFICATIONS: gettext_lazy(
        "Canvas sent more than this portal accepts, so we could not save what this "
        "address receives. Trying again will not help: please tell your help desk."
    ),
}
# Canvas did not answer.
_DOWN: dict[Action, StrOrPromise] = {
    Action.LOAD: gettext_lazy(
        "Canvas is not answering right now, so we could not load the contact methods. "
        "Try again in a few minutes."
    ),
    Action.ADD: gettext_lazy(
        "Canvas is not answering right now, so we could not add the address. Try again "
        "in a few minutes."
    ),
    Action.REMOVE: gettext_lazy(
        "Canvas is not answering right now, so we could not remove the address. Try "
        "again in a few minutes."
    ),
    Action.RESEND: gettext_lazy(
        "Canvas is not answering right now, so we could not send a new confirmation. "
        "Try again in a few minutes."
    ),
    Action.UNREGISTER_DEVICE: gettext_lazy(
        "Canvas is not answering right now, so we could not unregister the device. Try "
        "again in a few minutes."
    ),
    Action.SEARCH_USERS: gettext_lazy(
        "Canvas is not answering right now, so we could not search for users. Try "
        "again in a few minutes."
    ),
    Action.LOOK_UP_USER: gettext_lazy(
        "Canvas is not answering right now, so we could not look up this user. Try "
        "again in a few minutes."
    ),
    Action.ADD_NEW: gettext_lazy(
        "Canvas is not answering right now, so we could not add the new address. Try "
        "again in a few minutes."
    ),
    Action.REMOVE_OLD: gettext_lazy(
        "Canvas is not answering right now, so we could not remove the old address. "
        "Try again in a few minutes."
    ),
    Action.MAKE_DEFAULT: gettext_lazy(
        "Canvas is not answering right now, so we could not make the address the "
        "default. Try again in a few minutes."
    ),
    Action.CONFIRM: gettext_lazy(
        "Canvas is not answering right now, so we could not confirm the address. Try "
        "again in a few minutes."
    ),
    Action.LOAD_NOTIFICATIONS: gettext_lazy(
        "Canvas is not answering right now, so we could not load what this address "
        "receives. Try again in a few minutes."
    ),
    Action.SAVE_NOTIFICATIONS: gettext_lazy(
        "Canvas is not answering right now, so we could not save what this address "
        "receives. Try again in a few minutes."
    ),
}


def already_listed(*, for_self: bool = True) -> str:
    if for_self:
        return gettext("This address is already on your list.")
    return gettext("This address is already on this user's list.")


def add_refusal(exc: ValidationFailed, *, address: str, for_self: bool = True) -> str:
    """Why Canvas would not add `address` (docs/canvas-behaviour.md §1.5), for the field."""
    if exc.has("path", "unique!", "taken"):
        return already_listed(for_self=for_self)
    if exc.has("email", "forbidden"):
        domain = address.rpartition("@")[2]
        if not domain:
            if for_self:
                return gettext(
                    "Your institution does not allow email addresses at that domain. "
                    "Use a different email address."
                )
            return gettext(
                "The institution does not allow email addresses at that domain. "
                "Use a different email address."
            )
        if for_self:
            return gettext(
                "Your institution does not allow email addresses at %(domain)s. "
                "Use a different email address."
            ) % {"domain": domain}
        return gettext(
            "The institution does not allow email addresses at %(domain)s. "
            "Use a different email address."
        ) % {"domain": domain}
    if exc.has("email"):
        return gettext("Canvas does not accept this email address. Check it for typos.")
    # Both caps count removed rows too (docs/canvas-behaviour.md §1.5): the institution's cap
    # counts addresses removed in the last hour, Canvas's own cap of 100 every address ever added.
    if exc.has("type"):
        if for_self:
            return AsksHelpDesk(
                gettext(
                    "You have as many contact methods as your institution allows. Addresses "
                    "removed in the last hour still count, so removing one now does not make "
                    "room at once: try again in an hour, or ask your help desk."
                )
            )
        return gettext(
            "This user has as many contact methods as the institution allows. Addresses removed "
            "in the last hour still count, so removing one now does not make room at once: try "
            "again in an hour."
        )
    if exc.has("user_id"):
        if for_self:
            return AsksHelpDesk(
                gettext(
                    "Canvas keeps every address ever added to an account, removed ones included, "
                    "and yours has reached Canvas's limit, so removing one does not make room. "
                    "Ask your help desk."
                )
            )
        return gettext(
            "Canvas keeps every address ever added to an account, removed ones included, and "
            "this user's has reached Canvas's limit, so removing one does not make room."
        )
    return gettext("Canvas did not accept this address. Check it and try again.")


def failure(exc: CanvasError, *, action: Action, changes: bool, for_self: bool = True) -> Problem:
    """The sentence for a failed Canvas call, read in the request's language."""
    if isinstance(exc, ValidationFailed) and exc.has("workflow_state"):
        # The one refusal of a removal: the number Canvas texts sign-in codes to (§1.5, §1.6).
        if for_self:
            return Problem(HTTPStatus.BAD_REQUEST, AsksHelpDesk(SIGN_IN_NUMBER))
        return Problem(HTTPStatus.BAD_REQUEST, str(SIGN_IN_NUMBER_FOR_STAFF))
    if isinstance(exc, Forbidden) and not for_self:
        return Problem(HTTPStatus.FORBIDDEN, str(_NOT_ALLOWED[action]))
    if isinstance(exc, Throttled):
        return Problem(CANVAS_FAILED, str(_BUSY[action]))
    if isinstance(exc, Forbidden):
        return Problem(HTTPStatus.FORBIDDEN, AsksHelpDesk(MANAGED_CENTRALLY))
    if isinstance(exc, InsufficientScope):
        return Problem(CANVAS_FAILED, AsksHelpDesk(_NO_SCOPE[action]))
    if isinstance(exc, NotFound):
        return Problem(HTTPStatus.NOT_FOUND, str(GONE))
    if isinstance(exc, ValidationFailed):
        return Problem(HTTPStatus.BAD_REQUEST, str(_REFUSED[action]))
    if changes:
        return Problem(CANVAS_FAILED, str(_UNSURE[action]))
    if isinstance(exc, AnswerRefused):
        return Problem(CANVAS_FAILED, AsksHelpDesk(_TOO_MUCH[action]))
    return Problem(CANVAS_FAILED, str(_DOWN[action]))


MANAGED_CENTRALLY = asks_help_desk(
    gettext_lazy(
        "Your institution manages contact methods centrally, so they cannot be changed here. "
        "Ask your help desk to make this change."
    )
)
GONE = gettext_lazy("Canvas could not find that contact method. It may already be gone.")
SIGN_IN_NUMBER = asks_help_desk(
    gettext_lazy(
        "Canvas did not remove this number because it is where Canvas texts your sign-in codes "
        "(multi-factor authentication). Ask your help desk if you want to stop using it."
    )
)
SIGN_IN_NUMBER_FOR_STAFF = gettext_lazy(
    "Canvas did not remove this number because it is where Canvas texts the user's sign-in "
    "codes (multi-factor authentication). Reset the user's multi-factor authentication in Canvas "
    "first."
)
