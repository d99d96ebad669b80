"""The database cache's table goes: the abuse limits count in portal_rate_count (0002) now, and
nothing else used the cache. Its rows were counters of at most one window, so nothing is lost."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_rate_count")]

    operations = [migrations.DeleteModel(name="CacheEntry")]
