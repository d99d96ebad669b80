"""Words that tell the truth about Canvas (issue 12): text messages as current Canvas treats them,
the default email's role, the "Not getting notifications?" panel, and the help desk's contact after
every sentence that sends the reader there. Through the Django test client, against the emulator."""

import html
import json
import re

import pytest
from django.test import Client

from canvas.client import CanvasClient, StaticToken
from canvas_emulator.demo_users import DEMO_ADMIN, DEMO_BOUNCING, DEMO_STUDENT
from tests.portal.test_channel_views import HTMX, canvas_calls, text_of
from tests.support.canvas import sign_in

pytestmark = pytest.mark.django_db

ADA_DEFAULT, ADA_UNCONFIRMED, ADA_PUSH = 1, 2, 3
HELP_URL, HELP_EMAIL = "https://help.example.edu/canvas", "help@example.edu"


def ada_api(canvas) -> CanvasClient:
    return CanvasClient(StaticToken(canvas.token_for(DEMO_STUDENT)))


def add_sms(canvas, number: str = "+12025550143") -> int:
    return ada_api(canvas).create_channel("self", channel_type="sms", address=number).id


def row_html(html: str, channel_id: int) -> str:
    return html.split(f'id="channel-{channel_id}"')[1].split("</li>")[0]


@pytest.fixture
def help_desk(settings) -> None:
    settings.HELPDESK_URL, settings.HELPDESK_EMAIL = HELP_URL, HELP_EMAIL


# --- text messages as they really are ---------------------------------------------------


def test_students_are_offered_email_only_while_sms_is_off(student, canvas):
    html = student.get("/channels/").content.decode()
    assert "Text message (SMS)" not in html
    assert '<input type="hidden" name="channel_type" value="email">' in html
    assert '<label for="id_address">Email address</label>' in html


def test_a_posted_sms_is_refused_while_sms_is_off_and_canvas_is_not_asked(student, canvas):
    canvas.clear_requests()
    response = student.post(
        "/channels/add/", {"channel_type": "sms", "address": "+12025550143"}, headers=HTMX
    )
    assert "Select a valid choice" in text_of(response)
    assert canvas_calls(canvas) == []
    assert [c for c in canvas.channels(DEMO_STUDENT) if c["type"] == "sms"] == []


def test_an_existing_sms_row_says_in_one_sentence_that_canvas_sends_it_nothing(student, canvas):
    sms_id = add_sms(canvas)
    row = row_html(student.get("/channels/").content.decode(), sms_id)
    assert (
        "Current Canvas sends no text messages, so this number gets no notifications and cannot "
        "be confirmed."
    ) in row
    assert "Have a confirmation code?" not in row


def test_the_not_getting_panel_says_a_mobile_number_gets_nothing_while_sms_is_off(student, canvas):
    add_sms(canvas)
    panel = student.get("/channels/").content.decode().split('id="not-getting"')[1]
    assert "Current Canvas sends no text messages, so a mobile number gets nothing." in panel


@pytest.mark.usefixtures("sms_on")
def test_with_sms_on_students_may_add_a_number_and_are_told_it_gets_a_code_not_a_link(
    student, canvas
):
    assert "Text message (SMS)" in student.get("/channels/").content.decode()
    response = student.post(
        "/channels/add/", {"channel_type": "sms", "address": "(202) 555-0143"}, headers=HTMX
    )
    text = text_of(response)
    assert (
        "Added +12025550143. Canvas was asked to send it a text message with a 4-character "
        "confirmation code; it gets no notifications until that code is entered."
    ) in text
    assert "link" not in text.split("Added +12025550143.")[1].split(".")[0]


