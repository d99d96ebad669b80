"""Signing in through the emulator's Canvas login and authorize pages, and signing out."""

import re

from playwright.sync_api import expect

from .helpers import BrowserUI


def test_sign_in_through_canvas_oauth_pages(ui: BrowserUI) -> None:
    page = ui.page
    ui.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact Methods")
    page.get_by_role("link", name="Sign in with Canvas").click()

    expect(page).to_have_url(re.compile(r"/login/canvas$"))
    page.get_by_role("button", name="Log in as Ada Lovelace").click()
    expect(page).to_have_url(re.compile(r"/login/oauth2/confirm$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("is requesting access")
    page.get_by_role("button", name="Authorize").click()

    expect(page).to_have_url(re.compile(r"/channels/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your contact methods")
    expect(page.locator(".site-header__name")).to_have_text("Ada Lovelace")
    expect(ui.row("ada.lovelace@demo.example.edu")).to_contain_text("Active")
    expect(ui.row("ada.lovelace@demo.example.edu")).to_contain_text("Default")
    expect(ui.row("ada@personal.example.com")).to_contain_text("Unconfirmed")
    expect(ui.row("For All Devices")).to_be_visible()
    ui.check("channels page after sign-in")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/\?signed_out=1$"))
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    ui.check("landing after sign-out")
    page.goto("/channels/")
    # The portal session is gone: back to Canvas (still signed in there, so straight to authorize).
    expect(page).to_have_url(re.compile(r"/login/oauth2/confirm$"))
