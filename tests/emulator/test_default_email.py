"""``PUT /api/v1/users/:id`` with ``user[email]`` (docs/canvas-behaviour.md §1.9, §13)."""

from __future__ import annotations

import pytest

from .helpers import ADA, BEN, HELPDESK, NOT_FOUND_BODY, SUPPORT, TEACHER, UNAUTHORIZED_BODY

ADA_SCHOOL = "ada.lovelace@demo.example.edu"
ADA_PERSONAL = "ada@personal.example.com"


def emails(emu, user_id):
    """(address, state, position) of every email row, retired included, by position."""
    rows = [c for c in emu.channels(user_id) if c["type"] == "email"]
    return [(c["address"], c["workflow_state"], c["position"]) for c in rows]


def test_an_admin_makes_a_new_address_the_default_without_confirming_it(emu, api):
    response = api(HELPDESK).put(f"users/{ADA}", data={"user[email]": "ada@new.example.org"})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ADA and body["name"] == "Ada Lovelace"
    assert body["email"] == "ada@new.example.org"  # the new default, still unconfirmed
    assert body["locale"] is None and body["time_zone"] == "Etc/UTC"
    assert body["avatar_url"].endswith("/images/messages/avatar-50.png")
    assert body["avatar_state"] == "none"  # the caller holds manage_user_details
    assert body["login_id"] == "ada" and body["sis_user_id"] == "S1001"
    assert emails(emu, ADA) == [
        ("ada@new.example.org", "unconfirmed", 1),
        (ADA_SCHOOL, "active", 2),
        (ADA_PERSONAL, "unconfirmed", 3),
    ]
    new = next(c for c in emu.channels(ADA) if c["address"] == "ada@new.example.org")
    assert emu.channel_messages(new["id"]) == []  # no confirmation is sent
    assert api(ADA).get("users/self/profile").json()["primary_email"] == "ada@new.example.org"


def test_the_old_default_address_is_told_about_the_change(emu, api):
    old = next(c for c in emu.channels(ADA) if c["address"] == ADA_SCHOOL)
    api(HELPDESK).put(f"users/{ADA}", json={"user": {"email": ADA_PERSONAL}})
    [notice] = emu.channel_messages(old["id"])
    assert notice["to"] == ADA_SCHOOL
    assert notice["type"] == "default_email_address_changed"


def test_an_existing_row_moves_to_the_top_keeping_its_id_and_state(emu, api):
    before = {c["address"]: c["id"] for c in emu.channels(ADA)}
    body = api(HELPDESK).put(f"users/{ADA}", data={"user[email]": "ADA@Personal.Example.com"})
    assert body.json()["email"] == "ADA@Personal.Example.com"  # the new spelling wins
    rows = emu.channels(ADA)
    assert [(c["id"], c["position"]) for c in rows][:2] == [
        (before[ADA_PERSONAL], 1),
        (before[ADA_SCHOOL], 2),
    ]
    assert rows[0]["workflow_state"] == "unconfirmed"
    assert rows[2]["type"] == "push" and rows[2]["position"] == 3


def test_a_retired_address_comes_back_unconfirmed_with_its_bounce_count(emu, api):
    ben_email = emu.channels(BEN)[0]
    api(HELPDESK).delete(f"users/{BEN}/communication_channels/{ben_email['id']}")
    api(HELPDESK).put(f"users/{BEN}", data={"user[email]": ben_email["address"]})
    row = emu.channels(BEN)[0]
    assert (row["id"], row["workflow_state"], row["position"]) == (
        ben_email["id"],
        "unconfirmed",
        1,
    )
    assert row["bounce_count"] == 3  # unlike an API create, which resets it


def test_setting_the_current_default_again_notifies_nobody(emu, api):
    old = next(c for c in emu.channels(ADA) if c["address"] == ADA_SCHOOL)
    assert api(HELPDESK).put(f"users/{ADA}", data={"user[email]": ADA_SCHOOL}).status_code == 200
    assert emu.channel_messages(old["id"]) == []


def test_an_invalid_address_is_422_and_changes_nothing(emu, api):
    before = emu.channels(ADA)
    response = api(HELPDESK).put(f"users/{ADA}", data={"user[email]": "not an address"})
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"email": [{"attribute": "email", "type": "invalid", "message": "invalid"}]}
    }
    assert emu.channels(ADA) == before


@pytest.mark.parametrize("caller", [ADA, BEN, TEACHER])
def test_users_without_manage_user_details_are_refused_even_for_themselves(emu, api, caller):
    before = emu.channels(ADA)
    response = api(caller).put(f"users/{ADA}", data={"user[email]": "x@example.com"})
    assert response.status_code == 403
    assert response.json() == UNAUTHORIZED_BODY
    assert "WWW-Authenticate" not in response.headers
    assert emu.channels(ADA) == before


def test_the_refusal_follows_the_unauthorized_status_setting(emu, api):
    emu.settings(unauthorized_status=401)
    response = api(ADA).put("users/self", data={"user[email]": "x@example.com"})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED_BODY


def test_an_admin_cannot_change_an_admin_with_more_rights(emu, api):
    # Hana also holds view_notifications/view_statistics, which Rosa lacks (§13.1 superset rule).
    response = api(SUPPORT).put(f"users/{HELPDESK}", data={"user[email]": "h@example.com"})
    assert response.status_code == 403
    assert api(HELPDESK).put(f"users/{SUPPORT}", data={"user[email]": "r@example.com"}).ok


def test_a_key_other_than_email_refuses_the_whole_request(emu, api):
    before = emu.channels(ADA)
    response = api(HELPDESK).put(
        f"users/{ADA}", data={"user[email]": "x@example.com", "user[name]": "Someone Else"}
    )
    assert response.status_code == 403
    assert emu.channels(ADA) == before


def test_an_unknown_user_is_404_before_any_permission_check(api):
    response = api(ADA).put("users/424242", data={"user[email]": "x@example.com"})
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_sis_ids_name_the_user(api):
    response = api(HELPDESK).put("users/sis_user_id:S1001", data={"user[email]": "a@b.example"})
    assert response.json()["id"] == ADA
