"""Browser tier: with SMS_ENABLED, the code field confirms a text-message number on Canvas's own
page (docs/canvas-behaviour.md §12.2), keyboard only, with zero axe violations on every state."""

import re

import pytest
from playwright.sync_api import expect

from canvas_emulator.demo_users import DEMO_STUDENT
from harness.emulator import EmulatorProcess

from .helpers import BrowserUI

NUMBER = "+12025550143"


@pytest.fixture
def sms_canvas(portal: EmulatorProcess, settings) -> EmulatorProcess:
    """A Canvas that still delivers text messages, and a portal that offers them."""
    portal.settings(deliver_sms=True)
    settings.SMS_ENABLED = True
    # As in production, where the CSP's form-action names CANVAS_BASE_URL's origin (read once at
    # start-up): the code form's redirect ends on Canvas, which form-action governs too.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": ["'self'", portal.base_url],
    }
    return portal


def test_the_code_field_confirms_a_number_through_canvas_page_with_the_keyboard_only(
    sms_canvas: EmulatorProcess, ada: BrowserUI
) -> None:
    page = ada.page
    ada.add("(202) 555-0143", kind="Text message (SMS)")
    row = ada.row(NUMBER)
    expect(row).to_be_focused()
    expect(ada.status_region()).to_contain_text("a text message with a 4-character confirmation")
    channel = next(c for c in sms_canvas.channels(DEMO_STUDENT) if c["address"] == NUMBER)
    [message] = sms_canvas.channel_messages(channel["id"])
    assert message["workflow_state"] == "sent" and len(message["code"]) == 4

    # A wrong code first: the sentence comes back next to the field, with what was typed.
    page.keyboard.press("Tab")
    field = page.get_by_label("Have a confirmation code?")
    expect(field).to_be_focused()
    page.keyboard.type("0000")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/channels/\d+/code/"))
    expect(ada.row(NUMBER)).to_contain_text("That is not a confirmation code")
    ada.check("the code field with a wrong code")
    field = page.get_by_label("Have a confirmation code?")
    expect(field).to_have_value("0000")
    expect(field).to_be_focused()  # portal.js puts focus on the field in error

    # The right code: the browser ends on Canvas's page, where Canvas's session confirms it.
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(message["code"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{sms_canvas.base_url}/profile/settings")
    expect(page.get_by_text("Registration confirmed!")).to_be_visible()

    ada.goto("/channels/")
    expect(ada.row(NUMBER)).to_contain_text("Active")
    expect(ada.row(NUMBER)).not_to_contain_text("Have a confirmation code?")
    assert (
        next(c for c in sms_canvas.channels(DEMO_STUDENT) if c["address"] == NUMBER)[
            "workflow_state"
        ]
        == "active"
    )


def test_the_not_getting_panel_opens_from_the_keyboard_without_axe_violations(
    ada: BrowserUI,
) -> None:
    summary = ada.page.get_by_text("Not getting notifications?", exact=True)
    summary.focus()
    ada.page.keyboard.press("Enter")
    expect(ada.page.locator("#not-getting")).to_have_attribute("open", "")
    expect(ada.page.get_by_text("Still nothing? Ask your help desk.")).to_be_visible()
    ada.check("the open help panel")
