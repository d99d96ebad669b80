"""With JavaScript off every action is a plain form post and redirect, and still accessible."""

import re

from playwright.sync_api import expect

from harness.emulator import EmulatorProcess

from .helpers import BrowserUI

PERSONAL = "ada@personal.example.com"


def test_without_javascript(open_ui, portal: EmulatorProcess) -> None:
    ui: BrowserUI = open_ui(java_script_enabled=False)
    page = ui.page
    ui.sign_in()

    # Add: a post, a redirect, the outcome in the status region of the new page. The form offers
    # email only (SMS_ENABLED is off), so there is no type to choose.
    expect(page.get_by_role("radio")).to_have_count(0)
    ui.address_field.fill("nojs@example.com")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page).to_have_url(re.compile(r"/channels/$"))
    expect(ui.status_region()).to_contain_text("Added nojs@example.com.")
    expect(ui.row("nojs@example.com")).to_contain_text("Unconfirmed")
    expect(ui.banner()).to_contain_text("2 addresses are not confirmed")
    ui.check("after adding without JavaScript")

    # A mistake: the page comes back with the error tied to the field and the input kept.
    ui.guard.expect_http_error(422, "/channels/add/")
    ui.address_field.fill("not-an-address")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(ui.address_field).to_have_accessible_description(
        re.compile("Enter a complete email address, like name@example.com.")
    )
    expect(ui.address_field).to_have_value("not-an-address")
    ui.check("validation error without JavaScript")

    # Resend: a post and redirect.
    page.get_by_role("button", name=f"Send the confirmation again to {PERSONAL}").click()
    expect(ui.status_region()).to_contain_text(f"new confirmation email to {PERSONAL}")
    ui.check("after resend without JavaScript")

    # Remove: the confirmation is its own page, Cancel goes back, Yes removes.
    page.get_by_role("button", name="Remove nojs@example.com").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove nojs@example.com?")
    ui.check("remove confirmation page")
    page.get_by_role("link", name="Cancel").click()
    expect(ui.row("nojs@example.com")).to_be_visible()
    page.get_by_role("button", name="Remove nojs@example.com").click()
    page.get_by_role("button", name="Yes, remove nojs@example.com").click()
    expect(page).to_have_url(re.compile(r"/channels/$"))
    expect(ui.status_region()).to_have_text("Removed nojs@example.com.")
    expect(ui.row("nojs@example.com")).to_have_count(0)
    expect(ui.banner()).to_contain_text("1 address is not confirmed")
    ui.check("after removing without JavaScript")
