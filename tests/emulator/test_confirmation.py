"""Confirmation codes, the /register/:code link and the notices Canvas sends (§1.5, §7, §12)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from harness.emulator import EmulatorProcess

from .helpers import ADA, BEN, form_token
from .test_pages import _check

ADA_EMAIL, ADA_PERSONAL = 1, 2
CANVAS_SLUG = re.compile(r"^[2346789acefhkmnrtuvwxyzABCDEFGHJKLMNPQRTUVWXYZ]+$")


def _browser(emu: EmulatorProcess, user_id: int | None) -> requests.Session:
    browser = requests.Session()
    if user_id is not None:
        browser.post(f"{emu.base_url}/__emulator__/session", json={"user_id": user_id}, timeout=5)
    return browser


def _confirmation(emu: EmulatorProcess, channel_id: int) -> dict:
    [message] = emu.channel_messages(channel_id)
    return message


def _state(emu: EmulatorProcess, user_id: int, channel_id: int) -> str:
    return next(c for c in emu.channels(user_id) if c["id"] == channel_id)["workflow_state"]


# -- codes and messages ------------------------------------------------------------------------


def test_an_email_confirmation_carries_a_25_character_code_and_its_register_link(emu, api):
    channel_id = api(ADA).add_channel("self", "new@example.com").json()["id"]
    message = _confirmation(emu, channel_id)
    assert message["type"] == "confirm_email_communication_channel"
    assert message["workflow_state"] == "sent"
    assert len(message["code"]) == 25 and CANVAS_SLUG.match(message["code"])
    assert message["url"] == f"{emu.base_url}/register/{message['code']}"


def test_readding_a_removed_address_sends_the_same_code_again(emu, api):
    client = api(ADA)
    channel_id = client.add_channel("self", "again@example.com").json()["id"]
    client.delete(f"users/self/communication_channels/{channel_id}")
    client.add_channel("self", "again@example.com")
    first, second = emu.channel_messages(channel_id)
    assert first["code"] == second["code"]


def test_an_sms_confirmation_is_cancelled_by_default_and_carries_no_code(emu, api):
    channel_id = api(ADA).add_channel("self", "+15555550111", "sms").json()["id"]
    message = _confirmation(emu, channel_id)
    assert message["type"] == "confirm_sms_communication_channel"
    assert message["workflow_state"] == "cancelled"
    assert message["code"] is None and message["url"] is None
    # The send still counts towards the three-per-row cap (§12.3).
    row = next(c for c in emu.channels(ADA) if c["id"] == channel_id)
    assert row["confirmation_sent_count"] == 1


def test_with_sms_delivery_on_the_sms_code_is_four_characters_and_confirms(emu, api):
    assert emu.settings(deliver_sms=True)["deliver_sms"] is True
    channel_id = api(ADA).add_channel("self", "+15555550112", "sms").json()["id"]
    message = _confirmation(emu, channel_id)
    assert message["workflow_state"] == "sent"
    assert len(message["code"]) == 4 and CANVAS_SLUG.match(message["code"])
    assert message["url"] is None  # only email confirmations carry a link (§12.1)
    response = _browser(emu, ADA).get(f"{emu.base_url}/register/{message['code']}", timeout=5)
    assert response.status_code == 200 and "Registration confirmed!" in response.text
    assert _state(emu, ADA, channel_id) == "active"


def test_the_sms_delivery_setting_goes_back_to_cancelled_on_reset(emu):
    emu.settings(deliver_sms=True)
    emu.reset()
    assert emu.control("GET", "settings")["deliver_sms"] is False


def test_the_deliver_sms_flag_starts_a_canvas_that_delivers_sms():
    with EmulatorProcess("demo", extra_args=["--deliver-sms"]) as emu:
        assert emu.control("GET", "settings")["deliver_sms"] is True
        emu.reset()
        assert emu.control("GET", "settings")["deliver_sms"] is True


def test_adding_an_email_notifies_the_default_email(emu, api):
    api(ADA).add_channel("self", "added@example.com")
    [notice] = emu.channel_messages(ADA_EMAIL)
    assert notice["type"] == "new_email_address_added"
    assert notice["to"] == "ada.lovelace@demo.example.edu"
    assert notice["address"] == "added@example.com"
    assert notice["workflow_state"] == "sent"


def test_adding_an_sms_number_or_a_first_email_notifies_nobody(emu, api):
    api(ADA).add_channel("self", "+15555550113", "sms")
    assert emu.channel_messages(ADA_EMAIL) == []
    user = emu.create_user(name="No Email", login_id="noemail")
    channel_id = api(user["id"]).add_channel("self", "first@example.com").json()["id"]
    assert [m["type"] for m in emu.channel_messages(channel_id)] == [
        "confirm_email_communication_channel"
    ]


def test_removing_an_email_notifies_the_default_but_removing_the_default_does_not(emu, api):
    client = api(ADA)
    client.delete(f"users/self/communication_channels/{ADA_PERSONAL}")
    [notice] = emu.channel_messages(ADA_EMAIL)
    assert notice["type"] == "email_address_removed"
    assert notice["address"] == "ada@personal.example.com"
    client.delete(f"users/self/communication_channels/{ADA_EMAIL}")
    assert len(emu.channel_messages(ADA_EMAIL)) == 1


# -- /register/:code ---------------------------------------------------------------------------


def _email_code(emu: EmulatorProcess, api, user_id: int, address: str) -> tuple[int, str]:
    channel_id = api(user_id).add_channel("self", address).json()["id"]
    return channel_id, _confirmation(emu, channel_id)["code"]


def test_following_the_link_while_logged_in_as_the_owner_confirms(emu, api):
    channel_id, code = _email_code(emu, api, ADA, "follow@example.com")
    browser = _browser(emu, ADA)
    response = browser.get(f"{emu.base_url}/register/{code}", allow_redirects=False, timeout=5)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{emu.base_url}/profile/settings"
    page = browser.get(response.headers["Location"], timeout=5)
    assert "Registration confirmed!" in page.text
    assert "follow@example.com (confirmed)" in page.text
    assert _state(emu, ADA, channel_id) == "active"
    # The notice is shown once.
    assert "Registration confirmed!" not in browser.get(page.url, timeout=5).text


def test_a_wrong_code_is_a_400_failure_page_and_confirms_nothing(emu, api):
    channel_id, code = _email_code(emu, api, ADA, "wrong@example.com")
    wrong = code[:-1] + ("a" if code[-1] != "a" else "c")
    browser = _browser(emu, ADA)
    for attempt in (wrong, code.lower() if code.lower() != code else code.upper()):
        response = browser.get(f"{emu.base_url}/register/{attempt}", timeout=5)
        assert response.status_code == 400
        assert "Confirmation failed" in response.text
    assert _state(emu, ADA, channel_id) == "unconfirmed"


def test_an_already_confirmed_channel_cannot_be_confirmed_again(emu, api):
    _, code = _email_code(emu, api, ADA, "twice@example.com")
    browser = _browser(emu, ADA)
    browser.get(f"{emu.base_url}/register/{code}", timeout=5)
    assert browser.get(f"{emu.base_url}/register/{code}", timeout=5).status_code == 400


def test_not_logged_in_redirects_to_login_as_the_owner_then_confirms(emu, api):
    channel_id, code = _email_code(emu, api, ADA, "later@example.com")
    browser = _browser(emu, None)
    response = browser.get(f"{emu.base_url}/register/{code}", allow_redirects=False, timeout=5)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query) == {
        "pseudonym_session[unique_id]": ["ada"],
        "expected_user_id": [str(ADA)],
    }
    assert _state(emu, ADA, channel_id) == "unconfirmed"
    login = browser.get(response.headers["Location"], timeout=5)
    assert 'value="ada"' in login.text  # the login id is filled in
    back = browser.post(
        f"{emu.base_url}/login/canvas",
        data={"authenticity_token": form_token(login.text), "user_id": str(ADA)},
        allow_redirects=False,
        timeout=5,
    )
    assert back.headers["Location"] == f"{emu.base_url}/register/{code}"
    browser.get(back.headers["Location"], timeout=5)
    assert _state(emu, ADA, channel_id) == "active"


def test_another_users_code_sends_the_visitor_to_log_in_as_the_owner(emu, api):
    channel_id, code = _email_code(emu, api, ADA, "mine@example.com")
    response = _browser(emu, BEN).get(
        f"{emu.base_url}/register/{code}", allow_redirects=False, timeout=5
    )
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["Location"]).query)["expected_user_id"] == [str(ADA)]
    assert _state(emu, ADA, channel_id) == "unconfirmed"


def test_a_bearer_token_does_not_log_anyone_in_on_the_register_page(emu, api):
    channel_id, code = _email_code(emu, api, ADA, "token@example.com")
    response = requests.get(
        f"{emu.base_url}/register/{code}",
        headers={"Authorization": f"Bearer {emu.token_for(ADA)}"},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert _state(emu, ADA, channel_id) == "unconfirmed"


def test_the_profile_modal_posts_json_with_the_session_csrf_token(emu, api):
    emu.settings(deliver_sms=True)
    channel_id = api(ADA).add_channel("self", "+15555550114", "sms").json()["id"]
    code = _confirmation(emu, channel_id)["code"]
    browser = _browser(emu, ADA)
    csrf = form_token(browser.get(f"{emu.base_url}/login/canvas", timeout=5).text)
    headers = {"Accept": "application/json", "X-CSRF-Token": csrf}
    # Ids in the body are ignored: the code alone finds the channel (§12.2).
    body = {"code": code, "user_id": BEN, "channel_id": 999}
    without_csrf = browser.post(
        f"{emu.base_url}/register/{code}", json=body, headers={"Accept": "application/json"}
    )
    assert without_csrf.status_code == 422
    wrong = browser.post(f"{emu.base_url}/register/zzzz", json=body, headers=headers)
    assert wrong.status_code == 400 and wrong.json() == {}
    response = browser.post(f"{emu.base_url}/register/{code}", json=body, headers=headers)
    assert response.status_code == 200
    channel = response.json()["communication_channel"]
    assert channel["id"] == channel_id and channel["workflow_state"] == "active"
    assert "confirmation_code" not in channel


@pytest.mark.parametrize("path", ["/register/abcd", "/pseudonyms/1/register/abcd"])
def test_unknown_codes_fail_on_both_register_routes(emu, path):
    assert requests.get(f"{emu.base_url}{path}", timeout=5).status_code == 400


def test_the_confirmation_pages_are_well_formed_and_escape_addresses(emu, api):
    _, code = _email_code(emu, api, ADA, '"<b>x</b>"@example.com')
    browser = _browser(emu, ADA)
    _check(browser.get(f"{emu.base_url}/register/nope", timeout=5).text)
    settings = browser.get(f"{emu.base_url}/register/{code}", timeout=5).text
    _check(settings)
    assert "<b>x</b>" not in settings and "&lt;b&gt;x&lt;/b&gt;" in settings
