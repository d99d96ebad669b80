"""A user's page in the help desk: the student's list and forms acting on that user, with an
audit row for every change attempt, successful or not."""

import pytest

from accounts.models import CanvasToken
from canvas_emulator.demo_users import DEMO_ADMIN, DEMO_BOUNCING, DEMO_STUDENT
from helpdesk.models import AuditEntry
from tests.helpdesk.conftest import canvas_calls, text_of

pytestmark = pytest.mark.django_db

ADA = f"/helpdesk/users/{DEMO_STUDENT}/"
HTMX = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{ADA}"}
ADA_UNCONFIRMED, OLD_ADDRESS = 2, "ada@personal.example.com"


@pytest.fixture
def on_ada(admin, canvas):
    response = admin.get(ADA)
    assert response.status_code == 200
    canvas.clear_requests()
    return admin


def only_row() -> AuditEntry:
    rows = list(AuditEntry.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def test_page_shows_the_users_channels_banner_forms_and_ids(on_ada):
    response = on_ada.get(ADA)
    text = text_of(response)
    assert "Contact methods of Ada Lovelace" in text
    assert "Email ada.lovelace@demo.example.edu Active Default" in text
    assert "1 address is not confirmed" in text
    assert "Skip confirmation (the user will not be asked to confirm)" in text
    assert "Canvas user id 1 Login id ada SIS id S1001" in text
    html = response.content.decode()
    assert f'action="{ADA}channels/add/"' in html
    assert f'action="{ADA}channels/{ADA_UNCONFIRMED}/resend/"' in html
    assert f'hx-get="{ADA}channels/{ADA_UNCONFIRMED}/remove/"' in html
    # The student-only push form is not offered for someone else.
    assert "push_token" not in html


def test_unknown_user_is_a_plain_not_found(admin, canvas):
    response = admin.get("/helpdesk/users/424242/")
    assert response.status_code == 404
    assert "Canvas has no user 424242 that your account may see." in text_of(response)


def test_add_with_skip_as_admin_with_manage_students_is_active(on_ada, canvas):
    response = on_ada.post(
        f"{ADA}channels/add/",
        {"channel_type": "email", "address": "ada.new@example.edu", "skip_confirmation": "on"},
        follow=True,
    )
    assert "Added ada.new@example.edu. It is active" in text_of(response)
    stored = next(c for c in canvas.channels(DEMO_STUDENT) if c["address"] == "ada.new@example.edu")
    assert stored["workflow_state"] == "active"
    row = only_row()
    assert (row.action, row.outcome, row.channel_type, row.address) == (
        "add",
        "success",
        "email",
        "ada.new@example.edu",
    )
    assert (row.actor_canvas_id, row.actor_name) == (DEMO_ADMIN, "Hana Helpdesk")
    assert (row.target_canvas_id, row.target_name) == (DEMO_STUDENT, "Ada Lovelace")
    assert row.detail == "skip confirmation requested; Canvas made it active"
    assert row.canvas_status == 200
    assert row.client_ip == "127.0.0.1"
    assert len(row.request_id) >= 16


def test_add_with_skip_without_manage_students_says_canvas_ignored_it(admin_without_skip, canvas):
    admin_without_skip.get(ADA)
    text = text_of(admin_without_skip.get(ADA))
    assert "lacks the “manage students” permission" in text
    response = admin_without_skip.post(
        f"{ADA}channels/add/",
        {"channel_type": "email", "address": "ada.new@example.edu", "skip_confirmation": "on"},
        follow=True,
    )
    text = text_of(response)
    assert "Canvas was asked to send it an email with a confirmation link" in text
    assert "Canvas ignored “skip confirmation”" in text
    stored = next(c for c in canvas.channels(DEMO_STUDENT) if c["address"] == "ada.new@example.edu")
    assert stored["workflow_state"] == "unconfirmed"
    row = only_row()
    assert row.actor_name == "Sam Support"
    assert row.detail == "skip confirmation requested; Canvas ignored it (unconfirmed)"


def test_add_over_htmx_is_one_canvas_call(on_ada, canvas):
    response = on_ada.post(
        f"{ADA}channels/add/", {"channel_type": "sms", "address": "(202) 555-0143"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "+12025550143" in response.content.decode()
    assert canvas_calls(canvas) == [
        ("POST", f"/api/v1/users/{DEMO_STUDENT}/communication_channels")
    ]
    row = only_row()
    assert (row.action, row.channel_type, row.address, row.detail) == (
        "add",
        "sms",
        "+12025550143",
        "",
    )


def test_duplicate_add_is_refused_and_audited(on_ada, canvas):
    response = on_ada.post(
        f"{ADA}channels/add/", {"channel_type": "email", "address": "ADA@personal.example.com"}
    )
    assert response.status_code == 422
    assert canvas_calls(canvas) == []
    row = only_row()
    assert (row.action, row.outcome) == ("add", "refused")
    assert "DuplicateAddress" in row.error


def test_an_add_after_the_staff_sign_in_died_is_audited_and_asks_to_sign_in_again(on_ada, canvas):
    # The lost sign-in is no CanvasError, so no view catches it; the attempt is still recorded.
    canvas.revoke_token(CanvasToken.objects.get(canvas_user_id=DEMO_ADMIN).access_token)
    response = on_ada.post(
        f"{ADA}channels/add/", {"channel_type": "email", "address": "x@example.edu"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    row = only_row()
    assert (row.action, row.outcome, row.address) == ("add", "failure", "x@example.edu")
    assert "NotAuthenticated" in row.error
    assert "x@example.edu" not in [c["address"] for c in canvas.channels(DEMO_STUDENT)]


def test_failed_add_is_audited_with_the_canvas_status(on_ada, canvas):
    canvas.faults(next=[{"status": 500}])
    response = on_ada.post(
        f"{ADA}channels/add/", {"channel_type": "email", "address": "x@example.edu"}
    )
    assert response.status_code == 200  # Canvas failed, not the portal
    row = only_row()
    assert (row.action, row.outcome, row.canvas_status) == ("add", "failure", 500)
    assert "Unavailable" in row.error


def test_remove_asks_first_and_does_not_audit_the_question(on_ada, canvas):
    confirm = on_ada.get(f"{ADA}channels/{ADA_UNCONFIRMED}/remove/")
    assert "Remove ada@personal.example.com?" in text_of(confirm)
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "said"),
    [
        ("remove", "Removed ada@personal.example.com."),
        ("resend", "Canvas was asked to send a new confirmation email"),
    ],
)
def test_remove_and_resend_are_audited(on_ada, canvas, action, said):
    response = on_ada.post(f"{ADA}channels/{ADA_UNCONFIRMED}/{action}/", follow=True)
    assert said in text_of(response)
    assert response.redirect_chain[-1][0] == ADA
    row = only_row()
    assert (row.action, row.outcome, row.address) == (action, "success", OLD_ADDRESS)


ADA_ACTIVE, ADA_PUSH = 1, 3


@pytest.mark.parametrize(
    ("channel_id", "kind", "said"),
    [
        (ADA_ACTIVE, "email", "ada.lovelace@demo.example.edu is already confirmed"),
        (ADA_PUSH, "push", "Push notifications need no confirmation"),
    ],
)
def test_resend_for_an_active_email_or_push_is_refused_audited_and_changes_nothing_in_canvas(
    on_ada, canvas, channel_id, kind, said
):
    before = canvas.channels(DEMO_STUDENT)
    response = on_ada.post(f"{ADA}channels/{channel_id}/resend/", headers=HTMX)
    assert said in text_of(response)
    assert canvas_calls(canvas) == []
    assert canvas.channels(DEMO_STUDENT) == before
    row = only_row()
    assert (row.action, row.outcome, row.channel_type, row.canvas_status) == (
        "resend",
        "refused",
        kind,
        None,
    )
    assert "NotResendable" in row.error


def test_refused_remove_is_audited(on_ada, canvas):
    # Hana may not change the channels of an admin whose rights exceed hers
    # (docs/canvas-behaviour.md §1.6).
    boss = canvas.create_user(
        name="Bo Boss",
        login_id="boss",
        role="admin",
        permissions=["manage_user_logins", "manage_user_details", "manage_students", "become_user"],
        email="bo@example.edu",
    )
    page = f"/helpdesk/users/{boss['id']}/"
    on_ada.get(page)
    channel = canvas.channels(boss["id"])[0]
    response = on_ada.post(f"{page}channels/{channel['id']}/remove/")
    assert response.status_code == 403
    row = only_row()
    assert (row.action, row.outcome, row.canvas_status) == ("remove", "failure", 403)
    assert (row.target_canvas_id, row.target_name, row.address) == (
        boss["id"],
        "Bo Boss",
        "bo@example.edu",
    )


def test_actions_use_the_cached_name_not_another_canvas_call(on_ada, canvas):
    on_ada.post(f"{ADA}channels/{ADA_UNCONFIRMED}/remove/")
    assert ("GET", f"/api/v1/users/{DEMO_STUDENT}") not in canvas_calls(canvas)


def test_an_action_without_a_page_view_looks_the_user_up_once(admin, canvas):
    admin.get("/helpdesk/")
    canvas.clear_requests()
    admin.post(
        f"/helpdesk/users/{DEMO_BOUNCING}/channels/add/",
        {"channel_type": "email", "address": "ben2@example.edu"},
    )
    assert ("GET", f"/api/v1/users/{DEMO_BOUNCING}") in canvas_calls(canvas)
    assert only_row().target_name == "Ben Okafor"


def test_students_own_actions_are_not_audited(student, canvas):
    student.get("/channels/")
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": "mine@example.edu"}
    )
    assert response.status_code == 302
    student.post(f"/channels/{ADA_UNCONFIRMED}/remove/")
    assert AuditEntry.objects.count() == 0
