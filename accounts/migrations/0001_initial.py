"""CanvasToken moves here from channels_app (where migration 0001 created its table).

The state moves without touching the table; then the table takes this app's name. Index names
stay those of the original migration, so no index is rebuilt.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("channels_app", "0003_lti_launch_state")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CanvasToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("canvas_user_id", models.BigIntegerField(unique=True)),
                        ("access_token_encrypted", models.TextField()),
                        ("refresh_token_encrypted", models.TextField(blank=True, default="")),
                        ("expires_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "db_table": "channels_app_canvastoken",
                        "indexes": [
                            models.Index(
                                fields=["updated_at"], name="channels_ap_updated_4ee18f_idx"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="canvastoken", table=None),
    ]
