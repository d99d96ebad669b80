"""The same flows with the keyboard only: Tab, Shift+Tab, Enter, Space and Escape."""

import pytest
from django.conf import settings
from playwright.sync_api import Locator, expect

from channels_app.forms import phone_examples

from .helpers import BrowserUI

PERSONAL = "ada@personal.example.com"
MAX_TABS = 40


def tab_to(ui: BrowserUI, target: Locator, *, key: str = "Tab") -> None:
    """Press Tab (or `key`) until `target` has focus; every stop on the way must show its focus."""
    for _ in range(MAX_TABS):
        ui.page.keyboard.press(key)
        ui.assert_focus_visible()
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} never received focus; last: {ui.focused()}")


@pytest.mark.usefixtures("sms_on")
def test_keyboard_only(ada: BrowserUI) -> None:
    page = ada.page
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    ada.assert_focus_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Add with Enter in the field; a mistake first, which puts focus back on the field.
    ada.guard.expect_http_error(422, "/channels/add/")
    tab_to(ada, page.get_by_role("radio", name="Email"))  # the checked one
    page.keyboard.press("Tab")
    expect(ada.address_field).to_be_focused()
    ada.htmx(lambda: page.keyboard.press("Enter"))
    expect(ada.address_field).to_be_focused()
    examples = phone_examples(settings.PHONE_DEFAULT_REGION)
    expect(ada.address_field).to_have_accessible_description(
        f"For text messages, enter a mobile number such as {examples.local}; add the country "
        f"code for other countries ({examples.international}). "
        "Enter the email address or mobile number to add."
    )
    page.keyboard.type("keys@example.com")
    ada.htmx(lambda: page.keyboard.press("Enter"))
    new_row = ada.row("keys@example.com")
    expect(new_row).to_be_focused()
    ada.assert_focus_visible()

    # Open the confirmation with Space, cancel it with Escape: focus returns to the button.
    remove = page.get_by_role("button", name="Remove keys@example.com")
    tab_to(ada, remove)
    ada.htmx(lambda: page.keyboard.press("Space"))
    question = page.get_by_role("group", name="Remove keys@example.com?")
    expect(question).to_be_focused()
    ada.assert_focus_visible()
    page.keyboard.press("Escape")
    expect(question).to_have_count(0)
    expect(remove).to_be_focused()

    # Open it with Enter, move past Cancel and back with Shift+Tab, confirm with Enter.
    ada.htmx(lambda: page.keyboard.press("Enter"))
    expect(question).to_be_focused()
    yes = page.get_by_role("button", name="Yes, remove keys@example.com")
    tab_to(ada, yes)
    tab_to(ada, question.get_by_role("button", name="Cancel"))
    tab_to(ada, yes, key="Shift+Tab")
    ada.htmx(lambda: page.keyboard.press("Enter"))
    expect(new_row).to_have_count(0)
    expect(ada.status_region()).to_have_text("Removed keys@example.com.")
    expect(ada.row("For All Devices")).to_be_focused()
    ada.assert_focus_visible()

    # Resend with Space on the button named after the address.
    resend = page.get_by_role("button", name=f"Send the confirmation again to {PERSONAL}")
    tab_to(ada, resend, key="Shift+Tab")
    ada.htmx(lambda: page.keyboard.press("Space"))
    expect(ada.status_region()).to_contain_text(f"new confirmation email to {PERSONAL}")
    expect(ada.row(PERSONAL)).to_be_focused()
