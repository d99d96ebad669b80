"""Stored Canvas tokens: the TokenSource that refreshes them, and the one way to forget one.

Refreshing. Canvas gives every refresh a new access token and kills the previous one, so two
processes refreshing the same user's token at once would leave one of them holding (and maybe
storing) a dead token. Only one may refresh at a time. That is decided by a *claim* on the row
(`refresh_claim`, `refresh_claimed_until`), taken and released by single-statement UPDATEs, not
by a row lock: a lock would keep a transaction open across the HTTP call to Canvas, which on
SQLite (BEGIN IMMEDIATE) blocks every other write in every process for as long as Canvas takes,
and on PostgreSQL pins a connection idle in transaction. The claim works the same on both; the
others wait for it to be released (or to lapse, if its holder died) and then reuse the result.

Forgetting. A token deleted here but alive at Canvas is a live credential nobody controls, so
every deletion (sign-out, `cleanup`) first revokes it at Canvas (`DELETE /login/oauth2/token`),
refreshing an expired access token first because Canvas only revokes with a usable one.
"""

import enum
import logging
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.crypto import UnreadableToken
from accounts.models import CanvasToken
from canvas import oauth
from canvas.errors import (
    CanvasProblem,
    NotAuthenticated,
    Throttled,
    TokenWithoutUser,
    Unavailable,
)
from canvas.records import TokenGrant

logger = logging.getLogger("accounts")

# How often a request waiting for another one's refresh looks again.
CLAIM_POLL_S = 0.05


def _claim_ttl() -> timedelta:
    """How long a refresh claim holds: longer than the refresh call can take (its timeouts)."""
    connect, read = settings.CANVAS_TIMEOUT
    return timedelta(seconds=connect + read + 5)


def store_grant(grant: TokenGrant) -> CanvasToken:
    """Keep a freshly signed-in user's token, replacing the one stored before.

    The previous token needs no revoke call: the code exchange asked Canvas to delete this
    user's other tokens for this key (`replace_tokens=1`, docs/canvas-behaviour.md §3.3).
    """
    if grant.user_id is None:
        raise TokenWithoutUser("a token without a user cannot be stored")
    row = CanvasToken.objects.filter(canvas_user_id=grant.user_id).first() or CanvasToken(
        canvas_user_id=grant.user_id
    )
    row.set_tokens(
        access_token=grant.access_token,
        refresh_token=grant.refresh_token,
        expires_at=grant.expires_at,
    )
    # A refresh of the replaced token may be under way; its claim no longer applies.
    row.refresh_claim, row.refresh_claimed_until = "", None
    row.save()
    return row


class Revocation(enum.Enum):
    REVOKED = "revoked"
    REFUSED = "refused"  # Canvas said no: the token is already dead there (or never was)
    UNREACHABLE = "unreachable"  # Canvas could not be asked; the token may still be alive
    UNREADABLE = "unreadable"  # no configured key decrypts it, so it cannot be sent to Canvas


def revoke_at_canvas(row: CanvasToken) -> Revocation:
    """Revoke a stored token at Canvas, refreshing it first when its access token has expired.

    Never raises; every outcome but REVOKED is logged with the Canvas user id and the kind of
    failure only (no token, no Canvas text).
    """
    try:
        access, refresh_token = row.access_token, row.refresh_token
    except UnreadableToken:
        logger.warning(
            "The stored token of Canvas user %s cannot be decrypted, so it was not revoked at "
            "Canvas",
            row.canvas_user_id,
        )
        return Revocation.UNREADABLE
    try:
        refreshed = False
        if refresh_token and _expiring(row):
            access, refreshed = oauth.refresh(refresh_token).access_token, True
        try:
            oauth.revoke(access)
        except NotAuthenticated:
            # 401 with WWW-Authenticate: the access token died sooner than recorded.
            if refreshed or not refresh_token:
                raise
            oauth.revoke(oauth.refresh(refresh_token).access_token)
    except (Unavailable, Throttled) as exc:
        outcome = Revocation.UNREACHABLE
        failure: CanvasProblem = exc
    except CanvasProblem as exc:
        outcome, failure = Revocation.REFUSED, exc
    else:
        return Revocation.REVOKED
    logger.warning(
        "Canvas did not revoke the stored token of Canvas user %s: %s (%s, status %s)",
        row.canvas_user_id,
        outcome.value,
        type(failure).__name__,
        failure.status,
    )
    return outcome