@pytest.mark.usefixtures("sms_on")
def test_with_sms_on_an_unconfirmed_number_offers_a_code_field_that_opens_canvas_top_level(
    student, canvas
):
    sms_id = add_sms(canvas)
    row = row_html(student.get("/channels/").content.decode(), sms_id)
    assert "Have a confirmation code?" in row
    form = re.search(r"<form[^>]*channel__code[^>]*>", row).group(0)
    assert 'method="get"' in form and 'target="_top"' in form
    assert f'action="/channels/{sms_id}/code/"' in form


@pytest.mark.usefixtures("sms_on")
def test_a_well_formed_code_sends_the_browser_to_canvas_register_page(student, canvas):
    sms_id = add_sms(canvas)
    canvas.clear_requests()
    response = student.get(f"/channels/{sms_id}/code/", {f"sms{sms_id}-code": "7Kx3"})
    assert response.status_code == 302
    assert response["Location"] == f"{canvas.base_url}/register/7Kx3"
    assert canvas_calls(canvas) == []  # Canvas's own page confirms, under its own session


@pytest.mark.usefixtures("sms_on")
@pytest.mark.parametrize("typed", ["7Kx", "7Kx35", "7Kx0", "../x", "a/b?", "7Kx%"])
def test_a_wrong_code_is_explained_next_to_the_field_and_kept_without_leaving_the_portal(
    student, canvas, typed
):
    sms_id = add_sms(canvas)
    student.get("/channels/")
    canvas.clear_requests()
    response = student.get(f"/channels/{sms_id}/code/", {f"sms{sms_id}-code": typed})
    assert response.status_code == 200
    row = row_html(response.content.decode(), sms_id)
    assert "That is not a confirmation code: a code is the 4 letters and digits in the text " in (
        text_of(response)
    )
    assert 'aria-invalid="true"' in row
    assert f'value="{html.escape(typed)}"' in row
    assert canvas_calls(canvas) == []


def test_the_code_route_does_not_exist_while_sms_is_off(student, canvas):
    sms_id = add_sms(canvas)
    response = student.get(f"/channels/{sms_id}/code/", {f"sms{sms_id}-code": "7Kx3"})
    assert response.status_code == 404


def test_the_push_row_names_the_kinds_of_notifications_a_phone_can_receive(student, canvas):
    row = row_html(student.get("/channels/").content.decode(), ADA_PUSH)
    assert "Canvas sends a phone or tablet only these kinds of notifications, whatever the " in row
    assert "announcements" in row and "due dates" in row and "inbox messages" in row


# --- the default email ---------------------------------------------------------------------------


def test_the_default_row_says_canvas_sends_account_mail_there_and_how_to_choose_another(
    student, canvas
):
    row = row_html(student.get("/channels/").content.decode(), ADA_DEFAULT)
    assert "Canvas sends mail about your account here" in row
    assert "To make another confirmed email your default, choose it in your" in row
    assert f'href="{canvas.base_url}/profile/settings"' in row


def test_the_banner_says_canvas_can_email_nothing_while_the_default_is_unconfirmed(student, canvas):
    ada_api(canvas).delete_channel("self", ADA_DEFAULT)  # the unconfirmed address moves up
    html = student.get("/channels/").content.decode()
    banner = html.split('id="unconfirmed-banner"')[1].split("</section>")[0]
    assert (
        "ada@personal.example.com is your default email and it is not confirmed: Canvas can "
        "email you nothing until it is."
    ) in banner
    panel = html.split('id="not-getting"')[1]
    assert "Your default email is not confirmed, so Canvas emails you nothing." in panel


def test_removing_the_default_names_the_next_default_and_that_it_is_unconfirmed(student, canvas):
    student.get("/channels/")
    text = text_of(student.get(f"/channels/{ADA_DEFAULT}/remove/", headers=HTMX))
    assert (
        "This is your default email. Canvas will use ada@personal.example.com as your default "
        "instead, and it is not confirmed: Canvas can email you nothing until it is."
    ) in text


