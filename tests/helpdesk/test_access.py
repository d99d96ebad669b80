"""Who may use the help desk: every help-desk URL for an admin, a teacher, a student and nobody.

Staff status comes from Canvas (accounts list non-empty and manage_user_logins), is kept in the
server-side session for at most a minute (dropped at once when Canvas refuses a staff call),
and anyone else gets the same plain 403 page before Canvas is asked anything about another user.
"""

import os
import subprocess
import sys
import time

import pytest
import time_machine
from django.test import Client

from canvas_emulator.demo_users import DEMO_ADMIN, DEMO_BOUNCING, DEMO_STUDENT
from helpdesk import staff as helpdesk
from helpdesk.models import AuditEntry
from tests.helpdesk.conftest import canvas_calls, text_of

pytestmark = pytest.mark.django_db

# (method, path, expected status for staff), all about Ben (2): channels 4 (email), 5 (sms).
BEN = DEMO_BOUNCING
URLS = [
    ("get", "/helpdesk/", 200),
    ("get", "/helpdesk/?q=ada", 200),
    ("get", f"/helpdesk/users/{BEN}/", 200),
    ("post", f"/helpdesk/users/{BEN}/channels/add/", 302),
    ("get", f"/helpdesk/users/{BEN}/channels/5/remove/", 200),
    ("post", f"/helpdesk/users/{BEN}/channels/5/remove/", 302),
    ("post", f"/helpdesk/users/{BEN}/channels/5/resend/", 302),
    ("get", f"/helpdesk/users/{BEN}/delivery/", 200),
    # Channel 5 is Ben's unconfirmed SMS: never made the default, confirmed in one action.
    ("post", f"/helpdesk/users/{BEN}/channels/5/make-default/", 409),
    ("post", f"/helpdesk/users/{BEN}/channels/5/confirm/", 302),
    ("get", f"/helpdesk/users/{BEN}/replace-email/", 200),
    ("post", f"/helpdesk/users/{BEN}/replace-email/", 302),
    ("get", "/helpdesk/audit/", 200),
    ("get", "/helpdesk/audit.csv", 200),
]
FORMS = {
    "channels/add/": {"channel_type": "email", "address": "new@example.edu"},
    "replace-email/": {"old_channel_id": "4", "new_address": "replaced@example.edu"},
}


def call(client: Client, method: str, path: str):
    data = next((form for suffix, form in FORMS.items() if path.endswith(suffix)), {})
    return getattr(client, method)(path, data) if method == "post" else client.get(path)


def visit_user_page_first(client: Client, path: str) -> None:
    # Actions normally follow a page view, which lists the channels.
    if "/users/" in path:
        assert client.get(f"/helpdesk/users/{BEN}/").status_code == 200


@pytest.mark.parametrize(("method", "path", "status"), URLS)
def test_admin_reaches_every_helpdesk_url(admin, canvas, method, path, status):
    visit_user_page_first(admin, path)
    response = call(admin, method, path)
    assert response.status_code == status, text_of(response)[:500]


