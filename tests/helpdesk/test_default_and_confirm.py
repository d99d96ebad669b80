"""Make an email the default and confirm an address for the user, from the delivery panel;
and Replace keeps the default. Canvas's state is read back from the emulator, and each change
is one audit row (two or three for a replace, one per step)."""

import pytest

from canvas_emulator.demo_users import DEMO_STUDENT
from helpdesk import wording
from helpdesk.models import AuditEntry
from tests.helpdesk.conftest import canvas_calls, text_of

pytestmark = pytest.mark.django_db

ADA = f"/helpdesk/users/{DEMO_STUDENT}/"
DELIVERY = f"{ADA}delivery/"
ACTIVE_ID, ACTIVE = 1, "ada.lovelace@demo.example.edu"
PERSONAL_ID, PERSONAL = 2, "ada@personal.example.com"
NEW = "ada.new@newmail.example.org"


def make_default_url(channel_id: int) -> str:
    return f"{ADA}channels/{channel_id}/make-default/"


def confirm_url(channel_id: int) -> str:
    return f"{ADA}channels/{channel_id}/confirm/"


def ada_emails(canvas) -> list[tuple[str, str]]:
    """Ada's unretired emails in Canvas's order (the first is her default, §1.9)."""
    rows = [
        c
        for c in canvas.channels(DEMO_STUDENT)
        if c["type"] == "email" and c["workflow_state"] != "retired"
    ]
    return [(c["address"], c["workflow_state"]) for c in sorted(rows, key=lambda c: c["position"])]


def audit_rows() -> list[tuple[str, str, str]]:
    return [(r.action, r.outcome, r.address) for r in AuditEntry.objects.order_by("id")]


def test_make_default_puts_the_address_first_in_canvas(admin, canvas):
    canvas.confirm_channel(PERSONAL_ID)
    admin.get(ADA)
    canvas.clear_requests()
    response = admin.post(make_default_url(PERSONAL_ID), {"reason": "TICKET-42"}, follow=True)
    assert ada_emails(canvas) == [(PERSONAL, "active"), (ACTIVE, "active")]
    assert ("PUT", f"/api/v1/users/{DEMO_STUDENT}") in canvas_calls(canvas)
    assert wording.made_default_sentence(PERSONAL) in text_of(response)
    assert audit_rows() == [("make-default", "success", PERSONAL)]
    assert AuditEntry.objects.get().reason == "TICKET-42"


def test_make_default_is_never_offered_for_an_unconfirmed_address(admin, canvas):
    html = admin.get(DELIVERY).content.decode()
    assert make_default_url(PERSONAL_ID) not in html
    assert confirm_url(PERSONAL_ID) in html


def test_make_default_posted_for_an_unconfirmed_address_is_refused_in_words(admin, canvas):
    admin.get(ADA)
    canvas.clear_requests()
    response = admin.post(make_default_url(PERSONAL_ID))
    assert response.status_code == 409
    assert f"{PERSONAL} is unconfirmed, so it cannot be the default" in text_of(response)
    assert ("PUT", f"/api/v1/users/{DEMO_STUDENT}") not in canvas_calls(canvas)
    assert ada_emails(canvas) == [(ACTIVE, "active"), (PERSONAL, "unconfirmed")]
    assert audit_rows() == [("make-default", "refused", PERSONAL)]


def test_make_default_is_hidden_with_a_sentence_for_staff_without_manage_user_details(canvas, db):
    from django.test import Client

    from tests.support.canvas import sign_in

    limited = canvas.create_user(
        name="Lee Logins",
        login_id="lee",
        role="admin",
        permissions=["manage_user_logins", "manage_students", "read_roster"],
    )
    lee = sign_in(canvas, Client(), limited["id"])
    canvas.confirm_channel(PERSONAL_ID)
    text = text_of(lee.get(DELIVERY))
    assert str(wording.DEFAULT_NOT_ALLOWED) in text
    assert "Make default" not in text


def test_confirm_for_the_user_turns_the_address_active_with_one_audit_row(admin, canvas):
    admin.get(ADA)
    canvas.clear_requests()
    response = admin.post(confirm_url(PERSONAL_ID), {"reason": "Ada called"}, follow=True)
    assert ada_emails(canvas) == [(ACTIVE, "active"), (PERSONAL, "active")]
    assert canvas_calls(canvas)[:3] == [
        ("GET", f"/api/v1/users/{DEMO_STUDENT}/communication_channels"),
        ("DELETE", f"/api/v1/users/{DEMO_STUDENT}/communication_channels/{PERSONAL_ID}"),
        ("POST", f"/api/v1/users/{DEMO_STUDENT}/communication_channels"),
    ]
    assert (
        f"{PERSONAL} is confirmed: Canvas can send to it, but only the notifications its settings "
        "turn on." in text_of(response)
    )
    assert audit_rows() == [("confirm", "success", PERSONAL)]
    assert AuditEntry.objects.get().reason == "Ada called"


