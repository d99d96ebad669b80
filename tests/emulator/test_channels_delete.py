"""DELETE by id, by type/address, and the push token (docs/canvas-behaviour.md §1.6, §1.7)."""

from __future__ import annotations

import pytest

from .helpers import ADA, BEN, HELPDESK, NOT_FOUND_BODY, TEACHER, UNAUTHORIZED_BODY


def _first(client, user: str = "self") -> dict:
    return client.get(f"users/{user}/communication_channels").json()[0]


def test_delete_by_id_soft_deletes_and_answers_retired(emu, api):
    client = api(ADA)
    channel = _first(client)
    response = client.delete(f"users/self/communication_channels/{channel['id']}")
    assert response.status_code == 200
    assert response.json() == {**channel, "workflow_state": "retired"}
    rows = emu.channels(ADA)
    assert next(c for c in rows if c["id"] == channel["id"])["workflow_state"] == "retired"


def test_deleting_again_is_404(api):
    client = api(ADA)
    channel_id = _first(client)["id"]
    client.delete(f"users/self/communication_channels/{channel_id}")
    response = client.delete(f"users/self/communication_channels/{channel_id}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_delete_by_type_and_address_is_case_insensitive(api):
    response = api(ADA).delete("users/self/communication_channels/email/ADA%40Personal.Example.COM")
    assert response.status_code == 200
    assert response.json()["address"] == "ada@personal.example.com"
    assert response.json()["workflow_state"] == "retired"


def test_delete_by_type_and_address_needs_the_right_type(api):
    response = api(ADA).delete("users/self/communication_channels/sms/ada%40personal.example.com")
    assert response.status_code == 404


def test_lookup_happens_before_the_permission_check(api):
    teacher = api(TEACHER)
    # A channel Ada does not have → 404 even though the teacher may not touch Ada at all.
    assert teacher.delete(f"users/{ADA}/communication_channels/99999").status_code == 404
    existing = _first(api(ADA))["id"]
    response = teacher.delete(f"users/{ADA}/communication_channels/{existing}")
    assert response.status_code == 403
    assert response.json() == UNAUTHORIZED_BODY


def test_admin_deletes_another_users_channel(api):
    channel_id = _first(api(BEN))["id"]
    response = api(HELPDESK).delete(f"users/sis_user_id:S1002/communication_channels/{channel_id}")
    assert response.status_code == 200
    assert response.json()["workflow_state"] == "retired"


def test_self_delete_forbidden_when_account_disallows_editing(emu, api):
    emu.settings(users_can_edit_comm_channels=False)
    client = api(ADA)
    response = client.delete(f"users/self/communication_channels/{_first(client)['id']}")
    assert response.status_code == 403


def test_channel_of_another_user_is_404_under_the_wrong_user(api):
    ben_channel = _first(api(BEN))["id"]
    assert api(ADA).delete(f"users/self/communication_channels/{ben_channel}").status_code == 404


@pytest.mark.parametrize("token", ["demo-device-token", "DEMO-DEVICE-TOKEN"])
def test_delete_push_token(api, token):
    response = api(ADA).delete("users/self/communication_channels/push", data={"push_token": token})
    assert response.status_code == 200
    assert response.json() == {"success": True}


def test_delete_push_token_without_push_channel_is_404(api):
    response = api(BEN).delete("users/self/communication_channels/push", data={"push_token": "x"})
    assert response.status_code == 404


def test_push_route_only_exists_for_self(api):
    # users/1/.../push falls through to destroy with id "push" → not found.
    assert api(ADA).delete(f"users/{ADA}/communication_channels/push").status_code == 404
