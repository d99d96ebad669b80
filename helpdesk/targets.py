"""The user a help-desk request acts for: who they are, remembered for the session.

Recently opened users are kept so actions need no extra Canvas call for the name; bounded so the
session stays small however many users a staff member opens in a day.
"""

from dataclasses import asdict, dataclass

from django.http import HttpRequest

from canvas.client import CanvasClient

TARGETS_KEY = "helpdesk_targets"
MAX_CACHED_TARGETS = 20


@dataclass(frozen=True)
class Target:
    id: int
    name: str
    login_id: str | None = None
    sis_user_id: str | None = None


def load_target(request: HttpRequest, client: CanvasClient, user_id: int, *, fresh: bool) -> Target:
    """The user from the session, or from Canvas when `fresh` or not remembered."""
    cached = dict(request.session.get(TARGETS_KEY, {}))
    stored = cached.get(str(user_id))
    if not fresh and isinstance(stored, dict):
        try:
            return Target(**stored)
        except TypeError:
            pass  # an older shape: ask Canvas again
    user = client.get_user(user_id)
    target = Target(user.id, user.name, user.login_id, user.sis_user_id)
    cached.pop(str(user_id), None)
    cached[str(user_id)] = asdict(target)
    request.session[TARGETS_KEY] = dict(list(cached.items())[-MAX_CACHED_TARGETS:])
    return target
