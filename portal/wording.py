"""The sentences of the site-wide pages: errors, the abuse limits' refusal, and what portal.js
says when an htmx request fails (kept in the JS file, which cannot import this)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PageProblem:
    """A plain page's heading and its sentence."""

    title: str
    message: str


CSRF_FAILED = PageProblem(
    "Please try that again",
    "Your page was open for a long time or your session changed, so for your safety nothing "
    "was changed. Reload the page and try again.",
)
NOT_FOUND = PageProblem("Page not found", "There is no page at this address.")
SERVER_ERROR = PageProblem(
    "Something went wrong",
    "Something went wrong on our side and nothing was changed. Please try again.",
)
NOT_ALLOWED = PageProblem("Not allowed", "You do not have permission to see this page.")
TOO_MANY_TITLE = "Please wait before trying again"

# How to reach the help desk (portal/help_desk.py), after a sentence that says to ask it. The
# placeholders are links, filled in with format_html (escaped).
HELP_DESK_WEB = 'Reach your help desk at <a href="{url}">{url}</a>.'
HELP_DESK_EMAIL = 'Email your help desk at <a href="mailto:{email}">{email}</a>.'
HELP_DESK_WEB_AND_EMAIL = (
    'Reach your help desk at <a href="{url}">{url}</a> or by email at '
    '<a href="mailto:{email}">{email}</a>.'
)
