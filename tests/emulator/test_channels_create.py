"""POST /api/v1/users/:user_id/communication_channels (docs/canvas-behaviour.md §1.5)."""

from __future__ import annotations

import pytest

from .helpers import ADA, BEN, HELPDESK, TEACHER, UNAUTHORIZED_BODY, Api


def _unique_error() -> dict:
    return {"errors": {"path": [{"attribute": "path", "type": "unique!", "message": "unique!"}]}}


def test_create_email_answers_200_unconfirmed_at_the_bottom(emu, api):
    response = api(ADA).add_channel("self", "new@example.com")
    assert response.status_code == 200  # not 201
    body = response.json()
    assert body["workflow_state"] == "unconfirmed"
    assert body["position"] == 4 and body["type"] == "email" and body["user_id"] == ADA
    [message] = emu.channel_messages(body["id"])
    assert message["to"] == "new@example.com"
    assert message["type"] == "confirm_email_communication_channel"
    assert message["sent_at"].endswith("Z")


def test_create_accepts_a_json_body(api):
    response = api(ADA).post(
        "users/self/communication_channels",
        json={"communication_channel": {"address": "json@example.com", "type": "email"}},
    )
    assert response.status_code == 200
    assert response.json()["address"] == "json@example.com"


@pytest.mark.parametrize("address", ["foo", "foo@", "@bar.com", "a b@c.com", ""])
def test_invalid_email_is_reported_on_the_email_attribute(api, address):
    response = api(ADA).add_channel("self", address)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["email"] == [{"attribute": "email", "type": "invalid", "message": "invalid"}]


def test_blank_address_also_reports_blank_path(api):
    errors = api(ADA).add_channel("self", "").json()["errors"]
    assert errors["path"] == [{"attribute": "path", "type": "blank", "message": "blank"}]


def test_minimal_rfc_address_a_at_b_is_valid(api):
    assert api(ADA).add_channel("self", "a@b").status_code == 200


def test_sms_is_not_validated(api):
    response = api(ADA).add_channel("self", "not a phone!", "sms")
    assert response.status_code == 200
    assert response.json()["type"] == "sms"


def test_unknown_type_is_silently_stored_as_email_without_validation(api):
    response = api(ADA).add_channel("self", "no-at-sign", "fax")
    assert response.status_code == 200
    assert response.json()["type"] == "email"


@pytest.mark.parametrize(
    "address", ["ADA.LOVELACE@demo.example.edu", "ada.lovelace@DEMO.example.edu"]
)
def test_duplicate_is_case_insensitive_unique_error(api, address):
    response = api(ADA).add_channel("self", address)
    assert response.status_code == 400
    assert response.json() == _unique_error()


def test_duplicate_of_unconfirmed_channel_is_also_unique(api):
    response = api(ADA).add_channel("self", "Ada@Personal.Example.com")
    assert response.json() == _unique_error()


def test_same_address_with_other_type_is_not_a_duplicate(api):
    assert api(ADA).add_channel("self", "ada@personal.example.com", "sms").status_code == 200


def test_readding_a_retired_address_resurrects_same_id_and_position(emu, api):
    client = api(BEN)
    original = client.get("users/self/communication_channels").json()[0]
    client.add_channel("self", "later@example.com")
    assert client.delete(f"users/self/communication_channels/{original['id']}").status_code == 200
    again = client.add_channel("self", "BEN.OKAFOR@demo.example.edu").json()
    assert again["id"] == original["id"]
    assert again["position"] == original["position"]
    assert again["address"] == "BEN.OKAFOR@demo.example.edu"  # new casing kept
    assert again["workflow_state"] == "unconfirmed"
    row = next(c for c in emu.channels(BEN) if c["id"] == original["id"])
    assert row["bounce_count"] == 0  # re_activate! resets bouncing


def test_confirmation_messages_are_capped_at_three_per_row(emu, api):
    client = api(ADA)
    channel_id = client.add_channel("self", "cap@example.com").json()["id"]
    for _ in range(4):
        assert client.delete(f"users/self/communication_channels/{channel_id}").status_code == 200
        response = client.add_channel("self", "cap@example.com")
        assert response.status_code == 200 and response.json()["id"] == channel_id
    assert len(emu.channel_messages(channel_id)) == 3
    row = next(c for c in emu.channels(ADA) if c["id"] == channel_id)
    assert row["confirmation_sent_count"] == 3


def test_bouncing_channel_gets_no_confirmation(emu, api):
    client = api(ADA)
    channel_id = client.add_channel("self", "bounce@example.com", "sms").json()["id"]
    emu.bounce_channel(channel_id, 2)
    client.delete(f"users/self/communication_channels/{channel_id}")
    client.add_channel("self", "bounce@example.com", "sms")  # resurrection resets bounce → sends
    assert len(emu.channel_messages(channel_id)) == 2
    assert emu.channel_messages(channel_id)[0]["type"] == "confirm_sms_communication_channel"


