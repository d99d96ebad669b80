"""Abuse limits through the Django test client, against the emulator: a burst of changes, the
help desk's own higher limit, the per-address limit on the sign-in endpoints, and what a refused
person sees (a 429 that says when to try again, what they typed kept, nothing sent to Canvas)."""

import re

import pytest
from django.test import Client, RequestFactory

from accounts.session import PortalUser
from canvas_emulator.demo_users import DEMO_ADMIN, DEMO_STUDENT
from portal import counters
from portal.limits import by_user, try_again
from tests.portal.test_channel_views import input_tag
from tests.support.canvas import sign_in

pytestmark = pytest.mark.django_db

CHANNELS_API = "/api/v1/users/self/communication_channels"
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/channels/"}
TOO_MANY = "You have made many changes in a short time, so this one was not made. Try again in"
# Day-long windows in the tests that set their own rates: a window cannot end mid-test.
A_DAY = "d"


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def posts_to_canvas(emulator, path: str = CHANNELS_API) -> int:
    return sum(1 for r in emulator.requests_log() if r["method"] == "POST" and r["path"] == path)


def typed_address(response) -> str:
    field = input_tag(response.content.decode(), "id_address")
    return re.search(r'value="([^"]*)"', field).group(1)


@pytest.fixture
def page(student, canvas):
    assert student.get("/channels/").status_code == 200
    canvas.clear_requests()
    return student


# --- changes by a signed-in user ----------------------------------------------------------------


def test_thirty_rapid_adds_reach_canvas_at_most_ten_times_and_the_rest_are_told_when_to_retry(
    page, canvas
):
    """The incident: one student, 30 third-party addresses in under two seconds (defaults)."""
    answers = [
        page.post("/channels/add/", {"channel_type": "email", "address": f"victim{n}@example.org"})
        for n in range(30)
    ]
    refused = [a for a in answers if a.status_code == 429]
    assert 1 <= posts_to_canvas(canvas) <= 10
    assert len(refused) == 30 - posts_to_canvas(canvas)
    assert all(a.status_code == 302 for a in answers if a.status_code != 429)
    for answer in refused:
        assert TOO_MANY in text_of(answer)
        assert 1 <= int(answer["Retry-After"]) <= 60
    last = refused[-1]
    assert typed_address(last) == "victim29@example.org"  # the form, as typed
    assert "Your contact methods" in text_of(last)  # the page, from what was last shown


def test_a_normal_pace_of_five_changes_a_minute_is_never_refused(page, canvas):
    for n in range(5):
        added = page.post("/channels/add/", {"channel_type": "email", "address": f"me{n}@x.org"})
        assert added.status_code == 302, text_of(added)
    assert posts_to_canvas(canvas) == 5


def test_an_htmx_refusal_goes_to_the_alert_region_and_leaves_the_form_alone(page, canvas, settings):
    settings.RATE_LIMIT_CHANGES = f"1/{A_DAY}"
    form = {"channel_type": "email", "address": "first@example.org"}
    assert page.post("/channels/add/", form, headers=HTMX).status_code == 200
    canvas.clear_requests()
    refused = page.post(
        "/channels/add/", {"channel_type": "email", "address": "second@example.org"}, headers=HTMX
    )
    assert refused.status_code == 429
    assert refused["HX-Retarget"] == "#alert-region"
    assert refused["HX-Reswap"] == "innerHTML"
    text = text_of(refused)
    assert text.startswith(TOO_MANY) and text.endswith(("hours.", "hour.", "minutes."))
    assert "<form" not in refused.content.decode()  # the form in the page keeps what was typed
    assert canvas.requests_log() == []


def test_remove_and_resend_share_the_limit_and_asking_before_removing_does_not_count(
    page, canvas, settings
):
    settings.RATE_LIMIT_CHANGES = f"2/{A_DAY}"
    for _ in range(3):
        assert page.get("/channels/2/remove/").status_code == 200  # "Remove this?" only
    assert (
        page.post("/channels/add/", {"channel_type": "email", "address": "a@x.org"}).status_code
        == 302
    )
    assert page.post("/channels/2/remove/").status_code == 302
    canvas.clear_requests()
    for refused in (page.post("/channels/1/remove/"), page.post("/channels/1/resend/")):
        assert refused.status_code == 429
        assert TOO_MANY in text_of(refused)
    assert canvas.requests_log() == []
    assert any(c["id"] == 1 for c in canvas.channels(DEMO_STUDENT))


# --- help-desk staff acting for users -----------------------------------------------------------