def forget(row: CanvasToken, *, keep_if_unreachable: bool = False) -> bool:
    """Revoke `row`'s token at Canvas, then delete the row unless it changed meanwhile.

    A row that changed (refreshed by another request, or replaced by a new sign-in) holds a
    token this call did not revoke, so it is left for the caller to look at again. Returns
    whether the row was deleted.
    """
    outcome = revoke_at_canvas(row)
    if keep_if_unreachable and outcome is Revocation.UNREACHABLE:
        return False
    deleted, _ = CanvasToken.objects.filter(
        pk=row.pk,
        access_token_encrypted=row.access_token_encrypted,
        refresh_token_encrypted=row.refresh_token_encrypted,
    ).delete()
    return deleted > 0


def sign_out(canvas_user_id: int) -> None:
    """Revoke the user's token at Canvas and forget it here, even if Canvas refused."""
    for _ in range(3):  # a row rewritten while it was being revoked is revoked again
        row = CanvasToken.objects.filter(canvas_user_id=canvas_user_id).first()
        if row is None or forget(row):
            return
    CanvasToken.objects.filter(canvas_user_id=canvas_user_id).delete()


def _expiring(row: CanvasToken) -> bool:
    if row.expires_at is None:
        return False
    margin = timedelta(seconds=settings.CANVAS_REFRESH_MARGIN)
    return row.expires_at - margin <= timezone.now()


class StoredToken:
    """The TokenSource for one Canvas user, backed by the CanvasToken table."""

    def __init__(self, canvas_user_id: int) -> None:
        self.canvas_user_id = canvas_user_id

    def access_token(self) -> str:
        row = CanvasToken.objects.filter(canvas_user_id=self.canvas_user_id).first()
        if row is None:
            raise NotAuthenticated("no stored token")
        try:
            token = row.access_token
        except UnreadableToken:
            row.delete()
            raise NotAuthenticated("stored token unreadable") from None
        if _expiring(row):
            return self._refresh(rejected=token)
        return token

    def renew(self, rejected: str) -> str:
        return self._refresh(rejected=rejected)

    def _row(self) -> CanvasToken:
        row = CanvasToken.objects.filter(canvas_user_id=self.canvas_user_id).first()
        if row is None:
            raise NotAuthenticated("no stored token")
        return row

    def _refresh(self, *, rejected: str) -> str:
        row, claim = self._claim_or_reuse(rejected)
        if claim is None:
            return row.access_token  # refreshed by another request while this one waited
        refresh_token = row.refresh_token
        assert refresh_token is not None  # checked before claiming
        mine = CanvasToken.objects.filter(pk=row.pk, refresh_claim=claim)
        try:
            grant = oauth.refresh(refresh_token)
        except NotAuthenticated:
            # Canvas refused the refresh token (signed out or revoked): it is dead; forget it.
            mine.delete()
            raise NotAuthenticated("refresh failed; the user must sign in again") from None
        except BaseException:
            mine.update(refresh_claim="", refresh_claimed_until=None)
            raise
        row.set_tokens(
            access_token=grant.access_token,
            refresh_token=grant.refresh_token,
            expires_at=grant.expires_at,
        )
        # One UPDATE, only while the claim is still ours: a new sign-in or a sign-out that
        # happened meanwhile wins, and this refresh's result is dropped.
        written = mine.update(
            access_token_encrypted=row.access_token_encrypted,
            refresh_token_encrypted=row.refresh_token_encrypted,
            expires_at=row.expires_at,
            updated_at=timezone.now(),
            refresh_claim="",
            refresh_claimed_until=None,
        )
        if written:
            return grant.access_token
        return self._row().access_token

    def _claim_or_reuse(self, rejected: str) -> tuple[CanvasToken, str | None]:
        """Claim the row for refreshing, or return it with a usable token another request
        stored meanwhile (claim None). Waits while someone else holds the claim."""
        deadline = time.monotonic() + _claim_ttl().total_seconds() + 1
        while True:
            row = self._row()
            try:
                current, refresh_token = row.access_token, row.refresh_token
            except UnreadableToken:
                current, refresh_token = "", None
            if current and current != rejected and not _expiring(row):
                return row, None
            if not refresh_token:
                row.delete()
                raise NotAuthenticated("no refresh token; the user must sign in again")
            now, claim = timezone.now(), secrets.token_hex(16)
            # Claimable: the token we just read is still the stored one, and nobody holds a
            # live claim. One statement, so at most one request wins.
            claimed = (
                CanvasToken.objects.filter(
                    pk=row.pk, access_token_encrypted=row.access_token_encrypted
                )
                .filter(Q(refresh_claimed_until__isnull=True) | Q(refresh_claimed_until__lt=now))
                .update(refresh_claim=claim, refresh_claimed_until=now + _claim_ttl())
            )
            if claimed:
                return row, claim
            if time.monotonic() > deadline:
                raise Unavailable("another request's token refresh is taking too long")
            time.sleep(CLAIM_POLL_S)
