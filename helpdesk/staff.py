"""Help-desk rules: who counts as staff, and how a search for a user is read.

Staff are decided by Canvas alone, from the signed-in user's own token (docs/canvas-behaviour.md
§10): the token must see at least one account (`GET /api/v1/accounts` non-empty) and hold
`manage_user_logins` on the root account. The answer is kept in the server-side session with the
time it was checked, so pages do not each ask Canvas, and is asked again once it is
HELPDESK_STAFF_RECHECK_SECONDS old (at most a minute), or at once after Canvas refuses one of the
staff member's calls (401/403).
Nothing the browser sends can change it: the session lives in the database, keyed by the
session cookie.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from accounts.session import PortalRequest
from canvas.client import PER_PAGE, CanvasClient, Response, TokenSource
from canvas.errors import (
    Forbidden,
    InsufficientScope,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
)
from canvas.records import CanvasUser

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger("helpdesk")

SESSION_KEY = "helpdesk_staff"
STAFF_PERMISSION = "manage_user_logins"
# Canvas honours skip_confirmation only for callers with this permission
# (docs/canvas-behaviour.md §1.5).
SKIP_PERMISSION = "manage_students"
# The help desk's other tools, each shown only to staff whose Canvas role holds its right
# (asked in the same permissions call, so they cost nothing extra):
# PUT users/:id with user[email] needs manage_user_details (§13.1); the bounced-channel report
# needs read_roster and view_notifications (§14.1); comm_messages needs view_notifications
# (§14.3); another user's notification preferences need view_statistics (§11.4).
DEFAULT_EMAIL_PERMISSION = "manage_user_details"
ROSTER_PERMISSION = "read_roster"
NOTIFICATIONS_PERMISSION = "view_notifications"
STATISTICS_PERMISSION = "view_statistics"
ASKED_PERMISSIONS = [
    STAFF_PERMISSION,
    SKIP_PERMISSION,
    DEFAULT_EMAIL_PERMISSION,
    ROSTER_PERMISSION,
    NOTIFICATIONS_PERMISSION,
    STATISTICS_PERMISSION,
]
MIN_SEARCH_LENGTH = 3  # Canvas refuses shorter search terms (docs/canvas-behaviour.md §10)
EXACT_PREFIXES = ("sis_user_id:", "sis_login_id:")


@dataclass(frozen=True)
class StaffStatus:
    user_id: int
    is_staff: bool
    # What Canvas said about manage_students on the root account. Advisory only: Canvas also
    # honours the permission from Site Admin, so the add reads back what really happened.
    can_skip_confirmation: bool
    checked_at: float
    # Advisory like the above (a root-account setting can still switch view_notifications off,
    # so a refusal of the call itself is read too): which tools the pages offer.
    can_set_default_email: bool = False
    can_read_bounces: bool = False
    can_read_messages: bool = False
    can_read_preferences: bool = False


class StaffRequest(PortalRequest):
    """A request behind the help desk's `staff_required`: the staff answer it let in on."""

    staff: StaffStatus


