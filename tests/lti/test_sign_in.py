"""After a valid launch: signed in with a working stored token, otherwise "Connect your Canvas
account" through top-level OAuth, back where the launch pointed, for that same user only."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.test import Client

from accounts.models import CanvasToken
from lti.models import LtiPendingConnect
from tests.conftest import DEMO_ADMIN, DEMO_BOUNCING, DEMO_STUDENT, authorize, sign_in
from tests.lti.conftest import Lti


def connect_link(response) -> str:
    assert response.status_code == 200, response.content
    assert b"Connect your Canvas account" in response.content
    return response.context["connect_url"]


def test_first_launch_connects_then_lands_on_channels(lti: Lti, client: Client) -> None:
    response, _ = lti.launch(client, DEMO_STUDENT)
    link = connect_link(response)
    # From a frame (no Sec-Fetch-Dest: document), Canvas's sign-in opens in a new window.
    assert response.context["new_window"] is True
    assert 'target="_blank"' in response.content.decode()
    assert "canvas_user" not in client.session
    # The new window: OAuth top-level, then back to the continuation.
    window = Client()
    next_path = parse_qs(urlsplit(link).query)["next"][0]
    callback = window.get(authorize(lti.emulator, window, DEMO_STUDENT, next_path))
    assert callback["Location"] == next_path
    landed = window.get(next_path)
    assert landed.status_code == 302 and landed["Location"] == "/channels/"
    assert b"ada.lovelace@demo.example.edu" in window.get("/channels/").content
    assert not LtiPendingConnect.objects.exists()
    # The next launch finds the stored token and signs straight in.
    assert lti.launch(Client(), DEMO_STUDENT)[0]["Location"] == "/channels/"


def test_top_level_launch_connects_in_the_same_window(lti: Lti, client: Client) -> None:
    started = lti.start(client, DEMO_STUDENT)
    fields = lti.authorize(started, DEMO_STUDENT)
    response = client.post("/lti/launch", fields, headers={"Sec-Fetch-Dest": "document"})
    connect_link(response)
    assert response.context["new_window"] is False
    assert 'target="_blank"' not in response.content.decode()


def test_connecting_another_account_is_refused(lti: Lti, client: Client) -> None:
    link = connect_link(lti.launch(client, DEMO_STUDENT)[0])
    next_path = parse_qs(urlsplit(link).query)["next"][0]
    window = Client()
    window.get(authorize(lti.emulator, window, DEMO_BOUNCING, next_path))
    refused = window.get(next_path)
    assert refused.status_code == 403
    assert b"You connected the Canvas account of Ben Okafor" in refused.content
    assert b"for someone else, so you have not been signed in" in refused.content
    assert "canvas_user" not in window.session
    assert window.get("/channels/").status_code == 302  # not signed in


def test_revoked_token_asks_to_connect_again(lti: Lti, client: Client) -> None:
    sign_in(lti.emulator, Client(), DEMO_STUDENT)
    row = CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT)
    lti.emulator.revoke_token(row.access_token)
    connect_link(lti.launch(client, DEMO_STUDENT)[0])
    assert not CanvasToken.objects.filter(canvas_user_id=DEMO_STUDENT).exists()


def test_token_of_another_user_does_not_sign_in(lti: Lti, client: Client) -> None:
    sign_in(lti.emulator, Client(), DEMO_BOUNCING)  # Ben's token; Ada launches
    connect_link(lti.launch(client, DEMO_STUDENT)[0])
    assert "canvas_user" not in client.session


def test_account_navigation_opens_the_help_desk(lti: Lti, client: Client) -> None:
    sign_in(lti.emulator, Client(), DEMO_ADMIN)
    response, _ = lti.launch(client, DEMO_ADMIN, placement="account_navigation")
    assert response["Location"] == "/helpdesk/"
    assert client.get("/helpdesk/").status_code == 200


def test_expired_continuation_link(lti: Lti, client: Client) -> None:
    sign_in(lti.emulator, client, DEMO_STUDENT)
    response = client.get("/lti/continue/not-a-real-key/")
    assert response.status_code == 400
    assert b"out of date or was already used" in response.content
