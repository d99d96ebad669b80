"""GET /api/v1/users/:user_id/communication_channels (docs/canvas-behaviour.md §1.2, §1.4, §2)."""

from __future__ import annotations

import pytest

from .helpers import ADA, BEN, HELPDESK, NOT_FOUND_BODY, TEACHER, UNAUTHORIZED_BODY


def _fill(emu, api, user: int, count: int) -> None:
    client = api(user)
    for n in range(count):
        assert client.add_channel("self", f"extra{n}@example.com").status_code == 200


def test_lists_own_channels_in_position_order_with_canvas_shape(api):
    response = api(ADA).get("users/self/communication_channels")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    rows = response.json()
    assert [r["position"] for r in rows] == [1, 2, 3]
    assert rows[0] == {
        "id": rows[0]["id"],
        "address": "ada.lovelace@demo.example.edu",
        "type": "email",
        "position": 1,
        "user_id": ADA,
        "workflow_state": "active",
        "created_at": rows[0]["created_at"],
    }
    assert rows[1]["workflow_state"] == "unconfirmed"
    # Push reports Canvas's i18n label, never the device token (§1.3).
    assert rows[2]["type"] == "push" and rows[2]["address"] == "For All Devices"
    assert rows[0]["created_at"].endswith("Z")


def test_retired_channels_are_excluded_and_positions_keep_gaps(api):
    client = api(ADA)
    rows = client.get("users/self/communication_channels").json()
    assert client.delete(f"users/self/communication_channels/{rows[1]['id']}").status_code == 200
    after = client.get("users/self/communication_channels").json()
    assert [r["position"] for r in after] == [1, 3]
    assert all(r["workflow_state"] != "retired" for r in after)


def test_default_page_size_is_ten(emu, api):
    _fill(emu, api, BEN, 12)  # Ben has 2 channels already → 14
    response = api(BEN).get("users/self/communication_channels")
    assert len(response.json()) == 10
    assert 'rel="next"' in response.headers["Link"]


@pytest.mark.parametrize(
    ("per_page", "expected"),
    [("0", 1), ("-5", 1), ("abc", 1), ("1000", 100), ("3", 3), ("2x", 2)],
)
def test_per_page_is_clamped_between_1_and_100(api, per_page, expected):
    client = api(ADA)
    for n in range(3):
        client.add_channel("self", f"p{n}@example.com")
    response = client.get("users/self/communication_channels", params={"per_page": per_page})
    assert response.status_code == 200
    assert len(response.json()) == min(expected, 6)
    assert f"per_page={expected}>" in response.headers["Link"]


def test_link_header_format_and_rel_order(emu, api):
    client = api(ADA)
    for n in range(4):
        client.add_channel("self", f"l{n}@example.com")  # 7 channels
    response = client.get(
        "users/self/communication_channels",
        params={"per_page": 2, "page": 2, "zeta": "z", "alpha": "a b", "access_token": "x"},
        headers={"Authorization": f"Bearer {client.token}"},
    )
    base = f"{emu.base_url}/api/v1/users/self/communication_channels?alpha=a+b&zeta=z&"
    assert response.headers["Link"] == ",".join(
        [
            f'<{base}page=2&per_page=2>; rel="current"',
            f'<{base}page=3&per_page=2>; rel="next"',
            f'<{base}page=1&per_page=2>; rel="prev"',
            f'<{base}page=1&per_page=2>; rel="first"',
            f'<{base}page=4&per_page=2>; rel="last"',
        ]
    )


def test_link_header_on_single_page_has_no_next_or_prev(emu, api):
    response = api(ADA).get("users/1/communication_channels")
    base = f"{emu.base_url}/api/v1/users/1/communication_channels?"
    assert response.headers["Link"] == (
        f'<{base}page=1&per_page=10>; rel="current",'
        f'<{base}page=1&per_page=10>; rel="first",'
        f'<{base}page=1&per_page=10>; rel="last"'
    )


def test_page_past_the_end_is_an_empty_list(api):
    response = api(ADA).get("users/self/communication_channels", params={"page": 9})
    assert response.status_code == 200
    assert response.json() == []


def test_invalid_page_is_a_404(api):
    response = api(ADA).get("users/self/communication_channels", params={"page": "0"})
    assert response.status_code == 404


@pytest.mark.parametrize("ref", ["self", "1", "sis_user_id:S1001", "sis_login_id:ada"])
def test_user_id_forms(api, ref):
    response = api(ADA).get(f"users/{ref}/communication_channels")
    assert response.status_code == 200
    assert {r["user_id"] for r in response.json()} == {ADA}


def test_unknown_user_is_404(api):
    response = api(ADA).get("users/sis_user_id:NOPE/communication_channels")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_admin_with_manage_user_logins_reads_another_users_channels(api):
    response = api(HELPDESK).get(f"users/{ADA}/communication_channels")
    assert response.status_code == 200
    assert len(response.json()) == 3


@pytest.mark.parametrize("caller", [BEN, TEACHER])
def test_other_users_channels_are_forbidden_403(api, caller):
    response = api(caller).get(f"users/{ADA}/communication_channels")
    assert response.status_code == 403
    assert response.json() == UNAUTHORIZED_BODY
    assert "WWW-Authenticate" not in response.headers


def test_older_canvas_401_style_for_not_authorized(emu, api):
    emu.settings(unauthorized_status=401)
    response = api(BEN).get(f"users/{ADA}/communication_channels")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED_BODY
    assert "WWW-Authenticate" not in response.headers


def test_string_ids_accept_header(api):
    response = api(ADA).get(
        "users/self/communication_channels",
        headers={"Accept": "application/json+canvas-string-ids"},
    )
    row = response.json()[0]
    assert isinstance(row["id"], str) and row["user_id"] == "1"
    assert isinstance(row["position"], int)
