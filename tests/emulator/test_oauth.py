"""OAuth2 provider: authorize, login, confirm, token, PKCE, refresh, logout.

Canvas's rules: docs/canvas-behaviour.md §3.1-§3.4.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
import requests

from .helpers import ADA, BEN, DEMO_CLIENT_ID, DEMO_REDIRECT, DEMO_SECRET, Api, form_token
from .oauth_flow import (
    CALLBACK,
    authorize_and_exchange,
    get_code,
    query_of,
    refresh,
    refresh_tokens,
)

OAUTH_CHALLENGE = "Canvas OAuth 2.0"


def _auth(emu, browser=None, **params):
    query = {"client_id": DEMO_CLIENT_ID, "response_type": "code", "redirect_uri": DEMO_REDIRECT}
    query.update(params)
    return (browser or requests).get(
        f"{emu.base_url}/login/oauth2/auth", params=query, allow_redirects=False, timeout=5
    )


def _token(emu, **data):
    return requests.post(f"{emu.base_url}/login/oauth2/token", data=data, timeout=5)


def _key(emu, **fields):
    fields.setdefault("redirect_uris", [CALLBACK])
    return emu.create_developer_key(**fields)


def _code(emu, key, user_id=ADA, **extra):
    return get_code(
        emu,
        requests.Session(),
        client_id=key["client_id"],
        redirect_uri=CALLBACK,
        user_id=user_id,
        extra=extra,
    )["code"]


def _exchange(emu, code, key, **extra):
    """Authorization-code grant with ``key``'s form-encoded credentials."""
    return _token(
        emu,
        grant_type="authorization_code",
        code=code,
        client_id=key["client_id"],
        client_secret=key["client_secret"],
        **extra,
    )


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# -- GET /login/oauth2/auth ---------------------------------------------------------------------


@pytest.mark.parametrize("client_id", ["99999999999999", "abc", ""])
def test_unknown_client_is_a_rendered_401(emu, client_id):
    response = _auth(emu, client_id=client_id)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == OAUTH_CHALLENGE
    assert response.json() == {"error": "invalid_client", "error_description": "unknown client"}


def test_redirect_uri_must_match(emu):
    response = _auth(emu, redirect_uri="https://evil.example/cb", scope="url:GET|/api/v1/accounts")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "redirect_uri does not match client settings",
    }


def test_scoped_key_without_scope_redirects_invalid_scope(emu):
    response = _auth(emu, state="s1")
    assert response.status_code == 302
    query = query_of(response.headers["Location"])
    assert response.headers["Location"].startswith(DEMO_REDIRECT + "?")
    assert query["error"] == "invalid_scope" and query["state"] == "s1"


def test_invalid_scope_lists_missing_scopes_as_a_sentence(emu):
    wanted = "url:GET|/api/v1/accounts url:GET|/api/v1/courses url:PUT|/a url:GET|/b"
    response = _auth(emu, scope=wanted, state="s2")
    description = query_of(response.headers["Location"])["error_description"]
    assert description == (
        "A requested scope is invalid, unknown, malformed, or exceeds the scope granted by the "
        "resource owner. The following scopes were requested, but not granted: "
        "url:GET|/api/v1/courses, url:PUT|/a, and url:GET|/b"
    )


def test_response_type_must_be_code(emu):
    response = _auth(emu, response_type="token", scope="url:GET|/api/v1/accounts", state="s")
    query = query_of(response.headers["Location"])
    assert query == {
        "error": "unsupported_response_type",
        "error_description": "Only response_type=code is permitted",
        "state": "s",
    }


def test_not_logged_in_goes_to_login_page_listing_users(emu):
    browser = requests.Session()
    response = _auth(emu, browser, scope="url:GET|/api/v1/accounts")
    assert response.headers["Location"] == f"{emu.base_url}/login/canvas"
    page = browser.get(response.headers["Location"], timeout=5)
    assert page.status_code == 200
    for name in ("Ada Lovelace", "Ben Okafor", "Hana Helpdesk", "Theo Teacher"):
        assert f"Log in as {name}" in page.text


