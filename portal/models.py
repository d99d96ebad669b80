"""The abuse-limit counters' table."""

from django.db import models


class RateCount(models.Model):
    """One abuse-limit counter (portal/counters.py): the hits of one key in its current window.

    One row per limit and key (a user, an address), reused from window to window, so the table
    holds at most one row per active user per limit; `cleanup` deletes rows whose window ended.
    The window end is in Unix seconds, the same integer on every database backend.
    """

    key = models.CharField(max_length=64, primary_key=True)
    hits = models.PositiveIntegerField()
    window_ends = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "portal_rate_count"

    def __str__(self) -> str:
        return self.key
