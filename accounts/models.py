"""The encrypted Canvas token of each signed-in Canvas user."""

from datetime import datetime

from django.db import models

from accounts import crypto


class CanvasToken(models.Model):
    """One Canvas user's OAuth tokens, encrypted; never sent to the browser or logged."""

    canvas_user_id = models.BigIntegerField(unique=True)
    access_token_encrypted = models.TextField()
    refresh_token_encrypted = models.TextField(blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Refresh claim (accounts/tokens.py): who is refreshing this token right now, and until
    # when the claim holds. A claim, not a row lock, so no transaction stays open (and on SQLite
    # no database write lock is held) while Canvas answers the refresh.
    refresh_claim = models.CharField(max_length=32, blank=True, default="")
    refresh_claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Index names from before the app split (accounts/migrations/0001).
        indexes = [models.Index(fields=["updated_at"], name="channels_ap_updated_4ee18f_idx")]

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
