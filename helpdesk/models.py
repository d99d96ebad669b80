"""The help-desk audit log: one append-only row per change attempt or reading of the log."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

# The transaction-local PostgreSQL setting under which the database lets audit rows be deleted
# (the trigger from helpdesk/migrations/0002 checks it); only the retention prune sets it.
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
    # Why the staff member made the change (a ticket reference, a sentence), as they typed it;
    # blank for readings of the log and where HELPDESK_AUDIT_REASON did not ask for one.
    reason = models.CharField(max_length=255, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Names from before the app split (helpdesk/migrations/0001).
            models.Index(fields=["created_at"], name="channels_ap_created_7e8265_idx"),
            models.Index(
                fields=["actor_canvas_id", "created_at"], name="channels_ap_actor_c_e9eb08_idx"
            ),
            models.Index(
                fields=["target_canvas_id", "created_at"], name="channels_ap_target__76b57c_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.address}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit rows are removed only by `manage.py prune_audit_log`.")
