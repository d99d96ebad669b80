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
    # Canvas's login-initiation parameters (each capped in length), to relaunch in a new window
    # when frames lose cookies or to connect the account top-level.
    initiation = models.JSONField(default=dict)
    # A relaunch from the framed "Connect your Canvas account" link: go on to OAuth at once.
    then_connect = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="channels_ap_created_d79c78_idx")]

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
        indexes = [models.Index(fields=["created_at"], name="channels_ap_created_04994b_idx")]

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
