"""The audit CSV is safe to open in a spreadsheet (helpdesk/audit.py `csv_safe` and its writer)."""

import csv
from datetime import UTC, datetime, timedelta, timezone

from helpdesk.audit import CSV_HEADER, csv_lines, csv_row, csv_safe
from helpdesk.models import AuditEntry


def test_a_cell_starting_like_a_formula_gets_a_quote_mark():
    cells = {
        '=HYPERLINK("http://evil")': '\'=HYPERLINK("http://evil")',
        "+12015550123": "'+12015550123",
        "-1+2": "'-1+2",
        "@SUM(A1)": "'@SUM(A1)",
        "\tcmd": "'\tcmd",
        "\r=1": "'\r'=1",  # and again after the line break
    }
    assert {value: csv_safe(value) for value in cells} == cells


def test_a_formula_after_a_separator_some_locale_splits_on_is_defused_too():
    cells = {
        "Ada;=1+1": "Ada;'=1+1",
        "Ada,@cmd": "Ada,'@cmd",
        "Ada\n-2": "Ada\n'-2",
        "Ada\t+3": "Ada\t'+3",
    }
    assert {value: csv_safe(value) for value in cells} == cells


def test_ordinary_values_are_left_as_they_are():
    assert [csv_safe(v) for v in ["ada@example.edu", "a=b", None, 42, ""]] == [
        "ada@example.edu",
        "a=b",
        "",
        "42",
        "",
    ]


def entry(**fields: object) -> AuditEntry:
    defaults: dict[str, object] = {
        "created_at": datetime(2025, 3, 4, 14, 5, 6, tzinfo=timezone(timedelta(hours=2))),
        "actor_canvas_id": 9,
        "actor_name": "Hana Helpdesk",
        "target_canvas_id": 42,
        "target_name": "Ada Lovelace",
        "action": "add",
        "channel_type": "email",
        "address": "ada@example.edu",
        "outcome": "refused",
        "canvas_status": 400,
        "error": "",
        "detail": "",
        "request_id": "r1",
        "client_ip": "192.0.2.7",
    }
    # Never saved: the row is built in memory, as the export reads it.
    return AuditEntry(**{**defaults, **fields})


def test_a_row_reads_in_utc_with_labels_for_action_and_outcome():
    row = csv_row(entry())
    assert dict(zip(CSV_HEADER, row, strict=True)) == {
        "time (UTC)": "2025-03-04 12:05:06",
        "staff Canvas id": "9",
        "staff name": "Hana Helpdesk",
        "user Canvas id": "42",
        "user name": "Ada Lovelace",
        "action": "Add",
        "channel type": "email",
        "address": "ada@example.edu",
        "outcome": "Refused",
        "Canvas status": "400",
        "error": "",
        "detail": "",
        "request id": "r1",
        "client IP": "192.0.2.7",
        "reason": "",
    }


def test_an_audit_read_has_no_user_and_an_unknown_action_shows_its_code():
    row = dict(zip(CSV_HEADER, csv_row(entry(target_canvas_id=None, action="x-new")), strict=True))
    assert (row["user Canvas id"], row["action"]) == ("", "x-new")


def test_every_cell_is_quoted_and_a_hostile_name_comes_back_as_text():
    hostile = "Ada \"the; hacker\"\n=cmd|' /C calc'!A0"
    lines = list(
        csv_lines([entry(target_name=hostile, created_at=datetime(2025, 1, 1, tzinfo=UTC))])
    )
    assert len(lines) == 2
    assert all(line.startswith('"') and line.endswith('"\r\n') for line in lines)
    header, row = csv.reader("".join(lines).splitlines(keepends=True))
    assert header == CSV_HEADER
    assert row[4] == "Ada \"the; hacker\"\n'=cmd|' /C calc'!A0"
