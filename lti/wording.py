"""The sentences of opening the portal from Canvas navigation (LTI 1.3): each refusal as a
heading, what to do, and its status; and the navigation links' labels in the tool configuration.

Translated (gettext, lazily: each page shows them in its own language)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from portal.help_desk import asks_help_desk


@dataclass(frozen=True)
class Problem:
    title: StrOrPromise
    message: StrOrPromise
    status: int = 400


EXPIRED = Problem(
    gettext_lazy("This link has expired"),
    gettext_lazy(
        "This link from Canvas is out of date or was already used. Open the portal from the "
        "link in Canvas again."
    ),
)
NOT_FROM_CANVAS = Problem(
    gettext_lazy("Canvas could not open the portal"),
    asks_help_desk(
        gettext_lazy(
            "The portal could not confirm that this link came from your Canvas. Open the portal "
            "from the link in Canvas again; if this keeps happening, tell your help desk."
        )
    ),
)
TOO_LONG = Problem(
    gettext_lazy("Canvas could not open the portal"),
    gettext_lazy(
        "The link that opened the portal is longer than any link Canvas makes, so the portal "
        "did not use it. Open the portal from the link in Canvas again."
    ),
)
WRONG_PLACE = Problem(
    gettext_lazy("The portal does not open here"),
    gettext_lazy(
        "The portal opens only from the Account menu or the Admin menu of Canvas, not from a "
        "course. Open it from there."
    ),
)
OTHER_BROWSER = Problem(
    gettext_lazy("Open this link where you started"),
    gettext_lazy(
        "This link only works in the browser where you opened the portal from Canvas, so "
        "nothing was connected. Open the portal from the link in Canvas in your own browser."
    ),
    403,
)
# Canvas's failure, not the portal's: a page answered 200 (no portal 5xx for Canvas being down).
CANVAS_DOWN = Problem(
    gettext_lazy("Canvas is not answering"),
    gettext_lazy(
        "Canvas did not answer, so the portal could not open. Try again in a few minutes."
    ),
    200,
)

# The tool configuration (lti/config.py), in the active language.
TOOL_DESCRIPTION = gettext_lazy(
    "See, add and remove the email addresses and phone numbers Canvas uses to notify you."
)


def help_desk_link(portal_name: str) -> str:
    """The Admin menu link's text (account_navigation)."""
    return gettext("%(portal_name)s help desk") % {"portal_name": portal_name}
