"""What each contact method receives: the row's line, the panel and its changes, through the
Django test client against the emulator. Asserts what the student sees and which Canvas calls
were made (docs/canvas-behaviour.md §6, §11)."""

import re

import pytest
from django.test import Client

from canvas_emulator.demo_users import DEMO_STUDENT
from channels_app import preferences
from tests.support.canvas import sign_in

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/channels/"}
ADA_DEFAULT, ADA_UNCONFIRMED, ADA_PUSH = 1, 2, 3
NEW_ADDRESS = "ada.second@example.org"


def canvas_calls(emulator) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in emulator.requests_log()
        if r["path"].startswith(("/api/", "/login/oauth2/token"))
    ]


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def stored(emulator, channel_id: int) -> dict[str, str]:
    rows = emulator.control("GET", f"channels/{channel_id}/notification_preferences")
    return {r["notification"]: r["frequency"] for r in rows}


@pytest.fixture
def page(student: Client, canvas):
    response = student.get("/channels/")
    assert response.status_code == 200
    canvas.clear_requests()
    return response


@pytest.fixture
def added(page, student: Client, canvas) -> int:
    """Ada added a second email with htmx, confirmed it, and saw the page again; its id."""
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": NEW_ADDRESS}, headers=HTMX
    )
    assert response.status_code == 200
    channel_id = int(next(c for c in canvas.channels(1) if c["path"] == NEW_ADDRESS)["id"])
    canvas.confirm_channel(channel_id)
    assert "Receives: Nothing" in text_of(student.get("/channels/"))
    canvas.clear_requests()
    return channel_id


# --- the page and the row's line ----------------------------------------------------------------


def test_the_page_view_stays_one_canvas_call_and_rows_say_they_are_not_known_yet(
    page, student, canvas
):
    response = student.get("/channels/")
    assert canvas_calls(canvas) == [("GET", "/api/v1/users/self/communication_channels")]
    text = text_of(response)
    assert "Receives: Not checked yet: use “Choose what it receives” to see" in text
    assert "Receives: Nothing until it is confirmed" in text  # Ada's unconfirmed address
    assert "Choose what it receives" in text


def test_after_an_add_the_message_says_canvas_sends_nothing_and_offers_the_copy(
    page, student, canvas
):
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": NEW_ADDRESS}, headers=HTMX
    )
    assert canvas_calls(canvas) == [("POST", "/api/v1/users/self/communication_channels")]
    text = text_of(response)
    assert f"Canvas will send nothing to {NEW_ADDRESS} until you choose what it receives." in text
    status = response.content.decode().split('id="status-region"')[1]
    assert "Same as my default email" in status
    assert "/notifications/copy-default/" in status


def test_opening_a_panel_is_one_canvas_call_and_shows_student_groups(page, student, canvas):
    response = student.get(f"/channels/{ADA_DEFAULT}/notifications/", headers=HTMX)
    assert response.status_code == 200
    path = f"/api/v1/users/self/communication_channels/{ADA_DEFAULT}/notification_preferences"
    assert canvas_calls(canvas) == [("GET", path)]
    text = text_of(response)
    for group in ("Announcements", "Due dates and calendar", "Grades and feedback", "Discussions"):
        assert group in text
    assert "Announcements from your courses" in text
    # The page's line is now known, without asking Canvas again.
    canvas.clear_requests()
    page_text = text_of(student.get("/channels/"))
    assert len(canvas_calls(canvas)) == 1
    assert "Receives: Announcements" in page_text


def test_a_push_panel_lists_only_what_a_phone_can_receive(page, student, canvas):
    html = student.get(f"/channels/{ADA_PUSH}/notifications/", headers=HTMX).content.decode()
    categories = set(re.findall(r'name="category" value="([^"]+)"', html))
    assert categories and categories <= preferences.PUSH_CATEGORIES
    assert "registration" not in categories


def test_a_category_change_is_one_canvas_call_and_confirmed_in_the_status_region(
    added, student, canvas
):
    response = student.post(
        f"/channels/{added}/notifications/",
        {"category": "announcement", "frequency": "immediately"},
        headers=HTMX,
    )
    assert canvas_calls(canvas) == [
        (
            "PUT",
            f"/api/v1/users/self/communication_channels/{added}"
            "/notification_preference_categories/announcement",
        )
    ]
    html = response.content.decode()
    status = html.split('id="status-region"')[1]
    assert "Saved: Announcements from your courses" in status
    assert "Right away" in status
    assert stored(canvas, added)["new_announcement"] == "immediately"
    # The row's line follows: it was nothing, now announcements come right away.
    line = html.split(f'id="receives-{added}"')[1].split("</p>")[0]
    assert "Announcements right away, the rest never" in line


def test_the_camelcase_category_is_written_in_the_spelling_canvas_accepts(added, student, canvas):
    student.post(
        f"/channels/{added}/notifications/",
        {"category": "discussion_entry", "frequency": "daily"},
        headers=HTMX,
    )
    assert canvas_calls(canvas)[-1][1].endswith(
        "/notification_preference_categories/discussionentry"
    )
    assert stored(canvas, added)["new_discussion_entry"] == "daily"