def test_confirm_is_refused_in_words_when_canvas_ignores_skip_confirmation(
    admin_without_skip, canvas
):
    admin_without_skip.get(ADA)
    response = admin_without_skip.post(confirm_url(PERSONAL_ID))
    assert response.status_code == 409
    text = text_of(response)
    assert f"Canvas did not confirm {PERSONAL}: it ignored the request to skip confirmation" in text
    assert ada_emails(canvas) == [(ACTIVE, "active"), (PERSONAL, "unconfirmed")]
    assert audit_rows() == [("confirm", "refused", PERSONAL)]
    # And the panel did not offer it to this staff member in the first place.
    assert str(wording.CONFIRM_NOT_ALLOWED) in text
    assert confirm_url(PERSONAL_ID) not in response.content.decode()


def test_confirm_of_an_active_address_changes_nothing(admin, canvas):
    admin.get(ADA)
    canvas.clear_requests()
    response = admin.post(confirm_url(ACTIVE_ID))
    assert response.status_code == 409
    assert f"{ACTIVE} is not waiting for confirmation. Nothing was changed." in text_of(response)
    assert [m for m, _ in canvas_calls(canvas) if m != "GET"] == []


# --- replace keeps the default ------------------------------------------------------------------


def test_replace_form_says_beforehand_that_the_new_address_becomes_the_default(admin, canvas):
    text = text_of(admin.get(f"{ADA}replace-email/"))
    assert (
        f"{ACTIVE} is the default email: Canvas sends mail about the account there. If you "
        "replace it, the new address becomes the default in its place." in text
    )


def test_replacing_the_default_email_leaves_the_new_address_the_default(admin, canvas):
    admin.get(f"{ADA}replace-email/")
    canvas.clear_requests()
    response = admin.post(
        f"{ADA}replace-email/",
        {"old_channel_id": ACTIVE_ID, "new_address": NEW, "skip_confirmation": "on"},
        follow=True,
    )
    # Not Ada's unconfirmed personal address, as Canvas would have chosen (§1.6).
    assert ada_emails(canvas) == [(NEW, "active"), (PERSONAL, "unconfirmed")]
    assert [m for m, _ in canvas_calls(canvas) if m != "GET"] == ["POST", "PUT", "DELETE"]
    text = text_of(response)
    assert f"{NEW} is the default email now, in place of {ACTIVE}." in text
    assert audit_rows() == [
        ("replace-add", "success", NEW),
        ("replace-default", "success", NEW),
        ("replace-remove", "success", ACTIVE),
    ]


def test_replacing_a_non_default_email_leaves_the_default_alone(admin, canvas):
    admin.get(f"{ADA}replace-email/")
    canvas.clear_requests()
    admin.post(f"{ADA}replace-email/", {"old_channel_id": PERSONAL_ID, "new_address": NEW})
    assert ada_emails(canvas)[0] == (ACTIVE, "active")
    assert ("PUT", f"/api/v1/users/{DEMO_STUDENT}") not in canvas_calls(canvas)


def test_a_replace_whose_default_step_fails_keeps_the_old_default_and_says_so(admin, canvas):
    admin.get(f"{ADA}replace-email/")
    # The add goes through; Canvas then fails the PUT on every attempt.
    canvas.faults(next=[{"hang_s": 0}] + [{"status": 503}] * 5)
    response = admin.post(
        f"{ADA}replace-email/",
        {"old_channel_id": ACTIVE_ID, "new_address": NEW, "skip_confirmation": "on"},
    )
    canvas.faults(next=[])
    text = text_of(response)
    assert (
        f"Only half done. {NEW} was added ({NEW} is active: Canvas can send to it, but only the "
        f"notifications its settings turn on.) but Canvas did not make it the default email, "
        f"so {ACTIVE} was not removed and is still the default." in text
    )
    assert ada_emails(canvas) == [(ACTIVE, "active"), (PERSONAL, "unconfirmed"), (NEW, "active")]
    assert [(a, o) for a, o, _ in audit_rows()] == [
        ("replace-add", "success"),
        ("replace-default", "failure"),
    ]
