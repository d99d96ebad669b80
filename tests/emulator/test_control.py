"""The ``/__emulator__/`` control API itself (docs/emulator.md)."""

from __future__ import annotations

import pytest
import requests

from harness.emulator import EmulatorError

from .helpers import ADA, BEN, DEMO_CLIENT_ID, DEMO_REDIRECT, DEMO_SECRET, Api


def test_demo_seed_users(emu):
    assert emu.users() == [
        {
            "id": 1,
            "name": "Ada Lovelace",
            "login_id": "ada",
            "sis_user_id": "S1001",
            "role": "student",
            "locale": None,
        },
        {
            "id": 2,
            "name": "Ben Okafor",
            "login_id": "ben",
            "sis_user_id": "S1002",
            "role": "student",
            "locale": None,
        },
        {
            "id": 3,
            "name": "Hana Helpdesk",
            "login_id": "helpdesk",
            "sis_user_id": "STAFF01",
            "role": "admin",
            "locale": None,
        },
        {
            "id": 4,
            "name": "Theo Teacher",
            "login_id": "teacher",
            "sis_user_id": "T2001",
            "role": "teacher",
            "locale": None,
        },
        {
            "id": 5,
            "name": "Rosa Support",
            "login_id": "support",
            "sis_user_id": "STAFF02",
            "role": "admin",
            "locale": None,
        },
        {
            "id": 6,
            "name": "Lucía Fernández",
            "login_id": "lucia",
            "sis_user_id": "S1003",
            "role": "student",
            "locale": "es",
        },
        {
            "id": 7,
            "name": "Amira Haddad",
            "login_id": "amira",
            "sis_user_id": "S1004",
            "role": "student",
            "locale": "ar",
        },
    ]


def test_demo_seed_channels(emu):
    ada = emu.channels(ADA)
    assert [(c["type"], c["address"], c["workflow_state"]) for c in ada] == [
        ("email", "ada.lovelace@demo.example.edu", "active"),
        ("email", "ada@personal.example.com", "unconfirmed"),
        ("push", "For All Devices", "active"),
    ]
    ben = emu.channels(BEN)
    assert ben[0]["bounce_count"] == 3
    assert (ben[1]["type"], ben[1]["address"], ben[1]["workflow_state"]) == (
        "sms",
        "+15555550123",
        "unconfirmed",
    )


def test_demo_developer_key(emu):
    [key] = emu.developer_keys()
    assert key["client_id"] == DEMO_CLIENT_ID and key["client_secret"] == DEMO_SECRET
    assert key["redirect_uris"] == [DEMO_REDIRECT]
    assert key["trusted"] is False and key["require_scopes"] is True
    assert "url:GET|/api/v1/users/:user_id/communication_channels" in key["scopes"]


def test_create_user_with_email_and_token(emu):
    user = emu.create_user(
        name="Cy Student", login_id="cy", sis_user_id="S9", role="student", email="cy@x.edu"
    )
    assert user == {
        "id": 8,
        "name": "Cy Student",
        "login_id": "cy",
        "sis_user_id": "S9",
        "role": "student",
        "locale": None,
    }
    body = Api(emu.base_url, emu.token_for(user["id"])).get("users/self/profile").json()
    assert body["primary_email"] == "cy@x.edu"


def test_a_user_created_with_a_locale_gets_it_as_effective_locale_everywhere(emu):
    user = emu.create_user(name="Zoé Student", login_id="zoe", locale="fr-CA", email="z@x.edu")
    assert user["locale"] == "fr-CA"
    api = Api(emu.base_url, emu.token_for(user["id"]))
    assert api.get("users/self").json()["effective_locale"] == "fr-CA"
    assert api.get("users/self/profile").json()["effective_locale"] == "fr-CA"


def test_a_locale_canvas_does_not_have_is_refused(emu):
    # Canvas validates `user[locale]` against its available locales, spelled its way (§15.2).
    for locale in ("pt_BR", "klingon"):
        with pytest.raises(EmulatorError, match="400"):
            emu.create_user(name="Odd Locale", login_id=f"odd-{locale}", locale=locale)


def test_duplicate_login_id_is_rejected(emu):
    with pytest.raises(EmulatorError, match="400"):
        emu.create_user(name="Another Ada", login_id="ADA")