def test_skip_confirmation_honoured_for_admin_with_manage_students(emu, api):
    response = api(HELPDESK).add_channel(f"{ADA}", "skip@example.com", skip_confirmation="true")
    assert response.status_code == 200
    assert response.json()["workflow_state"] == "active"
    assert emu.channel_messages(response.json()["id"]) == []


def test_skip_confirmation_silently_ignored_for_students(emu, api):
    response = api(ADA).add_channel("self", "noskip@example.com", skip_confirmation="1")
    assert response.status_code == 200
    assert response.json()["workflow_state"] == "unconfirmed"
    assert len(emu.channel_messages(response.json()["id"])) == 1


def test_skip_confirmation_ignored_for_admin_without_manage_students(emu, api):
    admin = emu.create_user(
        name="Limited Admin",
        login_id="limited",
        role="admin",
        permissions=["manage_user_logins", "manage_user_details", "read_roster"],
    )
    response = api(admin["id"]).add_channel(
        f"{ADA}", "limited@example.com", skip_confirmation="true"
    )
    assert response.status_code == 200
    assert response.json()["workflow_state"] == "unconfirmed"


@pytest.mark.parametrize("caller", [BEN, TEACHER])
def test_creating_for_another_user_needs_admin_rights(api, caller):
    response = api(caller).add_channel(f"{ADA}", "intruder@example.com")
    assert response.status_code == 403
    assert response.json() == UNAUTHORIZED_BODY


def test_admin_cannot_manage_an_admin_with_more_rights(emu, api):
    limited = emu.create_user(
        name="Small Admin", login_id="small", role="admin", permissions=["manage_user_logins"]
    )
    response = api(limited["id"]).add_channel(f"{HELPDESK}", "x@example.com")
    assert response.status_code == 403


def test_users_can_edit_comm_channels_off_forbids_self_service(emu, api):
    emu.settings(users_can_edit_comm_channels=False)
    assert api(ADA).add_channel("self", "off@example.com").status_code == 403
    # Admins still can (can_manage_user_details).
    assert api(HELPDESK).add_channel(f"{ADA}", "off@example.com").status_code == 200


def test_max_communication_channels_counts_the_callers_channels(emu, api):
    emu.settings(max_communication_channels=3)
    response = api(ADA).add_channel("self", "fourth@example.com")  # Ada already has 3
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"type": "Maximum number of communication channels reached"}
    }
    assert api(BEN).add_channel("self", "third@example.com").status_code == 200  # Ben has 2
    # Quirk: the helpdesk admin (1 channel) can add to Ada although Ada is over the cap.
    assert api(HELPDESK).add_channel(f"{ADA}", "via-admin@example.com").status_code == 200


def test_recently_retired_channels_still_count_toward_the_cap(emu, api):
    emu.settings(max_communication_channels=3)
    client = api(BEN)
    channel_id = client.add_channel("self", "temp@example.com").json()["id"]
    client.delete(f"users/self/communication_channels/{channel_id}")
    assert client.add_channel("self", "other@example.com").status_code == 400


def test_hard_cap_of_100_rows_including_retired(api):
    client = api(BEN)
    for n in range(98):
        assert client.add_channel("self", f"+1555{n:07d}", "sms").status_code == 200
    response = client.add_channel("self", "overflow@example.com")
    assert response.status_code == 400
    message = "user communication_channels limit exceeded"
    assert response.json() == {
        "errors": {"user_id": [{"attribute": "user_id", "type": message, "message": message}]}
    }


def test_banned_email_domain_is_forbidden_on_email(emu, api):
    emu.settings(banned_email_domains=["banned.example"])
    response = api(ADA).add_channel("self", "x@Banned.Example")
    assert response.status_code == 400
    assert response.json()["errors"]["email"][0]["type"] == "forbidden"


def test_push_needs_a_developer_key_with_sns(emu, api):
    response = api(ADA).add_channel("self", "", "push", **{"communication_channel[token]": "dev1"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"type": "SNS is not configured for this developer key"}}
    key = emu.create_developer_key(redirect_uris=[], sns_arn="arn:aws:sns:emulated")
    token = emu.token_for(BEN, developer_key_id=key["id"])
    client = Api(emu.base_url, token)
    created = client.add_channel("self", "", "push", **{"communication_channel[token]": "dev1"})
    assert created.status_code == 200
    assert created.json()["address"] == "For All Devices"
    assert created.json()["workflow_state"] == "active"


def test_missing_channel_hash_is_a_500(api):
    response = api(ADA).post("users/self/communication_channels", data={"address": "x@y.z"})
    assert response.status_code == 500
    body = response.json()
    assert body["errors"] == [
        {"message": "An error occurred.", "error_code": "internal_server_error"}
    ]
    assert isinstance(body["error_report_id"], int)
