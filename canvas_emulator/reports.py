"""Root-account channel reports: bounced and unconfirmed (docs/canvas-behaviour.md §14.1, §14.2).

``CommunicationChannel::BulkActions``: one filter per report, the shared ``pattern`` /
``path_type`` / ``with_invalid_paths`` filters, a row limit, and the same rows as a JSON array
of arrays (header row first, values as strings, nulls kept) or as a CSV attachment. Not
paginated: no ``Link`` header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from .auth import unauthorized
from .channels import PUSH_ADDRESS
from .permissions import can_view_bounced_emails
from .state import Channel, State, iso
from .timeparse import parse_time
from .users import _account as account_from_route
from .wire import Request, Response, json_response, truthy

CSV_TYPE = "text/csv"
_COMMON_HEADERS = ["User ID", "Name", "Communication channel ID", "Type", "Path"]
# `lower(path) LIKE '%_@%_.%_'`: an email row needs something@something.something.
_PLAUSIBLE_EMAIL = re.compile(r".+@.+\..+", re.DOTALL)


@dataclass(frozen=True)
class Report:
    """One ``BulkActions`` subclass: which rows, ordered by which time, extra columns, limit."""

    keep: Callable[[Channel], bool]
    when: Callable[[Channel], float | None]
    extra_headers: tuple[str, ...]
    extra_values: Callable[[Channel], list[str | None]]
    limit: int


def _iso_or_none(ts: float | None) -> str | None:
    return None if ts is None else iso(ts)


BOUNCED = Report(
    keep=lambda c: c.bounce_count > 0,
    when=lambda c: c.last_bounce_at,
    extra_headers=("Date of most recent bounce", "Bounce reason"),
    extra_values=lambda c: [_iso_or_none(c.last_bounce_at), c.last_bounce_summary],
    limit=1000,  # min(REPORT_LIMIT 10_000, ResetBounceCounts.bulk_limit 1000)
)
UNCONFIRMED = Report(
    keep=lambda c: c.workflow_state == "unconfirmed",
    when=lambda c: c.created_at,
    extra_headers=("Created at",),
    extra_values=lambda c: [iso(c.created_at)],
    limit=10_000,  # min(REPORT_LIMIT 10_000, Confirm.bulk_limit 10_000)
)


def _like(pattern: str) -> re.Pattern[str]:
    """``lower(path) LIKE lower(pattern)`` after ``*`` → ``%``: whole-address, case-insensitive."""
    parts = []
    for char in pattern.replace("*", "%"):
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _before(value: float | None, bound: float) -> bool:
    return value is not None and value < bound  # SQL: NULL never compares true


def _after(value: float | None, bound: float) -> bool:
    return value is not None and value > bound


def matching_channels(state: State, req: Request, report: Report) -> list[Channel]:
    """``matching_channels(for_report: true)``: unretired rows of the account's users."""
    rows = [
        c
        for c in state.channels.values()
        if c.workflow_state != "retired" and c.user_id in state.users and report.keep(c)
    ]
    before = parse_time(req.str_param("before"))
    after = parse_time(req.str_param("after"))
    if before is not None:
        rows = [c for c in rows if _before(report.when(c), before)]
    if after is not None:
        rows = [c for c in rows if _after(report.when(c), after)]
    pattern = req.str_param("pattern")
    if pattern is not None:  # an empty pattern is still a filter: it matches no address
        like = _like(pattern)
        rows = [c for c in rows if like.fullmatch(c.path)]
    path_type = req.str_param("path_type")
    if path_type is not None:
        rows = [c for c in rows if c.path_type == path_type]
    if not truthy(req.param("with_invalid_paths") or False):
        rows = [c for c in rows if c.path_type != "email" or _PLAUSIBLE_EMAIL.fullmatch(c.path)]
    descending = (req.str_param("order") or "").lower() == "desc"
    # PostgreSQL sorts NULLs as larger than any value: last ascending, first descending.
    rows.sort(
        key=lambda c: (report.when(c) is None, report.when(c) or 0.0, c.id), reverse=descending
    )
    return rows[: report.limit]


def _table(state: State, report: Report, rows: list[Channel]) -> list[list[str | None]]:
    table: list[list[str | None]] = [[*_COMMON_HEADERS, *report.extra_headers]]
    for channel in rows:
        user = state.users[channel.user_id]
        path = PUSH_ADDRESS if channel.path_type == "push" else channel.path  # path_description
        common = [str(user.id), user.name, str(channel.id), channel.path_type, path]
        table.append([*common, *report.extra_values(channel)])
    return table


def _csv(table: list[list[str | None]]) -> bytes:
    """Ruby's ``CSV.generate``: ``\\n`` row separator, nil as an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([["" if v is None else v for v in row] for row in table])
    return out.getvalue().encode()


def _handler(report: Report, *, as_csv: bool) -> Callable[[State, Request], Response]:
    def answer(state: State, req: Request) -> Response:
        caller = req.user
        assert caller is not None
        with state.lock:
            account = account_from_route(state, req)
            if not can_view_bounced_emails(state, caller, account):
                return unauthorized(state)
            table = _table(state, report, matching_channels(state, req, report))
        if as_csv:
            # send_data(type: "text/csv") without a filename: a bare attachment.
            return Response(200, _csv(table), CSV_TYPE, [("Content-Disposition", "attachment")])
        return json_response(table)

    return answer


_ACCOUNT = r"/api/v1/accounts/(?P<account_id>[^/]+)"
ROUTES = [
    ("GET", rf"{_ACCOUNT}/bounced_communication_channels\.csv", _handler(BOUNCED, as_csv=True)),
    ("GET", rf"{_ACCOUNT}/bounced_communication_channels", _handler(BOUNCED, as_csv=False)),
    (
        "GET",
        rf"{_ACCOUNT}/unconfirmed_communication_channels\.csv",
        _handler(UNCONFIRMED, as_csv=True),
    ),
    ("GET", rf"{_ACCOUNT}/unconfirmed_communication_channels", _handler(UNCONFIRMED, as_csv=False)),
]