def test_confirm_channel(emu, api):
    channel_id = api(ADA).add_channel("self", "c@example.com").json()["id"]
    assert emu.confirm_channel(channel_id)["workflow_state"] == "active"
    states = {
        c["id"]: c["workflow_state"]
        for c in api(ADA).get("users/self/communication_channels").json()
    }
    assert states[channel_id] == "active"


def test_settings_partial_update_and_validation(emu):
    current = emu.settings(max_communication_channels=5)
    assert current == {
        "users_can_edit_comm_channels": True,
        "max_communication_channels": 5,
        "banned_email_domains": [],
        "unauthorized_status": 403,
        "deliver_sms": False,
        "admins_can_view_notifications": True,
    }
    with pytest.raises(EmulatorError, match="400"):
        emu.settings(unauthorized_status=500)


def test_reset_restores_seed_and_clears_tokens_and_log(emu, api):
    token = emu.token_for(ADA)
    Api(emu.base_url, token).add_channel("self", "gone@example.com")
    emu.settings(users_can_edit_comm_channels=False)
    emu.reset()
    assert emu.requests_log() == []
    assert len(emu.channels(ADA)) == 3
    assert emu.settings()["users_can_edit_comm_channels"] is True
    assert Api(emu.base_url, token).get("users/self").status_code == 401


def test_request_log_records_canvas_requests_only(emu, api):
    client = api(ADA)
    client.get("users/self/communication_channels", params={"per_page": 5})
    requests.get(f"{emu.base_url}/login/canvas", timeout=5)
    log = emu.requests_log()
    assert [(r["method"], r["path"], r["query"], r["status"]) for r in log] == [
        ("GET", "/api/v1/users/self/communication_channels", "per_page=5", 200),
        ("GET", "/login/canvas", "", 200),
    ]
    assert all(isinstance(r["ms"], int) for r in log)
    emu.clear_requests()
    assert emu.requests_log() == []


def test_unknown_control_endpoint_is_404(emu):
    with pytest.raises(EmulatorError, match="404"):
        emu.control("GET", "nope")


def test_seed_none_has_only_the_root_account():
    from harness.emulator import EmulatorProcess

    with EmulatorProcess("none") as bare:
        assert bare.users() == []
        assert bare.developer_keys() == []
        admin = bare.create_user(name="Root Admin", login_id="root", role="admin")
        accounts = Api(bare.base_url, bare.token_for(admin["id"])).get("accounts").json()
        assert accounts[0]["name"] == "Demo University"


@pytest.mark.parametrize("user_id", [None, "ada", [1], {"id": 1}, "1.5"])
def test_a_control_field_that_is_not_a_whole_number_is_refused_with_400(emu, user_id):
    with pytest.raises(EmulatorError, match="400"):
        emu.control("POST", "tokens", {"user_id": user_id})


@pytest.mark.parametrize("user_id", [ADA, str(ADA), float(ADA)])
def test_a_control_field_may_be_a_number_or_a_numeric_string(emu, user_id):
    assert emu.control("POST", "tokens", {"user_id": user_id})["access_token"]


def test_a_bounce_can_carry_its_reason_and_date(emu):
    ada_school = emu.channels(ADA)[0]["id"]
    row = emu.control(
        "POST",
        f"channels/{ada_school}/bounce",
        {"reason": "smtp; 552 mailbox full", "bounced_at": "2025-03-01T10:00:00+00:00"},
    )
    assert row["bounce_count"] == 1
    assert row["last_bounce_at"] == "2025-03-01T10:00:00Z"
    assert row["last_bounce_summary"] == "smtp; 552 mailbox full"


def test_a_bounce_with_an_unreadable_date_is_refused(emu):
    ada_school = emu.channels(ADA)[0]["id"]
    with pytest.raises(EmulatorError, match="bounced_at must be an ISO-8601 time"):
        emu.control("POST", f"channels/{ada_school}/bounce", {"bounced_at": "last Tuesday"})
    assert emu.channels(ADA)[0]["bounce_count"] == 0


def test_the_demo_seed_bounce_and_notification_setting(emu):
    ben_email = emu.channels(BEN)[0]
    assert ben_email["last_bounce_summary"].startswith("smtp; 550 5.1.1")
    assert ben_email["last_bounce_at"] is not None
    assert emu.settings()["admins_can_view_notifications"] is True
    assert (
        emu.settings(admins_can_view_notifications=False)["admins_can_view_notifications"] is False
    )