def test_copy_default_is_two_calls_and_the_new_channel_then_matches_the_default_everywhere(
    added, student, canvas
):
    response = student.post(
        f"/channels/{added}/notifications/copy-default/", {"from": "message"}, headers=HTMX
    )
    assert response.status_code == 200
    calls = canvas_calls(canvas)
    assert len(calls) <= 2
    assert calls == [
        (
            "GET",
            f"/api/v1/users/self/communication_channels/{ADA_DEFAULT}/notification_preferences",
        ),
        ("PUT", f"/api/v1/users/self/communication_channels/{added}/notification_preferences"),
    ]
    default, copy = stored(canvas, ADA_DEFAULT), stored(canvas, added)
    assert len(default) == 83
    assert copy == default  # every notification, Registration's SMS confirmation included
    line = response.content.decode().split(f'id="receives-{added}"')[1].split("</p>")[0]
    assert "Same as ada.lovelace@demo.example.edu" in line
    # And the page, one call, still says so.
    canvas.clear_requests()
    assert "Receives: Same as ada.lovelace@demo.example.edu" in text_of(student.get("/channels/"))
    assert len(canvas_calls(canvas)) == 1


def test_nothing_sets_every_notification_to_never_in_one_call_once_the_panel_was_open(
    page, student, canvas
):
    student.get(f"/channels/{ADA_DEFAULT}/notifications/", headers=HTMX)
    canvas.clear_requests()
    response = student.post(
        f"/channels/{ADA_DEFAULT}/notifications/none/", {"from": "panel"}, headers=HTMX
    )
    assert canvas_calls(canvas) == [
        ("PUT", f"/api/v1/users/self/communication_channels/{ADA_DEFAULT}/notification_preferences")
    ]
    assert set(stored(canvas, ADA_DEFAULT).values()) == {"never"}
    assert "Canvas will send no notifications to ada.lovelace@demo.example.edu" in text_of(response)
    # The open panel is redrawn with what is now true.
    assert 'id="notifications-slot-1" hx-swap-oob' in response.content.decode()


# --- without JavaScript -------------------------------------------------------------------------


def test_without_javascript_the_panel_is_a_page_and_every_change_posts_and_redirects(
    added, student, canvas
):
    panel = student.get(f"/channels/{added}/notifications/")
    assert panel.status_code == 200
    assert f"What {NEW_ADDRESS} receives" in text_of(panel)
    assert "Back to your contact methods" in text_of(panel)
    url = f"/channels/{added}/notifications/"
    for path, data in (
        (url, {"category": "grading", "frequency": "weekly"}),
        (url + "copy-default/", {}),
        (url + "none/", {}),
    ):
        response = student.post(path, data)
        assert response.status_code == 302, path
        assert response["Location"] == url
    assert set(stored(canvas, added).values()) == {"never"}
    shown = text_of(student.get(url))
    assert "Saved: Canvas will send no notifications" in shown


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        ({"category": "not_a_category", "frequency": "daily"}, "not one Canvas knows"),
        ({"category": "../../users/2", "frequency": "daily"}, "not one Canvas knows"),
        ({"category": "announcement", "frequency": "hourly"}, "Choose right away, daily"),
        ({"category": "announcement", "frequency": ""}, "Choose right away, daily"),
        ({"frequency": "daily"}, "not one Canvas knows"),
    ],
)
def test_bad_input_is_refused_in_words_without_a_canvas_call(page, student, canvas, data, sentence):
    response = student.post(f"/channels/{ADA_DEFAULT}/notifications/", data, headers=HTMX)
    assert sentence in text_of(response)
    assert response["HX-Retarget"] == "#alert-region"
    plain = student.post(f"/channels/{ADA_DEFAULT}/notifications/", data)
    assert plain.status_code == 422
    assert sentence in text_of(plain)
    assert canvas_calls(canvas) == []


def test_copying_the_default_onto_itself_is_refused_without_a_canvas_call(page, student, canvas):
    response = student.post(f"/channels/{ADA_DEFAULT}/notifications/copy-default/", headers=HTMX)
    assert "no other default email to copy from" in text_of(response)
    assert canvas_calls(canvas) == []


def test_a_channel_that_is_not_on_the_students_list_gets_no_preference_call(page, student, canvas):
    other_users_channel = canvas.channels(2)[0]["id"]
    for path in ("", "copy-default/", "none/"):
        url = f"/channels/{other_users_channel}/notifications/{path}"
        response = student.post(url, {"category": "grading", "frequency": "daily"})
        assert "no longer on the list" in text_of(response)
    assert canvas_calls(canvas) == []


def test_the_changes_are_limited_like_every_other_change(added, student, canvas, settings):
    settings.RATE_LIMIT_CHANGES = "1/m"
    url = f"/channels/{added}/notifications/"
    student.post(url, {"category": "grading", "frequency": "weekly"}, headers=HTMX)
    canvas.clear_requests()
    refused = student.post(url + "none/", headers=HTMX)
    assert refused.status_code == 429
    assert canvas_calls(canvas) == []


@pytest.mark.parametrize("action", ["", "copy-default/", "none/"])
def test_every_preference_change_requires_csrf(canvas, action):
    client = Client(enforce_csrf_checks=True)
    sign_in(canvas, client, DEMO_STUDENT)
    client.get("/channels/")
    canvas.clear_requests()
    data = {"category": "grading", "frequency": "never"}
    for headers in ({}, HTMX):
        response = client.post(
            f"/channels/{ADA_DEFAULT}/notifications/{action}", data, headers=headers
        )
        assert response.status_code == 403
    assert canvas_calls(canvas) == []
