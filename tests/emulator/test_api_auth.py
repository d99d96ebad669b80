"""Token authentication, scopes and per-token rate headers (spec §3.5, §3.6, §3.8, §4)."""

from __future__ import annotations

import requests

from .helpers import ADA, DEMO_CLIENT_ID, DEMO_REDIRECT, DEMO_SECRET, Api
from .oauth_flow import authorize_and_exchange

BEARER = 'Bearer realm="canvas-lms"'


def test_no_token_is_401_unauthenticated(emu):
    response = requests.get(f"{emu.base_url}/api/v1/users/self", timeout=5)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == BEARER
    assert response.json() == {
        "status": "unauthenticated",
        "errors": [{"message": "user authorization required"}],
    }


def test_garbage_token_is_invalid_access_token(emu):
    response = Api(emu.base_url, "1~nope").get("users/self")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == BEARER
    assert response.json() == {"errors": [{"message": "Invalid access token."}]}


def test_access_token_query_param_works_on_api_paths(emu):
    token = emu.token_for(ADA)
    response = requests.get(
        f"{emu.base_url}/api/v1/users/self", params={"access_token": token}, timeout=5
    )
    assert response.status_code == 200


def test_bearer_token_is_ignored_on_web_routes(emu):
    token = emu.token_for(ADA)
    response = requests.get(
        f"{emu.base_url}/", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert "Log in" in response.text  # still anonymous


def test_expired_token_is_invalid_but_refreshable(emu):
    tokens = authorize_and_exchange(emu, user_id=ADA, trusted=True)
    emu.expire_token(tokens["access_token"])
    response = Api(emu.base_url, tokens["access_token"]).get("users/self")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == BEARER
    assert response.json() == {"errors": [{"message": "Invalid access token."}]}
    refreshed = requests.post(
        f"{emu.base_url}/login/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": tokens["client_id"],
            "client_secret": tokens["client_secret"],
        },
        timeout=5,
    )
    assert refreshed.status_code == 200
    assert Api(emu.base_url, refreshed.json()["access_token"]).get("users/self").ok


def test_revoked_token_is_revoked_and_cannot_refresh(emu):
    tokens = authorize_and_exchange(emu, user_id=ADA, trusted=True)
    emu.revoke_token(tokens["access_token"])
    response = Api(emu.base_url, tokens["access_token"]).get("users/self")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == BEARER
    assert response.json() == {"errors": [{"message": "Revoked access token."}]}
    refreshed = requests.post(
        f"{emu.base_url}/login/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": tokens["client_id"],
            "client_secret": tokens["client_secret"],
        },
        timeout=5,
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error_description"] == "refresh_token not found"


def test_scoped_token_outside_its_scopes_is_401_without_challenge(emu):
    tokens = authorize_and_exchange(
        emu,
        user_id=ADA,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_SECRET,
        redirect_uri=DEMO_REDIRECT,
        scopes=["url:GET|/api/v1/users/:user_id/communication_channels"],
    )
    client = Api(emu.base_url, tokens["access_token"])
    assert client.get("users/self/communication_channels").status_code == 200
    assert client.get("users/self/communication_channels.json").status_code == 200
    denied = client.get("users/self/profile")
    assert denied.status_code == 401
    assert "WWW-Authenticate" not in denied.headers
    assert denied.json() == {"errors": [{"message": "Insufficient scopes on access token."}]}
    assert client.add_channel("self", "x@example.com").status_code == 401


def test_manual_tokens_are_not_scope_restricted(emu):
    client = Api(emu.base_url, emu.token_for(ADA, developer_key_id=1))
    assert client.get("users/self/profile").status_code == 200


def test_rate_limit_headers_on_token_requests(emu, api):
    response = api(ADA).get("users/self")
    assert float(response.headers["X-Request-Cost"]) > 0
    remaining = float(response.headers["X-Rate-Limit-Remaining"])
    assert 0 < remaining <= 600
    failed = Api(emu.base_url, "garbage").get("users/self")
    assert "X-Rate-Limit-Remaining" in failed.headers


def test_unknown_api_route_is_404_json(api):
    response = api(ADA).get("no/such/thing")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_head_counts_as_get(emu, api):
    client = api(ADA)
    response = client.session.head(client.url("users/self"), timeout=5)
    assert response.status_code == 200
    assert response.content == b""
