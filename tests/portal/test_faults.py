"""A misbehaving Canvas, through the Django test client against the emulator's fault injection.

The matrix: every kind of failure by every action (page view, add, remove, resend) ends in a
sentence, keeps what the student typed, never makes a change twice in Canvas, and never crashes
(no 500). Then each transport limit (pages, foreign next links, size, the request deadline) on
its own, with the Canvas calls it allows.

htmx answers a failure with a 200 alert fragment (the form stays as typed in the browser); a page
without JavaScript carries the sentence in a full page answered 200, with the form as typed:
Canvas being down is not the portal failing, so no Canvas failure is ever a portal 5xx.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from canvas_emulator.demo_users import DEMO_STUDENT
from harness.processes import free_port

from .test_channel_views import HTMX, canvas_calls, text_of

pytestmark = pytest.mark.django_db

CHANNELS_API = "/api/v1/users/self/communication_channels"
ADA_UNCONFIRMED = 2
TYPED = "typed.by.ada@example.com"
HTML_PAGE = "<!DOCTYPE html><html><title>Down for maintenance</title><h1>Back soon</h1></html>"

# Each fault lasts for every attempt the portal makes (retries included).
FAULTS: dict[str, dict[str, Any]] = {
    # The request hangs past the read timeout, then Canvas carries it out anyway.
    "timeout": {"next": [{"hang_s": 1}] * 4},
    "refused connection": {},  # Canvas's address has nothing listening (see `apply_fault`)
    "500": {"next": [{"status": 500}] * 4},
    "502": {"next": [{"status": 502}] * 4},
    "503": {"next": [{"status": 503}] * 4},
    "malformed JSON": {"next": [{"body": '{"id": 1, "broken'}] * 4},
    "HTML page": {"next": [{"body": HTML_PAGE, "content_type": "text/html; charset=utf-8"}] * 4},
    "403 Rate Limit Exceeded": {"throttle": "403"},
    "429": {"throttle": "429"},
}
THROTTLED = {"403 Rate Limit Exceeded", "429"}

ACTIONS = {
    "page view": "load the contact methods",
    "add": "add the address",
    "remove": "remove the address",
    "resend": "send a new confirmation",
}


@pytest.fixture
def fast_canvas(settings) -> None:
    """Short timeouts so a hanging Canvas costs each test about a second."""
    settings.CANVAS_TIMEOUT = (0.5, 0.5)
    settings.CANVAS_RETRY_BACKOFF = 0.01


@pytest.fixture
def page(student, canvas, fast_canvas):
    """Ada has the page open (the portal knows her list), as before any action."""
    assert student.get("/channels/").status_code == 200
    canvas.clear_requests()
    return student


# Resend reads the list afresh before it removes anything; a queued fault is aimed past that
# read, at the first write, where a lost answer could leave a change half done.
READS_BEFORE_WRITE = {"resend": 1}
PASS_THROUGH = {"hang_s": 0}


def apply_fault(canvas, settings, kind: str, action: str = "") -> None:
    if kind == "refused connection":
        settings.CANVAS_BASE_URL = f"http://127.0.0.1:{free_port()}"
        return
    fault = dict(FAULTS[kind])
    if "next" in fault:
        fault["next"] = [PASS_THROUGH] * READS_BEFORE_WRITE.get(action, 0) + fault["next"]
    canvas.faults(**fault)


def expected_sentence(kind: str, action: str) -> str:
    what = ACTIONS[action]
    if kind in THROTTLED:
        return f"Canvas is busy right now, so we could not {what}."
    # Nothing was changed when the first call (a read) failed: then the portal can say so.
    if action == "page view" or (action == "resend" and kind == "refused connection"):
        return f"Canvas is not answering right now, so we could not {what}."
    return f"we cannot tell whether we managed to {what}"


def act(client, action: str, *, htmx: bool):
    headers = HTMX if htmx else {}
    if action == "page view":
        return client.get("/channels/", headers=headers)
    if action == "add":
        return client.post(
            "/channels/add/", {"channel_type": "email", "address": TYPED}, headers=headers
        )
    if action == "remove":
        return client.post(f"/channels/{ADA_UNCONFIRMED}/remove/", headers=headers)
    return client.post(f"/channels/{ADA_UNCONFIRMED}/resend/", headers=headers)


def settled_log(canvas, quiet_s: float = 0.4, limit_s: float = 4.0) -> list[dict[str, Any]]:
    """The request log once Canvas has finished what it was still doing (hung requests)."""
    deadline = time.monotonic() + limit_s
    log = canvas.requests_log()
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        again = canvas.requests_log()
        if len(again) == len(log):
            break
        log = again
    return log


def writes_run(log: list[dict[str, Any]], method: str) -> list[dict[str, Any]]:
    return [r for r in log if r["method"] == method and r["path"].startswith(CHANNELS_API)]


def assert_nothing_done_twice(canvas, kind: str, action: str, before: list[dict]) -> None:
    log = settled_log(canvas)
    after = canvas.channels(DEMO_STUDENT)
    # The portal never sends a create twice on its own (the resend's re-add is checked below);
    # throttled creates are retried, as Canvas's throttle rejects before running them
    # (docs/canvas-behaviour.md §4).
    posts = writes_run(log, "POST") if kind not in THROTTLED else []
    if action == "add":
        assert len(posts) <= 1, log
        assert [c["path"] for c in after].count(TYPED) <= 1
    # No channel other than the one acted on changed.
    untouched = {c["id"]: c for c in before if c["id"] != ADA_UNCONFIRMED}
    assert {c["id"]: c for c in after if c["id"] in untouched} == untouched
    # A resend asks Canvas for at most one new confirmation message.
    sent_before = {c["id"]: c["confirmation_sent_count"] for c in before}
    for row in after:
        assert row["confirmation_sent_count"] - sent_before.get(row["id"], 0) <= 1


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("kind", list(FAULTS))
def test_every_canvas_failure_on_every_action_ends_in_a_sentence_and_changes_nothing_twice(
    page, canvas, settings, kind, action
):
    before = canvas.channels(DEMO_STUDENT)
    apply_fault(canvas, settings, kind, action)
    response = act(page, action, htmx=True)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#alert-region"  # the add form is left as typed
    assert expected_sentence(kind, action) in text_of(response)
    assert "Traceback" not in response.content.decode()
    if kind != "refused connection":
        assert_nothing_done_twice(canvas, kind, action, before)


@pytest.mark.parametrize("kind", list(FAULTS))
def test_a_failed_add_without_javascript_shows_the_sentence_and_keeps_the_typed_address(
    page, canvas, settings, kind
):
    before = canvas.channels(DEMO_STUDENT)
    apply_fault(canvas, settings, kind)
    response = act(page, "add", htmx=False)

    assert response.status_code == 200  # Canvas's failure, said as a sentence; never a 5xx
    assert expected_sentence(kind, "add") in text_of(response)
    assert f'value="{TYPED}"' in response.content.decode()
    if kind != "refused connection":
        assert_nothing_done_twice(canvas, kind, "add", before)


@pytest.mark.parametrize("kind", list(FAULTS))
def test_a_failed_page_view_without_javascript_is_a_page_with_the_sentence(
    page, canvas, settings, kind
):
    apply_fault(canvas, settings, kind)
    response = act(page, "page view", htmx=False)
    assert response.status_code == 200
    assert expected_sentence(kind, "page view") in text_of(response)
    assert "could not be loaded from Canvas" in text_of(response)


# --- Canvas did the change, but its answer was lost ---------------------------------------------


def test_a_503_after_the_add_was_made_is_not_followed_by_a_second_create(page, canvas):
    canvas.faults(next=[{"status": 503, "after": True}])
    response = act(page, "add", htmx=False)
    assert "we cannot tell whether we managed to add the address" in text_of(response)
    assert "Reload the page to check before trying again." in text_of(response)
    assert f'value="{TYPED}"' in response.content.decode()
    assert [m for m, _ in canvas_calls(canvas)] == ["POST"]
    assert [c["path"] for c in canvas.channels(DEMO_STUDENT)].count(TYPED) == 1


def test_a_503_after_the_remove_was_made_reads_as_removed(page, canvas):
    canvas.faults(next=[{"status": 503, "after": True}])
    response = act(page, "remove", htmx=True)
    # The retried DELETE finds the row gone (404), which counts as removed.
    assert "ada@personal.example.com had already been removed." in text_of(response)
    assert [m for m, _ in canvas_calls(canvas)] == ["DELETE", "DELETE"]
    states = {c["id"]: c["workflow_state"] for c in canvas.channels(DEMO_STUDENT)}
    assert states[ADA_UNCONFIRMED] == "retired"


def test_a_503_after_the_resend_readd_sends_one_confirmation_not_two(page, canvas):
    sent = canvas.channels(DEMO_STUDENT)[1]["confirmation_sent_count"]
    canvas.faults(next=[{"hang_s": 0}, {"status": 503, "after": True}])
    response = act(page, "resend", htmx=True)
    assert "new confirmation email to ada@personal.example.com" in text_of(response)
    row = next(c for c in canvas.channels(DEMO_STUDENT) if c["id"] == ADA_UNCONFIRMED)
    assert (row["workflow_state"], row["confirmation_sent_count"]) == ("unconfirmed", sent + 1)


# --- pagination ---------------------------------------------------------------------------------


def test_a_list_longer_than_the_page_cap_is_refused_after_the_cap_not_followed_for_ever(
    page, canvas, settings
):
    settings.CANVAS_MAX_PAGES = 10
    loop = f"{canvas.base_url}{CHANNELS_API}?page=1&per_page=100"
    canvas.faults(next=[{"link_next": loop}] * 50)
    response = act(page, "page view", htmx=False)
    assert response.status_code == 200
    assert (
        "Canvas sent more than this portal accepts, so we could not load the contact methods. "
        "Trying again will not help: please tell your help desk."
    ) in text_of(response)
    assert len(canvas_calls(canvas)) == 10


@pytest.mark.parametrize(
    "elsewhere",
    ["http://localhost:{port}", "https://127.0.0.1:{port}", "http://canvas.evil.example"],
    ids=["other-host", "other-scheme", "foreign-domain"],
)
def test_a_next_page_link_off_canvas_is_not_followed_and_is_logged(page, canvas, caplog, elsewhere):
    port = canvas.base_url.rpartition(":")[2]
    target = elsewhere.format(port=port) + f"{CHANNELS_API}?page=2"
    canvas.faults(next=[{"link_next": target}])
    with caplog.at_level(logging.WARNING, logger="canvas"):
        response = act(page, "page view", htmx=True)
    assert "Canvas sent more than this portal accepts" in text_of(response)
    # Only the first page was asked for: the token never went to the other place.
    assert canvas_calls(canvas) == [("GET", CHANNELS_API)]
    where = elsewhere.format(port=port).rsplit(":", 1)[0] if "{port}" in elsewhere else elsewhere
    assert any(f"next page at {where}" in r.getMessage() for r in caplog.records)


# --- size ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("announced", [True, False], ids=["with-length", "without-length"])
def test_an_answer_larger_than_the_size_cap_is_refused_not_held(page, canvas, settings, announced):
    settings.CANVAS_MAX_RESPONSE_BYTES = 1_000_000
    fault: dict[str, Any] = {"pad_bytes": 3_000_000}
    if not announced:
        fault["length"] = False  # the portal has to count while it reads
    canvas.faults(next=[fault])
    response = act(page, "page view", htmx=False)
    assert response.status_code == 200
    assert "Canvas sent more than this portal accepts" in text_of(response)
    assert len(canvas_calls(canvas)) == 1  # refused at once, not retried


def test_an_answer_under_the_size_cap_is_read_normally(page, canvas, settings):
    settings.CANVAS_MAX_RESPONSE_BYTES = 1_000_000
    canvas.faults(next=[{"pad_bytes": 500_000, "length": False}])
    response = act(page, "page view", htmx=False)
    assert response.status_code == 200
    assert "ada@personal.example.com" in text_of(response)


# --- the deadline -------------------------------------------------------------------------------


def test_an_answer_dripped_a_byte_at_a_time_ends_at_the_deadline(page, canvas, settings):
    """Each byte comes well within the read timeout, so only the deadline can end this."""
    settings.CANVAS_REQUEST_DEADLINE = 2
    settings.CANVAS_TIMEOUT = (1, 1)
    canvas.faults(next=[{"drip_s": 0.05}] * 3)  # ~600 bytes: half a minute per attempt
    started = time.monotonic()
    response = act(page, "page view", htmx=False)
    elapsed = time.monotonic() - started
    assert elapsed < 3, elapsed
    assert response.status_code == 200
    assert "Canvas is not answering right now, so we could not load the contact methods." in (
        text_of(response)
    )


def test_an_add_whose_answer_drips_ends_at_the_deadline_without_a_second_create(
    page, canvas, settings
):
    settings.CANVAS_REQUEST_DEADLINE = 2
    settings.CANVAS_TIMEOUT = (1, 1)
    canvas.faults(next=[{"drip_s": 0.05}])
    started = time.monotonic()
    response = act(page, "add", htmx=False)
    assert time.monotonic() - started < 3
    assert "we cannot tell whether we managed to add the address" in text_of(response)
    assert f'value="{TYPED}"' in response.content.decode()
    assert [m for m, _ in canvas_calls(canvas)] == ["POST"]


def test_retries_stop_when_the_next_backoff_would_pass_the_deadline(page, canvas, settings):
    settings.CANVAS_REQUEST_DEADLINE = 1
    settings.CANVAS_RETRY_BACKOFF = 0.6  # 0.6 s, then 1.2 s: the second would pass the deadline
    canvas.faults(next=[{"status": 503}] * 3)
    started = time.monotonic()
    response = act(page, "page view", htmx=False)
    assert time.monotonic() - started < 1.2
    assert "Canvas is not answering right now" in text_of(response)
    assert len(canvas_calls(canvas)) == 2


def test_the_deadline_spans_all_the_pages_of_one_request(page, canvas, settings):
    settings.CANVAS_REQUEST_DEADLINE = 1
    loop = f"{canvas.base_url}{CHANNELS_API}?page=1&per_page=100"
    canvas.faults(latency_ms=300, next=[{"link_next": loop}] * 50)
    started = time.monotonic()
    response = act(page, "page view", htmx=False)
    assert time.monotonic() - started < 1.6
    assert "Canvas is not answering right now, so we could not load the contact methods." in (
        text_of(response)
    )
    assert len(canvas_calls(canvas)) <= 4
