"""The delivery panel: why a user's mail does not arrive, read from Canvas only when asked for,
each part shown only to staff whose Canvas role may read it (a sentence says what is missing)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from canvas_emulator.demo_users import DEMO_BOUNCING, DEMO_STUDENT, DEMO_SUPPORT
from canvas_emulator.seed import BEN_BOUNCE_REASON
from helpdesk import wording
from tests.helpdesk.conftest import canvas_calls, text_of
from tests.support.canvas import sign_in

pytestmark = pytest.mark.django_db

BEN_PAGE = f"/helpdesk/users/{DEMO_BOUNCING}/"
BEN_DELIVERY = f"{BEN_PAGE}delivery/"
BEN_EMAIL = "ben.okafor@demo.example.edu"
DIAGNOSTICS = (
    "/bounced_communication_channels",
    "/api/v1/comm_messages",
    "/notification_preferences",
)


@pytest.fixture
def rosa(canvas, db) -> Client:
    return sign_in(canvas, Client(), DEMO_SUPPORT)


def three_days_ago() -> str:
    return wording.readable_date(datetime.now(UTC) - timedelta(days=3))


def test_hana_sees_that_bens_default_email_bounced_and_since_when(admin, canvas):
    text = text_of(admin.get(BEN_DELIVERY))
    assert (
        f"Every notification goes to {BEN_EMAIL}, which has bounced since {three_days_ago()}: "
        "replace it or ask Ben Okafor to confirm another address." in text
    )
    assert f"Last bounced on {three_days_ago()}: {BEN_BOUNCE_REASON}" in text
    # The confirmation Canvas sent him came back: the message list says so.
    assert f"{BEN_EMAIL} Confirm Email: Canvas Bounced" in text
    # What his address receives: the notification panel, read-only, read from Canvas.
    assert f"What {BEN_EMAIL} receives" in text
    assert "Save" not in text  # read-only: another user's preferences cannot be written (§6)


def test_what_each_address_receives_is_one_preference_read_per_address(admin, canvas):
    admin.get(BEN_PAGE)
    canvas.clear_requests()
    admin.get(BEN_DELIVERY, headers={"HX-Request": "true"})
    reads = [p for _, p in canvas_calls(canvas) if p.endswith("/notification_preferences")]
    # Ben has one email; his SMS has nothing to show while Canvas sends no text messages.
    [email] = [c for c in canvas.channels(DEMO_BOUNCING) if c["type"] == "email"]
    prefix = f"/api/v1/users/{DEMO_BOUNCING}/communication_channels"
    assert reads == [f"{prefix}/{email['id']}/notification_preferences"]


def test_the_panel_asks_the_report_only_for_bens_bounced_address(admin, canvas):
    admin.get(BEN_PAGE)
    canvas.clear_requests()
    admin.get(BEN_DELIVERY, headers={"HX-Request": "true"})
    reports = [r for r in canvas.requests_log() if "bounced" in r["path"]]
    assert len(reports) == 1
    assert "pattern=ben.okafor%40demo.example.edu" in reports[0]["query"]


def test_opening_a_user_costs_no_diagnostic_call_until_the_panel_is_asked_for(admin, canvas):
    canvas.clear_requests()
    page = admin.get(BEN_PAGE)
    assert page.status_code == 200
    assert "Check delivery" in text_of(page)
    assert not [p for _, p in canvas_calls(canvas) if p.endswith(DIAGNOSTICS)]
    assert [p for _, p in canvas_calls(canvas)] == [
        f"/api/v1/users/{DEMO_BOUNCING}",
        f"/api/v1/users/{DEMO_BOUNCING}/communication_channels",
    ]


def test_htmx_gets_the_panel_alone(admin, canvas):
    admin.get(BEN_PAGE)
    fragment = admin.get(BEN_DELIVERY, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert 'id="delivery-panel"' in html and "<html" not in html


def test_rosa_sees_every_restricted_part_hidden_with_a_sentence_and_canvas_is_not_asked(
    rosa, canvas
):
    canvas.clear_requests()
    text = text_of(rosa.get(BEN_DELIVERY))
    assert str(wording.BOUNCES_NOT_ALLOWED) in text
    assert str(wording.MESSAGES_NOT_ALLOWED) in text
    assert str(wording.RECEIVES_NOT_ALLOWED) in text
    assert BEN_BOUNCE_REASON not in text
    assert not [p for _, p in canvas_calls(canvas) if p.endswith(DIAGNOSTICS)]
    # No claim the portal cannot back: the list alone does not say whether mail bounces.
    assert wording.default_bounces_unknown(BEN_EMAIL) in text
    assert "Nothing here stops delivery" not in text


def test_a_refusal_by_canvas_hides_that_part_with_the_same_sentence(admin, canvas):
    # The root-account setting off: Hana's role still lists the right, Canvas refuses the call.
    canvas.settings(admins_can_view_notifications=False)
    response = admin.get(BEN_DELIVERY)
    text = text_of(response)
    assert response.status_code == 200
    assert str(wording.BOUNCES_NOT_ALLOWED) in text and str(wording.MESSAGES_NOT_ALLOWED) in text


def test_a_canvas_failure_in_one_part_leaves_the_rest(admin, canvas):
    admin.get(BEN_PAGE)
    # The list and the report answer; the messages call fails every attempt.
    canvas.faults(next=[{"hang_s": 0}, {"hang_s": 0}] + [{"status": 503}] * 5)
    text = text_of(admin.get(BEN_DELIVERY, headers={"HX-Request": "true"}))
    assert str(wording.DELIVERY_PART_FAILED) in text
    assert BEN_BOUNCE_REASON in text


def test_an_unconfirmed_default_is_the_conclusion(admin, canvas):
    # Ada's active address removed: her unconfirmed personal address becomes the default.
    ada = f"/helpdesk/users/{DEMO_STUDENT}/"
    admin.get(ada)
    admin.post(f"{ada}channels/1/remove/")
    text = text_of(admin.get(f"{ada}delivery/"))
    assert (
        "The default email, ada@personal.example.com, is unconfirmed, so Canvas sends nothing "
        "there" in text
    )


def test_a_healthy_default_says_nothing_here_stops_delivery(admin, canvas):
    text = text_of(admin.get(f"/helpdesk/users/{DEMO_STUDENT}/delivery/"))
    assert (
        "Nothing here stops delivery: the default email, ada.lovelace@demo.example.edu, is "
        "confirmed and has not bounced." in text
    )
