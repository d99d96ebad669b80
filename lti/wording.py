"""The sentences of opening the portal from Canvas navigation (LTI 1.3): each refusal as a
heading, what to do, and its status."""

from dataclasses import dataclass

from portal.help_desk import AsksHelpDesk


@dataclass(frozen=True)
class Problem:
    title: str
    message: str
    status: int = 400


EXPIRED = Problem(
    "This link has expired",
    "This link from Canvas is out of date or was already used. Open the portal from the link "
    "in Canvas again.",
)
NOT_FROM_CANVAS = Problem(
    "Canvas could not open the portal",
    AsksHelpDesk(
        "The portal could not confirm that this link came from your Canvas. Open the portal "
        "from the link in Canvas again; if this keeps happening, tell your help desk."
    ),
)
TOO_LONG = Problem(
    "Canvas could not open the portal",
    "The link that opened the portal is longer than any link Canvas makes, so the portal did "
    "not use it. Open the portal from the link in Canvas again.",
)
WRONG_PLACE = Problem(
    "The portal does not open here",
    "The portal opens only from the Account menu or the Admin menu of Canvas, not from a "
    "course. Open it from there.",
)
OTHER_BROWSER = Problem(
    "Open this link where you started",
    "This link only works in the browser where you opened the portal from Canvas, so nothing "
    "was connected. Open the portal from the link in Canvas in your own browser.",
    403,
)
# Canvas's failure, not the portal's: a page answered 200 (no portal 5xx for Canvas being down).
CANVAS_DOWN = Problem(
    "Canvas is not answering",
    "Canvas did not answer, so the portal could not open. Try again in a few minutes.",
    200,
)
