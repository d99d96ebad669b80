"""The help-desk audit log: writing a row per change attempt, filtering, and the CSV export.

Rows are only ever added here (the model refuses updates and deletes); old rows go only through
`manage.py prune_audit_log`. The CSV is meant to be opened in spreadsheets, where a cell that
starts with = + - @ or a control character can run as a formula, so such cells are defused.
"""

import csv
import ipaddress
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from channels_app.services import ActionRecord
from helpdesk.models import AuditEntry

ACTION_LABELS = {
    "add": "Add",
    "remove": "Remove",
    "resend": "Send confirmation again",
    "replace-add": "Replace email: add new",
    "replace-remove": "Replace email: remove old",
}
OUTCOME_LABELS = {"success": "Done", "refused": "Refused", "failure": "Failed"}
# Characters a spreadsheet treats as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def request_id_of(request: HttpRequest) -> str:
    """The id that ties a row to the server logs: the middleware's if there is one, else ours,
    made once per request so every row of one request shares it."""
    existing = getattr(request, "request_id", None) or getattr(request, "_audit_request_id", None)
    if not existing:
        existing = uuid4().hex
        request._audit_request_id = existing  # type: ignore[attr-defined]
    return str(existing)[:64]


def client_ip_of(request: HttpRequest) -> str | None:
    """REMOTE_ADDR as Django sees it. Behind a proxy this is the proxy's address unless the
    operator's server rewrites it from X-Forwarded-For; the portal never trusts that header
    itself, because a client can send any value in it."""
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def write(
    *,
    request: HttpRequest,
    actor_id: int,
    actor_name: str,
    target_id: int,
    target_name: str,
    record: ActionRecord,
    detail: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor_canvas_id=actor_id,
        actor_name=actor_name[:255],
        target_canvas_id=target_id,
        target_name=target_name[:255],
        action=record.action,
        channel_type=record.channel_type[:16],
        address=record.address[:320],
        outcome=record.outcome,
        canvas_status=record.canvas_status,
        error=record.error,
        detail=detail[:255],
        request_id=request_id_of(request),
        client_ip=client_ip_of(request),
    )


# --- filters ------------------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label="Staff member",
        required=False,
        max_length=255,
        help_text="Canvas id or part of a name",
    )
    target = forms.CharField(
        label="User", required=False, max_length=255, help_text="Canvas id or part of a name"
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date like 2026-01-31."},
    )
    date_to = forms.DateField(
        label="To (inclusive)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date like 2026-01-31."},
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


def _person(prefix: str, value: str) -> Q:
    value = value.strip()
    if value.isdigit():
        return Q(**{f"{prefix}_canvas_id": int(value)})
    return Q(**{f"{prefix}_name__icontains": value})


def filtered(form: AuditFilterForm) -> QuerySet[AuditEntry]:
    """Rows matching the filters, newest first; none while the filters have errors, so a
    mistyped date never passes for "everything"."""
    rows = AuditEntry.objects.all()
    if not form.is_bound:
        return rows
    if not form.is_valid():
        return rows.none()
    data = form.cleaned_data
    if data.get("actor"):
        rows = rows.filter(_person("actor", data["actor"]))
    if data.get("target"):
        rows = rows.filter(_person("target", data["target"]))
    zone = timezone.get_current_timezone()
    if data.get("date_from"):
        rows = rows.filter(created_at__gte=datetime.combine(data["date_from"], time.min, zone))
    if data.get("date_to"):
        end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, zone)
        rows = rows.filter(created_at__lt=end)
    return rows


# --- CSV ----------------------------------------------------------------------------------------

CSV_HEADER = [
    "time (UTC)",
    "staff Canvas id",
    "staff name",
    "user Canvas id",
    "user name",
    "action",
    "channel type",
    "address",
    "outcome",
    "Canvas status",
    "error",
    "detail",
    "request id",
    "client IP",
]


def csv_safe(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a quote before it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def action_label(entry: AuditEntry) -> str:
    return ACTION_LABELS.get(entry.action, entry.action)


def outcome_label(entry: AuditEntry) -> str:
    return OUTCOME_LABELS.get(entry.outcome, entry.outcome)


def csv_row(entry: AuditEntry) -> list[str]:
    values: list[object] = [
        entry.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        entry.actor_canvas_id,
        entry.actor_name,
        entry.target_canvas_id,
        entry.target_name,
        action_label(entry),
        entry.channel_type,
        entry.address,
        outcome_label(entry),
        entry.canvas_status,
        entry.error,
        entry.detail,
        entry.request_id,
        entry.client_ip,
    ]
    return [csv_safe(value) for value in values]


class _Line:
    """csv.writer wants a file; this one hands back each line so it can be streamed."""

    def write(self, line: str) -> str:
        return line


def csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_HEADER)
    for entry in entries:
        yield writer.writerow(csv_row(entry))
