"""Key rotation (`rotate_token_keys`) and cron housekeeping (`cleanup`)."""

from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from accounts import crypto
from accounts.crypto import UnreadableToken
from accounts.models import CanvasToken

pytestmark = pytest.mark.django_db

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _token(user_id: int, *, days_old: int = 0) -> CanvasToken:
    row = CanvasToken(canvas_user_id=user_id)
    row.set_tokens(
        access_token=f"{user_id}~access", refresh_token=f"{user_id}~refresh", expires_at=None
    )
    row.save()
    if days_old:
        CanvasToken.objects.filter(pk=row.pk).update(
            updated_at=timezone.now() - timedelta(days=days_old)
        )
    return CanvasToken.objects.get(pk=row.pk)


def _run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=out)
    return out.getvalue()


def test_new_key_first_keeps_old_tokens_readable_and_rotation_moves_them(settings) -> None:
    settings.TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    before = [_token(1), _token(2, days_old=3)]

    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert CanvasToken.objects.get(canvas_user_id=1).access_token == "1~access"
    assert "Re-encrypted 2 token(s)" in _run("rotate_token_keys")

    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can now go
    for old in before:
        row = CanvasToken.objects.get(pk=old.pk)
        assert row.access_token == f"{old.canvas_user_id}~access"
        assert row.refresh_token == f"{old.canvas_user_id}~refresh"
        # Rotating is not using: the stale token must stay stale for `cleanup`.
        assert row.updated_at == old.updated_at


def test_rotation_reports_and_optionally_deletes_unreadable_tokens(settings) -> None:
    settings.TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    _token(1)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(UnreadableToken):
        crypto.decrypt(CanvasToken.objects.get().access_token_encrypted)
    assert "1 unreadable" in _run("rotate_token_keys")
    assert CanvasToken.objects.count() == 1
    assert "1 unreadable (deleted)" in _run("rotate_token_keys", "--delete-unreadable")
    assert CanvasToken.objects.count() == 0


def test_cleanup_removes_expired_sessions_and_stale_tokens_only() -> None:
    live, dead = SessionStore(), SessionStore()
    live["x"], dead["x"] = 1, 1
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    _token(1)
    _token(2, days_old=31)
    _token(3, days_old=8)

    dry = _run("cleanup", "--dry-run")
    assert "Would delete 1 expired session(s), 1 token(s)" in dry
    assert CanvasToken.objects.count() == 3

    assert "Deleted 1 expired session(s), 1 token(s) untouched for 30 day(s)" in _run("cleanup")
    assert set(Session.objects.values_list("session_key", flat=True)) == {live.session_key}
    assert set(CanvasToken.objects.values_list("canvas_user_id", flat=True)) == {1, 3}

    _run("cleanup", "--token-days", "7")
    assert set(CanvasToken.objects.values_list("canvas_user_id", flat=True)) == {1}