def test_full_flow_with_confirm_page_naming_app_and_user(emu):
    browser = requests.Session()
    _auth(emu, browser, scope="url:GET|/api/v1/accounts", state="abc")
    page = browser.get(f"{emu.base_url}/login/canvas", timeout=5)
    login = browser.post(
        f"{emu.base_url}/login/canvas",
        data={"authenticity_token": form_token(page.text), "pseudonym_session[unique_id]": "BEN"},
        allow_redirects=False,
        timeout=5,
    )
    assert login.headers["Location"] == f"{emu.base_url}/login/oauth2/confirm"
    confirm = browser.get(login.headers["Location"], timeout=5)
    assert "Contact Methods Portal (demo) is requesting access to your account" in confirm.text
    assert "Ben Okafor" in confirm.text
    accepted = browser.post(
        f"{emu.base_url}/login/oauth2/accept",
        data={"authenticity_token": form_token(confirm.text)},
        allow_redirects=False,
        timeout=5,
    )
    query = query_of(accepted.headers["Location"])
    assert re.fullmatch(r"[0-9a-f]{128}", query["code"])
    assert query["state"] == "abc"
    tokens = _token(
        emu, code=query["code"], client_id=DEMO_CLIENT_ID, client_secret=DEMO_SECRET
    ).json()
    assert tokens["user"]["id"] == BEN


def test_wrong_login_id_rerenders_login_with_an_alert(emu):
    browser = requests.Session()
    page = browser.get(f"{emu.base_url}/login/canvas", timeout=5)
    response = browser.post(
        f"{emu.base_url}/login/canvas",
        data={"authenticity_token": form_token(page.text), "pseudonym_session[unique_id]": "zed"},
        timeout=5,
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text


def test_login_without_csrf_token_is_refused(emu):
    browser = requests.Session()
    browser.get(f"{emu.base_url}/login/canvas", timeout=5)
    response = browser.post(f"{emu.base_url}/login/canvas", data={"user_id": "1"}, timeout=5)
    assert response.status_code == 422


def test_deny_redirects_access_denied_with_state(emu):
    browser = requests.Session()
    emu_session = browser.post(
        f"{emu.base_url}/__emulator__/session", json={"user_id": ADA}, timeout=5
    )
    assert emu_session.ok and "canvas_session" in browser.cookies
    response = _auth(emu, browser, scope="url:GET|/api/v1/accounts", state="st")
    assert response.headers["Location"] == f"{emu.base_url}/login/oauth2/confirm"
    confirm = browser.get(response.headers["Location"], timeout=5)
    denied = browser.post(
        f"{emu.base_url}/login/oauth2/deny",
        data={"authenticity_token": form_token(confirm.text)},
        allow_redirects=False,
        timeout=5,
    )
    assert denied.headers["Location"] == f"{DEMO_REDIRECT}?error=access_denied&state=st"
    assert browser.get(f"{emu.base_url}/login/oauth2/deny", timeout=5).status_code == 405


def test_trusted_key_skips_the_confirm_page(emu):
    key = _key(emu, trusted=True)
    browser = requests.Session()
    browser.post(f"{emu.base_url}/__emulator__/session", json={"user_id": ADA}, timeout=5)
    response = _auth(emu, browser, client_id=key["client_id"], redirect_uri=CALLBACK, state="t")
    query = query_of(response.headers["Location"])
    assert response.headers["Location"].startswith(CALLBACK + "?code=")
    assert query["state"] == "t"


def test_redirect_uri_with_query_uses_ampersand(emu):
    uri = "https://portal.test/cb?tenant=7"
    key = _key(emu, redirect_uris=[uri], trusted=True)
    browser = requests.Session()
    browser.post(f"{emu.base_url}/__emulator__/session", json={"user_id": ADA}, timeout=5)
    response = _auth(emu, browser, client_id=key["client_id"], redirect_uri=uri)
    assert response.headers["Location"].startswith(uri + "&code=")


def test_prompt_none_without_session_is_login_required(emu):
    key = _key(emu)
    response = _auth(emu, client_id=key["client_id"], redirect_uri=CALLBACK, prompt="none")
    assert query_of(response.headers["Location"])["error"] == "login_required"


def test_accept_without_oauth_session_is_400_text(emu):
    response = requests.post(f"{emu.base_url}/login/oauth2/accept", timeout=5)
    assert response.status_code == 400
    assert response.text == "Invalid or missing session for oauth"


def test_out_of_band_redirect_lands_on_a_code_page(emu):
    key = _key(emu, trusted=True)
    browser = requests.Session()
    browser.post(f"{emu.base_url}/__emulator__/session", json={"user_id": ADA}, timeout=5)
    oob = "urn:ietf:wg:oauth:2.0:oob"
    response = _auth(emu, browser, client_id=key["client_id"], redirect_uri=oob)
    assert "/login/oauth2/auth?code=" in response.headers["Location"]
    page = browser.get(response.headers["Location"], timeout=5)
    assert query_of(response.headers["Location"])["code"] in page.text


# -- POST /login/oauth2/token -------------------------------------------------------------------


def test_token_success_body(emu):
    key = _key(emu)
    response = _exchange(emu, _code(emu, key), key)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "access_token",
        "token_type",
        "user",
        "canvas_region",
        "refresh_token",
        "expires_in",
    }
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["canvas_region"] == "unknown"
    assert body["user"] == {
        "id": ADA,
        "name": "Ada Lovelace",
        "global_id": "10000000000001",
        "effective_locale": "en",
        "fake_student": False,
    }


