"""Database records: the encrypted Canvas token of each signed-in Canvas user, and the
help-desk audit log."""

from datetime import datetime

from django.db import models
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
            count, _ = models.QuerySet.delete(AuditEntry.objects.filter(pk__in=batch))
            deleted += count


class AuditEntry(models.Model):
    """One help-desk change attempt on a user's contact methods, successful or not.

    Append-only: `save` refuses to change a stored row and `delete` always refuses.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    actor_canvas_id = models.BigIntegerField()
    actor_name = models.CharField(max_length=255, blank=True)
    target_canvas_id = models.BigIntegerField()
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
    # Canvas's login-initiation parameters (each capped in length), to relaunch in a new window
    # when frames lose cookies or to connect the account top-level.
    initiation = models.JSONField(default=dict)
    # A relaunch from the framed "Connect your Canvas account" link: go on to OAuth at once.
    then_connect = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"LTI login started {self.created_at:%Y-%m-%d %H:%M:%S}"


class LtiPendingConnect(models.Model):
    """A valid launch by an LTI user (`issuer`, `subject`) the portal cannot sign in yet, waiting
    for "Connect your Canvas account" (OAuth) to prove which Canvas user they are.

    The key travels in URLs; `browser_hash` is the hash of a secret kept in a cookie of the
    browser that launched, so the link completes only there (docs/lti.md).
    """

    key = models.CharField(max_length=64, unique=True)
    issuer = models.CharField(max_length=255, default="")
    subject = models.CharField(max_length=255, default="")
    browser_hash = models.CharField(max_length=64, default="")
    # OAuth was started from /lti/connect/<key> (which signed out any earlier portal session).
    oauth_started = models.BooleanField(default=False)
    page = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"LTI connect started {self.created_at:%Y-%m-%d %H:%M:%S}"


class LtiIdentity(models.Model):
    """Which Canvas user an LTI user (`issuer`, `subject` = the id_token's `iss`, `sub`) is.

    Written only when OAuth has just proved it, in the browser that launched; a launch signs in
    through this row and nothing else in the id_token (custom claims can be set by teachers).
    """

    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    canvas_user_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="lti_identity_unique_sub")
        ]
        indexes = [models.Index(fields=["canvas_user_id"])]

    def __str__(self) -> str:
        return f"LTI user bound to Canvas user {self.canvas_user_id}"
