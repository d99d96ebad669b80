"""Key rotation (`rotate_token_keys`) and cron housekeeping (`cleanup`)."""

from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts import crypto
from accounts.crypto import UnreadableToken
from accounts.models import CanvasToken
from canvas_emulator.demo_users import DEMO_BOUNCING, DEMO_STUDENT
from tests.support.canvas import sign_in

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


def test_cleanup_removes_expired_sessions_and_stale_tokens_only(canvas) -> None:
    # These made-up tokens are unknown to Canvas: it refuses to revoke them, so they just go.
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


def _age(user_id: int, days: int) -> None:
    """As a signed-in token looks after `days` without use: its hour is long over."""
    CanvasToken.objects.filter(canvas_user_id=user_id).update(
        updated_at=timezone.now() - timedelta(days=days),
        expires_at=timezone.now() - timedelta(days=days) + timedelta(hours=1),
    )


def _status_at_canvas(canvas, user_id: int) -> list[str]:
    return [t["status"] for t in canvas.tokens(user_id)]


def test_cleanup_revokes_each_stale_token_at_canvas_before_deleting_it(canvas, client) -> None:
    sign_in(canvas, client, DEMO_STUDENT)
    sign_in(canvas, Client(), DEMO_BOUNCING)
    _age(DEMO_STUDENT, 31)
    canvas.clear_requests()

    assert "Deleted 0 expired session(s), 1 token(s)" in _run("cleanup")

    assert _status_at_canvas(canvas, DEMO_STUDENT) == ["revoked"]
    assert _status_at_canvas(canvas, DEMO_BOUNCING) == ["live"]
    # Its access token had expired, so it was refreshed first: Canvas revokes only a usable one.
    assert [(r["method"], r["path"], r["status"]) for r in canvas.requests_log()] == [
        ("POST", "/login/oauth2/token", 200),
        ("DELETE", "/login/oauth2/token", 200),
    ]
    assert set(CanvasToken.objects.values_list("canvas_user_id", flat=True)) == {DEMO_BOUNCING}


def test_cleanup_keeps_a_stale_token_while_canvas_is_not_answering(canvas, client) -> None:
    sign_in(canvas, client, DEMO_STUDENT)
    _age(DEMO_STUDENT, 31)
    canvas.faults(next=[{"status": 503}])  # the refresh before the revoke

    out = _run("cleanup")

    assert "0 token(s)" in out
    assert "Kept 1 stale token(s) that Canvas could not be asked to revoke" in out
    assert CanvasToken.objects.filter(canvas_user_id=DEMO_STUDENT).exists()
    assert _status_at_canvas(canvas, DEMO_STUDENT) == ["live"]  # not revoked: nobody could

    assert "1 token(s)" in _run("cleanup")  # Canvas is back: revoked, then deleted
    assert _status_at_canvas(canvas, DEMO_STUDENT) == ["revoked"]
    assert not CanvasToken.objects.exists()


def test_cleanup_logs_canvas_refusals_without_the_token(canvas, caplog) -> None:
    stale = _token(7, days_old=31)
    with caplog.at_level("WARNING", logger="accounts"):
        _run("cleanup")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "accounts"]
    assert "Canvas user 7" in line and "refused" in line
    assert stale.access_token not in line and stale.refresh_token not in line
