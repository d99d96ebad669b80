"""The table of the shared database cache (the abuse-limit counters)."""

from django.db import models


class CacheEntry(models.Model):
    """The table of the database cache (CACHES in portal/settings.py): the abuse-limit counters.

    A model, not `manage.py createcachetable`, so the one step every install already runs
    (`migrate`: `make run`, `make serve`, each release, the test databases) creates it, and test
    flushes empty it between tests. The columns are exactly those `createcachetable` makes.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "portal_cache"

    def __str__(self) -> str:
        return self.cache_key


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
