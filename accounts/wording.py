"""The sentences of signing in: each way a sign-in can fail, as a heading and what to do.

Translated (gettext): the constants lazily, so each page shows them in its own language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from portal.help_desk import AsksHelpDesk, asks_help_desk


@dataclass(frozen=True)
class SignInProblem:
    title: StrOrPromise
    message: StrOrPromise


CANCELLED = SignInProblem(
    gettext_lazy("Sign-in cancelled"),
    gettext_lazy(
        "You chose not to let this portal use your Canvas account, so it cannot show your "
        "contact methods. You can try again whenever you like."
    ),
)


def refused(reason: str) -> SignInProblem:
    """Canvas answered the sign-in with an OAuth error code (checked to be a short word)."""
    return SignInProblem(
        gettext("Canvas could not sign you in"),
        AsksHelpDesk(
            gettext(
                "Canvas refused the sign-in (reason: %(reason)s). Try again; if it keeps "
                "happening, tell your help desk this reason."
            )
            % {"reason": reason}
        ),
    )


OUT_OF_DATE = SignInProblem(
    gettext_lazy("This sign-in has expired"),
    gettext_lazy(
        "This sign-in link is out of date or was opened in another browser, so for your safety "
        "we did not use it. Please start again."
    ),
)
INCOMPLETE = SignInProblem(
    gettext_lazy("This sign-in has expired"),
    gettext_lazy(
        "Canvas's answer to this sign-in was incomplete, so for your safety we did not use it. "
        "Please start again."
    ),
)
CODE_REFUSED = SignInProblem(
    gettext_lazy("This sign-in has expired"),
    gettext_lazy(
        "Canvas did not accept this sign-in: it may have taken more than ten minutes or been "
        "used already. Please start again."
    ),
)
NO_USER = SignInProblem(
    gettext_lazy("Canvas did not say who you are"),
    asks_help_desk(
        gettext_lazy(
            "Canvas accepted the sign-in but did not tell us which Canvas account is yours, so we "
            "did not sign you in or keep anything. Please try again; if it keeps happening, tell "
            "your help desk."
        )
    ),
)
CANVAS_DOWN = SignInProblem(
    gettext_lazy("Canvas is not answering"),
    gettext_lazy("Canvas did not answer, so we could not sign you in. Try again in a few minutes."),
)
