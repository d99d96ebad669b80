"""The channels page with JavaScript on: every action is an htmx swap checked by axe afterwards."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import CanvasToken
from canvas_emulator.demo_users import DEMO_STUDENT
from harness.emulator import EmulatorProcess

from .helpers import BrowserUI

PERSONAL = "ada@personal.example.com"  # Ada's unconfirmed email (docs/emulator.md)
SCHOOL = "ada.lovelace@demo.example.edu"  # her active default email


def emulator_channel(emulator: EmulatorProcess, address: str) -> dict | None:
    rows = emulator.channels(DEMO_STUDENT)
    return next(
        (c for c in rows if c["address"] == address and c["workflow_state"] != "retired"), None
    )


@pytest.mark.usefixtures("sms_on")
def test_add_email_and_phone(ada: BrowserUI, portal: EmulatorProcess) -> None:
    page = ada.page
    ada.add("new.address@example.com")
    row = ada.row("new.address@example.com")
    expect(row).to_contain_text("Unconfirmed")
    expect(row).to_be_focused()
    expect(ada.status_region()).to_contain_text(
        "Added new.address@example.com. Canvas was asked to send it an email with a confirmation "
        "link"
    )
    expect(ada.address_field).to_have_value("")  # a fresh form for the next address

    ada.add("(202) 555-0143", kind="Text message (SMS)")
    phone = ada.row("+12025550143")  # normalised to E.164 before it reached Canvas
    expect(phone).to_be_focused()
    expect(page.locator("#group-sms + ul")).to_contain_text("+12025550143")
    expect(ada.status_region()).to_contain_text("Canvas was asked to send it a text message")
    assert emulator_channel(portal, "+12025550143")["type"] == "sms"
    assert emulator_channel(portal, "new.address@example.com")["workflow_state"] == "unconfirmed"


@pytest.mark.usefixtures("sms_on")
@pytest.mark.parametrize(
    ("kind", "typed", "canvas_settings", "message"),
    [
        ("Email", "", {}, "Enter the email address or mobile number to add."),
        ("Email", "ada@", {}, "Enter a complete email address, like name@example.com."),
        ("Text message (SMS)", "555-01", {}, "Enter a mobile number Canvas can text"),
        ("Email", PERSONAL.upper(), {}, "This address is already on your list."),
        (
            "Email",
            "ada@banned.example",
            {"banned_email_domains": ["banned.example"]},
            "Your institution does not allow email addresses at banned.example.",
        ),
        (
            "Email",
            "one.more@example.com",
            {"max_communication_channels": 3},
            "You have as many contact methods as your institution allows.",
        ),
    ],
    ids=["blank", "bad-email", "bad-phone", "duplicate", "banned-domain", "too-many"],
)
def test_validation_errors(
    ada: BrowserUI,
    portal: EmulatorProcess,
    kind: str,
    typed: str,
    canvas_settings: dict,
    message: str,
) -> None:
    if canvas_settings:
        portal.settings(**canvas_settings)
    ada.guard.expect_http_error(422, "/channels/add/")
    ada.add(typed, kind=kind)

    field, error = ada.address_field, ada.page.locator("#address-error")
    expect(error).to_contain_text(message)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(r"\baddress-error\b"))
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(field).to_be_focused()
    expect(field).to_have_value(typed)  # what the user typed is kept
    expect(ada.page.get_by_role("radio", name=kind)).to_be_checked()
    if kind == "Email" and typed:
        assert len(portal.channels(DEMO_STUDENT)) == 3  # nothing was added

    # Fixing the input clears the error.
    portal.settings(banned_email_domains=[], max_communication_channels=None)
    ada.add("fixed@example.com")
    expect(error).to_have_count(0)
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(ada.row("fixed@example.com")).to_be_focused()


def test_remove_with_confirmation(ada: BrowserUI, portal: EmulatorProcess) -> None:
    page = ada.page
    remove_default = page.get_by_role("button", name=f"Remove {SCHOOL}")
    ada.htmx(remove_default.click)
    question = page.get_by_role("group", name=f"Remove {SCHOOL}?")
    expect(question).to_be_focused()
    expect(question).to_contain_text(
        f"This is your default email. Canvas will use {PERSONAL} as your default instead, and it "
        "is not confirmed"
    )
    question.get_by_role("button", name="Cancel").click()
    expect(question).to_have_count(0)
    expect(remove_default).to_be_focused()

    ada.htmx(page.get_by_role("button", name=f"Remove {PERSONAL}").click)
    question = page.get_by_role("group", name=f"Remove {PERSONAL}?")
    expect(question).to_be_focused()
    ada.htmx(question.get_by_role("button", name=f"Yes, remove {PERSONAL}").click)

    expect(ada.row(PERSONAL)).to_have_count(0)
    expect(ada.status_region()).to_have_text(f"Removed {PERSONAL}.")
    expect(ada.row("For All Devices")).to_be_focused()  # the next row takes focus
    assert emulator_channel(portal, PERSONAL) is None

    # Removing the last row leaves focus on the list heading.
    for address in (SCHOOL, "push notifications for all devices"):
        ada.htmx(page.get_by_role("button", name=f"Remove {address}").click)
        ada.htmx(page.get_by_role("button", name=f"Yes, remove {address}").click)
    expect(page.get_by_text("There are no contact methods yet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Contact methods", exact=True)).to_be_focused()


def test_resend_confirmation(ada: BrowserUI, portal: EmulatorProcess) -> None:
    channel_id = emulator_channel(portal, PERSONAL)["id"]
    sent_before = len(portal.channel_messages(channel_id))
    ada.htmx(
        ada.page.get_by_role("button", name=f"Send the confirmation again to {PERSONAL}").click
    )

    expect(ada.status_region()).to_contain_text(
        f"Canvas was asked to send a new confirmation email to {PERSONAL}."
    )
    expect(ada.row(PERSONAL)).to_be_focused()
    expect(ada.row(PERSONAL)).to_contain_text("Unconfirmed")
    assert len(portal.channel_messages(channel_id)) == sent_before + 1


def test_banner_appears_changes_and_disappears(ui: BrowserUI, portal: EmulatorProcess) -> None:
    portal.confirm_channel(emulator_channel(portal, PERSONAL)["id"])
    ui.sign_in()
    page = ui.page
    banner = ui.banner()
    expect(banner).to_be_empty()
    page.evaluate("window.__samePage = true")  # gone if anything reloads the page

    ui.add("first@example.com")
    expect(banner.get_by_role("heading")).to_have_text("1 address is not confirmed")
    expect(banner).to_contain_text("Canvas sends no notifications to this address")
    expect(banner.get_by_role("listitem")).to_have_text(["first@example.com"])

    ui.add("second@example.com")
    expect(banner.get_by_role("heading")).to_have_text("2 addresses are not confirmed")
    expect(banner.get_by_role("listitem")).to_have_text(["first@example.com", "second@example.com"])

    for address, left in (("first@example.com", 1), ("second@example.com", 0)):
        ui.htmx(page.get_by_role("button", name=f"Remove {address}").click)
        ui.htmx(page.get_by_role("button", name=f"Yes, remove {address}").click)
        expect(banner.get_by_role("listitem")).to_have_count(left)
    expect(banner).to_be_empty()
    assert page.evaluate("window.__samePage") is True


def test_canvas_failure_shown_in_alert_region(ada: BrowserUI, portal: EmulatorProcess) -> None:
    page = ada.page
    portal.faults(next=[{"status": 503}])
    ada.add("while.down@example.com")
    expect(ada.alert_region()).to_have_text(
        "Canvas did not answer properly, so we cannot tell whether we managed to add the "
        "address. Reload the page to check before trying again."
    )
    expect(ada.address_field).to_have_value("while.down@example.com")

    ada.guard.expect_http_error(
        403, f"/channels/{emulator_channel(portal, PERSONAL)['id']}/remove/"
    )
    portal.settings(users_can_edit_comm_channels=False)
    ada.htmx(page.get_by_role("button", name=f"Remove {PERSONAL}").click)
    ada.htmx(page.get_by_role("button", name=f"Yes, remove {PERSONAL}").click)
    expect(ada.alert_region()).to_contain_text("Your institution manages contact methods centrally")
    expect(ada.row(PERSONAL)).to_be_visible()

    # The next action's outcome replaces the old alert.
    portal.settings(users_can_edit_comm_channels=True)
    ada.add("back.up@example.com")
    expect(ada.alert_region()).to_be_empty()
    expect(ada.status_region()).to_contain_text("Added back.up@example.com.")

    # A page load while Canvas is down says so in the alert region, not with an empty list.
    portal.faults(next=[{"status": 503}] * 5)
    ada.goto("/channels/")
    expect(ada.alert_region()).to_have_text(
        "Canvas is not answering right now, so we could not load the contact methods. "
        "Try again in a few minutes."
    )


def test_session_expiry_during_htmx_action(ada: BrowserUI, portal: EmulatorProcess) -> None:
    page = ada.page
    portal.revoke_token(CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT).access_token)
    ada.htmx(page.get_by_role("button", name=f"Remove {PERSONAL}").click)
    # The removal needs Canvas, which now refuses the token and its refresh: the portal answers
    # HX-Redirect, so the whole tab goes to sign in instead of a fragment being swapped in.
    page.get_by_role("button", name=f"Yes, remove {PERSONAL}").click()
    expect(page).to_have_url(re.compile(r"/login/oauth2/confirm$"))
    ada.pass_canvas_sign_in("Ada Lovelace")

    expect(page).to_have_url(re.compile(r"/channels/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your contact methods")
    expect(ada.row(PERSONAL)).to_be_visible()  # nothing was removed behind the user's back
    ada.check("channels page after signing in again")
    ada.htmx(page.get_by_role("button", name=f"Remove {PERSONAL}").click)
    ada.htmx(page.get_by_role("button", name=f"Yes, remove {PERSONAL}").click)
    expect(ada.status_region()).to_have_text(f"Removed {PERSONAL}.")


def test_an_address_with_a_non_ascii_domain_is_added_only_once_its_stored_form_is_ticked(
    ada: BrowserUI, portal: EmulatorProcess
) -> None:
    typed, stored = "ada@bücher.example", "ada@xn--bcher-kva.example"
    ada.add(typed)
    confirm = ada.page.get_by_role("checkbox", name=f"Yes, add it as {stored}")
    expect(confirm).to_be_focused()
    expect(confirm).to_have_accessible_description(
        f"This address uses letters outside the English alphabet. Canvas will store this "
        f"address as {stored}. Add it?"
    )
    expect(ada.address_field).to_have_value(typed)
    assert emulator_channel(portal, stored) is None

    confirm.check()
    ada.htmx(lambda: ada.page.get_by_role("button", name="Add", exact=True).click())
    expect(ada.row(stored)).to_be_focused()
    assert emulator_channel(portal, stored)["workflow_state"] == "unconfirmed"
