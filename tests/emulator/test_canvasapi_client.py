"""A client nobody here wrote (``canvasapi`` from PyPI) gets what Canvas would give it.

What Canvas gives: docs/canvas-behaviour.md ("§N" below).
"""

from __future__ import annotations

import pytest
from canvasapi import Canvas
from canvasapi.communication_channel import CommunicationChannel
from canvasapi.paginated_list import PaginatedList

from .helpers import ADA

# The emulator speaks plain HTTP on localhost; canvasapi warns about that.
pytestmark = pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly:UserWarning")


def test_canvasapi_lists_across_pages_creates_and_deletes(emu):
    canvas = Canvas(emu.base_url, emu.token_for(ADA))
    user = canvas.get_user("self")
    assert user.id == ADA and user.name == "Ada Lovelace"

    created = user.create_communication_channel(
        communication_channel={"address": "canvasapi@example.com", "type": "email"}
    )
    assert created.workflow_state == "unconfirmed"
    assert created.position == 4
    for n in range(3):
        user.create_communication_channel(
            communication_channel={"address": f"+1555000{n:04d}", "type": "sms"}
        )

    # User.get_communication_channels() always asks for per_page=100 (and a user holds at most
    # 100 rows), so drive canvasapi's own PaginatedList with a small page to cross pages.
    emu.clear_requests()
    paged = PaginatedList(
        CommunicationChannel,
        user._requester,
        "GET",
        f"users/{user.id}/communication_channels",
        per_page=2,
    )
    channels = list(paged)
    assert [c.position for c in channels] == [1, 2, 3, 4, 5, 6, 7]
    assert channels[2].address == "For All Devices"
    # canvasapi followed the Link header's rel="next" across 4 pages.
    log = [r for r in emu.requests_log() if r["path"].endswith("/communication_channels")]
    assert [r["query"] for r in log] == [
        "per_page=2",
        "page=2&per_page=2",
        "page=3&per_page=2",
        "page=4&per_page=2",
    ]
    assert [c.id for c in user.get_communication_channels()] == [c.id for c in channels]

    # Canvas answers a delete with workflow_state "retired"; canvasapi's delete() compares the
    # state with "deleted", so §1.6 predicts it returns False even though it worked.
    assert created.delete() is False
    remaining = [c.address for c in user.get_communication_channels()]
    assert "canvasapi@example.com" not in remaining
    assert len(remaining) == 6


def test_canvasapi_reads_and_updates_notification_preferences(emu):
    canvas = Canvas(emu.base_url, emu.token_for(ADA))
    [email, *_] = canvas.get_user("self").get_communication_channels()

    preferences = email.get_preferences()
    by_name = {p["notification"]: p for p in preferences}
    assert by_name["new_announcement"] == {
        "frequency": "immediately",
        "notification": "new_announcement",
        "category": "announcement",
    }
    categories = email.get_preference_categories()
    assert "discussionentry" in categories and "due_date" in categories

    # canvasapi sends the category straight into the path: the slug the GET gave works for
    # due_date, and the method's own spelling ("catagory") is canvasapi's.
    updated = email.update_preferences_by_catagory("due_date", "daily")
    assert {p["notification"] for p in updated} == {
        "assignment_created",
        "assignment_due_date_changed",
        "assignment_due_date_override_changed",
        "upcoming_assignment_alert",
    }
    assert {p["frequency"] for p in updated} == {"daily"}

    changed = email.update_multiple_preferences(
        {"new_announcement": {"frequency": "never"}, "submission_graded": {"frequency": "weekly"}}
    )
    assert {p["notification"]: p["frequency"] for p in changed} == {
        "new_announcement": "never",
        "submission_graded": "weekly",
    }
    assert email.get_preference("new_announcement").frequency == "never"
    after = {p["notification"]: p["frequency"] for p in email.get_preferences()}
    assert after["assignment_created"] == "daily" and after["submission_graded"] == "weekly"