@pytest.mark.parametrize(("method", "path", "_status"), URLS)
@pytest.mark.parametrize("who", ["student", "teacher"])
def test_students_and_teachers_get_the_plain_403_everywhere(
    request, canvas, who, method, path, _status
):
    client = request.getfixturevalue(who)
    canvas.clear_requests()
    response = call(client, method, path)
    assert response.status_code == 403
    text = text_of(response)
    assert "You do not have permission to see this page." in text
    # Nothing about Ben leaks, and Canvas was asked only about the caller's own rights.
    assert "Ben" not in text and "okafor" not in text
    assert all(path in ("/api/v1/accounts",) for _, path in canvas_calls(canvas))
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(("method", "path", "_status"), URLS)
def test_nobody_signed_in_is_sent_to_sign_in(client, canvas, method, path, _status):
    response = call(client, method, path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert canvas_calls(canvas) == []


def test_the_403_page_is_the_same_whatever_was_asked(student, canvas):
    # Compared as text: the CSP nonce and CSRF token differ per response.
    pages = {
        text_of(student.get(path))
        for path in ["/helpdesk/", f"/helpdesk/users/{DEMO_BOUNCING}/", "/helpdesk/users/999999/"]
    }
    assert len(pages) == 1


def test_student_forging_another_user_id_never_reaches_canvas(student, canvas):
    canvas.clear_requests()
    forged = student.post(
        f"/helpdesk/users/{DEMO_BOUNCING}/channels/add/",
        {"channel_type": "email", "address": "evil@example.com", "skip_confirmation": "on"},
    )
    assert forged.status_code == 403
    # The student's own admin check was answered at sign-in; nothing touched Ben (user 2).
    assert canvas_calls(canvas) == []
    canvas.clear_requests()
    for path in [
        f"/helpdesk/users/{DEMO_BOUNCING}/channels/4/remove/",
        f"/helpdesk/users/{DEMO_BOUNCING}/replace-email/",
    ]:
        assert (
            student.post(path, {"old_channel_id": "4", "new_address": "x@y.z"}).status_code == 403
        )
    # The answer is cached: a second forged request costs Canvas nothing at all.
    assert canvas_calls(canvas) == []
    assert [c["address"] for c in canvas.channels(DEMO_BOUNCING)] == [
        "ben.okafor@demo.example.edu",
        "+15555550123",
    ]
    assert AuditEntry.objects.count() == 0


def test_student_cannot_reach_another_user_through_the_student_urls(student, canvas):
    # The student pages only ever act on "self"; there is no user id to edit.
    canvas.clear_requests()
    student.post(
        "/channels/add/", {"channel_type": "email", "address": "x@example.com", "user_id": "2"}
    )
    assert all("/users/self/" in path for _, path in canvas_calls(canvas))


def forget_stored_answer(client: Client) -> None:
    """As if the answer from sign-in had gone stale: the next help-desk request asks Canvas."""
    session = client.session
    del session[helpdesk.SESSION_KEY]
    session.save()


def test_staff_check_is_cached_then_asked_again_after_a_minute(admin, canvas):
    with time_machine.travel(time.time(), tick=True) as clock:
        forget_stored_answer(admin)
        assert admin.get("/helpdesk/").status_code == 200
        canvas.clear_requests()
        clock.shift(59)
        assert admin.get("/helpdesk/audit/").status_code == 200
        assert canvas_calls(canvas) == []
        clock.shift(2)
        assert admin.get("/helpdesk/audit/").status_code == 200
        assert canvas_calls(canvas) == [
            ("GET", "/api/v1/accounts"),
            ("GET", "/api/v1/accounts/self/permissions"),
        ]


def test_revoked_admin_is_refused_once_sixty_seconds_have_passed(admin, canvas):
    with time_machine.travel(time.time(), tick=True) as clock:
        forget_stored_answer(admin)
        assert admin.get("/helpdesk/").status_code == 200
        # In Canvas, an account admin takes Hana's admin role away.
        canvas.set_permissions(DEMO_ADMIN, [])
        clock.shift(61)
        response = admin.get("/helpdesk/")
    assert response.status_code == 403
    assert "You do not have permission to see this page." in text_of(response)


def test_staff_recheck_limit_setting_cannot_exceed_a_minute():
    from django.conf import settings

    assert settings.HELPDESK_STAFF_RECHECK_SECONDS == 60
    env = {**os.environ, "HELPDESK_STAFF_RECHECK_SECONDS": "240"}
    result = subprocess.run(
        [sys.executable, "-c", "import tests.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "HELPDESK_STAFF_RECHECK_SECONDS must be between 0 and 60." in result.stderr


def test_canvas_refusing_a_staff_call_drops_the_stored_answer_at_once(admin, canvas):
    assert admin.get(f"/helpdesk/users/{BEN}/").status_code == 200
    canvas.set_permissions(DEMO_ADMIN, [])
    # Within the minute the stored answer still lets Hana in, but Canvas refuses to remove
    # Ben's number for her (403): that alone is enough to stop trusting the answer.
    refused = admin.post(f"/helpdesk/users/{BEN}/channels/5/remove/")
    assert refused.status_code == 403
    assert "Canvas did not allow you to remove the address." in text_of(refused)
    assert helpdesk.SESSION_KEY not in admin.session
    canvas.clear_requests()
    response = admin.get("/helpdesk/")
    assert response.status_code == 403
    assert canvas_calls(canvas) == [("GET", "/api/v1/accounts")]


def test_browser_cannot_claim_staff_rights(student, canvas):
    # Whatever the browser sends, the answer comes from the server-side session and Canvas.
    student.cookies["helpdesk_staff"] = "true"
    response = student.get("/helpdesk/?is_staff=1", HTTP_X_HELPDESK_STAFF="1")
    assert response.status_code == 403


def test_staff_answer_for_one_user_is_not_reused_for_another(admin, canvas):
    assert admin.get("/helpdesk/").status_code == 200
    # Someone else signs in on the same browser without signing out first.
    from tests.support.canvas import sign_in

    sign_in(canvas, admin, DEMO_STUDENT)
    assert admin.get("/helpdesk/").status_code == 403


def test_admin_without_manage_user_logins_is_not_staff(canvas, db):
    reader = canvas.create_user(
        name="Rita Reports", login_id="rita", role="admin", permissions=["read_roster"]
    )
    from tests.support.canvas import sign_in

    client = sign_in(canvas, Client(), reader["id"])
    assert client.get("/helpdesk/").status_code == 403


def test_canvas_down_during_the_check_lets_nobody_in_and_is_not_remembered(canvas, db):
    from tests.support.canvas import sign_in

    client = sign_in(canvas, Client(), DEMO_ADMIN)
    session = client.session
    del session["helpdesk_staff"]  # as when the answer from sign-in has gone stale
    session.save()
    canvas.faults(next=[{"status": 500}])
    response = client.get("/helpdesk/")
    assert response.status_code == 200  # Canvas failed, not the portal: nobody is let in
    assert "could not check your help-desk access" in text_of(response)
    assert "Find a user" not in text_of(response)
    assert client.get("/helpdesk/").status_code == 200


def test_help_desk_link_shows_for_staff_only_without_extra_canvas_calls(admin, student, canvas):
    # Known from sign-in: the page view makes no extra call for it.
    canvas.clear_requests()
    page = admin.get("/channels/")
    assert 'href="/helpdesk/"' in page.content.decode()
    assert ("GET", "/api/v1/accounts") not in canvas_calls(canvas)

    student.get("/helpdesk/")
    assert 'href="/helpdesk/"' not in student.get("/channels/").content.decode()
