"""The help desk's session stays small however many users a staff member opens."""

import pytest

from canvas_emulator.demo_users import DEMO_BOUNCING, DEMO_STUDENT, DEMO_TEACHER
from channels_app import snapshot
from tests.helpdesk.conftest import canvas_calls

pytestmark = pytest.mark.django_db


def stored_lists(client) -> list[str]:
    return list(client.session.get(snapshot.SESSION_KEY, {}))


def test_help_desk_keeps_the_lists_of_the_last_five_users_opened_only(admin, canvas):
    extra = [
        canvas.create_user(name=f"Extra {n}", login_id=f"extra{n}", email=f"e{n}@example.edu")
        for n in range(4)
    ]
    opened = [DEMO_STUDENT, DEMO_BOUNCING, DEMO_TEACHER, *(user["id"] for user in extra)]
    for user_id in opened:
        assert admin.get(f"/helpdesk/users/{user_id}/").status_code == 200
    assert stored_lists(admin) == [str(user_id) for user_id in opened[-snapshot.MAX_LISTS :]]
    assert snapshot.MAX_LISTS == 5


def test_opening_a_user_again_makes_their_list_the_newest(admin, canvas):
    for user_id in [DEMO_STUDENT, DEMO_BOUNCING, DEMO_STUDENT]:
        admin.get(f"/helpdesk/users/{user_id}/")
    assert stored_lists(admin)[-1] == str(DEMO_STUDENT)


def test_an_action_on_a_user_whose_list_was_dropped_reads_it_from_canvas_again(admin, canvas):
    assert admin.get(f"/helpdesk/users/{DEMO_BOUNCING}/").status_code == 200
    for n in range(snapshot.MAX_LISTS):
        user = canvas.create_user(name=f"Extra {n}", login_id=f"extra{n}")
        admin.get(f"/helpdesk/users/{user['id']}/")
    assert str(DEMO_BOUNCING) not in stored_lists(admin)
    canvas.clear_requests()
    # The page's Remove button asks its question over htmx.
    response = admin.get(
        f"/helpdesk/users/{DEMO_BOUNCING}/channels/5/remove/", headers={"HX-Request": "true"}
    )
    assert "Remove +15555550123?" in response.content.decode()
    assert canvas_calls(canvas) == [
        ("GET", f"/api/v1/users/{DEMO_BOUNCING}/communication_channels"),
    ]
