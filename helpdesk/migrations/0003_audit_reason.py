"""The reason or ticket reference a staff member gave for a change (HELPDESK_AUDIT_REASON).

A blank-by-default column: adding it rewrites no row, so the append-only trigger of 0002 is
untouched and never fires."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0002_audit_append_only_in_database"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="reason",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
    ]
