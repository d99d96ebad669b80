"""The sentences of signing in: each way a sign-in can fail, as a heading and what to do."""

from dataclasses import dataclass

from portal.help_desk import AsksHelpDesk


@dataclass(frozen=True)
class SignInProblem:
    title: str
    message: str


CANCELLED = SignInProblem(
    "Sign-in cancelled",
    "You chose not to let this portal use your Canvas account, so it cannot show your contact "
    "methods. You can try again whenever you like.",
)


def refused(reason: str) -> SignInProblem:
    """Canvas answered the sign-in with an OAuth error code (checked to be a short word)."""
    return SignInProblem(
        "Canvas could not sign you in",
        AsksHelpDesk(
            f"Canvas refused the sign-in (reason: {reason}). Try again; if it keeps happening, "
            "tell your help desk this reason."
        ),
    )


OUT_OF_DATE = SignInProblem(
    "This sign-in has expired",
    "This sign-in link is out of date or was opened in another browser, so for your safety we "
    "did not use it. Please start again.",
)
INCOMPLETE = SignInProblem(
    "This sign-in has expired",
    "Canvas's answer to this sign-in was incomplete, so for your safety we did not use it. "
    "Please start again.",
)
CODE_REFUSED = SignInProblem(
    "This sign-in has expired",
    "Canvas did not accept this sign-in: it may have taken more than ten minutes or been used "
    "already. Please start again.",
)
NO_USER = SignInProblem(
    "Canvas did not say who you are",
    AsksHelpDesk(
        "Canvas accepted the sign-in but did not tell us which Canvas account is yours, so we "
        "did not sign you in or keep anything. Please try again; if it keeps happening, tell "
        "your help desk."
    ),
)
CANVAS_DOWN = SignInProblem(
    "Canvas is not answering",
    "Canvas did not answer, so we could not sign you in. Try again in a few minutes.",
)