def test_removing_the_default_says_when_the_next_default_is_confirmed(student, canvas):
    canvas.confirm_channel(ADA_UNCONFIRMED)
    student.get("/channels/")
    text = text_of(student.get(f"/channels/{ADA_DEFAULT}/remove/", headers=HTMX))
    assert (
        "This is your default email. Canvas will use ada@personal.example.com as your default "
        "instead; it is confirmed."
    ) in text


# --- words that tell the truth -----------------------------------------------------------------


def test_an_added_email_says_canvas_was_asked_to_send_not_that_it_sent(student, canvas):
    student.get("/channels/")
    text = text_of(
        student.post(
            "/channels/add/", {"channel_type": "email", "address": "n@example.com"}, headers=HTMX
        )
    )
    assert "Canvas was asked to send it an email with a confirmation link" in text
    assert "Canvas sent" not in text


def test_an_address_made_active_does_not_claim_it_receives_notifications(canvas, db):
    admin = sign_in(canvas, Client(), DEMO_ADMIN)
    admin.get(f"/helpdesk/users/{DEMO_STUDENT}/")
    text = text_of(
        admin.post(
            f"/helpdesk/users/{DEMO_STUDENT}/channels/add/",
            {"channel_type": "email", "address": "a@example.com", "skip_confirmation": "on"},
            headers=HTMX,
        )
    )
    assert (
        "Added a@example.com. It is active: Canvas can send to it, but only the notifications "
        "its settings turn on."
    ) in text


def test_resend_says_ask_the_help_desk_once_canvas_stops_sending(student, canvas, help_desk):
    student.get("/channels/")
    response = student.post(f"/channels/{ADA_UNCONFIRMED}/resend/", headers=HTMX)
    text = text_of(response)
    assert (
        "Canvas sends at most 3 confirmation messages per address, ever: if none arrives, use a "
        "link you already have, or ask your help desk to confirm the address."
    ) in text
    assert "profile page" not in text
    assert f'<a href="mailto:{HELP_EMAIL}">{HELP_EMAIL}</a>' in response.content.decode()


def test_the_banner_sends_students_to_the_help_desk_after_three_messages(
    student, canvas, help_desk
):
    html = student.get("/channels/").content.decode()
    banner = html.split('id="unconfirmed-banner"')[1].split("</section>")[0]
    assert "after that, ask your help desk to confirm the address." in text_of_html(banner)
    assert f'href="{HELP_URL}"' in banner
    assert "confirm it from your" not in banner


def test_the_resend_button_says_canvas_will_email_the_default_about_the_removal_and_addition(
    student, canvas
):
    row = row_html(student.get("/channels/").content.decode(), ADA_UNCONFIRMED)
    assert f'aria-describedby="resend-note-{ADA_UNCONFIRMED}"' in row
    assert (
        "Sending again removes this address and adds it back, so Canvas also emails your default "
        "address a notice that it was removed and another that it was added."
    ) in row
    # And it does: the default address gets both notices.
    student.post(f"/channels/{ADA_UNCONFIRMED}/resend/", headers=HTMX)
    kinds = [m["type"] for m in canvas.channel_messages(ADA_DEFAULT)]
    assert "email_address_removed" in kinds and "new_email_address_added" in kinds


def test_too_many_contact_methods_says_removed_addresses_still_count(student, canvas, help_desk):
    canvas.settings(max_communication_channels=3)
    student.get("/channels/")
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": "four@example.com"}, headers=HTMX
    )
    text = text_of(response)
    assert (
        "You have as many contact methods as your institution allows. Addresses removed in the "
        "last hour still count, so removing one now does not make room at once: try again in an "
        "hour, or ask your help desk."
    ) in text
    assert "Remove one that is no longer used" not in text