def test_help_desk_staff_have_their_own_higher_limit(canvas, settings):
    settings.RATE_LIMIT_CHANGES = f"1/{A_DAY}"
    settings.RATE_LIMIT_HELPDESK_CHANGES = f"3/{A_DAY}"
    staff = sign_in(canvas, Client(), DEMO_ADMIN)
    ada = f"/helpdesk/users/{DEMO_STUDENT}/"
    assert staff.get(ada).status_code == 200
    canvas.clear_requests()
    add = f"{ada}channels/add/"
    for n in range(3):  # more than a student may
        done = staff.post(add, {"channel_type": "email", "address": f"fix{n}@example.org"})
        assert done.status_code == 302, text_of(done)
    refused = staff.post(add, {"channel_type": "email", "address": "fix3@example.org"})
    assert refused.status_code == 429
    assert (
        "You have made many changes for users in a short time, so this one was not made. "
        "Try again in about"
    ) in text_of(refused)
    assert typed_address(refused) == "fix3@example.org"
    assert "Contact methods of Ada Lovelace" in text_of(refused)
    assert posts_to_canvas(canvas, f"/api/v1/users/{DEMO_STUDENT}/communication_channels") == 3


def test_staff_replacing_an_email_count_against_the_staff_limit(canvas, settings):
    settings.RATE_LIMIT_HELPDESK_CHANGES = f"1/{A_DAY}"
    staff = sign_in(canvas, Client(), DEMO_ADMIN)
    replace = f"/helpdesk/users/{DEMO_STUDENT}/replace-email/"
    assert staff.get(replace).status_code == 200
    staff.post(
        f"/helpdesk/users/{DEMO_STUDENT}/channels/add/",
        {"channel_type": "email", "address": "x@example.org"},
    )
    canvas.clear_requests()
    refused = staff.post(replace, {"old_channel_id": "2", "new_address": "typed@example.org"})
    assert refused.status_code == 429
    assert "many changes for users" in text_of(refused)
    assert 'value="typed@example.org"' in refused.content.decode()
    assert canvas.requests_log() == []


# --- sign-in endpoints, per client address ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/login/"),
        ("get", "/oauth/callback/?state=s&code=c"),
        ("get", "/lti/login"),
        ("post", "/lti/launch"),
    ],
)
def test_sign_in_endpoints_are_limited_per_client_address(canvas, settings, method, path):
    settings.RATE_LIMIT_SIGN_IN = f"3/{A_DAY}"
    # LTI on (the requests are refused as incomplete, which is enough to count them).
    settings.LTI_ISSUER, settings.LTI_CLIENT_ID = "https://canvas.example.edu", "10000000000009"
    browser = Client()
    for _ in range(3):
        assert getattr(browser, method)(path).status_code != 429
    refused = getattr(browser, method)(path)
    assert refused.status_code == 429
    assert (
        "There have been many sign-in attempts from your network in a short time. "
        "Try again in about"
    ) in text_of(refused)
    assert int(refused["Retry-After"]) > 0
    # Someone at another address is not affected.
    assert getattr(Client(REMOTE_ADDR="192.0.2.7"), method)(path).status_code != 429


def test_login_limit_sends_nobody_to_canvas_once_reached(canvas, settings):
    settings.RATE_LIMIT_SIGN_IN = f"2/{A_DAY}"
    browser = Client()
    assert [browser.get("/login/").status_code for _ in range(3)] == [302, 302, 429]


def test_ipv6_clients_are_counted_per_64_network(canvas, settings):
    settings.RATE_LIMIT_SIGN_IN = f"2/{A_DAY}"
    codes = [
        Client(REMOTE_ADDR=f"2001:db8:1:2::{n}").get("/login/").status_code for n in range(1, 4)
    ]
    assert codes == [302, 302, 429]


# --- the wording, the counters, the configuration -----------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "sentence"),
    [
        (4, "Try again in a few seconds."),
        (59, "Try again in about a minute."),
        (90, "Try again in about a minute."),
        (91, "Try again in about 2 minutes."),
        (600, "Try again in about 10 minutes."),
        (3600, "Try again in about an hour."),
        (3 * 3600, "Try again in about 3 hours."),
        (6 * 86400, "Try again in about 6 days."),
    ],
)
def test_the_refusal_says_when_to_try_again_from_the_window(seconds, sentence):
    assert try_again(seconds) == sentence


def test_a_counter_counts_each_hit_and_starts_again_at_one_when_its_window_ends(monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(counters.time, "time", lambda: clock[0])
    first = counters.hit("changes", "user:7", period=60)
    assert [first.hits, counters.hit("changes", "user:7", period=60).hits] == [1, 2]
    assert counters.hit("changes", "user:8", period=60).hits == 1  # another user: own count
    assert first.window_ends >= clock[0]
    clock[0] = first.window_ends  # the window's last second still counts in it
    assert counters.hit("changes", "user:7", period=60).hits == 3
    clock[0] = first.window_ends + 1
    restarted = counters.hit("changes", "user:7", period=60)
    assert (restarted.hits, restarted.window_ends) == (1, first.window_ends + 60)


def test_the_per_user_key_counts_the_signed_in_user_and_refuses_a_request_without_one() -> None:
    request = RequestFactory().post("/channels/add/")
    with pytest.raises(RuntimeError, match="canvas_login_required"):
        by_user(request)
    request.portal_user = PortalUser(id=7, name="Ada")  # what canvas_login_required sets
    assert by_user(request) == "user:7"
