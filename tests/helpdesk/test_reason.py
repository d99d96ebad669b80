"""A reason or ticket reference on every help-desk change (HELPDESK_AUDIT_REASON): required
refuses a change without one before Canvas is asked, keeping what was typed; optional stores it
when given; off shows no field. The audit page and CSV filter by action, outcome and address."""

import csv
import io

import pytest

from canvas_emulator.demo_users import DEMO_STUDENT
from helpdesk import wording
from helpdesk.models import AuditEntry
from tests.helpdesk.conftest import canvas_calls, text_of

pytestmark = pytest.mark.django_db

ADA = f"/helpdesk/users/{DEMO_STUDENT}/"
REPLACE = f"{ADA}replace-email/"
NEW = "ada.new@newmail.example.org"


@pytest.fixture
def required(settings):
    settings.HELPDESK_AUDIT_REASON = "required"


def changes(canvas) -> list[tuple[str, str]]:
    return [(m, p) for m, p in canvas_calls(canvas) if m != "GET"]


def test_required_refuses_a_replace_without_a_reason_and_keeps_the_form(required, admin, canvas):
    admin.get(REPLACE)
    canvas.clear_requests()
    response = admin.post(REPLACE, {"old_channel_id": 2, "new_address": NEW, "reason": "  "})
    assert response.status_code == 422
    html = response.content.decode()
    assert str(wording.REASON_MISSING) in text_of(response)
    assert f'value="{NEW}"' in html  # what was typed is still there
    assert changes(canvas) == []
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("channels/add/", {"channel_type": "email", "address": NEW}),
        ("channels/2/remove/", {}),
        ("channels/2/resend/", {}),
        ("channels/2/confirm/", {}),
        ("channels/1/make-default/", {}),
    ],
)
def test_required_refuses_every_change_without_a_reason_before_canvas_is_asked(
    required, admin, canvas, path, data
):
    admin.get(ADA)
    canvas.clear_requests()
    response = admin.post(f"{ADA}{path}", data)
    assert response.status_code == 422
    assert str(wording.REASON_MISSING) in text_of(response)
    assert changes(canvas) == []
    assert AuditEntry.objects.count() == 0


def test_required_add_without_a_reason_keeps_the_typed_address(required, admin, canvas):
    admin.get(ADA)
    response = admin.post(f"{ADA}channels/add/", {"channel_type": "email", "address": NEW})
    assert f'value="{NEW}"' in response.content.decode()


def test_required_add_by_htmx_answers_in_the_alert_region(required, admin, canvas):
    admin.get(ADA)
    response = admin.post(
        f"{ADA}channels/add/",
        {"channel_type": "email", "address": NEW},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#alert-region"


def test_a_change_with_a_reason_stores_it_on_every_row(required, admin, canvas):
    admin.get(REPLACE)
    admin.post(
        REPLACE, {"old_channel_id": 2, "new_address": NEW, "reason": "INC-1234 student called"}
    )
    reasons = {row.reason for row in AuditEntry.objects.exclude(action__startswith="audit")}
    assert reasons == {"INC-1234 student called"}


def test_every_change_form_has_the_reason_field(required, admin, canvas):
    page = admin.get(ADA).content.decode()
    assert page.count('name="reason"') == 2  # add, and Ada's one resend button
    assert "Reason or ticket reference (required)" in text_of(admin.get(ADA))
    assert 'name="reason"' in admin.get(REPLACE).content.decode()
    assert 'name="reason"' in admin.get(f"{ADA}channels/2/remove/").content.decode()
    assert admin.get(f"{ADA}delivery/").content.decode().count('name="reason"') == 1  # confirm


def test_optional_accepts_a_change_without_a_reason(admin, canvas):
    admin.get(ADA)
    admin.post(f"{ADA}channels/add/", {"channel_type": "email", "address": NEW})
    assert [(r.action, r.outcome, r.reason) for r in AuditEntry.objects.all()] == [
        ("add", "success", "")
    ]


def test_off_shows_no_reason_field_and_stores_none(settings, admin, canvas):
    settings.HELPDESK_AUDIT_REASON = "off"
    assert 'name="reason"' not in admin.get(ADA).content.decode()
    assert 'name="reason"' not in admin.get(REPLACE).content.decode()
    admin.post(f"{ADA}channels/add/", {"channel_type": "email", "address": NEW, "reason": "x"})
    assert AuditEntry.objects.get().reason == ""


# --- the audit log's new filters ----------------------------------------------------------------


@pytest.fixture
def log(admin, canvas):
    """A confirm (done), a make default refused, and an add (done), about Ada."""
    admin.get(ADA)
    admin.post(f"{ADA}channels/2/confirm/", {"reason": "T-1"})
    admin.post(f"{ADA}channels/99/make-default/", {"reason": "T-2"})
    admin.post(f"{ADA}channels/add/", {"channel_type": "email", "address": NEW, "reason": "T-3"})
    return admin


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=confirm", ["T-1"]),
        ("action=make-default", ["T-2"]),
        ("outcome=refused", ["T-2"]),
        ("outcome=success&address=newmail", ["T-3"]),
        ("address=PERSONAL.example", ["T-1"]),
    ],
)
def test_audit_filters_by_action_outcome_and_address(log, query, expected):
    response = log.get(f"/helpdesk/audit.csv?{query}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["reason"] for row in rows] == expected
    page = text_of(log.get(f"/helpdesk/audit/?{query}"))
    assert f"{len(expected)} row" in page


def test_audit_page_names_the_new_actions(log):
    text = text_of(log.get("/helpdesk/audit/"))
    assert "Confirm for the user" in text and "Make default" in text and "T-1" in text


def test_an_unknown_action_filter_is_an_error_not_everything(log):
    text = text_of(log.get("/helpdesk/audit/?action=drop-table"))
    assert "Choose an action from the list." in text
    assert "Fix the filters above to see rows" in text