def test_a_number_used_for_sign_in_codes_is_named_when_canvas_refuses_its_removal(
    student, canvas, help_desk
):
    sms_id = add_sms(canvas)
    student.get("/channels/")
    refusal = {
        "errors": {
            "workflow_state": [
                {
                    "attribute": "workflow_state",
                    "type": "Can't remove a user's SMS that is used for one time passwords",
                    "message": "Can't remove a user's SMS that is used for one time passwords",
                }
            ]
        }
    }
    canvas.faults(next=[{"status": 400, "body": json.dumps(refusal)}])
    response = student.post(f"/channels/{sms_id}/remove/", headers=HTMX)
    assert (
        "Canvas did not remove this number because it is where Canvas texts your sign-in codes "
        "(multi-factor authentication). Ask your help desk if you want to stop using it."
    ) in text_of(response)
    assert f'href="{HELP_URL}"' in response.content.decode()


def test_unregistering_a_push_token_says_only_a_device_it_belonged_to_stops(student, canvas):
    student.get("/channels/")
    response = student.post(
        "/channels/push/unregister/", {"push_token": "not-a-real-token"}, headers=HTMX
    )
    assert (
        "Done. If that token belonged to one of your devices, that device will no longer get "
        "push notifications from Canvas."
    ) in text_of(response)


# --- "Not getting notifications?" ----------------------------------------------------------------


def test_not_getting_notifications_is_a_disclosure_built_from_what_the_page_knows(
    student, canvas, help_desk
):
    html = student.get("/channels/").content.decode()
    panel = html.split('<details id="not-getting"')[1].split("</details>")[0]
    assert "<summary>Not getting notifications?</summary>" in panel
    text = text_of_html(panel)
    assert "A newly added address starts with every notification set to “Never”" in text
    assert "Push notifications reach only the Canvas app" in text
    assert "Look in your spam or junk folder, and add Canvas's sender" in text
    assert "Still nothing? Ask your help desk." in text
    assert f'<a href="{HELP_URL}">{HELP_URL}</a>' in panel
    assert f'<a href="mailto:{HELP_EMAIL}">{HELP_EMAIL}</a>' in panel
    assert "default email is not confirmed" not in text  # Ada's default is confirmed


# --- the help desk's contact --------------------------------------------------------------


def test_without_help_desk_settings_the_sentence_stands_alone(student, canvas):
    canvas.settings(users_can_edit_comm_channels=False)
    student.get("/channels/")
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": "n@example.com"}, headers=HTMX
    )
    html = response.content.decode()
    assert "Ask your help desk to make this change." in text_of(response)
    assert "Reach your help desk" not in html and "<a " not in html


def test_the_help_desk_contact_follows_a_refusal_in_the_alert_region(student, canvas, settings):
    settings.HELPDESK_URL = HELP_URL
    canvas.settings(users_can_edit_comm_channels=False)
    student.get("/channels/")
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": "n@example.com"}, headers=HTMX
    )
    assert (
        f'Ask your help desk to make this change. Reach your help desk at <a href="{HELP_URL}">'
    ) in response.content.decode()


def test_the_help_desk_contact_is_on_error_pages_that_ask_for_it(client, canvas, settings, db):
    settings.HELPDESK_EMAIL = HELP_EMAIL
    client.get("/login/")  # a sign-in in progress, whose state Canvas's answer carries
    state = client.session.get("oauth_state", "")
    response = client.get("/oauth/callback/", {"error": "invalid_scope", "state": state})
    assert "tell your help desk this reason." in text_of(response)
    assert f'Email your help desk at <a href="mailto:{HELP_EMAIL}">' in response.content.decode()


def test_the_help_desk_page_says_what_an_sms_gets_and_what_the_default_is_for(canvas, db):
    admin = sign_in(canvas, Client(), DEMO_ADMIN)
    html = admin.get(f"/helpdesk/users/{DEMO_BOUNCING}/").content.decode()
    text = text_of_html(html)
    assert "Current Canvas sends no text messages, so this number gets no notifications" in text
    assert "Canvas sends mail about this user's account here" in text
    assert "Have a confirmation code?" not in text
    assert "not-getting" not in html  # the panel speaks to the student


def text_of_html(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip())
