"""What each contact method receives, in the browser: the add's offer, the row's line, the panel,
with the mouse and with the keyboard only. Every swap is checked by axe and the console guard."""

from playwright.sync_api import expect

from canvas_emulator.demo_users import DEMO_STUDENT
from harness.emulator import EmulatorProcess

from .helpers import BrowserUI
from .test_keyboard import tab_to

SCHOOL = "ada.lovelace@demo.example.edu"  # Ada's default email
NEW = "ada.notes@example.com"


def stored(emulator: EmulatorProcess, address: str) -> dict[str, str]:
    channel = next(c for c in emulator.channels(DEMO_STUDENT) if c["address"] == address)
    rows = emulator.control("GET", f"channels/{channel['id']}/notification_preferences")
    return {r["notification"]: r["frequency"] for r in rows}


def test_a_new_address_gets_the_default_emails_notifications_then_one_category_changes(
    ada: BrowserUI, portal: EmulatorProcess
) -> None:
    page = ada.page
    ada.add(NEW)
    expect(ada.status_region()).to_contain_text(
        f"Canvas will send nothing to {NEW} until you choose what it receives."
    )
    offer = ada.status_region().get_by_role("button", name="Same as my default email")
    ada.htmx(offer.click)
    expect(ada.status_region()).to_contain_text(f"{NEW} now receives the same notifications as")
    row = ada.row(NEW)
    expect(row.locator(".channel__receives")).to_contain_text(f"Same as {SCHOOL}")
    assert stored(portal, NEW) == stored(portal, SCHOOL)

    ada.htmx(row.get_by_role("button", name="Choose what it receives").click)
    panel = row.locator(".notifications")
    expect(panel.get_by_role("heading", name=f"What {NEW} receives")).to_be_focused()
    panel.get_by_label("Grades", exact=True).select_option("never")
    ada.htmx(panel.get_by_role("button", name="Save Grades", exact=True).click)
    expect(ada.status_region()).to_contain_text(f"Saved: Grades to {NEW}: Never.")
    assert stored(portal, NEW)["submission_graded"] == "never"
    # No longer the same as the default email, and the line does not pretend otherwise.
    expect(row.locator(".channel__receives")).not_to_contain_text("Same as")
    page.get_by_role("button", name=f"Close what {NEW} receives").click()
    expect(row.get_by_role("button", name="Choose what it receives")).to_be_focused()
    ada.check("after closing the panel")


def test_the_panel_with_the_keyboard_only(ada: BrowserUI, portal: EmulatorProcess) -> None:
    page = ada.page
    row = ada.row(SCHOOL)
    toggle = row.get_by_role("button", name="Choose what it receives")
    tab_to(ada, toggle)
    ada.htmx(lambda: page.keyboard.press("Enter"))
    expect(row.get_by_role("heading", name=f"What {SCHOOL} receives")).to_be_focused()

    select = row.get_by_label("Announcements from your courses")
    tab_to(ada, select)
    page.keyboard.press("n")  # the select's type-ahead: "Never"
    expect(select).to_have_value("never")
    tab_to(ada, row.get_by_role("button", name="Save Announcements from your courses"))
    ada.htmx(lambda: page.keyboard.press("Enter"))
    expect(ada.status_region()).to_contain_text("Saved: Announcements from your courses")
    assert stored(portal, SCHOOL)["new_announcement"] == "never"

    page.keyboard.press("Escape")
    expect(toggle).to_be_focused()
    expect(row.locator(".notifications")).to_have_count(0)
    ada.check("after Escape closed the panel")
