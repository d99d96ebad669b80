"""Replace email in one step: add the new address, then remove the old one; when the second
step fails, the page says exactly where the user stands, and both steps are audited."""

import pytest

from canvas_emulator.demo_users import DEMO_STUDENT
from helpdesk.models import AuditEntry
from tests.helpdesk.conftest import canvas_calls, text_of

pytestmark = pytest.mark.django_db

ADA = f"/helpdesk/users/{DEMO_STUDENT}/"
REPLACE = f"{ADA}replace-email/"
OLD_ID, OLD = 2, "ada@personal.example.com"
NEW = "ada.lovelace@newmail.example.org"
# The emulator fault queue applies to the next API requests in order; this lets one through.
PASS = {"hang_s": 0}


@pytest.fixture
def on_replace(admin, canvas):
    page = admin.get(REPLACE)
    assert page.status_code == 200
    canvas.clear_requests()
    return admin


def ada_addresses(canvas) -> dict[str, str]:
    """Ada's email addresses still listed, with their states."""
    return {
        c["address"]: c["workflow_state"]
        for c in canvas.channels(DEMO_STUDENT)
        if c["workflow_state"] != "retired" and "@" in c["address"]
    }


def audit_rows() -> list[tuple[str, str, str]]:
    return [(r.action, r.outcome, r.address) for r in AuditEntry.objects.order_by("id")]


def test_form_lists_the_users_email_addresses(admin, canvas):
    text = text_of(admin.get(REPLACE))
    assert (
        "Email address to replace ada.lovelace@demo.example.edu (active) "
        "ada@personal.example.com (unconfirmed)" in text
    )
    assert "Skip confirmation (the user will not be asked to confirm)" in text


def test_replace_adds_then_removes_in_two_canvas_calls(on_replace, canvas):
    response = on_replace.post(
        REPLACE, {"old_channel_id": OLD_ID, "new_address": NEW, "skip_confirmation": "on"}
    )
    assert response.status_code == 302 and response["Location"] == ADA
    assert canvas_calls(canvas) == [
        ("POST", f"/api/v1/users/{DEMO_STUDENT}/communication_channels"),
        ("DELETE", f"/api/v1/users/{DEMO_STUDENT}/communication_channels/{OLD_ID}"),
    ]
    assert ada_addresses(canvas) == {"ada.lovelace@demo.example.edu": "active", NEW: "active"}
    text = text_of(on_replace.get(ADA))
    assert f"Replaced {OLD} with {NEW}. {NEW} is active" in text
    assert audit_rows() == [("replace-add", "success", NEW), ("replace-remove", "success", OLD)]
    add, remove = AuditEntry.objects.order_by("id")
    assert add.detail == f"replacing {OLD}; skip confirmation requested; Canvas made it active"
    assert remove.detail == f"replaced by {NEW}"
    assert add.request_id == remove.request_id


def test_replace_without_manage_students_says_the_new_address_is_unconfirmed(
    admin_without_skip, canvas
):
    admin_without_skip.get(REPLACE)
    response = admin_without_skip.post(
        REPLACE,
        {"old_channel_id": OLD_ID, "new_address": NEW, "skip_confirmation": "on"},
        follow=True,
    )
    text = text_of(response)
    assert f"{NEW} is unconfirmed: Canvas was asked to send a confirmation link to it" in text
    assert "Canvas ignored “skip confirmation”" in text
    assert ada_addresses(canvas)[NEW] == "unconfirmed"


def test_second_step_refused_leaves_both_addresses_and_says_so(on_replace, canvas):
    canvas.faults(next=[PASS, {"status": 403}])
    response = on_replace.post(REPLACE, {"old_channel_id": OLD_ID, "new_address": NEW})
    assert response.status_code == 403
    text = text_of(response)
    assert f"Only half done. {NEW} was added" in text
    assert f"but {OLD} was not removed: Canvas did not allow the removal." in text
    assert f"Ada Lovelace now has both addresses. Remove {OLD} with its Remove button below" in text
    # The page shows the list as it now is: both addresses.
    assert NEW in text and f"Remove {OLD}" in text
    assert set(ada_addresses(canvas)) == {"ada.lovelace@demo.example.edu", OLD, NEW}
    assert audit_rows() == [("replace-add", "success", NEW), ("replace-remove", "failure", OLD)]
    assert AuditEntry.objects.get(action="replace-remove").canvas_status == 403


def test_second_step_unanswered_says_the_old_address_may_remain(on_replace, canvas):
    # DELETE is retried (it is idempotent): every attempt fails.
    canvas.faults(next=[PASS, {"status": 503}, {"status": 503}, {"status": 503}])
    response = on_replace.post(REPLACE, {"old_channel_id": OLD_ID, "new_address": NEW})
    assert response.status_code == 200  # Canvas failed, not the portal
    text = text_of(response)
    assert f"Only half done. {NEW} was added" in text
    assert (
        f"Canvas then did not answer when asked to remove {OLD}, "
        "so it may or may not still be there" in text
    )
    assert audit_rows() == [("replace-add", "success", NEW), ("replace-remove", "failure", OLD)]


def test_first_step_failing_changes_nothing_and_is_audited(on_replace, canvas):
    canvas.faults(next=[{"status": 403}])
    response = on_replace.post(REPLACE, {"old_channel_id": OLD_ID, "new_address": NEW})
    assert response.status_code == 403
    text = text_of(response)
    assert "Canvas did not allow you to add the new address." in text
    assert f"{OLD} was left as it was." in text
    assert f'value="{NEW}"' in response.content.decode()
    assert set(ada_addresses(canvas)) == {"ada.lovelace@demo.example.edu", OLD}
    assert [call[0] for call in canvas_calls(canvas)] == ["POST"]
    assert audit_rows() == [("replace-add", "failure", NEW)]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"old_channel_id": OLD_ID, "new_address": "not-an-email"},
            "Enter a complete email address",
        ),
        (
            {"old_channel_id": OLD_ID, "new_address": OLD.upper()},
            "The new address is the same as the old one.",
        ),
        ({"old_channel_id": 999, "new_address": NEW}, "That address is no longer on the list."),
        ({"old_channel_id": OLD_ID, "new_address": ""}, "Enter the new email address."),
    ],
)
def test_form_mistakes_are_shown_without_calling_canvas(on_replace, canvas, form, message):
    response = on_replace.post(REPLACE, form)
    assert response.status_code == 422
    assert message in text_of(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert canvas_calls(canvas) == []
    assert AuditEntry.objects.count() == 0


def test_new_address_already_listed_is_refused_and_audited(on_replace, canvas):
    response = on_replace.post(
        REPLACE, {"old_channel_id": OLD_ID, "new_address": "Ada.Lovelace@demo.example.edu"}
    )
    assert response.status_code == 422
    assert "is already on this user's list" in text_of(response)
    assert canvas_calls(canvas) == []
    assert audit_rows() == [("replace-add", "refused", "Ada.Lovelace@demo.example.edu")]


def test_user_without_email_has_nothing_to_replace(admin, canvas):
    nomail = canvas.create_user(name="Nia Nomail", login_id="nia")
    text = text_of(admin.get(f"/helpdesk/users/{nomail['id']}/replace-email/"))
    assert "Nia Nomail has no email address to replace." in text
