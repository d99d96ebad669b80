"""Audit rows for readings of the log (no target user), and, on PostgreSQL, a trigger that
refuses UPDATE and DELETE on the audit table unless the transaction set portal.audit_retention
(only `manage.py prune_audit_log` does). SQLite keeps the ORM's guard alone."""

from django.db import migrations, models

INSTALL = """
CREATE OR REPLACE FUNCTION helpdesk_auditentry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('portal.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Old audit rows are removed only by manage.py prune_audit_log.';
END;
$$;
CREATE TRIGGER helpdesk_auditentry_append_only
    BEFORE UPDATE OR DELETE ON helpdesk_auditentry
    FOR EACH ROW EXECUTE FUNCTION helpdesk_auditentry_refuse_change();
"""

REMOVE = """
DROP TRIGGER IF EXISTS helpdesk_auditentry_append_only ON helpdesk_auditentry;
DROP FUNCTION IF EXISTS helpdesk_auditentry_refuse_change();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="target_canvas_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(_on_postgresql(INSTALL), _on_postgresql(REMOVE), elidable=False),
    ]
