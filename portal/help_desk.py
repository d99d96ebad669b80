"""How a reader reaches the help desk: the `HELPDESK_URL` / `HELPDESK_EMAIL` settings, shown after
every sentence that tells them to ask or tell the help desk.

Such a sentence is an `AsksHelpDesk` string: it reads whole without a link (an institution may set
neither), and the pages that show it add the contact sentence after it (`with_help_desk`), so no
sentence is assembled from fragments and a later translation sees each one whole.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.functional import Promise, lazy
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from portal import wording


class AsksHelpDesk(str):
    """A sentence that sends the reader to the help desk; pages show the contact after it."""

    __slots__ = ()


# A translated sentence is lazy (it is read in each request's language), so the mark must be too:
# these proxies turn into an `AsksHelpDesk` in the language active when they are shown.
_lazy_asks_help_desk = lazy(AsksHelpDesk, AsksHelpDesk)
_LazyAsksHelpDesk = type(_lazy_asks_help_desk(""))


def asks_help_desk(text: "StrOrPromise") -> "StrOrPromise":
    """Mark `text` (a sentence, or a lazily translated one) as one that asks for the help desk."""
    if isinstance(text, Promise):
        return _lazy_asks_help_desk(text)
    return AsksHelpDesk(text)


def _asks(message: object) -> bool:
    return isinstance(message, AsksHelpDesk | _LazyAsksHelpDesk)


def contact() -> SafeString:
    """The sentence with the help desk's links, or "" when neither setting is set."""
    url, email = settings.HELPDESK_URL, settings.HELPDESK_EMAIL
    if url and email:
        return format_html(str(wording.HELP_DESK_WEB_AND_EMAIL), url=url, email=email)
    if url:
        return format_html(str(wording.HELP_DESK_WEB), url=url)
    if email:
        return format_html(str(wording.HELP_DESK_EMAIL), email=email)
    return SafeString("")


def with_help_desk(message: "StrOrPromise") -> SafeString:
    """`message`, escaped, followed by the contact when it is a sentence that asks for it."""
    reach = contact() if _asks(message) else ""
    if not reach:
        return conditional_escape(message)
    return format_html("{} {}", message, reach)
