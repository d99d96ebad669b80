"""Notification Preferences API (spec §6, §11): defaults, lazy rows, spellings, refusals."""

from __future__ import annotations

import pytest

from .helpers import (
    ADA,
    BEN,
    DEMO_CLIENT_ID,
    DEMO_REDIRECT,
    DEMO_SECRET,
    HELPDESK,
    NOT_FOUND_BODY,
    SUPPORT,
    TEACHER,
    UNAUTHORIZED_BODY,
    Api,
)
from .oauth_flow import authorize_and_exchange

# Demo seed: Ada's channels in position order (docs/emulator.md).
ADA_EMAIL, ADA_PERSONAL, ADA_PUSH = 1, 2, 3
BEN_EMAIL, BEN_SMS = 4, 5
BASE = "users/self/communication_channels"


def _by_name(body: dict) -> dict[str, dict]:
    return {p["notification"]: p for p in body["notification_preferences"]}


def test_the_first_channel_gets_each_notifications_default_and_every_other_channel_never(api):
    client = api(ADA)
    first = _by_name(client.get(f"{BASE}/{ADA_EMAIL}/notification_preferences").json())
    assert first["new_announcement"]["frequency"] == "immediately"
    assert first["assignment_created"]["frequency"] == "weekly"
    assert first["new_discussion_entry"]["frequency"] == "daily"
    assert first["new_discussion_topic"]["frequency"] == "never"
    for other in (ADA_PERSONAL, ADA_PUSH):
        prefs = client.get(f"{BASE}/{other}/notification_preferences").json()
        assert {p["frequency"] for p in prefs["notification_preferences"]} == {"never"}


def test_the_first_channel_is_the_first_unretired_one_of_any_type(emu, api):
    client = api(ADA)
    client.delete(f"{BASE}/{ADA_EMAIL}")
    client.delete(f"{BASE}/{ADA_PERSONAL}")
    push = _by_name(client.get(f"{BASE}/{ADA_PUSH}/notification_preferences").json())
    assert push["new_announcement"]["frequency"] == "immediately"


def test_preference_elements_have_exactly_frequency_notification_and_category(api):
    body = api(ADA).get(f"{BASE}/{ADA_EMAIL}/notification_preferences").json()
    assert set(body) == {"notification_preferences"}
    assert body["notification_preferences"][0].keys() == {"frequency", "notification", "category"}
    prefs = _by_name(body)
    assert prefs["new_announcement"]["category"] == "announcement"
    assert prefs["confirm_sms_communication_channel"]["category"] == "registration"
    assert prefs["submission_comment_for_teacher"]["category"] == "submission_comment"


def test_rows_are_stored_only_once_something_reads_or_writes_them(emu, api):
    assert emu.control("GET", f"channels/{ADA_EMAIL}/notification_preferences") == []
    api(ADA).get(f"{BASE}/{ADA_EMAIL}/notification_preferences/new_announcement")
    stored = emu.control("GET", f"channels/{ADA_EMAIL}/notification_preferences")
    assert stored == [
        {"frequency": "immediately", "notification": "new_announcement", "category": "announcement"}
    ]
    api(ADA).get(f"{BASE}/{ADA_EMAIL}/notification_preferences")
    stored = emu.control("GET", f"channels/{ADA_EMAIL}/notification_preferences")
    assert len(stored) == 83  # every notification of the §11.2 table
    assert stored[0]["notification"] == "new_announcement"  # existing rows come first


def test_a_row_read_early_keeps_its_default_after_the_channel_order_changes(emu, api):
    client = api(ADA)
    client.get(f"{BASE}/{ADA_PERSONAL}/notification_preferences/new_announcement")
    client.delete(f"{BASE}/{ADA_EMAIL}")  # the personal address is now the first channel
    kept = client.get(f"{BASE}/{ADA_PERSONAL}/notification_preferences/new_announcement").json()
    assert kept["notification_preferences"][0]["frequency"] == "never"
    fresh = client.get(f"{BASE}/{ADA_PERSONAL}/notification_preferences/new_user").json()
    assert fresh["notification_preferences"][0]["frequency"] == "daily"


def test_categories_endpoint_uses_slugs_while_preferences_use_underscores(api):
    client = api(ADA)
    categories = client.get(f"{BASE}/{ADA_EMAIL}/notification_preference_categories").json()
    assert set(categories) == {"categories"}
    slugs = categories["categories"]
    assert len(slugs) == len(set(slugs)) == 33
    assert {"discussionentry", "discussionmention", "reportedreply", "due_date"} <= set(slugs)
    assert "discussion_entry" not in slugs
    prefs = _by_name(client.get(f"{BASE}/{ADA_EMAIL}/notification_preferences").json())
    assert prefs["new_discussion_entry"]["category"] == "discussion_entry"
    assert prefs["discussion_mention"]["category"] == "discussion_mention"
    assert prefs["reported_reply"]["category"] == "reported_reply"


