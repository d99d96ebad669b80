"""On PostgreSQL the database itself keeps the audit log append-only: a trigger refuses UPDATE
and DELETE from any code path except `prune_audit_log`, which sets a transaction-local flag.

Run with DATABASE_URL=postgresql://portal:portal@127.0.0.1:5432/portal (CI does).
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from helpdesk.models import AuditEntry
from tests.helpdesk.test_audit import entry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgresql://…")


def refused(sql: str, params: list[object]) -> str:
    """Run raw SQL that must fail; the error message, with the transaction left usable."""
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(caught.value)


def test_database_refuses_a_raw_update_of_an_audit_row():
    row = entry()
    message = refused("UPDATE helpdesk_auditentry SET outcome = 'failure' WHERE id = %s", [row.pk])
    assert "audit rows are append-only: UPDATE refused" in message
    assert AuditEntry.objects.get().outcome == "success"


def test_database_refuses_a_raw_delete_of_an_audit_row():
    row = entry(created_at=timezone.now() - timedelta(days=1000))
    message = refused("DELETE FROM helpdesk_auditentry WHERE id = %s", [row.pk])
    assert "audit rows are append-only: DELETE refused" in message
    assert AuditEntry.objects.count() == 1


def test_database_refuses_changes_that_get_past_the_orm_guard():
    entry()
    # A plain QuerySet skips the model's AppendOnlyError: the database still says no.
    with pytest.raises(DatabaseError), transaction.atomic():
        models.QuerySet(AuditEntry).update(outcome="failure")
    with pytest.raises(DatabaseError), transaction.atomic():
        models.QuerySet(AuditEntry).delete()
    assert AuditEntry.objects.get().outcome == "success"


def test_prune_audit_log_still_deletes_old_rows_and_leaves_the_guard_on(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    old = [entry(created_at=now - timedelta(days=31), address=f"{n}@x.y") for n in range(3)]
    entry(created_at=now - timedelta(days=29), address="recent@example.edu")
    out = io.StringIO()
    call_command("prune_audit_log", stdout=out)
    assert "Deleted 3 audit rows" in out.getvalue()
    assert [r.address for r in AuditEntry.objects.all()] == ["recent@example.edu"]
    # The permission ended with the prune, even inside this test's enclosing transaction.
    assert "DELETE refused" in refused("DELETE FROM helpdesk_auditentry", [])
    assert AuditEntry.objects.count() == 1
    assert old  # rows were really created before the prune
