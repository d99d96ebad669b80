"""Binding an LTI launch to the browser that started it, and its single-use nonce.

/lti/login stores (hash of state, nonce) in the database and sets a cookie named after the state
hash; /lti/launch accepts a state only from a browser holding that cookie, then deletes the row,
so neither the state nor the nonce can be used twice. A browser that sent no launch cookie at all
most likely blocks cookies in Canvas's frame (Safari): that launch can be relaunched in a new
window, where the portal is first-party.
"""

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from lti.cookies import delete_launch_cookie, set_launch_cookie
from lti.models import LtiLogin, LtiPendingConnect

COOKIE_PREFIX = "lti_state_"
LIFETIME = timedelta(minutes=10)
# A launch waiting for the user to finish "Connect your Canvas account".
CONNECT_LIFETIME = timedelta(hours=1)
# Canvas's login-initiation parameters worth keeping for a relaunch, each with the longest value
# accepted: well above what Canvas sends (its lti_message_hint, a JWT, is under 1 KB), far below
# what would let anonymous requests fill the database.
INITIATION_LIMITS = {
    "iss": 255,
    "login_hint": 255,
    "target_link_uri": 2048,
    "lti_message_hint": 4096,
    "client_id": 64,
    "lti_deployment_id": 255,
}
OTHER_PARAMETER_LIMIT = 255  # canvas_region, canvas_environment, connect: short words
# Anything else /lti/launch is given: Canvas's id_token (a few KB) and our own state.
LAUNCH_LIMITS = {"id_token": 65536, "state": 64, "error": 255, "error_description": 1024}


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _cookie_name(state_hash: str) -> str:
    # Per launch, so two tabs launching at once do not overwrite each other's binding.
    return COOKIE_PREFIX + state_hash[:16]


@dataclass(frozen=True)
class Started:
    state: str
    nonce: str
    state_hash: str


def prune_expired(*, dry_run: bool = False) -> int:
    """Drop launches and connect steps past their lifetime (also run by `manage.py cleanup`)."""
    now = timezone.now()
    expired = [
        LtiLogin.objects.filter(created_at__lt=now - LIFETIME),
        LtiPendingConnect.objects.filter(created_at__lt=now - CONNECT_LIFETIME),
    ]
    return sum(rows.count() if dry_run else rows.delete()[0] for rows in expired)


def too_long(params: Mapping[str, str], limits: Mapping[str, int], other: int) -> str | None:
    """The first parameter longer than its limit, checked before anything is stored."""
    return next((k for k, v in params.items() if len(v) > limits.get(k, other)), None)


def begin(initiation: Mapping[str, str], *, then_connect: bool = False) -> Started:
    """Create a launch's state and nonce; old unfinished launches are dropped on the way.
    `initiation` must have passed `too_long`: only the relaunch fields are kept."""
    LtiLogin.objects.filter(created_at__lt=timezone.now() - LIFETIME).delete()
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    started = Started(state=state, nonce=nonce, state_hash=_hash(state))
    LtiLogin.objects.create(
        state_hash=started.state_hash,
        nonce=nonce,
        initiation={k: initiation[k] for k in INITIATION_LIMITS if initiation.get(k)},
        then_connect=then_connect,
    )
    return started


def bind(response: HttpResponse, started: Started) -> None:
    """The cookie that proves, at /lti/launch, that this browser started the launch."""
    name = _cookie_name(started.state_hash)
    set_launch_cookie(response, name, started.state_hash, int(LIFETIME.total_seconds()))


def forget(response: HttpResponse, state: str) -> None:
    delete_launch_cookie(response, _cookie_name(_hash(state)))


Binding = Literal["bound", "no_cookies", "mismatch"]


def binding(request: HttpRequest, state: str) -> Binding:
    name = _cookie_name(_hash(state))
    sent = request.COOKIES.get(name)
    if sent is not None and hmac.compare_digest(sent, _hash(state)):
        return "bound"
    if any(name.startswith(COOKIE_PREFIX) and value for name, value in request.COOKIES.items()):
        return "mismatch"  # cookies work here, but this state was not started by this browser
    return "no_cookies"


def pending(state: str) -> LtiLogin | None:
    """The unexpired launch for `state`, left in place (for a relaunch offer)."""
    return LtiLogin.objects.filter(
        state_hash=_hash(state), created_at__gte=timezone.now() - LIFETIME
    ).first()


def consume(state: str) -> LtiLogin | None:
    """Use up the launch for `state` (its nonce and initiation), or None if it is unknown, used
    or old."""
    with transaction.atomic():
        row = pending(state)
        if row is None:
            return None
        # Only the request whose delete removed the row may go on: a concurrent replay loses.
        deleted, _ = LtiLogin.objects.filter(pk=row.pk).delete()
    return row if deleted else None
