"""/lti/login and /lti/launch: every way a launch is refused, what anonymous requests may store,
and key rotation."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client

from canvas_emulator.demo_users import DEMO_STUDENT, DEMO_TEACHER
from lti.models import LtiIdentity, LtiLogin
from tests.lti.conftest import Lti, Started, now
from tests.lti.storage import stored_characters
from tests.support.canvas import sign_in

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
PLACEMENT = "https://www.instructure.com/placement"
COURSE = {
    "id": "course-7",
    "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
}
MEGABYTE = 1024 * 1024


def refused(response, caplog: pytest.LogCaptureFixture, code: str) -> None:
    assert response.status_code == 400, response.content
    assert b"Canvas could not open the portal" in response.content
    assert f"LTI launch refused: {code}" in caplog.messages


def crafted_launch(lti: Lti, client: Client, **options: Any):
    """A launch started in `client` whose id_token the test crafted (see Lti.token)."""
    started = lti.start(client, DEMO_STUDENT)
    id_token = lti.token(DEMO_STUDENT, started.nonce, **options)
    return client.post("/lti/launch", {"id_token": id_token, "state": started.state})


def wrong_place(response, caplog: pytest.LogCaptureFixture, code: str) -> None:
    assert response.status_code == 400, response.content
    assert b"The portal opens only from the Account menu or the Admin menu" in response.content
    assert f"LTI launch refused: {code}" in caplog.messages


@pytest.fixture
def stored_token(lti: Lti) -> None:
    """The demo student has connected her Canvas account before (in another browser): her
    token is stored and her `sub` is bound to her Canvas id."""
    sign_in(lti.emulator, Client(), DEMO_STUDENT)
    LtiIdentity.objects.create(
        issuer=lti.emulator.control("GET", "lti/platform")["issuer"],
        subject=lti.subject(DEMO_STUDENT),
        canvas_user_id=DEMO_STUDENT,
    )


def test_valid_launch_signs_the_user_in(lti: Lti, stored_token: None, client: Client) -> None:
    response, _ = lti.launch(client, DEMO_STUDENT)
    assert response.status_code == 302
    assert response["Location"] == "/channels/"
    page = client.get("/channels/")
    assert page.status_code == 200
    assert b"ada.lovelace@demo.example.edu" in page.content


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"sign_with": "forged"}, "signature"),
        ({"overrides": {"aud": "10000000099999"}}, "audience"),
        ({"overrides": {"iss": "https://evil.example.com"}}, "issuer"),
        ({"overrides": {LTI + "deployment_id": "99:unknown"}}, "deployment"),
        ({"overrides": {"exp": now() - 120, "iat": now() - 3720}}, "expired"),
        ({"overrides": {"iat": now() + 600, "exp": now() + 4200}}, "issued_in_future"),
        ({"remove": ["sub"]}, "missing_sub"),
        ({"overrides": {"sub": "x" * 256}}, "subject"),
        ({"overrides": {LTI + "message_type": "LtiDeepLinkingRequest"}}, "message_type"),
        ({"overrides": {LTI + "version": "1.1"}}, "version"),
        ({"overrides": {"aud": ["10000000099999", "x"], "azp": "x"}}, "audience"),
        ({"overrides": {"azp": "10000000099999"}}, "authorized_party"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_crafted_tokens_are_refused(
    lti: Lti,
    stored_token: None,
    client: Client,
    caplog: pytest.LogCaptureFixture,
    options: dict,
    code: str,
) -> None:
    with caplog.at_level(logging.WARNING, logger="lti"):
        response = crafted_launch(lti, client, **options)
    refused(response, caplog, code)
    assert "canvas_user" not in client.session


def test_small_clock_skew_is_accepted(lti: Lti, stored_token: None, client: Client) -> None:
    response = crafted_launch(lti, client, overrides={"exp": now() - 20})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("aud", "azp", "accepted"),
    [
        ("ours", None, True),
        ("ours", "ours", True),
        ("ours", "10000000099999", False),
        (["ours"], None, True),
        (["ours"], "10000000099999", False),  # a list of one with a foreign azp
        (["ours", "10000000099999"], None, False),  # several audiences need azp
        (["ours", "10000000099999"], "ours", True),
        (["ours", "10000000099999"], "10000000099999", False),
    ],
)
def test_azp_is_checked_for_every_audience_shape(
    lti: Lti,
    stored_token: None,
    client: Client,
    caplog: pytest.LogCaptureFixture,
    aud: str | list[str],
    azp: str | None,
    accepted: bool,
) -> None:
    ours = lti.tool["client_id"]
    audience = ours if aud == "ours" else [ours if a == "ours" else a for a in aud]
    overrides: dict = {"aud": audience}
    options: dict = {"overrides": overrides}
    if azp is None:
        options["remove"] = ["azp"]
    else:
        overrides["azp"] = ours if azp == "ours" else azp
    with caplog.at_level(logging.WARNING, logger="lti"):
        response = crafted_launch(lti, client, **options)
    if accepted:
        assert response.status_code == 302 and response["Location"] == "/channels/"
    else:
        refused(response, caplog, "authorized_party")
        assert "canvas_user" not in client.session


def test_a_launch_from_a_course_context_is_refused(
    lti: Lti, stored_token: None, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # A user_navigation launch that Canvas signed, but inside a course: refused all the same.
    with caplog.at_level(logging.WARNING, logger="lti"):
        response = crafted_launch(lti, client, overrides={LTI + "context": COURSE})
    wrong_place(response, caplog, "course_context")
    assert "canvas_user" not in client.session


def test_a_teachers_link_in_a_course_is_refused(
    lti: Lti, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # Through Canvas itself: a module link the teacher made, with their own custom fields.
    with caplog.at_level(logging.WARNING, logger="lti"):
        response, _ = lti.launch(
            client, DEMO_TEACHER, "link_selection", course_id=7, custom={"canvas_user_id": "3"}
        )
    wrong_place(response, caplog, "course_context")
    assert "canvas_user" not in client.session


@pytest.mark.parametrize(
    "options",
    [
        {"overrides": {PLACEMENT: "course_navigation"}},
        {"overrides": {PLACEMENT: "global_navigation"}},  # not declared unless the setting is on
        {"remove": [PLACEMENT]},
    ],
    ids=["course_navigation", "undeclared_global_navigation", "no_placement"],
)
def test_only_the_declared_navigation_placements_are_accepted(
    lti: Lti,
    stored_token: None,
    client: Client,
    caplog: pytest.LogCaptureFixture,
    options: dict,
) -> None:
    with caplog.at_level(logging.WARNING, logger="lti"):
        response = crafted_launch(lti, client, **options)
    wrong_place(response, caplog, "placement")


def test_global_navigation_is_accepted_when_declared(
    lti: Lti, stored_token: None, client: Client, settings
) -> None:
    settings.LTI_GLOBAL_NAVIGATION = True
    response = crafted_launch(lti, client, overrides={PLACEMENT: "global_navigation"})
    assert response.status_code == 302 and response["Location"] == "/channels/"


def test_eight_anonymous_logins_with_1_mb_fields_store_less_than_1_mb(lti: Lti) -> None:
    before = stored_characters()
    params = dict(parse_qsl(urlsplit(lti.initiation(DEMO_STUDENT)).query))
    responses = [
        Client().post(
            "/lti/login",
            {**params, "login_hint": str(n) * MEGABYTE, "lti_message_hint": "h" * MEGABYTE},
        )
        for n in range(8)
    ]
    # Without the limits: 16.8 million characters (each row kept both fields).
    assert stored_characters() - before < MEGABYTE
    assert not LtiLogin.objects.exists()
    for response in responses:
        assert response.status_code == 400
        assert b"longer than any link Canvas makes" in response.content
    # A genuine initiation still works, and stores only what a relaunch needs.
    assert Client().get(lti.initiation(DEMO_STUDENT)).status_code == 302
    [row] = LtiLogin.objects.all()
    assert set(row.initiation) <= {
        "iss",
        "login_hint",
        "target_link_uri",
        "lti_message_hint",
        "client_id",
        "lti_deployment_id",
    }


def test_an_oversized_launch_post_is_refused_before_the_state_is_used(
    lti: Lti, stored_token: None, client: Client
) -> None:
    started = lti.start(client, DEMO_STUDENT)
    fields = lti.authorize(started, DEMO_STUDENT)
    response = client.post("/lti/launch", {**fields, "id_token": "x" * MEGABYTE})
    assert response.status_code == 400
    assert b"longer than any link Canvas makes" in response.content
    assert client.post("/lti/launch", fields).status_code == 302  # the state is still good


def test_replayed_launch_and_nonce_are_refused(
    lti: Lti, stored_token: None, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    response, fields = lti.launch(client, DEMO_STUDENT)
    assert response.status_code == 302
    again = client.post("/lti/launch", fields)
    assert again.status_code == 400
    assert b"out of date or was already used" in again.content
    # The same id_token under a fresh state: its nonce is not the one issued for that state.
    started = lti.start(client, DEMO_STUDENT)
    with caplog.at_level(logging.WARNING, logger="lti"):
        replay = client.post(
            "/lti/launch", {"id_token": fields["id_token"], "state": started.state}
        )
    refused(replay, caplog, "nonce")
    assert not LtiLogin.objects.exists()  # both launches are used up


def test_state_started_in_another_browser_is_refused(
    lti: Lti, stored_token: None, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    lti.start(client, DEMO_STUDENT)  # this browser has a launch cookie of its own
    other = Client()
    started = lti.start(other, DEMO_STUDENT)
    fields = lti.authorize(started, DEMO_STUDENT)
    with caplog.at_level(logging.WARNING, logger="lti"):
        response = client.post("/lti/launch", fields)
    refused(response, caplog, "state_mismatch")
    # The launch stays usable by the browser that started it.
    assert other.post("/lti/launch", fields).status_code == 302


def test_blocked_cookies_offer_a_new_window(lti: Lti, stored_token: None, client: Client) -> None:
    started = lti.start(client, DEMO_STUDENT)
    fields = lti.authorize(started, DEMO_STUDENT)
    client.cookies.clear()  # Safari in Canvas's frame: the portal's cookies never arrive
    response = client.post("/lti/launch", fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Open in a new window" in html
    assert 'target="_blank"' in html
    assert "<script>" not in html  # CSP: no inline scripts
    relaunch = response.context["relaunch_url"]
    assert relaunch.startswith("/lti/login?")
    # The new window is top-level, so its cookies work and the launch completes there.
    window = Client()
    restarted = window.get(relaunch)
    assert restarted.status_code == 302
    again = Started.from_redirect(restarted["Location"])
    assert window.post("/lti/launch", lti.authorize(again, DEMO_STUDENT)).status_code == 302


def test_key_rotation_refetches_the_jwks_once(lti: Lti, stored_token: None, client: Client) -> None:
    assert lti.launch(client, DEMO_STUDENT)[0].status_code == 302
    assert lti.jwks_fetches() == 1
    lti.emulator.control("POST", "lti/rotate_keys")
    assert lti.launch(Client(), DEMO_STUDENT)[0].status_code == 302
    assert lti.jwks_fetches() == 2  # the new kid was unknown: one refetch
    assert lti.launch(Client(), DEMO_STUDENT)[0].status_code == 302
    assert lti.jwks_fetches() == 2  # cached since


def test_unpublished_key_is_refused_after_one_refetch(
    lti: Lti, stored_token: None, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    assert lti.launch(client, DEMO_STUDENT)[0].status_code == 302
    for _ in range(2):
        with caplog.at_level(logging.WARNING, logger="lti"):
            response = crafted_launch(lti, client, sign_with="unpublished")
        refused(response, caplog, "unknown_key")
    assert lti.jwks_fetches() == 2  # one refetch, not one per bad token


def test_platform_error_is_shown(lti: Lti, client: Client, caplog) -> None:
    started = lti.start(client, DEMO_STUDENT)
    with caplog.at_level(logging.WARNING, logger="lti"):
        response = client.post("/lti/launch", {"error": "login_required", "state": started.state})
    refused(response, caplog, "platform_login_required")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"iss": "https://evil.example.com"}, "initiation_issuer"),
        ({"client_id": "123"}, "initiation_client_id"),
        ({"lti_deployment_id": "9:nope"}, "initiation_deployment"),
        ({"target_link_uri": "https://evil.example.com/lti/launch"}, "initiation_target_link_uri"),
        ({"login_hint": ""}, "initiation_login_hint"),
    ],
)
def test_login_initiation_is_checked(
    lti: Lti, client: Client, caplog: pytest.LogCaptureFixture, change: dict, code: str
) -> None:
    url = urlsplit(lti.initiation(DEMO_STUDENT))
    params = {**dict(parse_qsl(url.query)), **change}
    with caplog.at_level(logging.WARNING, logger="lti"):
        response = client.post("/lti/login", params)  # Canvas may POST the initiation too
    refused(response, caplog, code)
    assert client.get(f"/lti/login?{urlencode(dict(parse_qsl(url.query)))}").status_code == 302


def test_lti_endpoints_are_off_until_configured(client: Client, settings) -> None:
    settings.LTI_ISSUER = ""
    assert client.get("/lti/login?iss=x").status_code == 404
    assert client.post("/lti/launch", {"state": "x", "id_token": "y"}).status_code == 404
