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
