"""The help-desk audit log: a row per change attempt and per reading of the log, filtering,
and the CSV export.

Rows are only ever added here (the model refuses updates and deletes, and on PostgreSQL so does
the database); old rows go only through `manage.py prune_audit_log`. The CSV is meant to be
opened in spreadsheets, where a cell that starts with = + - @ or a control character can run as
a formula: such cells are defused, and every cell is quoted so that a spreadsheet splitting on
semicolons (the list separator in many locales) cannot start a new cell inside one either.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from uuid import uuid4

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from accounts.session import PortalRequest
from canvas.records import Channel
from channels_app import services
from channels_app.services import ActionRecord
from channels_app.snapshot import ChannelSnapshot
from helpdesk import wording
from helpdesk.forms import AuditFilterForm, reason_from
from helpdesk.models import AuditEntry
from helpdesk.targets import Target
from portal.client_ip import client_ip

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Reading the log is recorded too: who looked at whose contact details is itself evidence.
# The labels (and so the filter's choices) are in `helpdesk.wording`.
READ_PAGE, READ_CSV = wording.READ_PAGE, wording.READ_CSV
ACTION_LABELS = wording.ACTION_LABELS
OUTCOME_LABELS = wording.OUTCOME_LABELS
# Characters a spreadsheet treats as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where some spreadsheet may start a cell: the start of ours, and after any character that is
# a separator or line break in some locale (comma, semicolon, tab, CR, LF).
FORMULA_AT_CELL_START = re.compile(
    "(?:^|(?<=[,;\t\r\n]))(?=[" + re.escape("".join(FORMULA_STARTS)) + "])"
)


def request_id_of(request: HttpRequest) -> str:
    """The id that ties a row to the server logs: the middleware's if there is one, else ours,
    made once per request so every row of one request shares it."""
    existing = getattr(request, "request_id", None) or getattr(request, "_audit_request_id", None)
    if not existing:
        existing = uuid4().hex
        # Kept on the request object so it lives exactly as long as the request; HttpRequest
        # declares no such attribute, hence the ignore.
        request._audit_request_id = existing  # type: ignore[attr-defined]
    return str(existing)[:64]


def write(
    *,
    request: HttpRequest,
    actor_id: int,
    actor_name: str,
    target_id: int,
    target_name: str,
    record: ActionRecord,
    detail: str = "",
    reason: str = "",
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
        reason=reason[:255],
        request_id=request_id_of(request),
        client_ip=client_ip(request),
    )


def write_read(*, request: PortalRequest, action: str, filters: dict[str, str]) -> AuditEntry:
    """Record that the signed-in staff member read or exported the log, with the filters."""
    user = request.portal_user
    described = ", ".join(f"{name}={value}" for name, value in filters.items() if value)
    return AuditEntry.objects.create(
        actor_canvas_id=user.id,
        actor_name=user.name[:255],
        target_canvas_id=None,
        action=action,
        outcome="success",
        detail=(f"filters: {described}" if described else "no filters")[:255],
        request_id=request_id_of(request),
        client_ip=client_ip(request),
    )


# --- a request's change attempts ---------------------------------------------------------------


class AuditTrail:
    """Collects a request's change attempts and writes them as audit rows when it ends.

    Rows are written at the end so the add row can say what Canvas did with a skip request
    (read back from the list after the add), since a written row can never be amended.
    """

    def __init__(self, request: HttpRequest, target: Target) -> None:
        self.request = request
        self.target = target
        self.skip_requested = request.POST.get("skip_confirmation") == "on"
        # The staff member's reason, on every row of the request (HELPDESK_AUDIT_REASON).
        self.reason = reason_from(request.POST)
        self._rows: list[tuple[ActionRecord, str]] = []

    def __call__(self, record: ActionRecord) -> None:
        self._rows.append((record, ""))

    def replace_add(self, old: Channel, new_address: str, exc: Exception | None = None) -> None:
        """The first step of replacing `old`: adding `new_address`."""
        record = services.record_of("replace-add", old.type, new_address, exc)
        self._rows.append((record, f"replacing {old.address}"))

    def replace_remove(self, old: Channel, new_address: str, exc: Exception | None = None) -> None:
        """The last step: removing `old` once `new_address` is in."""
        record = services.record_of("replace-remove", old.type, old.address, exc)
        self._rows.append((record, f"replaced by {new_address}"))

    def replace_default(self, old: Channel, new_address: str, exc: Exception | None = None) -> None:
        """The middle step when `old` was the default: making `new_address` the default."""
        record = services.record_of("replace-default", old.type, new_address, exc)
        self._rows.append((record, f"was the default: {old.address}"))

    def note(self, record: ActionRecord, detail: str) -> None:
        """One row with a detail of its own (confirm, make default)."""
        self._rows.append((record, detail))

    def write(self) -> None:
        user = self.request.portal_user  # type: ignore[attr-defined]
        for record, detail in self._rows:
            write(
                request=self.request,
                actor_id=user.id,
                actor_name=user.name,
                target_id=self.target.id,
                target_name=self.target.name,
                record=record,
                detail="; ".join(filter(None, [detail, self._skip_note(record)])),
                reason=self.reason,
            )
        self._rows.clear()

    def _skip_note(self, record: ActionRecord) -> str:
        if not self.skip_requested or record.action not in {"add", "replace-add"}:
            return ""
        if record.outcome != "success":
            return "skip confirmation requested"
        known = ChannelSnapshot(self.request.session, self.target.id).get() or []
        added = services.find_duplicate(
            known, channel_type=record.channel_type, address=record.address
        )
        if added is not None and added.is_active:
            return "skip confirmation requested; Canvas made it active"
        return "skip confirmation requested; Canvas ignored it (unconfirmed)"


@contextmanager
def audited(request: HttpRequest, target: Target) -> Iterator[AuditTrail]:
    trail = AuditTrail(request, target)
    try:
        yield trail
    finally:
        # Even when the view fails half-way (a lost sign-in too), what was attempted is recorded.
        trail.write()


# --- filters ---------------------------------------------------------------------------------


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
    if data.get("action"):
        rows = rows.filter(action=data["action"])
    if data.get("outcome"):
        rows = rows.filter(outcome=data["outcome"])
    if data.get("address"):
        rows = rows.filter(address__icontains=data["address"].strip())
    zone = timezone.get_current_timezone()
    if data.get("date_from"):
        rows = rows.filter(created_at__gte=datetime.combine(data["date_from"], time.min, zone))
    if data.get("date_to"):
        end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, zone)
        rows = rows.filter(created_at__lt=end)
    return rows


# --- CSV ----------------------------------------------------------------------------------------

# The header row and the action and outcome labels are in the staff member's language (the CSV
# is read by people, in a spreadsheet). The other cells are as recorded: the time in UTC as ISO
# 8601, which every spreadsheet reads, and the details in English, as written at the time.
CSV_HEADER: list[StrOrPromise] = [
    pgettext_lazy("audit CSV column", "time (UTC)"),
    pgettext_lazy("audit CSV column", "staff Canvas id"),
    pgettext_lazy("audit CSV column", "staff name"),
    pgettext_lazy("audit CSV column", "user Canvas id"),
    pgettext_lazy("audit CSV column", "user name"),
    pgettext_lazy("audit CSV column", "action"),
    pgettext_lazy("audit CSV column", "channel type"),
    pgettext_lazy("audit CSV column", "address"),
    pgettext_lazy("audit CSV column", "outcome"),
    pgettext_lazy("audit CSV column", "Canvas status"),
    pgettext_lazy("audit CSV column", "error"),
    pgettext_lazy("audit CSV column", "detail"),
    pgettext_lazy("audit CSV column", "reason"),
    pgettext_lazy("audit CSV column", "request id"),
    pgettext_lazy("audit CSV column", "client IP"),
]


def csv_safe(value: object) -> str:
    """A cell every spreadsheet shows as text, whatever separator its locale splits on.

    A formula character gets a quote mark before it at the start of the cell, and also after
    any comma, semicolon, tab or line break inside it: a spreadsheet that splits on a different
    separator than ours, or ignores our quoting, would start a new cell there.
    """
    text = "" if value is None else str(value)
    return FORMULA_AT_CELL_START.sub("'", text)


def action_label(entry: AuditEntry, labels: Mapping[str, StrOrPromise] = ACTION_LABELS) -> str:
    return str(labels.get(entry.action, entry.action))


def outcome_label(entry: AuditEntry, labels: Mapping[str, StrOrPromise] = OUTCOME_LABELS) -> str:
    return str(labels.get(entry.outcome, entry.outcome))


def csv_row(
    entry: AuditEntry,
    actions: Mapping[str, StrOrPromise] = ACTION_LABELS,
    outcomes: Mapping[str, StrOrPromise] = OUTCOME_LABELS,
) -> list[str]:
    values: list[object] = [
        entry.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        entry.actor_canvas_id,
        entry.actor_name,
        entry.target_canvas_id,
        entry.target_name,
        action_label(entry, actions),
        entry.channel_type,
        entry.address,
        outcome_label(entry, outcomes),
        entry.canvas_status,
        entry.error,
        entry.detail,
        entry.reason,
        entry.request_id,
        entry.client_ip,
    ]
    return [csv_safe(value) for value in values]


class _Line:
    """csv.writer wants a file; this one hands back each line so it can be streamed."""

    def write(self, line: str) -> str:
        return line


def _translated(labels: Mapping[str, StrOrPromise]) -> dict[str, str]:
    return {code: str(label) for code, label in labels.items()}


def csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The file's lines. The header and labels are translated here, in the view, in the staff
    member's language: the response streams them after the view (and its language) is done."""
    header = [csv_safe(column) for column in CSV_HEADER]
    actions, outcomes = _translated(ACTION_LABELS), _translated(OUTCOME_LABELS)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Line(), quoting=csv.QUOTE_ALL)
        yield writer.writerow(header)
        for entry in entries:
            yield writer.writerow(csv_row(entry, actions, outcomes))

    return lines()
