"""Root-account bounced and unconfirmed channel reports (docs/canvas-behaviour.md §14.1, §14.2)."""

from __future__ import annotations

import csv
import io

import pytest

from canvas_emulator.demo_users import DEMO_ARABIC, DEMO_SPANISH

from .helpers import ADA, BEN, HELPDESK, NOT_FOUND_BODY, SUPPORT, TEACHER, UNAUTHORIZED_BODY

BOUNCED = "accounts/self/bounced_communication_channels"
UNCONFIRMED = "accounts/self/unconfirmed_communication_channels"
BOUNCED_HEADERS = [
    "User ID",
    "Name",
    "Communication channel ID",
    "Type",
    "Path",
    "Date of most recent bounce",
    "Bounce reason",
]
UNCONFIRMED_HEADERS = ["User ID", "Name", "Communication channel ID", "Type", "Path", "Created at"]
BEN_REASON = "smtp; 550 5.1.1 The email account that you tried to reach does not exist"


def bounce(emu, channel_id, when, reason="smtp; 552 mailbox full", count=1):
    return emu.control(
        "POST",
        f"channels/{channel_id}/bounce",
        {"count": count, "reason": reason, "bounced_at": when},
    )


def test_bens_bouncing_address_is_in_the_bounced_report_with_reason_and_date(emu, api):
    response = api(HELPDESK).get(BOUNCED)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "Link" not in response.headers  # not paginated
    ben_email = emu.channels(BEN)[0]
    assert response.json() == [
        BOUNCED_HEADERS,
        [
            str(BEN),
            "Ben Okafor",
            str(ben_email["id"]),
            "email",
            "ben.okafor@demo.example.edu",
            ben_email["last_bounce_at"],
            BEN_REASON,
        ],
    ]


def test_the_bounced_report_as_csv_is_an_attachment_with_the_same_rows(emu, api):
    response = api(HELPDESK).get(f"{BOUNCED}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == api(HELPDESK).get(BOUNCED).json()


def test_a_bounce_without_a_reason_keeps_the_null_in_json_and_is_empty_in_csv(emu, api):
    ada_school = emu.channels(ADA)[0]["id"]
    emu.bounce_channel(ada_school, 1)
    row = api(HELPDESK).get(BOUNCED, params={"pattern": "ada*"}).json()[1]
    assert row[2] == str(ada_school) and row[6] is None
    csv_text = api(HELPDESK).get(f"{BOUNCED}.csv", params={"pattern": "ada*"}).text
    csv_row = list(csv.reader(io.StringIO(csv_text)))[1]
    assert csv_row[6] == ""


def test_bounced_rows_order_by_last_bounce_and_filter_strictly_by_after_and_before(emu, api):
    ada_school, ada_personal = (c["id"] for c in emu.channels(ADA)[:2])
    bounce(emu, ada_school, "2024-01-01T00:00:00Z")
    bounce(emu, ada_personal, "2024-02-01T00:00:00Z")
    client = api(HELPDESK)

    def ids(**params):
        return [row[2] for row in client.get(BOUNCED, params=params).json()[1:]]

    ben = str(emu.channels(BEN)[0]["id"])
    assert ids() == [str(ada_school), str(ada_personal), ben]
    assert ids(order="DESC") == [ben, str(ada_personal), str(ada_school)]
    assert ids(after="2024-01-01T00:00:00Z") == [str(ada_personal), ben]  # strictly after
    assert ids(before="2024-02-01T00:00:00Z") == [str(ada_school)]  # strictly before
    assert ids(after="2023-12-31", before="2024-01-15") == [str(ada_school)]
    assert ids(after="not a time") == ids()  # unparseable times are ignored


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        ("ben.okafor@demo.example.edu", True),
        ("BEN.OKAFOR@DEMO.EXAMPLE.EDU", True),  # case-insensitive
        ("*@demo.example.edu", True),  # the admin UI's wildcard
        ("ben%", True),  # `*` becomes `%`, so LIKE's own wildcards work too
        ("ben_okafor@demo.example.edu", True),  # `_` is LIKE's one-character wildcard
        ("ben", False),  # without a wildcard the whole address must match
        ("", False),  # an empty pattern is still a filter
    ],
)
def test_pattern_is_a_case_insensitive_like_on_the_whole_address(api, pattern, found):
    rows = api(HELPDESK).get(BOUNCED, params={"pattern": pattern}).json()
    assert (len(rows) == 2) is found


def test_path_type_and_implausible_emails_filter_rows(emu, api):
    weird = api(HELPDESK).add_channel(str(ADA), "a@b", skip_confirmation="1").json()
    emu.bounce_channel(weird["id"], 2)
    client = api(HELPDESK)
    paths = [row[4] for row in client.get(BOUNCED).json()[1:]]
    assert "a@b" not in paths  # email rows must look like x@y.z unless asked
    paths = [row[4] for row in client.get(BOUNCED, params={"with_invalid_paths": "1"}).json()[1:]]
    assert "a@b" in paths
    assert client.get(BOUNCED, params={"path_type": "sms"}).json() == [BOUNCED_HEADERS]


