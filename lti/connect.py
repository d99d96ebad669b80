"""Who an LTI user is: the binding of `(iss, sub)` to a Canvas user, made by "Connect your Canvas
account" and nothing else (docs/lti.md).

A launch whose `sub` has no binding starts a connect: a row under a random key (the key travels in
URLs, through Canvas's OAuth) and a cookie holding a second secret in the browser that launched.
Only that browser can finish it: /lti/connect/<key> signs out any earlier portal session and
starts OAuth, /lti/continue/<key> binds `sub` to the Canvas user OAuth has just signed in. A
Connect link sent to someone else therefore binds nothing.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from lti.cookies import delete_launch_cookie, set_launch_cookie
from lti.launch import Launch
from lti.models import LtiIdentity, LtiPendingConnect
from lti.state import CONNECT_LIFETIME

COOKIE_PREFIX = "lti_connect_"


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _cookie_name(key: str) -> str:
    # Per connect, so two launches in two tabs keep their own proof.
    return COOKIE_PREFIX + _hash(key)[:16]


def bound_canvas_user(launch: Launch) -> int | None:
    """The Canvas user this LTI user proved to be through OAuth, if they ever did."""
    row = LtiIdentity.objects.filter(issuer=launch.issuer, subject=launch.subject).first()
    return None if row is None else row.canvas_user_id


def note_use(launch: Launch) -> None:
    LtiIdentity.objects.filter(issuer=launch.issuer, subject=launch.subject).update(
        last_used_at=timezone.now()
    )


@dataclass(frozen=True)
class Started:
    key: str
    secret: str


def start(launch: Launch) -> Started:
    """A connect for this launch's LTI user; old unfinished ones are dropped on the way."""
    LtiPendingConnect.objects.filter(created_at__lt=timezone.now() - CONNECT_LIFETIME).delete()
    started = Started(key=secrets.token_urlsafe(32), secret=secrets.token_urlsafe(32))
    LtiPendingConnect.objects.create(
        key=started.key,
        issuer=launch.issuer,
        subject=launch.subject,
        page=launch.page,
        browser_hash=_hash(started.secret),
    )
    return started


def bind_browser(response: HttpResponse, started: Started) -> None:
    name = _cookie_name(started.key)
    set_launch_cookie(response, name, started.secret, int(CONNECT_LIFETIME.total_seconds()))


def forget_browser(response: HttpResponse, key: str) -> None:
    delete_launch_cookie(response, _cookie_name(key))


def pending(key: str) -> LtiPendingConnect | None:
    return LtiPendingConnect.objects.filter(
        key=key, created_at__gte=timezone.now() - CONNECT_LIFETIME
    ).first()


def from_launching_browser(request: HttpRequest, row: LtiPendingConnect) -> bool:
    sent = request.COOKIES.get(_cookie_name(row.key), "")
    # A row made before connects were tied to a browser has no hash, and no subject to bind.
    return bool(row.browser_hash and row.subject) and hmac.compare_digest(
        _hash(sent), row.browser_hash
    )


def mark_oauth_started(row: LtiPendingConnect) -> None:
    LtiPendingConnect.objects.filter(pk=row.pk).update(oauth_started=True)


def finish(row: LtiPendingConnect, canvas_user_id: int) -> bool:
    """Bind the row's LTI user to the Canvas user OAuth proved; False if the row was used."""
    with transaction.atomic():
        # Only the request whose delete removed the row binds: a concurrent replay loses.
        deleted, _ = LtiPendingConnect.objects.filter(pk=row.pk).delete()
        if not deleted:
            return False
        LtiIdentity.objects.update_or_create(
            issuer=row.issuer,
            subject=row.subject,
            defaults={"canvas_user_id": canvas_user_id, "last_used_at": timezone.now()},
        )
    return True
