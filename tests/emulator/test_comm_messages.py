"""``GET /api/v1/comm_messages``: messages Canvas sent a user (docs/canvas-behaviour.md §14.3)."""

from __future__ import annotations

import pytest

from .helpers import ADA, BEN, HELPDESK, NOT_FOUND_BODY, SUPPORT, TEACHER, UNAUTHORIZED_BODY

FIELDS = {
    "id",
    "created_at",
    "sent_at",
    "workflow_state",
    "from",
    "from_name",
    "to",
    "reply_to",
    "subject",
    "body",
    "html_body",
}


def test_bens_recent_messages_show_the_confirmation_that_bounced(emu, api):
    response = api(HELPDESK).get("comm_messages", params={"user_id": BEN})
    assert response.status_code == 200
    [message] = response.json()
    assert set(message) == FIELDS
    assert message["workflow_state"] == "bounced"
    assert message["to"] == "ben.okafor@demo.example.edu"
    assert message["subject"] == "Confirm Email: Canvas"
    assert message["from"] == "notifications@instructure.com"
    assert message["from_name"] == "Instructure Canvas"
    assert message["sent_at"] == message["created_at"]
    assert message["html_body"].startswith("<p>")
    assert isinstance(message["id"], int)


def test_sent_confirmations_and_cancelled_sms_are_listed_newest_first(emu, api):
    client = api(HELPDESK)
    client.add_channel(str(ADA), "first@example.com")
    client.add_channel(str(ADA), "+15555550100", "sms")
    rows = client.get("comm_messages", params={"user_id": ADA}).json()
    assert [(m["to"], m["workflow_state"]) for m in rows] == [
        ("+15555550100", "cancelled"),  # current Canvas never delivers SMS (§11.3)
        ("ada.lovelace@demo.example.edu", "sent"),  # "new address added", to the default (§12)
        ("first@example.com", "sent"),
    ]
    assert rows[0]["sent_at"] is None and rows[1]["sent_at"] is not None
    assert rows[0]["id"] > rows[1]["id"]


def test_the_default_email_notice_is_listed(emu, api):
    client = api(HELPDESK)
    client.put(f"users/{ADA}", data={"user[email]": "ada@new.example.org"})
    [notice] = client.get("comm_messages", params={"user_id": "sis_login_id:ada"}).json()
    assert notice["to"] == "ada.lovelace@demo.example.edu"
    assert notice["subject"] == "Default Email Changed: Canvas"
    assert notice["workflow_state"] == "sent"


def test_a_later_bounce_marks_the_last_delivered_message_bounced(emu, api):
    client = api(HELPDESK)
    created = client.add_channel(str(ADA), "soon-bouncing@example.com").json()
    emu.control("POST", f"channels/{created['id']}/bounce", {"reason": "smtp; 550 no such user"})
    messages = client.get("comm_messages", params={"user_id": ADA}).json()
    [message] = [m for m in messages if m["to"] == "soon-bouncing@example.com"]
    assert message["workflow_state"] == "bounced"


def test_start_and_end_time_bound_created_at_and_bad_times_are_ignored(emu, api):
    client = api(HELPDESK)
    [ben_message] = client.get("comm_messages", params={"user_id": BEN}).json()
    at = ben_message["created_at"]

    def count(**params):
        return len(client.get("comm_messages", params={"user_id": BEN, **params}).json())

    assert count(start_time=at) == 1 and count(end_time=at) == 1  # both bounds inclusive
    assert count(start_time="2999-01-01T00:00:00Z") == 0
    assert count(end_time="2000-01-01T00:00:00Z") == 0
    assert count(start_time="whenever") == 1


def test_messages_are_paginated(emu, api):
    client = api(HELPDESK)
    for n in range(3):
        client.add_channel(str(ADA), f"page{n}@example.com")
    response = client.get("comm_messages", params={"user_id": ADA, "per_page": 2})
    assert len(response.json()) == 2
    assert 'rel="next"' in response.headers["Link"]
    assert "user_id=1" in response.headers["Link"]


def test_a_missing_or_unknown_user_is_404_before_the_permission_check(api):
    for params in ({}, {"user_id": 424242}):
        response = api(TEACHER).get("comm_messages", params=params)
        assert response.status_code == 404
        assert response.json() == NOT_FOUND_BODY


@pytest.mark.parametrize("caller", [BEN, TEACHER, SUPPORT])
def test_callers_without_view_notifications_are_refused_ben_included(api, caller):
    # Users cannot read their own messages either.
    response = api(caller).get("comm_messages", params={"user_id": BEN})
    assert response.status_code == 403
    assert response.json() == UNAUTHORIZED_BODY


def test_the_account_setting_off_refuses_even_hana(emu, api):
    emu.settings(admins_can_view_notifications=False)
    assert api(HELPDESK).get("comm_messages", params={"user_id": BEN}).status_code == 403


def test_view_notifications_alone_is_enough(emu, api):
    emu.set_permissions(SUPPORT, ["view_notifications"])
    assert api(SUPPORT).get("comm_messages", params={"user_id": BEN}).status_code == 200
