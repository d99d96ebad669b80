"""LTI launch state: a started login's nonce, and a launch waiting for its user to connect."""

from django.db import models
from django.utils import timezone


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
        indexes = [models.Index(fields=["created_at"], name="channels_ap_created_d79c78_idx")]

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
        indexes = [models.Index(fields=["created_at"], name="channels_ap_created_04994b_idx")]

    def __str__(self) -> str:
        return f"LTI connect for user {self.canvas_user_id}"