@pytest.mark.parametrize(
    ("category", "members"),
    [
        ("discussionentry", {"new_discussion_entry"}),
        ("discussion_mention", {"discussion_mention"}),
        ("reported_reply", {"reported_reply"}),
        (
            "due_date",
            {
                "assignment_created",
                "assignment_due_date_changed",
                "assignment_due_date_override_changed",
                "upcoming_assignment_alert",
            },
        ),
    ],
)
def test_update_by_category_takes_parse_category_spellings(api, category, members):
    response = api(ADA).put(
        f"{BASE}/{ADA_EMAIL}/notification_preference_categories/{category}",
        data={"notification_preferences[frequency]": "weekly"},
    )
    assert response.status_code == 200
    rows = response.json()["notification_preferences"]
    assert {r["notification"] for r in rows} == members
    assert {r["frequency"] for r in rows} == {"weekly"}


@pytest.mark.parametrize(
    "category", ["discussion_entry", "discussionmention", "reportedreply", "no_such_category"]
)
def test_update_by_category_refuses_the_other_spellings_with_404(api, category):
    response = api(ADA).put(
        f"{BASE}/{ADA_EMAIL}/notification_preference_categories/{category}",
        data={"notification_preferences[frequency]": "weekly"},
    )
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_updating_the_registration_category_reaches_the_sms_confirmation_too(api):
    response = api(ADA).put(
        f"{BASE}/{ADA_EMAIL}/notification_preference_categories/registration",
        json={"notification_preferences": [{"frequency": "daily"}]},
    )
    rows = _by_name(response.json())
    assert rows["confirm_sms_communication_channel"]["frequency"] == "daily"
    assert len(rows) == 12


def test_show_one_preference_and_its_404s(api):
    client = api(ADA)
    shown = client.get(f"{BASE}/{ADA_EMAIL}/notification_preferences/new_announcement").json()
    assert shown == {
        "notification_preferences": [
            {
                "frequency": "immediately",
                "notification": "new_announcement",
                "category": "announcement",
            }
        ]
    }
    assert (
        client.get(f"{BASE}/{ADA_EMAIL}/notification_preferences/no_such_thing").status_code == 404
    )
    # The API's own spelling titleizes to "Confirm Sms …" and is not found (§11.4 quirk).
    quirk = client.get(
        f"{BASE}/{ADA_EMAIL}/notification_preferences/confirm_sms_communication_channel"
    )
    assert quirk.status_code == 404
    literal = client.get(
        f"{BASE}/{ADA_EMAIL}/notification_preferences/Confirm SMS Communication Channel"
    )
    assert literal.status_code == 200


def test_update_one_preference_with_form_or_json_bodies(api):
    client = api(ADA)
    url = f"{BASE}/{ADA_EMAIL}/notification_preferences/new_announcement"
    form = client.put(url, data={"notification_preferences[frequency]": "daily"})
    assert form.json()["notification_preferences"][0]["frequency"] == "daily"
    as_json = client.put(url, json={"notification_preferences": [{"frequency": "weekly"}]})
    assert as_json.json()["notification_preferences"][0]["frequency"] == "weekly"
    assert client.get(url).json()["notification_preferences"][0]["frequency"] == "weekly"


@pytest.mark.parametrize("frequency", ["Daily", "hourly", "", "NEVER"])
def test_a_bad_frequency_is_a_422_and_changes_nothing(emu, api, frequency):
    client = api(ADA)
    url = f"{BASE}/{ADA_EMAIL}/notification_preferences/new_announcement"
    response = client.put(url, data={"notification_preferences[frequency]": frequency})
    assert response.status_code == 422
    assert response.json() == {
        "errors": {
            "frequency": [{"attribute": "frequency", "type": "inclusion", "message": "inclusion"}]
        }
    }
    assert emu.control("GET", f"channels/{ADA_EMAIL}/notification_preferences") == []


@pytest.mark.parametrize("frequency", ["immediately", "daily", "weekly", "never"])
def test_every_frequency_is_accepted_on_sms_and_push_too(api, frequency):
    client = api(ADA)
    sms = client.add_channel("self", "+15555550100", "sms").json()["id"]
    for channel in (sms, ADA_PUSH):
        response = client.put(
            f"{BASE}/{channel}/notification_preferences/confirm_registration",
            data={"notification_preferences[frequency]": frequency},
        )
        assert response.status_code == 200
        assert response.json()["notification_preferences"][0]["frequency"] == frequency


def test_leaving_out_the_frequency_returns_the_row_unchanged(api):
    response = api(ADA).put(
        f"{BASE}/{ADA_EMAIL}/notification_preferences/new_announcement",
        data={"notification_preferences[foo]": "x"},
    )
    assert response.status_code == 200
    assert response.json()["notification_preferences"][0]["frequency"] == "immediately"


def test_update_all_answers_only_what_was_sent(api):
    response = api(ADA).put(
        f"{BASE}/{ADA_EMAIL}/notification_preferences",
        data={
            "notification_preferences[new_announcement][frequency]": "never",
            "notification_preferences[submission_graded][frequency]": "daily",
        },
    )
    assert response.status_code == 200
    assert _by_name(response.json()) == {
        "new_announcement": {
            "frequency": "never",
            "notification": "new_announcement",
            "category": "announcement",
        },
        "submission_graded": {
            "frequency": "daily",
            "notification": "submission_graded",
            "category": "grading",
        },
    }


