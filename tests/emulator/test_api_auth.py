"""Token authentication, scopes and per-token rate headers.

Canvas's rules: docs/canvas-behaviour.md §3.5, §3.6, §3.8 and §4.
"""

from __future__ import annotations

import pytest
import requests

from .helpers import ADA, DEMO_CLIENT_ID, DEMO_REDIRECT, DEMO_SECRET, Api
from .oauth_flow import authorize_and_exchange, refresh_tokens

BEARER = 'Bearer realm="canvas-lms"'


def assert_token_rejected(response: requests.Response, message: str) -> None:
    """A §3.5 token problem: 401 with the Bearer challenge and Canvas's message."""
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == BEARER
    assert response.json() == {"errors": [{"message": message}]}


def test_no_token_is_401_unauthenticated(emu):
    response = requests.get(f"{emu.base_url}/api/v1/users/self", timeout=5)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == BEARER
    assert response.json() == {
        "status": "unauthenticated",
        "errors": [{"message": "user authorization required"}],
    }


def test_garbage_token_is_invalid_access_token(emu):
    assert_token_rejected(Api(emu.base_url, "1~nope").get("users/self"), "Invalid access token.")


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


@pytest.mark.parametrize(
    ("action", "message", "refresh_status"),
    [
        # The 1-hour expiry: the API refuses the string, the refresh token still works.
        ("expire", "Invalid access token.", 200),
        # The user removed the integration: the row is gone, refresh fails too.
        ("revoke", "Revoked access token.", 400),
    ],
)
def test_expired_and_revoked_tokens(emu, action, message, refresh_status):
    tokens = authorize_and_exchange(emu, user_id=ADA, trusted=True)
    getattr(emu, f"{action}_token")(tokens["access_token"])
    assert_token_rejected(Api(emu.base_url, tokens["access_token"]).get("users/self"), message)
    refreshed = refresh_tokens(emu, tokens)
    assert refreshed.status_code == refresh_status
    if refresh_status == 200:
        assert Api(emu.base_url, refreshed.json()["access_token"]).get("users/self").ok
    else:
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
