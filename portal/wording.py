"""The sentences of the site-wide pages: errors, the abuse limits' refusal, the portal's own
name, the language switch, and what portal.js says when an htmx request fails (handed to the
script through data attributes on <body>, so it is translated like every other sentence)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The name the portal ships with (settings.PORTAL_NAME's default) is translated; a name the
# institution sets is its own and shown as set.
# Canvas's own term for communication channels in each language (its profile page):
# "Métodos de contacto", "Modes de contact", "طرق الاتصال".
DEFAULT_PORTAL_NAME = gettext_noop("Contact Methods")


def portal_name() -> str:
    if settings.PORTAL_NAME == DEFAULT_PORTAL_NAME:
        return gettext(DEFAULT_PORTAL_NAME)
    return str(settings.PORTAL_NAME)


@dataclass(frozen=True)
class PageProblem:
    """A plain page's heading and its sentence."""

    title: StrOrPromise
    message: StrOrPromise


CSRF_FAILED = PageProblem(
    gettext_lazy("Please try that again"),
    gettext_lazy(
        "Your page was open for a long time or your session changed, so for your safety nothing "
        "was changed. Reload the page and try again."
    ),
)
NOT_FOUND = PageProblem(
    gettext_lazy("Page not found"), gettext_lazy("There is no page at this address.")
)
SERVER_ERROR = PageProblem(
    gettext_lazy("Something went wrong"),
    gettext_lazy("Something went wrong on our side and nothing was changed. Please try again."),
)
NOT_ALLOWED = PageProblem(
    gettext_lazy("Not allowed"), gettext_lazy("You do not have permission to see this page.")
)
TOO_MANY_TITLE = gettext_lazy("Please wait before trying again")

# What portal.js shows in the alert region when an htmx request fails.
SCRIPT_RESPONSE_ERROR = gettext_lazy(
    "Something went wrong and nothing was changed. Reload the page and try again."
)
SCRIPT_SEND_ERROR = gettext_lazy(
    "The portal could not be reached. Check your connection, then try again."
)


def try_again(seconds: int) -> str:
    """When to try again, as a whole sentence (plurals by ngettext: Arabic has six forms)."""
    if seconds <= 10:
        return gettext("Try again in a few seconds.")
    if seconds <= 90:
        return gettext("Try again in about a minute.")
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return ngettext(
            "Try again in about %(count)d minute.", "Try again in about %(count)d minutes.", minutes
        ) % {"count": minutes}
    hours = round(seconds / 3600)
    if hours <= 1:
        return gettext("Try again in about an hour.")
    if hours <= 36:
        return ngettext(
            "Try again in about %(count)d hour.", "Try again in about %(count)d hours.", hours
        ) % {"count": hours}
    days = round(seconds / 86400)
    return ngettext(
        "Try again in about %(count)d day.", "Try again in about %(count)d days.", days
    ) % {"count": days}


# How to reach the help desk (portal/help_desk.py), after a sentence that says to ask it. The
# placeholders are links, filled in with format_html (escaped).
HELP_DESK_WEB = gettext_lazy('Reach your help desk at <a href="{url}">{url}</a>.')
HELP_DESK_EMAIL = gettext_lazy('Email your help desk at <a href="mailto:{email}">{email}</a>.')
HELP_DESK_WEB_AND_EMAIL = gettext_lazy(
    'Reach your help desk at <a href="{url}">{url}</a> or by email at '
    '<a href="mailto:{email}">{email}</a>.'
)
