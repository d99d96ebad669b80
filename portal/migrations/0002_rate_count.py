"""The abuse-limit counters' own table, counted with one upsert (portal/counters.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_cache_table")]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("hits", models.PositiveIntegerField()),
                ("window_ends", models.BigIntegerField(db_index=True)),
            ],
            options={"db_table": "portal_rate_count"},
        ),
    ]