def cached_status(
    session: SessionBase, user_id: int, *, now: float | None = None
) -> StaffStatus | None:
    """The stored answer for this user, if it is recent enough to rely on."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        status = StaffStatus(
            user_id=int(data["user_id"]),
            is_staff=bool(data["is_staff"]),
            can_skip_confirmation=bool(data["can_skip_confirmation"]),
            checked_at=float(data["checked_at"]),
            # An answer stored before these existed lacks them: it is asked again (KeyError).
            can_set_default_email=bool(data["can_set_default_email"]),
            can_read_bounces=bool(data["can_read_bounces"]),
            can_read_messages=bool(data["can_read_messages"]),
            can_read_preferences=bool(data["can_read_preferences"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
    age = (time.time() if now is None else now) - status.checked_at
    # A different user signed in on this browser, or the answer is stale (or from the future).
    if status.user_id != user_id or not 0 <= age < settings.HELPDESK_STAFF_RECHECK_SECONDS:
        return None
    return status


def offers_link(session: SessionBase, user_id: int) -> bool:
    """Whether the header may offer the help desk: only from an answer already stored, so a page
    view costs no Canvas call. Advisory: the help-desk pages check again."""
    data = session.get(SESSION_KEY)
    return (
        isinstance(data, dict) and data.get("is_staff") is True and data.get("user_id") == user_id
    )


def staff_status(session: SessionBase, client: CanvasClient, user_id: int) -> StaffStatus:
    """Whether `user_id` (the signed-in user, whose token `client` holds) is help-desk staff.

    Canvas failures other than a plain refusal propagate: without an answer nobody is let in,
    and nothing is stored, so the next request asks again.
    """
    status = cached_status(session, user_id)
    if status is None:
        status = check_with_canvas(client, user_id)
        session[SESSION_KEY] = asdict(status)
    return status


def forget_status(session: SessionBase) -> None:
    """Drop the stored answer, so the next request asks Canvas again."""
    session.pop(SESSION_KEY, None)


class StaffClient(CanvasClient):
    """A staff member's own client. When Canvas refuses one of their calls (401 or 403, not
    throttling), their rights may just have been taken away: the stored staff answer is dropped
    at once instead of being trusted until it is due for a recheck."""

    def __init__(self, tokens: TokenSource, session: SessionBase) -> None:
        super().__init__(tokens)
        self._session = session

    def _send(self, method: str, path_or_url: str, **kwargs: Any) -> Response:
        try:
            return super()._send(method, path_or_url, **kwargs)
        except (NotAuthenticated, InsufficientScope, Forbidden):
            forget_status(self._session)
            raise


def check_with_canvas(client: CanvasClient, user_id: int) -> StaffStatus:
    now = time.time()
    denied = StaffStatus(user_id, is_staff=False, can_skip_confirmation=False, checked_at=now)
    try:
        # Students and teachers get [] here: one cheap call settles most users.
        if not client.list_accounts():
            return denied
        rights = client.account_permissions("self", ASKED_PERMISSIONS)
    except InsufficientScope:
        logger.warning(
            "help-desk check impossible: the developer key lacks the account scopes "
            "(url:GET|/api/v1/accounts and url:GET|/api/v1/accounts/:account_id/permissions)"
        )
        return denied
    except (Forbidden, NotFound):
        return denied
    return StaffStatus(
        user_id,
        is_staff=rights[STAFF_PERMISSION],
        can_skip_confirmation=rights[SKIP_PERMISSION],
        checked_at=now,
        can_set_default_email=rights[DEFAULT_EMAIL_PERMISSION],
        can_read_bounces=rights[ROSTER_PERMISSION] and rights[NOTIFICATIONS_PERMISSION],
        can_read_messages=rights[NOTIFICATIONS_PERMISSION],
        can_read_preferences=rights[STATISTICS_PERMISSION],
    )


# --- finding a user -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    users: list[CanvasUser]
    # Said instead of, or as well as, the results (too short, nothing found).
    message: StrOrPromise = ""


def _too_short() -> str:
    return ngettext(
        "Type at least %(count)d character: Canvas does not search with fewer. For a shorter "
        "identifier, search for the exact one instead: a Canvas user number (such as 42), "
        "sis_user_id:AB or sis_login_id:jo.",
        "Type at least %(count)d characters: Canvas does not search with fewer. For a shorter "
        "identifier, search for the exact one instead: a Canvas user number (such as 42), "
        "sis_user_id:AB or sis_login_id:jo.",
        MIN_SEARCH_LENGTH,
    ) % {"count": MIN_SEARCH_LENGTH}


# Read in the language of the page that shows it.
TOO_SHORT = lazy(_too_short, str)()


SEARCH_PAGE_SIZE = PER_PAGE


def find_users(client: CanvasClient, query: str) -> SearchResult:
    """Users matching a name, login id, email or SIS id, or exactly one identifier.

    `sis_user_id:X` and `sis_login_id:X` ask Canvas for that one user (docs/canvas-behaviour.md
    §1.2). A number is also tried as a Canvas user id, since people read those off Canvas URLs.
    """
    term = query.strip()
    if not term:
        return SearchResult([])
    if term.lower().startswith(EXACT_PREFIXES):
        kind, _, value = term.partition(":")
        if not value.strip():
            return SearchResult(
                [], gettext("Add the identifier after “%(kind)s:”.") % {"kind": kind}
            )
        exact = _exact_user(client, f"{kind.lower()}:{value.strip()}")
        missing = gettext("No user has %(kind)s “%(value)s”.") % {
            "kind": kind,
            "value": value.strip(),
        }
        return SearchResult(exact, "" if exact else missing)
    found = _exact_user(client, term) if term.isdigit() else []
    if len(term) < MIN_SEARCH_LENGTH:
        return SearchResult(found, "" if found else TOO_SHORT)
    try:
        matches = client.search_users("self", term)
    except ValidationFailed:
        # Canvas has its own length rule (it counts differently for some scripts).
        return SearchResult(found, "" if found else TOO_SHORT)
    known = {user.id for user in found}
    found += [user for user in matches if user.id not in known]
    if len(matches) >= SEARCH_PAGE_SIZE:
        return SearchResult(
            found,
            ngettext(
                "Showing the first %(count)d match. Type more to narrow the search.",
                "Showing the first %(count)d matches. Type more to narrow the search.",
                SEARCH_PAGE_SIZE,
            )
            % {"count": SEARCH_PAGE_SIZE},
        )
    return SearchResult(
        found, "" if found else gettext("No user matches “%(term)s”.") % {"term": term}
    )


def _exact_user(client: CanvasClient, ref: str) -> list[CanvasUser]:
    try:
        return [client.get_user(ref)]
    except NotFound:
        # Canvas also answers 404 for users the caller may not see (docs/canvas-behaviour.md §5.1).
        return []
