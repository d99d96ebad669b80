"""The audit log: append-only rows, filters, the CSV export and the retention prune."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from helpdesk import audit
from helpdesk.models import AppendOnlyError, AuditEntry
from tests.helpdesk.conftest import text_of

pytestmark = pytest.mark.django_db

READ_LABELS = {audit.ACTION_LABELS[audit.READ_PAGE], audit.ACTION_LABELS[audit.READ_CSV]}


def entry(**fields) -> AuditEntry:
    values = {
        "actor_canvas_id": 3,
        "actor_name": "Hana Helpdesk",
        "target_canvas_id": 1,
        "target_name": "Ada Lovelace",
        "action": "add",
        "channel_type": "email",
        "address": "ada@example.edu",
        "outcome": "success",
        "canvas_status": 200,
        "request_id": "req-1",
        "client_ip": "192.0.2.7",
    }
    return AuditEntry.objects.create(**(values | fields))


def csv_of(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="helpdesk-audit-')
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


# --- append-only ------------------------------------------------------------------------------


def test_rows_cannot_be_changed_or_deleted():
    row = entry()
    row.outcome = "failure"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=row.pk).update(outcome="failure")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([row], ["outcome"])
    assert AuditEntry.objects.get().outcome == "success"


# --- the page and its filters -----------------------------------------------------------------


@pytest.fixture
def log():
    now = timezone.now()
    rows = {
        "old": entry(
            created_at=now - timedelta(days=10), target_canvas_id=2, target_name="Ben Okafor"
        ),
        "sam": entry(
            created_at=now - timedelta(days=2), actor_canvas_id=9, actor_name="Sam Support"
        ),
        "new": entry(
            created_at=now, address="new@example.edu", outcome="failure", error="Unavailable: x"
        ),
    }
    return rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 3),
        ({"actor": "sam"}, 1),
        ({"actor": "9"}, 1),
        ({"actor": "3"}, 2),
        ({"target": "okafor"}, 1),
        ({"target": "1"}, 2),
    ],
)
def test_filters_by_actor_and_target(admin, log, query, expected):
    response = admin.get("/helpdesk/audit/", query)
    assert response.status_code == 200
    assert f"{expected} row" in text_of(response)
    exported = csv_of(admin.get("/helpdesk/audit.csv", query))[1:]
    # Hana's reading of the page just before is in the log too (and matches "3").
    assert len([row for row in exported if row[5] not in READ_LABELS]) == expected


def test_filters_by_date_range_inclusive(admin, log):
    today = timezone.now().date()
    two_days_ago = (today - timedelta(days=2)).isoformat()
    assert "2 rows" in text_of(admin.get("/helpdesk/audit/", {"date_from": two_days_ago}))
    assert "1 row" in text_of(
        admin.get("/helpdesk/audit/", {"date_to": (today - timedelta(days=3)).isoformat()})
    )
    only = {"date_from": two_days_ago, "date_to": two_days_ago}
    rows = csv_of(admin.get("/helpdesk/audit.csv", only))
    assert [r[2] for r in rows[1:]] == ["Sam Support"]


def test_bad_dates_show_errors_and_no_rows(admin, log):
    response = admin.get("/helpdesk/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    text = text_of(response)
    assert "The end date is before the start date." in text
    assert "Fix the filters above to see rows" in text
    assert 'aria-invalid="true"' in response.content.decode()
    assert "not a date" not in text
    assert "Enter a date like 2026-01-31." in text_of(
        admin.get("/helpdesk/audit/", {"date_from": "yesterday"})
    )


def test_page_lists_newest_first_with_every_column(admin, log):
    text = text_of(admin.get("/helpdesk/audit/"))
    assert text.index("new@example.edu") < text.index("Sam Support")
    assert (
        "Hana Helpdesk (3) Ada Lovelace (1) Add email: new@example.edu Failed — 200 "
        "Unavailable: x req-1 192.0.2.7" in text
    )


def test_audit_page_paginates_keeping_filters(admin):
    for n in range(audit_page_size() + 1):
        entry(address=f"a{n}@example.edu")
    html = admin.get("/helpdesk/audit/", {"actor": "Hana"}).content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?actor=Hana&amp;page=2"' in html


def audit_page_size() -> int:
    from helpdesk.views import AUDIT_PER_PAGE

    return AUDIT_PER_PAGE


def test_reading_the_audit_log_is_recorded_with_the_filters_and_the_real_client_ip(
    admin, log, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    response = admin.get(
        "/helpdesk/audit/",
        {"actor": "sam", "date_from": "2026-01-01"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.23",
    )
    # The page shows the log as it stood when asked: its own row is not among the results.
    assert "1 row" in text_of(response)
    read = AuditEntry.objects.get(action=audit.READ_PAGE)
    assert (read.actor_canvas_id, read.actor_name, read.target_canvas_id) == (
        3,
        "Hana Helpdesk",
        None,
    )
    assert read.detail == "filters: actor=sam, date_from=2026-01-01"
    assert read.client_ip == "198.51.100.23"
    # The next reader sees it.
    assert "Read the audit log" in text_of(admin.get("/helpdesk/audit/"))


def test_exporting_the_audit_log_is_recorded(admin, log):
    rows = csv_of(admin.get("/helpdesk/audit.csv", {"target": "okafor"}))
    assert len(rows) == 2
    export = AuditEntry.objects.get(action=audit.READ_CSV)
    assert (export.actor_name, export.outcome, export.detail) == (
        "Hana Helpdesk",
        "success",
        "filters: target=okafor",
    )
    later = csv_of(admin.get("/helpdesk/audit.csv"))
    assert "Downloaded the audit log (CSV)" in [row[5] for row in later]


# --- CSV --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dangerous", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_safe_defuses_formula_starts(dangerous):
    assert audit.csv_safe(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["Ada", "ada@example.edu", "", " =spaced", "1+1", "a; b"])
def test_csv_safe_leaves_ordinary_text_alone(harmless):
    assert audit.csv_safe(harmless) == harmless


@pytest.mark.parametrize(
    ("inside", "defused"),
    [("Ada;=1+2", "Ada;'=1+2"), ("x,-2+3", "x,'-2+3"), ("a\t@SUM(A1)", "a\t'@SUM(A1)")],
)
def test_csv_safe_defuses_formulas_after_any_locales_separator(inside, defused):
    assert audit.csv_safe(inside) == defused


@pytest.mark.parametrize("separator", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_csv_export_starts_no_cell_with_a_formula_in_any_separator_locale(admin, separator):
    entry(target_name='Ada;=HYPERLINK("http://evil.example","x")', address="a\t+1@x.y")
    entry(error="Canvas said;-2+3", detail="x,@SUM(A1)")
    body = b"".join(admin.get("/helpdesk/audit.csv").streaming_content).decode()
    # A spreadsheet splitting on this separator, honouring quotes only where a cell begins.
    cells = [cell for row in csv.reader(io.StringIO(body), delimiter=separator) for cell in row]
    assert len(cells) > 3
    formulas = [cell for cell in cells if cell.lstrip('"').startswith(("=", "+", "-", "@"))]
    assert formulas == []


def test_csv_export_quotes_every_cell(admin, log):
    body = b"".join(admin.get("/helpdesk/audit.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    requoted = io.StringIO()
    csv.writer(requoted, quoting=csv.QUOTE_ALL).writerows(rows)
    assert body == requoted.getvalue()
    assert rows[1][3] == "1"  # ids too: no cell is left for a spreadsheet to reinterpret


def test_csv_export_escapes_formulas_from_canvas_names_and_addresses(admin, canvas):
    # A user can choose their Canvas name; an address can be anything Canvas accepts.
    evil = canvas.create_user(name='=HYPERLINK("http://evil.example","x")', login_id="evil")
    admin.get(f"/helpdesk/users/{evil['id']}/")
    admin.post(
        f"/helpdesk/users/{evil['id']}/channels/add/",
        {"channel_type": "sms", "address": "+1 202 555 0143"},
    )
    rows = csv_of(admin.get("/helpdesk/audit.csv"))
    assert rows[0][:5] == [
        "time (UTC)",
        "staff Canvas id",
        "staff name",
        "user Canvas id",
        "user name",
    ]
    data = dict(zip(rows[0], rows[1], strict=True))
    assert data["user name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert data["address"] == "'+12025550143"
    assert data["action"] == "Add"
    assert data["outcome"] == "Done"
    assert data["staff name"] == "Hana Helpdesk"


# --- retention --------------------------------------------------------------------------------


def test_prune_deletes_only_rows_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    entry(created_at=now - timedelta(days=31), address="old@example.edu")
    entry(created_at=now - timedelta(days=29), address="recent@example.edu")
    out = io.StringIO()
    call_command("prune_audit_log", "--dry-run", stdout=out)
    assert "Would delete 1 audit rows" in out.getvalue()
    assert AuditEntry.objects.count() == 2
    call_command("prune_audit_log", stdout=out)
    assert "Deleted 1 audit rows" in out.getvalue()
    assert [r.address for r in AuditEntry.objects.all()] == ["recent@example.edu"]


def test_prune_in_batches_and_with_explicit_days():
    old = timezone.now() - timedelta(days=5)
    for n in range(7):
        entry(created_at=old, address=f"{n}@example.edu")
    assert AuditEntry.objects.prune_before(timezone.now() - timedelta(days=1), batch_size=3) == 7
    entry(created_at=old)
    call_command("prune_audit_log", "--days", "4", stdout=io.StringIO())
    assert AuditEntry.objects.count() == 0


def test_default_retention_is_400_days():
    from portal import settings as portal_settings

    assert portal_settings.AUDIT_RETENTION_DAYS == 400


def test_prune_refuses_a_zero_retention():
    entry()
    with pytest.raises(CommandError):
        call_command("prune_audit_log", "--days", "0", stdout=io.StringIO())
    assert AuditEntry.objects.count() == 1
