"""LtiLogin and LtiPendingConnect move here from channels_app (its migration 0003).

The state moves without touching the tables; then they take this app's name. Index names stay
those of the original migration. An operator who leaves this app out keeps the old, unused tables.
"""

import django.utils.timezone
from django.db import migrations, models

ID = (
    "id",
    models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("channels_app", "0003_lti_launch_state")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LtiLogin",
                    fields=[
                        ID,
                        ("state_hash", models.CharField(max_length=64, unique=True)),
                        ("nonce", models.CharField(max_length=64)),
                        ("initiation", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "channels_app_ltilogin",
                        "indexes": [
                            models.Index(
                                fields=["created_at"], name="channels_ap_created_d79c78_idx"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LtiPendingConnect",
                    fields=[
                        ID,
                        ("key", models.CharField(max_length=64, unique=True)),
                        ("canvas_user_id", models.BigIntegerField()),
                        ("page", models.CharField(max_length=32)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "channels_app_ltipendingconnect",
                        "indexes": [
                            models.Index(
                                fields=["created_at"], name="channels_ap_created_04994b_idx"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="ltilogin", table=None),
        migrations.AlterModelTable(name="ltipendingconnect", table=None),
    ]