def test_code_is_single_use(emu):
    key = _key(emu)
    code = _code(emu, key)
    creds = {"client_id": key["client_id"], "client_secret": key["client_secret"]}
    assert _token(emu, code=code, **creds).status_code == 200  # grant_type inferred from code
    again = _token(emu, grant_type="authorization_code", code=code, **creds)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "authorization_code not found",
    }


def test_code_for_another_client_is_incorrect_client(emu):
    key, other = _key(emu), _key(emu)
    response = _exchange(emu, _code(emu, key), other)
    assert response.status_code == 400
    assert response.json()["error_description"] == "incorrect client"


@pytest.mark.parametrize(
    ("data", "status", "error", "description"),
    [
        (
            {"grant_type": "password"},
            400,
            "unsupported_grant_type",
            "The grant_type you requested is not currently supported",
        ),
        (
            {"grant_type": "authorization_code", "client_id": "1"},
            401,
            "invalid_client",
            "unknown client",
        ),
        (
            {"grant_type": "authorization_code", "client_secret": "wrong"},
            401,
            "invalid_client",
            "invalid client",
        ),
        (
            {"grant_type": "authorization_code"},
            400,
            "invalid_request",
            "You must provide the code parameter when using the authorization_code grant type",
        ),
        (
            {"grant_type": "refresh_token"},
            400,
            "invalid_request",
            "You must provide the refresh_token parameter when using the refresh_token grant type",
        ),
        (
            {"grant_type": "refresh_token", "refresh_token": "1~x"},
            400,
            "invalid_grant",
            "refresh_token not found",
        ),
        (
            {"grant_type": "authorization_code", "code": "f" * 128},
            400,
            "invalid_grant",
            "authorization_code not found",
        ),
    ],
)
def test_token_endpoint_error_table(emu, data, status, error, description):
    payload = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_SECRET, **data}
    response = _token(emu, **payload)
    assert response.status_code == status
    assert response.json() == {"error": error, "error_description": description}
    if status == 401:
        assert response.headers["WWW-Authenticate"] == OAUTH_CHALLENGE
    else:
        assert "WWW-Authenticate" not in response.headers


def test_client_auth_by_http_basic_and_json_body(emu):
    key = _key(emu)
    response = requests.post(
        f"{emu.base_url}/login/oauth2/token",
        json={"grant_type": "authorization_code", "code": _code(emu, key)},
        auth=(key["client_id"], key["client_secret"]),
        timeout=5,
    )
    assert response.status_code == 200


def test_refresh_keeps_the_refresh_token_for_confidential_clients(emu):
    tokens = authorize_and_exchange(emu, user_id=ADA, trusted=True)
    refreshed = refresh_tokens(emu, tokens)
    body = refreshed.json()
    assert refreshed.status_code == 200
    assert "refresh_token" not in body
    assert body["access_token"] != tokens["access_token"] and body["expires_in"] == 3600
    # The old access string is gone; the same refresh token keeps working.
    assert Api(emu.base_url, tokens["access_token"]).get("users/self").status_code == 401
    again = refresh_tokens(emu, tokens)
    assert again.status_code == 200


def test_refresh_by_another_client_is_incorrect_client(emu):
    tokens = authorize_and_exchange(emu, user_id=ADA, trusted=True)
    other = _key(emu)
    response = refresh(emu, tokens["refresh_token"], other["client_id"], other["client_secret"])
    assert response.json()["error_description"] == "incorrect client"


def test_pkce_s256_round_trip(emu):
    key = _key(emu)
    verifier = "v" * 50
    code = _code(emu, key, code_challenge=_s256(verifier), code_challenge_method="S256")
    response = _exchange(emu, code, key, code_verifier=verifier)
    assert response.status_code == 200


def test_pkce_mismatch_is_invalid_grant(emu):
    key = _key(emu)
    code = _code(emu, key, code_challenge=_s256("right"), code_challenge_method="S256")
    creds = {"client_id": key["client_id"], "client_secret": key["client_secret"]}
    response = _token(
        emu, grant_type="authorization_code", code=code, code_verifier="wrong", **creds
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": (
            "The provided authorization grant is invalid, expired, revoked, does not match the "
            "redirection URI used in the authorization request, or was issued to another client."
        ),
    }
    # The challenge was consumed by the failed check, so the right verifier fails too.
    retry = _token(emu, grant_type="authorization_code", code=code, code_verifier="right", **creds)
    assert retry.status_code == 400


