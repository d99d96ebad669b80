"""AuditEntry moves here from channels_app (where migration 0002 created its table).

The state moves without touching the table or its rows; then the table takes this app's name.
Index names stay those of the original migration, so no index is rebuilt.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("channels_app", "0003_lti_launch_state")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
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
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                        ("actor_canvas_id", models.BigIntegerField()),
                        ("actor_name", models.CharField(blank=True, max_length=255)),
                        ("target_canvas_id", models.BigIntegerField()),
                        ("target_name", models.CharField(blank=True, max_length=255)),
                        ("action", models.CharField(max_length=32)),
                        ("channel_type", models.CharField(blank=True, max_length=16)),
                        ("address", models.CharField(blank=True, max_length=320)),
                        ("outcome", models.CharField(max_length=16)),
                        ("canvas_status", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("error", models.TextField(blank=True)),
                        ("detail", models.CharField(blank=True, max_length=255)),
                        ("request_id", models.CharField(blank=True, max_length=64)),
                        ("client_ip", models.GenericIPAddressField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "channels_app_auditentry",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["created_at"], name="channels_ap_created_7e8265_idx"
                            ),
                            models.Index(
                                fields=["actor_canvas_id", "created_at"],
                                name="channels_ap_actor_c_e9eb08_idx",
                            ),
                            models.Index(
                                fields=["target_canvas_id", "created_at"],
                                name="channels_ap_target__76b57c_idx",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="auditentry", table=None),
    ]
