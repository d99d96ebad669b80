"""Stored Canvas tokens as a TokenSource: refresh ahead of expiry and after a rejection.

Refreshing takes a row lock so that two processes refreshing the same user's token at the same
moment do not each spend the refresh and leave one of them holding a dead access token.
"""

import contextlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.crypto import UnreadableToken
from accounts.models import CanvasToken
from canvas import oauth
from canvas.errors import CanvasError, NotAuthenticated
from canvas.records import TokenGrant


def store_grant(grant: TokenGrant) -> CanvasToken:
    row = CanvasToken.objects.filter(canvas_user_id=grant.user_id).first() or CanvasToken(
        canvas_user_id=grant.user_id
    )
    row.set_tokens(
        access_token=grant.access_token,
        refresh_token=grant.refresh_token,
        expires_at=grant.expires_at,
    )
    row.save()
    return row


def sign_out(canvas_user_id: int) -> None:
    """Revoke the token at Canvas (best effort) and forget it here (always)."""
    row = CanvasToken.objects.filter(canvas_user_id=canvas_user_id).first()
    if row is None:
        return
    # Already dead at Canvas, or Canvas is down: deleting it here is what matters.
    with contextlib.suppress(CanvasError, UnreadableToken):
        oauth.revoke(row.access_token)
    row.delete()


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

    def _refresh(self, *, rejected: str) -> str:
        with transaction.atomic():
            row = (
                CanvasToken.objects.select_for_update()
                .filter(canvas_user_id=self.canvas_user_id)
                .first()
            )
            if row is None:
                raise NotAuthenticated("no stored token")
            try:
                current, refresh_token = row.access_token, row.refresh_token
            except UnreadableToken:
                current, refresh_token = "", None
            if current and current != rejected and not _expiring(row):
                # Another request refreshed while this one waited for the lock.
                return current
            grant = None
            if refresh_token:
                try:
                    grant = oauth.refresh(refresh_token)
                except NotAuthenticated:
                    grant = None
            if grant is not None:
                row.set_tokens(
                    access_token=grant.access_token,
                    refresh_token=grant.refresh_token,
                    expires_at=grant.expires_at,
                )
                row.save()
                return grant.access_token
            # Canvas refused the refresh token (signed out or revoked): forget it.
            row.delete()
        raise NotAuthenticated("refresh failed; the user must sign in again")