def test_plain_challenge_method_disables_pkce(emu):
    key = _key(emu)
    code = _code(emu, key, code_challenge="plainvalue", code_challenge_method="plain")
    response = _exchange(emu, code, key, code_verifier="plainvalue")
    assert response.status_code == 400  # no stored challenge → invalid_grant


def test_public_client_pkce_without_secret_and_rotating_refresh(emu):
    key = _key(emu, client_type="public")
    verifier = "w" * 60
    code = _code(emu, key, code_challenge=_s256(verifier), code_challenge_method="S256")
    first = _token(
        emu,
        grant_type="authorization_code",
        code=code,
        code_verifier=verifier,
        client_id=key["client_id"],
    ).json()
    assert "refresh_token" in first
    rotated = refresh(emu, first["refresh_token"], key["client_id"]).json()
    assert rotated["refresh_token"] != first["refresh_token"]
    old = refresh(emu, first["refresh_token"], key["client_id"])
    assert old.status_code == 400


# -- DELETE /login/oauth2/token -------------------------------------------------------------------


def test_logout_needs_an_oauth_token(emu):
    response = requests.delete(f"{emu.base_url}/login/oauth2/token", timeout=5)
    assert response.status_code == 400
    assert response.json() == {
        "message": "can't delete OAuth access token when not using an OAuth access token"
    }


def test_logout_deletes_token_and_its_refresh_token(emu):
    tokens = authorize_and_exchange(emu, user_id=ADA, trusted=True)
    response = requests.delete(
        f"{emu.base_url}/login/oauth2/token",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )
    assert response.status_code == 200 and response.json() == {}
    api = Api(emu.base_url, tokens["access_token"]).get("users/self")
    assert api.json() == {"errors": [{"message": "Revoked access token."}]}
    refresh = refresh_tokens(emu, tokens)
    assert refresh.json()["error"] == "invalid_grant"


# -- replace_tokens, the token list, a redirecting token endpoint -------------------------------


def _statuses(emu, user_id):
    return {t["access_token"]: t["status"] for t in emu.tokens(user_id)}


def test_replace_tokens_revokes_the_users_other_tokens_for_that_key_only(emu):
    key, other_key = _key(emu, trusted=True), _key(emu, trusted=True)
    first = _exchange(emu, _code(emu, key), key).json()["access_token"]
    elsewhere = _exchange(emu, _code(emu, other_key), other_key).json()["access_token"]
    bens = _exchange(emu, _code(emu, key, user_id=BEN), key).json()["access_token"]
    kept = _exchange(emu, _code(emu, key), key).json()["access_token"]  # no replace_tokens
    assert _statuses(emu, ADA)[kept] == "live"

    latest = _exchange(emu, _code(emu, key), key, replace_tokens="1").json()["access_token"]

    ada = _statuses(emu, ADA)
    assert ada[first] == ada[kept] == "revoked"
    assert ada[latest] == "live"
    assert ada[elsewhere] == "live"  # another developer key's token is not touched
    assert _statuses(emu, BEN)[bens] == "live"  # nor another user's
    assert Api(emu.base_url, first).get("users/self").status_code == 401


def test_token_list_shows_live_expired_and_revoked_tokens(emu):
    tokens = [authorize_and_exchange(emu, user_id=ADA, trusted=True) for _ in range(3)]
    live, expired, revoked = (t["access_token"] for t in tokens)
    emu.expire_token(expired)
    requests.delete(
        f"{emu.base_url}/login/oauth2/token",
        headers={"Authorization": f"Bearer {revoked}"},
        timeout=5,
    )
    listed = emu.tokens(ADA)
    assert {t["access_token"]: t["status"] for t in listed} == {
        live: "live",
        expired: "expired",
        revoked: "revoked",
    }
    assert set(listed[0]) == {
        "id",
        "user_id",
        "developer_key_id",
        "access_token",
        "status",
        "manual",
        "purpose",
    }
    assert emu.tokens(BEN) == []


def test_redirect_fault_answers_the_token_endpoint_with_a_redirect_once(emu):
    emu.faults(next=[{"redirect": "http://elsewhere.example/steal", "status": 308}])
    moved = requests.post(
        f"{emu.base_url}/login/oauth2/token", data={}, allow_redirects=False, timeout=5
    )
    assert moved.status_code == 308
    assert moved.headers["Location"] == "http://elsewhere.example/steal"
    again = requests.post(f"{emu.base_url}/login/oauth2/token", data={}, timeout=5)
    assert again.status_code == 400  # consumed: back to Canvas's own answer
    with pytest.raises(Exception, match="400"):
        emu.faults(next=[{"redirect": "http://elsewhere.example/", "status": 200}])
