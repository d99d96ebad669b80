"""Every Canvas refusal and failure as one sentence a student understands, with an HTTP status.

Kept in one place so the same situation always reads the same way, whichever page shows it.
"""

from dataclasses import dataclass

from canvas.errors import (
    AnswerRefused,
    CanvasError,
    Forbidden,
    InsufficientScope,
    NotAuthenticated,
    NotFound,
    Throttled,
    ValidationFailed,
)


@dataclass(frozen=True)
class Problem:
    status: int
    message: str


def already_listed(*, for_self: bool = True) -> str:
    whose = "your" if for_self else "this user's"
    return f"This address is already on {whose} list."


def add_refusal(exc: ValidationFailed, *, address: str, for_self: bool = True) -> str:
    """Why Canvas would not add `address`, for display next to the address field.

    Canvas's reasons are in docs/canvas-behaviour.md §1.5.

    `for_self` is False on help-desk pages, where the reader acts for someone else.
    """
    if exc.has("path", "unique!", "taken"):
        return already_listed(for_self=for_self)
    if exc.has("email", "forbidden"):
        domain = address.rpartition("@")[2] or "that domain"
        return (
            f"{'Your' if for_self else 'The'} institution does not allow email addresses at "
            f"{domain}. Use a different email address."
        )
    if exc.has("email"):
        return "Canvas does not accept this email address. Check it for typos."
    if exc.has("type") or exc.has("user_id"):
        who = "You have" if for_self else "This user has"
        return (
            f"{who} as many contact methods as Canvas allows. "
            "Remove one that is no longer used, then add this one."
        )
    return "Canvas did not accept this address. Check it and try again."


def failure(exc: CanvasError, *, action: str, changes: bool, for_self: bool = True) -> Problem:
    """A sentence for a failed Canvas call. `action` completes "we could not …"."""
    if isinstance(exc, Forbidden) and not for_self:
        return Problem(
            403,
            f"Canvas did not allow you to {action}. Your Canvas role may lack the permission "
            "for it, or this user has admin rights that yours do not cover.",
        )
    if isinstance(exc, Throttled):
        return Problem(
            503, f"Canvas is busy right now, so we could not {action}. Wait a minute and try again."
        )
    if isinstance(exc, Forbidden):
        return Problem(
            403,
            "Your institution manages contact methods centrally, so they cannot be changed here. "
            "Ask your help desk to make this change.",
        )
    if isinstance(exc, InsufficientScope):
        return Problem(
            502,
            f"This portal is not allowed to {action} in your Canvas. "
            "Please tell your help desk (the Canvas developer key is missing a scope).",
        )
    if isinstance(exc, NotFound):
        return Problem(404, "Canvas could not find that contact method. It may already be gone.")
    if isinstance(exc, NotAuthenticated):
        return Problem(401, "Your Canvas sign-in has expired. Please sign in again.")
    if isinstance(exc, ValidationFailed):
        return Problem(400, f"Canvas refused to {action}.")
    if changes:
        return Problem(
            503,
            f"Canvas did not answer properly, so we cannot tell whether we managed to {action}. "
            "Reload the page to check before trying again.",
        )
    if isinstance(exc, AnswerRefused):
        return Problem(
            502,
            f"Canvas sent more than this portal accepts, so we could not {action}. "
            "Trying again will not help: please tell your help desk.",
        )
    return Problem(
        503,
        f"Canvas is not answering right now, so we could not {action}. Try again in a few minutes.",
    )
