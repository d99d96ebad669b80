"""The channels page and its actions through the Django test client, against the emulator:
full pages, htmx fragments, the no-JavaScript post/redirect path, and every error message."""

import re

import pytest
from django.test import Client

from canvas.client import CanvasClient, StaticToken
from canvas.records import Channel
from canvas_emulator.demo_users import DEMO_STUDENT, DEMO_TEACHER
from channels_app import services
from tests.support.canvas import sign_in

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/channels/"}
ADA_DEFAULT, ADA_UNCONFIRMED, ADA_PUSH = 1, 2, 3


def canvas_calls(emulator) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in emulator.requests_log()
        if r["path"].startswith(("/api/", "/login/oauth2/token"))
    ]


def text_of(response) -> str:
    """Visible text, whitespace folded, for asserting on sentences."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def input_tag(html: str, element_id: str) -> str:
    """The whole `<input>` or `<select>` tag with this id, its attributes in any order."""
    match = re.search(rf'<(?:input|select)\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, f"no input #{element_id}"
    return match.group(0)


def oob_fragment(response, element_id: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<(\w+) id="{element_id}"[^>]*hx-swap-oob[^>]*>', html)
    assert match, f"no out-of-band #{element_id} in {html[:500]}"
    return html[match.start() :]


@pytest.fixture
def page(student, canvas):
    """The student has seen the page once (as a browser would before acting)."""
    response = student.get("/channels/")
    assert response.status_code == 200
    canvas.clear_requests()
    return response


# --- the page -----------------------------------------------------------------------------------


def test_full_page_lists_grouped_channels_with_text_statuses(page):
    text = text_of(page)
    assert "Your contact methods" in text
    assert "Email ada.lovelace@demo.example.edu Active Default" in text
    assert "ada@personal.example.com Unconfirmed" in text
    assert "Push For All Devices Active" in text
    assert text.index("Email") < text.index("Push")


def test_banner_names_each_unconfirmed_address_and_how_to_confirm(page, canvas):
    banner = page.content.decode().split('id="unconfirmed-banner"')[1].split("</section>")[0]
    assert "ada@personal.example.com" in banner
    assert "ada.lovelace@demo.example.edu" not in banner
    assert "no notifications" in banner
    assert "at most 3 confirmation messages" in banner
    assert f'href="{canvas.base_url}/profile/settings"' in banner


def test_buttons_name_the_address_they_act_on(page):
    html = page.content.decode()
    assert 'Remove<span class="visually-hidden"> ada@personal.example.com</span>' in html
    assert 'Send the confirmation again<span class="visually-hidden"> to ada@personal' in html
    assert 'Remove<span class="visually-hidden"> push notifications for all devices' in html


def test_page_view_is_one_canvas_call(student, canvas):
    canvas.clear_requests()
    student.get("/channels/")
    assert canvas_calls(canvas) == [("GET", "/api/v1/users/self/communication_channels")]


def test_signed_out_visitor_is_sent_to_sign_in(client, canvas):
    response = client.get("/channels/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fchannels%2F"


def test_landing_offers_sign_in_and_skips_itself_when_signed_in(client, student):
    assert 'href="/login/"' in Client().get("/").content.decode()
    assert student.get("/")["Location"] == "/channels/"


def test_addresses_from_canvas_are_escaped(canvas, student):
    hostile = '<img src=x onerror="alert(1)">'
    CanvasClient(StaticToken(canvas.token_for(DEMO_STUDENT))).create_channel(
        "self", channel_type="sms", address=hostile
    )
    html = student.get("/channels/").content.decode()
    assert hostile not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


# --- adding -------------------------------------------------------------------------------------


def test_add_with_htmx_inserts_row_updates_banner_in_one_call(page, student, canvas):
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": "new@example.com"}, headers=HTMX
    )
    assert response.status_code == 200
    assert canvas_calls(canvas) == [("POST", "/api/v1/users/self/communication_channels")]
    listing = oob_fragment(response, "channel-list")
    assert "new@example.com" in listing
    assert re.search(r'id="channel-\d+" class="channel" tabindex="-1" data-focus-target', listing)
    banner = oob_fragment(response, "unconfirmed-banner").split("</section>")[0]
    assert "2 addresses are not confirmed" in banner
    assert "new@example.com" in banner and "ada@personal.example.com" in banner
    status = oob_fragment(response, "status-region")
    assert "Added new@example.com" in status
    form = oob_fragment(response, "add-form")
    assert "value=" not in input_tag(form, "id_address")  # emptied for the next address


def test_add_without_javascript_posts_and_redirects(page, student, canvas):
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": "nojs@example.com"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/channels/"
    followed = student.get("/channels/")
    assert "Added nojs@example.com" in text_of(followed)
    assert "nojs@example.com Unconfirmed" in text_of(followed)


@pytest.mark.usefixtures("sms_on")
def test_phone_number_is_normalised_to_e164(page, student, canvas):
    student.post(
        "/channels/add/", {"channel_type": "sms", "address": "(202) 555-0143"}, headers=HTMX
    )
    sms = [c for c in canvas.channels(DEMO_STUDENT) if c["type"] == "sms"]
    assert [c["address"] for c in sms] == ["+12025550143"]


@pytest.mark.usefixtures("sms_on")
@pytest.mark.parametrize(
    ("channel_type", "address", "message"),
    [
        ("email", "", "Enter the email address or mobile number to add."),
        ("email", "not-an-email@", "Enter a complete email address, like name@example.com."),
        ("sms", "12", "Enter a mobile number Canvas can text"),
        ("sms", "call me maybe", "Enter a mobile number Canvas can text"),
        ("fax", "x@example.com", "Select a valid choice."),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_kept(
    page, student, canvas, channel_type, address, message
):
    response = student.post(
        "/channels/add/", {"channel_type": channel_type, "address": address}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    field = input_tag(html, "id_address")
    assert f'value="{address}"' in field if address else "value=" not in field
    assert canvas_calls(canvas) == []
    if channel_type != "fax":
        assert 'aria-invalid="true"' in html


@pytest.mark.usefixtures("sms_on")
def test_the_example_numbers_in_the_hint_are_numbers_the_form_accepts(page, student, canvas):
    hint = re.search(r'id="address-hint">([^<]*)<', page.content.decode())
    assert hint, "no hint next to the address field"
    examples = re.findall(r"such as ([^;]+);.*\((\+[^)]+)\)", hint.group(1))
    assert examples, hint.group(1)
    for example in examples[0]:
        response = student.post(
            "/channels/add/", {"channel_type": "sms", "address": example}, headers=HTMX
        )
        assert "Added +" in oob_fragment(response, "status-region"), example
    assert len([c for c in canvas.channels(DEMO_STUDENT) if c["type"] == "sms"]) == 2


@pytest.mark.usefixtures("sms_on")
def test_a_us_number_that_may_be_mobile_or_landline_is_accepted(page, student, canvas):
    """phonenumbers cannot tell US mobiles from landlines (FIXED_LINE_OR_MOBILE)."""
    student.post("/channels/add/", {"channel_type": "sms", "address": "201-555-0199"}, headers=HTMX)
    assert "+12015550199" in [c["address"] for c in canvas.channels(DEMO_STUDENT)]


@pytest.mark.usefixtures("sms_on")
@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("+1 900-234-5678", "That looks like a premium-rate number."),
        ("+44 901 234 5678", "That looks like a premium-rate number."),
        ("+1 800-234-5678", "That looks like a toll-free number."),
        ("+49 180 1 2345", "That looks like a shared-cost number."),
        ("+44 121 234 5678", "That looks like a landline number."),
        ("+44 56 1234 5678", "That looks like an internet phone (VoIP) number."),
        ("+44 76 4012 3456", "That looks like a pager number."),
        ("+44 70 1234 5678", "That does not look like a mobile number."),
    ],
)
def test_numbers_that_cannot_receive_texts_are_refused_in_words_and_kept(
    page, student, canvas, address, message
):
    response = student.post(
        "/channels/add/", {"channel_type": "sms", "address": address}, headers=HTMX
    )
    html = response.content.decode()
    assert 'id="address-error"' in html, "the number was accepted"
    error = html.split('id="address-error">')[1].split("</p>")[0]
    assert error == f"{message} Enter a mobile number that can receive text messages."
    assert f'value="{address}"' in html
    assert 'aria-invalid="true"' in html
    assert canvas_calls(canvas) == []


IDN = "ada@bücher.example"
IDN_STORED = "ada@xn--bcher-kva.example"
LOOK_ALIKE = "ada@gm\u0430il.com"  # the a after "gm" is Cyrillic: it reads as gmail.com


@pytest.mark.parametrize(
    ("address", "stored"),
    [(IDN, IDN_STORED), (LOOK_ALIKE, "ada@xn--gmil-63d.com")],
    ids=["accented", "cyrillic-look-alike"],
)
def test_an_address_with_a_non_ascii_domain_asks_before_it_is_added(
    page, student, canvas, address, stored
):
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": address}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Canvas will store this address as {stored}. Add it?" in text_of(response)
    assert f'value="{address}"' in html  # what the student typed, next to the stored form
    assert f'name="confirm_address" id="id_confirm_address" value="{stored}"' in html
    assert canvas_calls(canvas) == []
    assert stored not in [c["address"] for c in canvas.channels(DEMO_STUDENT)]


def test_a_confirmed_non_ascii_address_is_added_in_its_stored_form(page, student, canvas):
    response = student.post(
        "/channels/add/",
        {"channel_type": "email", "address": IDN, "confirm_address": IDN_STORED},
        headers=HTMX,
    )
    assert f"Added {IDN_STORED}" in oob_fragment(response, "status-region")
    assert canvas_calls(canvas) == [("POST", "/api/v1/users/self/communication_channels")]
    assert IDN_STORED in [c["address"] for c in canvas.channels(DEMO_STUDENT)]


def test_a_non_ascii_address_asks_then_adds_without_javascript(page, student, canvas):
    asked = student.post("/channels/add/", {"channel_type": "email", "address": IDN})
    assert asked.status_code == 422
    assert f"Canvas will store this address as {IDN_STORED}. Add it?" in text_of(asked)
    assert canvas_calls(canvas) == []
    added = student.post(
        "/channels/add/", {"channel_type": "email", "address": IDN, "confirm_address": IDN_STORED}
    )
    assert added.status_code == 302
    assert f"{IDN_STORED} Unconfirmed" in text_of(student.get("/channels/"))


def test_a_confirmation_given_for_another_address_does_not_add(page, student, canvas):
    response = student.post(
        "/channels/add/",
        {"channel_type": "email", "address": LOOK_ALIKE, "confirm_address": IDN_STORED},
        headers=HTMX,
    )
    assert "Canvas will store this address as ada@xn--gmil-63d.com. Add it?" in text_of(response)
    assert canvas_calls(canvas) == []


@pytest.mark.usefixtures("sms_on")
def test_field_error_is_tied_to_the_input(page, student):
    html = student.post(
        "/channels/add/", {"channel_type": "email", "address": "nope"}, headers=HTMX
    ).content.decode()
    field = input_tag(html, "id_address")
    assert 'aria-describedby="address-hint address-error"' in field
    assert 'aria-invalid="true"' in field
    assert 'id="address-error"' in html


def test_bad_input_without_javascript_rerenders_the_page(page, student, canvas):
    response = student.post("/channels/add/", {"channel_type": "email", "address": "nope"})
    assert response.status_code == 422
    assert "Enter a complete email address" in text_of(response)
    assert "ada.lovelace@demo.example.edu" in text_of(response)  # from the last list, no call
    assert canvas_calls(canvas) == []


def test_duplicate_is_caught_before_calling_canvas(page, student, canvas):
    response = student.post(
        "/channels/add/",
        {"channel_type": "email", "address": "ADA@Personal.Example.com"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "This address is already on your list." in response.content.decode()
    assert canvas_calls(canvas) == []


def test_duplicate_refused_by_canvas_reads_the_same(student, canvas):
    # No list shown yet in this session, so only Canvas can spot the duplicate.
    canvas.clear_requests()
    response = student.post(
        "/channels/add/",
        {"channel_type": "email", "address": "ADA@personal.example.com"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "This address is already on your list." in response.content.decode()
    assert canvas_calls(canvas) == [("POST", "/api/v1/users/self/communication_channels")]


@pytest.mark.parametrize(
    ("canvas_settings", "address", "message"),
    [
        (
            {"banned_email_domains": ["banned.example"]},
            "me@banned.example",
            "Your institution does not allow email addresses at banned.example.",
        ),
        (
            {"max_communication_channels": 3},
            "fourth@example.com",
            "You have as many contact methods as your institution allows. Addresses removed in "
            "the last hour still count",
        ),
    ],
)
def test_canvas_refusals_are_explained_next_to_the_field(
    page, student, canvas, canvas_settings, address, message
):
    canvas.settings(**canvas_settings)
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": address}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{address}"' in html


def test_institution_managed_contact_methods_go_to_the_alert_region(page, student, canvas):
    canvas.settings(users_can_edit_comm_channels=False)
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": "x@example.com"}, headers=HTMX
    )
    assert response.status_code == 200  # htmx answers are 200; the page path keeps 403
    assert response["HX-Retarget"] == "#alert-region"
    assert "manages contact methods centrally" in response.content.decode()


def test_canvas_failure_without_javascript_keeps_the_input(page, student, canvas):
    canvas.settings(users_can_edit_comm_channels=False)
    response = student.post("/channels/add/", {"channel_type": "email", "address": "x@example.com"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "manages contact methods centrally" in html
    assert 'value="x@example.com"' in html


@pytest.mark.parametrize(
    ("faults", "message"),
    [
        ({"next": [{"hang_s": 5}]}, "we cannot tell whether we managed to add the address"),
        ({"next": [{"status": 502}]}, "we cannot tell whether we managed to add the address"),
        ({"next": [{"body": "not json"}]}, "we cannot tell whether"),
        ({"throttle": "403"}, "Canvas is busy right now, so we could not add the address"),
        ({"throttle": "429"}, "Canvas is busy right now"),
    ],
    ids=["timeout", "5xx", "malformed", "throttled-403", "throttled-429"],
)
def test_canvas_failures_on_add_are_sentences(page, student, canvas, faults, message):
    canvas.faults(**faults)
    response = student.post(
        "/channels/add/", {"channel_type": "email", "address": "x@example.com"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#alert-region"
    canvas.faults(**faults)
    no_js = student.post("/channels/add/", {"channel_type": "email", "address": "y@example.com"})
    assert no_js.status_code == 200  # Canvas failed, not the portal: never a portal 5xx
    assert message in no_js.content.decode()
    assert message in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize(
    "faults",
    [{"next": [{"status": 503}] * 3}, {"next": [{"hang_s": 5}] * 3}, {"throttle": "429"}],
    ids=["5xx", "timeout", "throttled"],
)
def test_page_view_failure_is_a_sentence(page, student, canvas, faults):
    canvas.faults(**faults)
    response = student.get("/channels/")
    assert response.status_code == 200  # Canvas failed, not the portal: never a portal 5xx
    text = text_of(response)
    assert "could not load the contact methods" in text
    assert "could not be loaded from Canvas" in text
    # The list seen earlier is not shown as if it were current.
    assert "ada@personal.example.com" not in text


# --- removing -----------------------------------------------------------------------------------


def test_remove_asks_first_naming_the_address_and_the_default_warning(page, student, canvas):
    response = student.get(f"/channels/{ADA_DEFAULT}/remove/", headers=HTMX)
    html = response.content.decode()
    assert "Remove ada.lovelace@demo.example.edu?" in html
    assert "This is your default email. Canvas will use ada@personal.example.com" in html
    assert "Yes, remove ada.lovelace@demo.example.edu" in html
    assert canvas_calls(canvas) == []


def test_removing_the_last_email_warns(canvas, student):
    CanvasClient(StaticToken(canvas.token_for(DEMO_STUDENT))).delete_channel("self", 2)
    student.get("/channels/")
    html = student.get(f"/channels/{ADA_DEFAULT}/remove/").content.decode()
    assert "This is your only email address" in html


def test_remove_without_javascript_confirms_on_its_own_page(page, student):
    response = student.get(f"/channels/{ADA_UNCONFIRMED}/remove/")
    assert response.status_code == 200
    assert "<h1>Remove ada@personal.example.com?</h1>" in response.content.decode()
    removed = student.post(f"/channels/{ADA_UNCONFIRMED}/remove/")
    assert removed.status_code == 302
    after = student.get("/channels/")
    assert "Removed ada@personal.example.com." in text_of(after)
    assert 'id="banner-heading"' not in after.content.decode()


def test_remove_with_htmx_takes_the_row_out_and_updates_banner(page, student, canvas):
    response = student.post(f"/channels/{ADA_UNCONFIRMED}/remove/", headers=HTMX)
    assert response.status_code == 200
    assert canvas_calls(canvas) == [
        ("DELETE", f"/api/v1/users/self/communication_channels/{ADA_UNCONFIRMED}")
    ]
    listing = oob_fragment(response, "channel-list").split("</section>")[0]
    assert "ada@personal.example.com" not in listing
    # Focus moves to the row that followed the removed one.
    assert f'id="channel-{ADA_PUSH}" class="channel" tabindex="-1" data-focus-target' in listing
    banner = oob_fragment(response, "unconfirmed-banner").split("</div>")[0]
    assert "not confirmed" not in banner
    assert "Removed ada@personal.example.com." in oob_fragment(response, "status-region")


def test_channel_already_removed_elsewhere_counts_as_removed(page, student, canvas):
    CanvasClient(StaticToken(canvas.token_for(DEMO_STUDENT))).delete_channel("self", 2)
    response = student.post(f"/channels/{ADA_UNCONFIRMED}/remove/", headers=HTMX)
    assert response.status_code == 200
    assert "ada@personal.example.com had already been removed." in response.content.decode()
    assert (
        "ada@personal.example.com"
        not in oob_fragment(response, "channel-list").split("</section>")[0]
    )


def test_remove_failure_is_reported_and_nothing_is_claimed(page, student, canvas):
    canvas.faults(next=[{"status": 500}] * 3)
    response = student.post(f"/channels/{ADA_UNCONFIRMED}/remove/", headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#alert-region"
    assert "we cannot tell whether we managed to remove the address" in response.content.decode()


def test_a_student_cannot_touch_another_users_channel(canvas, client):
    sign_in(canvas, client, DEMO_TEACHER)
    client.get("/channels/")
    canvas.clear_requests()
    response = client.post(f"/channels/{ADA_UNCONFIRMED}/remove/", headers=HTMX)
    # The id is looked up among the signed-in user's own channels (`self`): Canvas says 404.
    assert canvas_calls(canvas) == [
        ("DELETE", f"/api/v1/users/self/communication_channels/{ADA_UNCONFIRMED}")
    ]
    assert response.status_code == 200
    assert any(c["workflow_state"] == "unconfirmed" for c in canvas.channels(DEMO_STUDENT))


# --- resend confirmation ------------------------------------------------------------------------


def test_resend_reads_the_list_then_removes_and_readds_the_same_channel(page, student, canvas):
    before = len(canvas.channel_messages(ADA_UNCONFIRMED))
    response = student.post(f"/channels/{ADA_UNCONFIRMED}/resend/", headers=HTMX)
    assert response.status_code == 200
    assert [m for m, _ in canvas_calls(canvas)] == ["GET", "DELETE", "POST"]
    assert len(canvas.channel_messages(ADA_UNCONFIRMED)) == before + 1
    status = oob_fragment(response, "status-region")
    assert "new confirmation email to ada@personal.example.com" in status
    assert "at most 3 confirmation messages" in status
    listing = oob_fragment(response, "channel-list")
    assert f'id="channel-{ADA_UNCONFIRMED}"' in listing


# The fresh list read before the removal takes the first fault item.
LIST_READ_OK = {"hang_s": 0}


def test_resend_retries_the_readd_then_says_exactly_where_things_stand(page, student, canvas):
    canvas.faults(
        next=[LIST_READ_OK, {"hang_s": 0}, {"status": 503}, {"status": 503}, {"status": 503}]
    )
    response = student.post(f"/channels/{ADA_UNCONFIRMED}/resend/", headers=HTMX)
    assert [m for m, _ in canvas_calls(canvas)] == ["GET", "DELETE", "POST", "POST", "POST"]
    html = response.content.decode()
    alert = oob_fragment(response, "alert-region")
    assert "ada@personal.example.com is not on your list now" in alert
    form = oob_fragment(response, "add-form")
    assert 'value="ada@personal.example.com"' in form
    assert "Traceback" not in html


def test_resend_survives_one_failed_readd(page, student, canvas):
    canvas.faults(next=[LIST_READ_OK, {"hang_s": 0}, {"status": 503}])
    response = student.post(f"/channels/{ADA_UNCONFIRMED}/resend/", headers=HTMX)
    assert "new confirmation email" in oob_fragment(response, "status-region")
    states = {c["id"]: c["workflow_state"] for c in canvas.channels(DEMO_STUDENT)}
    assert states[ADA_UNCONFIRMED] == "unconfirmed"


def canvas_rows(emulator) -> list[tuple[int, str, str]]:
    """Every channel row of the student, retired ones included: what Canvas holds."""
    return [(c["id"], c["type"], c["workflow_state"]) for c in emulator.channels(DEMO_STUDENT)]


@pytest.mark.parametrize(
    ("channel_id", "said"),
    [
        (
            ADA_DEFAULT,
            "ada.lovelace@demo.example.edu is already confirmed, so no new confirmation was sent "
            "and nothing was changed.",
        ),
        (ADA_PUSH, "Push notifications need no confirmation, so nothing was sent"),
    ],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-javascript"])
def test_resend_posted_for_an_active_email_or_push_is_refused_without_asking_canvas(
    page, student, canvas, channel_id, said, htmx
):
    before = canvas_rows(canvas)
    response = student.post(f"/channels/{channel_id}/resend/", headers=HTMX if htmx else {})
    assert said in text_of(response)
    assert response.status_code == (200 if htmx else 409)
    assert canvas_calls(canvas) == []
    assert canvas_rows(canvas) == before


def test_resend_of_an_address_confirmed_since_the_page_was_shown_changes_nothing(
    page, student, canvas
):
    # The student opened the link in the email after loading the page, then clicked the button.
    canvas.confirm_channel(ADA_UNCONFIRMED)
    before = canvas_rows(canvas)
    response = student.post(f"/channels/{ADA_UNCONFIRMED}/resend/", headers=HTMX)
    assert "ada@personal.example.com is already confirmed" in oob_fragment(response, "alert-region")
    assert canvas_calls(canvas) == [("GET", "/api/v1/users/self/communication_channels")]
    assert canvas_rows(canvas) == before
    # The list on the page is brought up to date: no banner, no resend button.
    assert "Send the confirmation again" not in response.content.decode()


def test_resend_service_refuses_an_active_channel_before_any_canvas_call(canvas):
    client = CanvasClient(StaticToken(canvas.token_for(DEMO_STUDENT)))
    active = Channel.from_json(canvas.channels(DEMO_STUDENT)[0])
    assert active.is_active
    canvas.clear_requests()
    with pytest.raises(services.NotResendable):
        services.channel_resend_confirmation(client=client, user_id="self", channel=active)
    assert canvas_calls(canvas) == []


def test_resend_button_is_offered_only_for_unconfirmed_email_and_sms(page):
    html = page.content.decode()
    assert html.count("Send the confirmation again<span") == 1
    assert f'action="/channels/{ADA_UNCONFIRMED}/resend/"' in html


# --- push device --------------------------------------------------------------------------------


def test_unregister_one_push_device(page, student, canvas):
    response = student.post(
        "/channels/push/unregister/", {"push_token": "device-abc"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "will no longer get push notifications" in response.content.decode()
    assert canvas_calls(canvas) == [("DELETE", "/api/v1/users/self/communication_channels/push")]


def test_unregister_push_without_push_channel_is_explained(canvas, client):
    sign_in(canvas, client, DEMO_TEACHER)
    response = client.post("/channels/push/unregister/", {"push_token": "x"}, headers=HTMX)
    assert response.status_code == 200
    assert "Canvas has no push notifications set up for your account." in (
        response.content.decode()
    )


# --- security -----------------------------------------------------------------------------------


@pytest.fixture
def csrf_student(canvas):
    client = Client(enforce_csrf_checks=True)
    sign_in(canvas, client, DEMO_STUDENT)
    client.get("/channels/")
    canvas.clear_requests()
    return client


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/channels/add/", {"channel_type": "email", "address": "x@example.com"}),
        (f"/channels/{ADA_UNCONFIRMED}/remove/", {}),
        (f"/channels/{ADA_UNCONFIRMED}/resend/", {}),
        ("/channels/push/unregister/", {"push_token": "abc"}),
        ("/logout/", {}),
    ],
)
def test_every_mutation_requires_csrf(csrf_student, canvas, path, data):
    for headers in ({}, HTMX):
        response = csrf_student.post(path, data, headers=headers)
        assert response.status_code == 403
    assert canvas_calls(canvas) == []


def test_htmx_csrf_header_from_body_attribute_is_accepted(csrf_student, canvas):
    page = csrf_student.get("/channels/").content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    response = csrf_student.post(
        "/channels/add/",
        {"channel_type": "email", "address": "csrf-ok@example.com"},
        headers={**HTMX, "X-CSRFToken": token},
    )
    assert response.status_code == 200


def test_csp_uses_a_nonce_and_the_page_has_no_inline_script_or_style(page):
    policy = page["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'self'" in policy
    html = page.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attrs, body in scripts:
        assert "src=" in attrs and body.strip() == ""
        assert f'nonce="{nonce}"' in attrs
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_security_headers(page):
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"


def test_health_endpoints(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_an_unchanged_list_does_not_rewrite_the_session(page, student):
    from django.contrib.sessions.models import Session

    key = student.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    student.get("/channels/")
    assert Session.objects.get(session_key=key).expire_date == before


def test_only_canvas_may_frame_the_portal(page, settings):
    policy = page["Content-Security-Policy"]
    (ancestors,) = [part.strip() for part in policy.split(";") if "frame-ancestors" in part]
    assert ancestors.split()[1:] == ["'self'", *settings.CANVAS_FRAME_ANCESTORS]
