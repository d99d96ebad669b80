"""Users, profiles and the help-desk account endpoints (docs/canvas-behaviour.md §5, §10)."""

from __future__ import annotations

import pytest

from .helpers import ADA, BEN, HELPDESK, NOT_FOUND_BODY, TEACHER, UNAUTHORIZED_BODY


def test_users_self_for_a_student_has_no_email_or_login(api):
    body = api(ADA).get("users/self").json()
    assert body["id"] == ADA and body["name"] == "Ada Lovelace"
    assert body["sortable_name"] == "Lovelace, Ada"
    assert body["first_name"] == "Ada" and body["last_name"] == "Lovelace"
    assert body["locale"] is None and body["effective_locale"] == "en"
    assert body["permissions"]["can_update_name"] is True
    for hidden in ("email", "login_id", "sis_user_id"):
        assert hidden not in body


def test_admin_sees_login_sis_and_email(api):
    body = api(HELPDESK).get(f"users/{ADA}").json()
    assert body["login_id"] == "ada"
    assert body["sis_user_id"] == "S1001"
    assert body["email"] == "ada.lovelace@demo.example.edu"


@pytest.mark.parametrize("ref", ["sis_user_id:S1002", "sis_login_id:BEN", "2"])
def test_user_lookup_forms_for_admins(api, ref):
    assert api(HELPDESK).get(f"users/{ref}").json()["id"] == BEN


@pytest.mark.parametrize("caller", [BEN, TEACHER])
def test_users_others_cannot_see_are_404_not_403(api, caller):
    response = api(caller).get(f"users/{ADA}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_unknown_user_is_404(api):
    assert api(HELPDESK).get("users/424242").status_code == 404


def test_profile_primary_email_is_first_unretired_email_even_unconfirmed(api):
    client = api(ADA)
    first = client.get("users/self/communication_channels").json()[0]
    client.delete(f"users/self/communication_channels/{first['id']}")
    body = client.get("users/self/profile").json()
    assert body["primary_email"] == "ada@personal.example.com"  # unconfirmed, next by position
    assert body["login_id"] == "ada"
    assert body["effective_locale"] == "en" and body["time_zone"] == "Etc/UTC"
    assert body["calendar"]["ics"].endswith(".ics")


def test_profile_of_someone_else(api):
    assert api(HELPDESK).get(f"users/{ADA}/profile").json()["sis_user_id"] == "S1001"
    response = api(BEN).get(f"users/{ADA}/profile")
    assert response.status_code == 403
    assert response.json() == UNAUTHORIZED_BODY


def test_accounts_lists_only_administered_accounts(api):
    admin = api(HELPDESK).get("accounts")
    assert admin.status_code == 200
    assert [a["name"] for a in admin.json()] == ["Demo University"]
    assert admin.json()[0]["id"] == 1
    assert 'rel="current"' in admin.headers["Link"]
    assert api(ADA).get("accounts").json() == []
    assert api(TEACHER).get("accounts").json() == []


def test_account_permissions_self_is_the_root_account(api):
    params = {"permissions[]": ["manage_user_logins", "become_user"]}
    admin = api(HELPDESK).get("accounts/self/permissions", params=params)
    assert admin.json() == {"manage_user_logins": True, "become_user": False}
    student = api(ADA).get("accounts/1/permissions", params=params)
    assert student.json() == {"manage_user_logins": False, "become_user": False}
    assert api(ADA).get("accounts/77/permissions", params=params).status_code == 404


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("lovelace", ["Ada Lovelace"]),
        ("ADA", ["Ada Lovelace"]),  # name, case-insensitive
        ("s100", ["Lucía Fernández", "Amira Haddad", "Ada Lovelace", "Ben Okafor"]),  # SIS id
        ("helpdesk", ["Hana Helpdesk"]),
        ("okafor@demo", ["Ben Okafor"]),  # email
        ("teach", ["Theo Teacher"]),  # login id
        ("nobody-here", []),
    ],
)
def test_account_user_search(api, term, expected):
    response = api(HELPDESK).get("accounts/self/users", params={"search_term": term})
    assert response.status_code == 200
    assert [u["name"] for u in response.json()] == expected


def test_account_user_search_term_needs_three_characters(api):
    response = api(HELPDESK).get("accounts/self/users", params={"search_term": "ad"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": "search_term",
                "code": "invalid",
                "message": "3 or more characters is required",
            }
        ]
    }


def test_account_users_include_email_and_pagination(api):
    response = api(HELPDESK).get("accounts/1/users", params={"include[]": "email", "per_page": 2})
    rows = response.json()
    assert [u["name"] for u in rows] == ["Lucía Fernández", "Amira Haddad"]  # sortable_name order
    assert rows[1]["email"] == "amira.haddad@demo.example.edu"
    assert rows[1]["login_id"] == "amira" and rows[1]["sis_user_id"] == "S1004"
    assert "include%5B%5D=email&page=2&per_page=2" in response.headers["Link"]


def test_account_users_needs_admin(api):
    response = api(ADA).get("accounts/self/users", params={"search_term": "ben"})
    assert response.status_code == 403
    assert response.json() == UNAUTHORIZED_BODY
