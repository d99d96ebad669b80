"""Database records: the encrypted Canvas token of each signed-in Canvas user, and the
help-desk audit log."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from . import crypto


class CanvasToken(models.Model):
    """One Canvas user's OAuth tokens, encrypted; never sent to the browser or logged."""

    canvas_user_id = models.BigIntegerField(unique=True)
    access_token_encrypted = models.TextField()
    refresh_token_encrypted = models.TextField(blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"Canvas token for user {self.canvas_user_id}"

    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.access_token_encrypted)

    @property
    def refresh_token(self) -> str | None:
        if not self.refresh_token_encrypted:
            return None
        return crypto.decrypt(self.refresh_token_encrypted)

    def set_tokens(
        self, *, access_token: str, refresh_token: str | None, expires_at: datetime | None
    ) -> None:
        self.access_token_encrypted = crypto.encrypt(access_token)
        self.refresh_token_encrypted = crypto.encrypt(refresh_token) if refresh_token else ""
        self.expires_at = expires_at


# The transaction-local PostgreSQL setting under which the database lets audit rows be deleted
# (the trigger from migration 0004_audit_append_only_in_database checks it); only the retention
# prune sets it.
RETENTION_SETTING = "portal.audit_retention"


@contextmanager
def _retention_allowed(using: str) -> Iterator[None]:
    """Let the database delete audit rows inside this block (PostgreSQL; elsewhere a no-op).

    The setting is transaction-local, and switched off again at the end of the block in case
    the caller's own transaction goes on after it.
    """
    connection = transaction.get_connection(using)
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [RETENTION_SETTING])
        yield
        cursor.execute("SELECT set_config(%s, 'off', true)", [RETENTION_SETTING])


class AppendOnlyError(Exception):
    """Audit rows are evidence: nothing may change or remove one (except the retention prune)."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("Audit rows cannot be updated.")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise AppendOnlyError("Audit rows cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit rows are removed only by `manage.py prune_audit_log`.")

    def prune_before(self, cutoff: datetime, *, batch_size: int = 5000) -> int:
        """Delete rows older than `cutoff` in batches, so a large prune never holds one huge lock.

        The only deleting code path; used by the retention command.
        """
        deleted = 0
        while True:
            batch = list(
                self.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                return deleted
            with transaction.atomic(using=self.db), _retention_allowed(self.db):
                count, _ = models.QuerySet.delete(AuditEntry.objects.filter(pk__in=batch))
            deleted += count


class AuditEntry(models.Model):
    """One help-desk change attempt on a user's contact methods, successful or not, or one
    reading of the audit log itself (then there is no target user).

    Append-only: `save` refuses to change a stored row and `delete` always refuses; on
    PostgreSQL a trigger refuses UPDATE and DELETE from any code path but the retention prune.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    actor_canvas_id = models.BigIntegerField()
    actor_name = models.CharField(max_length=255, blank=True)
    target_canvas_id = models.BigIntegerField(null=True, blank=True)
    target_name = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=32)
    channel_type = models.CharField(max_length=16, blank=True)
    address = models.CharField(max_length=320, blank=True)
    outcome = models.CharField(max_length=16)
    canvas_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    detail = models.CharField(max_length=255, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["actor_canvas_id", "created_at"]),
            models.Index(fields=["target_canvas_id", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.address}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit rows cannot be updated.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit rows are removed only by `manage.py prune_audit_log`.")


class LtiLogin(models.Model):
    """An LTI launch between /lti/login and /lti/launch: its nonce, keyed by a hash of `state`.

    In the database, not the session: inside Canvas's frame the session cookie may be blocked,
    and any portal process may receive the launch. Deleting the row is what makes a nonce
    single-use.
    """

    state_hash = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    # Canvas's login-initiation parameters, to relaunch in a new window when frames lose cookies.
    initiation = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"LTI login started {self.created_at:%Y-%m-%d %H:%M:%S}"


class LtiPendingConnect(models.Model):
    """A valid launch for a Canvas user without a stored token, waiting for OAuth to finish.

    The key travels in the `next` URL of the top-level OAuth window, which may not share cookies
    with the frame the launch arrived in.
    """

    key = models.CharField(max_length=64, unique=True)
    canvas_user_id = models.BigIntegerField()
    page = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"LTI connect for user {self.canvas_user_id}"