def test_update_all_saves_earlier_items_before_a_bad_one_fails(emu, api):
    response = api(ADA).put(
        f"{BASE}/{ADA_EMAIL}/notification_preferences",
        json={
            "notification_preferences": [
                {"notification": "new_announcement", "frequency": "weekly"},
                {"notification": "no_such_notification", "frequency": "weekly"},
            ]
        },
    )
    assert response.status_code == 404
    stored = emu.control("GET", f"channels/{ADA_EMAIL}/notification_preferences")
    assert stored == [
        {"frequency": "weekly", "notification": "new_announcement", "category": "announcement"}
    ]


def test_unconfirmed_channels_can_be_read_and_written(api):
    response = api(ADA).put(
        f"{BASE}/{ADA_PERSONAL}/notification_preferences/new_announcement",
        data={"notification_preferences[frequency]": "daily"},
    )
    assert response.status_code == 200


def test_the_type_and_address_form_finds_the_channel_ignoring_case(api):
    client = api(ADA)
    path = f"{BASE}/email/ADA.LOVELACE%40demo.example.edu/notification_preferences"
    assert (
        client.put(
            f"{path}/new_announcement", data={"notification_preferences[frequency]": "weekly"}
        ).status_code
        == 200
    )
    prefs = _by_name(client.get(path).json())
    assert prefs["new_announcement"]["frequency"] == "weekly"
    shown = client.get(
        f"users/{ADA}/communication_channels/email/ada.lovelace@demo.example.edu"
        "/notification_preferences/new_announcement"
    )
    assert shown.json()["notification_preferences"][0]["frequency"] == "weekly"


def test_retired_or_unknown_channels_are_404(api):
    client = api(ADA)
    client.delete(f"{BASE}/{ADA_PERSONAL}")
    for channel in (ADA_PERSONAL, 999, "abc"):
        response = client.get(f"{BASE}/{channel}/notification_preferences")
        assert response.status_code == 404
        assert response.json() == NOT_FOUND_BODY
    assert (
        client.get(
            f"users/999/communication_channels/{ADA_EMAIL}/notification_preferences"
        ).status_code
        == 404
    )


@pytest.mark.parametrize("reader", [BEN, TEACHER, SUPPORT])
def test_another_users_preferences_are_refused_without_view_statistics(api, reader):
    response = api(reader).get(
        f"users/{ADA}/communication_channels/{ADA_EMAIL}/notification_preferences"
    )
    assert response.status_code == 403
    assert response.json() == UNAUTHORIZED_BODY


def test_a_caller_with_view_statistics_may_read_but_not_write_another_users(emu, api):
    emu.set_permissions(HELPDESK, ["view_statistics"])
    client = api(HELPDESK)
    read = client.get(f"users/{ADA}/communication_channels/{ADA_EMAIL}/notification_preferences")
    assert read.status_code == 200
    # The write routes exist only under users/self (§6): another user's id matches no route.
    write = client.put(
        f"users/{ADA}/communication_channels/{ADA_EMAIL}/notification_preferences/new_announcement",
        data={"notification_preferences[frequency]": "never"},
    )
    assert write.status_code == 404


def test_self_writes_only_reach_the_callers_own_channels(emu, api):
    response = api(BEN).put(
        f"{BASE}/{ADA_EMAIL}/notification_preferences/new_announcement",
        data={"notification_preferences[frequency]": "never"},
    )
    assert response.status_code == 404
    assert emu.control("GET", f"channels/{ADA_EMAIL}/notification_preferences") == []


def test_missing_notification_preferences_is_a_500(api):
    response = api(BEN).put(f"{BASE}/{BEN_SMS}/notification_preferences/new_announcement")
    assert response.status_code == 500
    assert response.json()["errors"] == [
        {"message": "An error occurred.", "error_code": "internal_server_error"}
    ]


def test_preference_routes_are_scope_checked_like_every_api_route(emu):
    read_scope = (
        "url:GET|/api/v1/users/:user_id/communication_channels/:communication_channel_id"
        "/notification_preferences"
    )
    tokens = authorize_and_exchange(
        emu,
        user_id=ADA,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_SECRET,
        redirect_uri=DEMO_REDIRECT,
        scopes=[read_scope],
    )
    client = Api(emu.base_url, tokens["access_token"])
    assert client.get(f"{BASE}/{ADA_EMAIL}/notification_preferences").status_code == 200
    denied = client.put(
        f"{BASE}/{ADA_EMAIL}/notification_preferences/new_announcement",
        data={"notification_preferences[frequency]": "never"},
    )
    assert denied.status_code == 401
    assert denied.json() == {"errors": [{"message": "Insufficient scopes on access token."}]}


def test_a_json_format_suffix_is_not_part_of_the_notification_name(api):
    url = f"{BASE}/{ADA_EMAIL}/notification_preferences/new_announcement.json"
    assert api(ADA).get(url).json()["notification_preferences"][0]["frequency"] == "immediately"
