"""After a valid launch: signed in through the `sub` binding and a working stored token,
otherwise "Connect your Canvas account" through top-level OAuth in the browser that launched,
which binds the launch's `sub` to the Canvas user OAuth proved (docs/lti.md)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts.models import CanvasToken
from canvas_emulator.demo_users import DEMO_ADMIN, DEMO_BOUNCING, DEMO_STUDENT, DEMO_TEACHER
from lti.models import LtiIdentity, LtiPendingConnect
from tests.lti.conftest import Lti
from tests.support.canvas import authorize, sign_in

OAUTH_AUTHORIZE = "/login/oauth2/auth"


def connect_link(response) -> str:
    assert response.status_code == 200, response.content
    assert b"Connect your Canvas account" in response.content
    return response.context["connect_url"]


def signed_in_as(client: Client) -> int | None:
    user = client.session.get("canvas_user")
    return None if user is None else user["id"]


def test_first_launch_connects_in_a_new_window_then_lands_on_channels(
    lti: Lti, client: Client
) -> None:
    response, _ = lti.launch(client, DEMO_STUDENT)
    link = connect_link(response)
    # From a frame (no Sec-Fetch-Dest: document), the connect runs in a new window: the same
    # launch again, top-level, where the portal's cookies are first-party.
    assert response.context["new_window"] is True
    assert 'target="_blank"' in response.content.decode()
    assert link.startswith("/lti/login?") and parse_qs(urlsplit(link).query)["connect"] == ["1"]
    assert signed_in_as(client) is None
    assert not LtiPendingConnect.objects.exists()  # nothing stored for a framed launch
    window = Client()
    relaunched = lti.relaunch_top_level(window, link, DEMO_STUDENT)
    assert relaunched.status_code == 302 and relaunched["Location"].startswith("/lti/connect/")
    landed = lti.finish_connect(window, relaunched["Location"], DEMO_STUDENT)
    assert landed.status_code == 302 and landed["Location"] == "/channels/"
    assert b"ada.lovelace@demo.example.edu" in window.get("/channels/").content
    assert not LtiPendingConnect.objects.exists()
    [identity] = LtiIdentity.objects.all()
    assert (identity.subject, identity.canvas_user_id) == (lti.subject(DEMO_STUDENT), DEMO_STUDENT)


def test_the_new_window_connects_even_without_fetch_metadata(lti: Lti, client: Client) -> None:
    link = connect_link(lti.launch(client, DEMO_STUDENT)[0])
    # An older browser sends no Sec-Fetch-Dest, and Canvas's document_target still says iframe.
    relaunched = lti.relaunch_top_level(Client(), link, DEMO_STUDENT, fetch_metadata=False)
    assert relaunched.status_code == 302 and relaunched["Location"].startswith("/lti/connect/")


def test_second_launch_by_a_bound_sub_signs_in_without_connect(lti: Lti) -> None:
    lti.connect(DEMO_STUDENT)
    lti.emulator.clear_requests()
    browser = Client()
    response, _ = lti.launch(browser, DEMO_STUDENT)
    assert response.status_code == 302 and response["Location"] == "/channels/"
    assert signed_in_as(browser) == DEMO_STUDENT
    assert not any(row["path"] == OAUTH_AUTHORIZE for row in lti.emulator.requests_log())


def test_top_level_launch_connects_in_the_same_window(lti: Lti, client: Client) -> None:
    response, _ = lti.launch(client, DEMO_STUDENT, top_level=True)
    link = connect_link(response)
    assert response.context["new_window"] is False
    assert 'target="_blank"' not in response.content.decode()
    assert link.startswith("/lti/connect/")
    [cookie] = [m for name, m in response.cookies.items() if name.startswith("lti_connect_")]
    for attribute in ("SameSite=None", "Secure", "HttpOnly", "Partitioned", "Path=/lti/"):
        assert attribute in cookie.output(header="")
    assert lti.finish_connect(client, link, DEMO_STUDENT)["Location"] == "/channels/"


@pytest.mark.parametrize(
    "claim", ["canvas_user_id", "user_id", "sub", "canvas_user_login_id", "lis_person_sourcedid"]
)
def test_a_launch_naming_another_user_in_a_custom_claim_signs_nobody_in_as_that_user(
    lti: Lti, client: Client, claim: str
) -> None:
    lti.connect(DEMO_ADMIN)  # the help-desk admin uses the portal: token and binding stored
    # A teacher's own link (link custom fields override the tool's in Canvas) names the admin.
    custom = {claim: str(DEMO_ADMIN), "canvas_user_id": str(DEMO_ADMIN)}
    response, _ = lti.launch(client, DEMO_TEACHER, custom=custom)
    connect_link(response)  # the teacher is asked to connect their own account
    assert signed_in_as(client) is None
    assert client.get("/helpdesk/").status_code == 302  # to sign-in, not the help desk


def test_connect_link_completed_in_another_browser_binds_nothing(lti: Lti) -> None:
    teacher = Client()
    response, _ = lti.launch(teacher, DEMO_TEACHER, top_level=True)
    link = connect_link(response)
    # The teacher sends the link to the help-desk admin, who opens it in her own browser.
    admin = Client()
    refused = admin.get(link)
    assert refused.status_code == 403
    assert b"only works in the browser where you opened the portal" in refused.content
    # Even after signing in with Canvas there, the continuation binds nothing.
    key = link.rstrip("/").rsplit("/", 1)[1]
    next_path = f"/lti/continue/{key}/"
    admin.get(authorize(lti.emulator, admin, DEMO_ADMIN, next_path))
    assert admin.get(next_path).status_code == 403
    assert not LtiIdentity.objects.exists()
    browser = Client()
    connect_link(lti.launch(browser, DEMO_TEACHER)[0])  # still unbound
    assert signed_in_as(browser) is None  # and not signed in as the admin


def test_a_portal_session_left_in_the_browser_is_not_bound(lti: Lti, client: Client) -> None:
    sign_in(lti.emulator, client, DEMO_BOUNCING)  # Ben used the portal in this browser
    response, _ = lti.launch(client, DEMO_STUDENT, top_level=True)  # then Ada launches
    key = connect_link(response).rstrip("/").rsplit("/", 1)[1]
    skipped = client.get(f"/lti/continue/{key}/")  # straight on, without signing in
    assert skipped.status_code == 302 and skipped["Location"] == f"/lti/connect/{key}/"
    assert not LtiIdentity.objects.exists()
    to_login = client.get(skipped["Location"])
    assert to_login["Location"].startswith("/login/")
    assert signed_in_as(client) is None  # Ben's portal session is gone before OAuth starts


def test_revoked_token_asks_to_connect_again(lti: Lti, client: Client) -> None:
    lti.connect(DEMO_STUDENT)
    row = CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT)
    lti.emulator.revoke_token(row.access_token)
    connect_link(lti.launch(client, DEMO_STUDENT)[0])
    assert not CanvasToken.objects.filter(canvas_user_id=DEMO_STUDENT).exists()


def test_token_without_a_binding_does_not_sign_in(lti: Lti, client: Client) -> None:
    sign_in(lti.emulator, Client(), DEMO_STUDENT)  # a token, but never connected from Canvas
    connect_link(lti.launch(client, DEMO_STUDENT)[0])
    assert signed_in_as(client) is None


def test_account_navigation_opens_the_help_desk(lti: Lti, client: Client) -> None:
    lti.connect(DEMO_ADMIN, placement="account_navigation")
    response, _ = lti.launch(client, DEMO_ADMIN, placement="account_navigation")
    assert response["Location"] == "/helpdesk/"
    assert client.get("/helpdesk/").status_code == 200


def test_expired_continuation_link(lti: Lti, client: Client) -> None:
    sign_in(lti.emulator, client, DEMO_STUDENT)
    for path in ("/lti/continue/not-a-real-key/", "/lti/connect/not-a-real-key/"):
        response = client.get(path)
        assert response.status_code == 400
        assert b"out of date or was already used" in response.content