def test_retired_and_zero_count_rows_are_not_bouncing(emu, api):
    ben_email = emu.channels(BEN)[0]["id"]
    emu.bounce_channel(ben_email, 0)
    assert api(HELPDESK).get(BOUNCED).json() == [BOUNCED_HEADERS]
    emu.bounce_channel(ben_email, 2)
    api(HELPDESK).delete(f"users/{BEN}/communication_channels/{ben_email}")
    assert api(HELPDESK).get(BOUNCED).json() == [BOUNCED_HEADERS]


def test_the_bounced_report_stops_at_1000_rows(emu, api):
    for n in range(11):
        user = emu.create_user(name=f"Bulk User{n}", login_id=f"bulk{n}")
        client = api(HELPDESK)
        for m in range(100 if n < 10 else 5):
            created = client.add_channel(str(user["id"]), f"b{n}x{m}@example.com").json()
            emu.bounce_channel(created["id"], 1)
    assert len(api(HELPDESK).get(BOUNCED).json()) == 1 + 1000
    assert len(list(csv.reader(io.StringIO(api(HELPDESK).get(f"{BOUNCED}.csv").text)))) == 1001


def test_the_unconfirmed_report_lists_unconfirmed_rows_push_included_by_created_at(emu, api):
    body = api(HELPDESK).get(UNCONFIRMED).json()
    assert body[0] == UNCONFIRMED_HEADERS
    ada_personal, ben_sms = emu.channels(ADA)[1], emu.channels(BEN)[1]
    lucia, amira = emu.channels(DEMO_SPANISH)[1], emu.channels(DEMO_ARABIC)[1]
    assert body[1:] == [
        [str(ADA), "Ada Lovelace", str(ada_personal["id"]), "email", ada_personal["address"],
         ada_personal["created_at"]],
        [str(BEN), "Ben Okafor", str(ben_sms["id"]), "sms", "+15555550123", ben_sms["created_at"]],
        [str(DEMO_SPANISH), "Lucía Fernández", str(lucia["id"]), "email", lucia["address"],
         lucia["created_at"]],
        [str(DEMO_ARABIC), "Amira Haddad", str(amira["id"]), "email", amira["address"],
         amira["created_at"]],
    ]  # fmt: skip
    # text/csv without a charset (as Canvas sends it): the bytes are UTF-8 (Lucía).
    csv_text = api(HELPDESK).get(f"{UNCONFIRMED}.csv").content.decode("utf-8")
    assert list(csv.reader(io.StringIO(csv_text))) == body
    assert [r[2] for r in api(HELPDESK).get(UNCONFIRMED, params={"order": "desc"}).json()[1:]] == [
        str(amira["id"]),
        str(lucia["id"]),
        str(ben_sms["id"]),
        str(ada_personal["id"]),
    ]
    only_sms = api(HELPDESK).get(UNCONFIRMED, params={"path_type": "sms"}).json()
    assert [r[4] for r in only_sms[1:]] == ["+15555550123"]


def test_the_unconfirmed_report_is_not_limited_to_1000_rows(emu, api):
    client = api(HELPDESK)
    for n in range(11):
        user = emu.create_user(name=f"Many User{n}", login_id=f"many{n}")
        for m in range(100):
            client.add_channel(str(user["id"]), f"u{n}x{m}@example.com")
    assert len(client.get(UNCONFIRMED).json()) == 1 + 1100 + 4


@pytest.mark.parametrize("path", [BOUNCED, f"{BOUNCED}.csv", UNCONFIRMED, f"{UNCONFIRMED}.csv"])
@pytest.mark.parametrize("caller", [ADA, TEACHER, SUPPORT])
def test_callers_without_view_notifications_are_refused(api, path, caller):
    response = api(caller).get(path)
    assert response.status_code == 403
    assert response.json() == UNAUTHORIZED_BODY


def test_the_role_permission_counts_only_while_the_account_setting_is_on(emu, api):
    emu.settings(admins_can_view_notifications=False)
    assert api(HELPDESK).get(BOUNCED).status_code == 403
    emu.settings(admins_can_view_notifications=True, unauthorized_status=401)
    assert api(HELPDESK).get(BOUNCED).status_code == 200
    assert api(SUPPORT).get(UNCONFIRMED).status_code == 401  # older Canvas's status (§3.8)


def test_read_roster_is_needed_as_well(emu, api):
    emu.set_permissions(SUPPORT, ["manage_user_logins", "view_notifications"])
    assert api(SUPPORT).get(BOUNCED).status_code == 403
    emu.set_permissions(SUPPORT, ["read_roster", "view_notifications"])
    assert api(SUPPORT).get(BOUNCED).status_code == 200


def test_accounts_by_id_work_and_unknown_accounts_are_404(api):
    assert api(HELPDESK).get("accounts/1/bounced_communication_channels").status_code == 200
    response = api(HELPDESK).get("accounts/99/unconfirmed_communication_channels.csv")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY
