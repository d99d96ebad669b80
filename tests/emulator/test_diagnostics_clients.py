"""The diagnostics routes through scoped tokens and through ``canvasapi`` (§3.6, §13, §14)."""

from __future__ import annotations

import pytest
from canvasapi import Canvas
from canvasapi.account import Account

from .helpers import ADA, BEN, DEMO_CLIENT_ID, DEMO_REDIRECT, DEMO_SECRET, HELPDESK, Api
from .oauth_flow import authorize_and_exchange

pytestmark = pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly:UserWarning")

DIAGNOSTIC_SCOPES = [
    "url:PUT|/api/v1/users/:id",
    "url:GET|/api/v1/accounts/:account_id/bounced_communication_channels",
    "url:GET|/api/v1/accounts/:account_id/unconfirmed_communication_channels",
    "url:GET|/api/v1/comm_messages",
]


def scoped_client(emu, scopes):
    tokens = authorize_and_exchange(
        emu,
        user_id=HELPDESK,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_SECRET,
        redirect_uri=DEMO_REDIRECT,
        scopes=scopes,
    )
    return Api(emu.base_url, tokens["access_token"])


def test_the_demo_key_grants_the_diagnostics_scopes(emu):
    [key] = emu.developer_keys()
    assert set(DIAGNOSTIC_SCOPES) <= set(key["scopes"])


def test_each_scope_opens_its_route_and_the_csv_twin(emu):
    client = scoped_client(emu, DIAGNOSTIC_SCOPES)
    assert client.get("accounts/self/bounced_communication_channels").status_code == 200
    assert client.get("accounts/self/bounced_communication_channels.csv").status_code == 200
    assert client.get("accounts/self/unconfirmed_communication_channels.csv").status_code == 200
    assert client.get("comm_messages", params={"user_id": BEN}).status_code == 200
    assert client.put(f"users/{ADA}", data={"user[email]": "a@new.example"}).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "accounts/self/bounced_communication_channels"),
        ("GET", "accounts/self/bounced_communication_channels.csv"),
        ("GET", "accounts/self/unconfirmed_communication_channels"),
        ("GET", "comm_messages?user_id=2"),
        ("PUT", "users/1"),
    ],
)
def test_a_token_without_the_scope_is_refused(emu, method, path):
    client = scoped_client(emu, ["url:GET|/api/v1/users/:id"])
    response = client.session.request(method, client.url(path), timeout=10)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": "Insufficient scopes on access token."}]}


def test_canvasapi_user_edit_sets_the_default_email(emu):
    canvas = Canvas(emu.base_url, emu.token_for(HELPDESK))
    user = canvas.get_user(ADA)
    edited = user.edit(user={"email": "ada@canvasapi.example.org"})
    assert edited.email == "ada@canvasapi.example.org"
    assert emu.channels(ADA)[0]["address"] == "ada@canvasapi.example.org"


def test_canvasapi_reads_bens_messages(emu):
    canvas = Canvas(emu.base_url, emu.token_for(HELPDESK))
    [message] = list(canvas.get_comm_messages(BEN))
    assert message.workflow_state == "bounced"
    assert str(message) == f"Confirm Email: Canvas ({message.id})"


def test_canvasapi_has_no_channel_report_methods():
    # canvasapi 3.6.0 offers no wrapper for the reports, so the portal calls them itself.
    assert not [name for name in dir(Account) if "communication_channels" in name]
