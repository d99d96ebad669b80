"""How the page looks: narrow phones, forced colours, reduced motion, the institution's brand,
and the screenshots in docs/screenshots/ (written by this test run)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from harness.emulator import EmulatorProcess

from .helpers import BrowserUI

PERSONAL = "ada@personal.example.com"
LONG_ADDRESS = "a.rather.long.personal.address.for.wrapping@department-of-mathematics.example.edu"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def no_horizontal_scroll(ui: BrowserUI, where: str) -> None:
    assert ui.horizontal_overflow() == 0, (
        f"{where}: wider than the {ui.page.viewport_size} viewport"
    )


@pytest.mark.parametrize("width", [320, 375])
def test_narrow_screen_has_no_horizontal_scrolling(
    open_ui: Callable[..., BrowserUI], width: int
) -> None:
    ui = open_ui(viewport={"width": width, "height": 700}, is_mobile=True, has_touch=True)
    ui.goto("/")
    no_horizontal_scroll(ui, "landing")
    ui.sign_in()
    no_horizontal_scroll(ui, "channels page with banner")

    ui.add(LONG_ADDRESS)
    expect(ui.row(LONG_ADDRESS)).to_be_visible()
    no_horizontal_scroll(ui, "long address in the list and banner")

    ui.guard.expect_http_error(422, "/channels/add/")
    ui.add(LONG_ADDRESS + "@")
    expect(ui.page.locator("#address-error")).to_be_visible()
    no_horizontal_scroll(ui, "validation error")

    ui.htmx(ui.page.get_by_role("button", name=f"Remove {LONG_ADDRESS}").click)
    expect(ui.page.get_by_role("button", name=f"Yes, remove {LONG_ADDRESS}")).to_be_visible()
    no_horizontal_scroll(ui, "remove confirmation")

    row_id = ui.row(LONG_ADDRESS).get_attribute("id").removeprefix("channel-")
    ui.goto(f"/channels/{row_id}/remove/")  # the confirmation page used without JavaScript
    expect(ui.page.get_by_role("heading", level=1)).to_have_text(f"Remove {LONG_ADDRESS}?")
    no_horizontal_scroll(ui, "remove confirmation page")


def test_forced_colors(open_ui: Callable[..., BrowserUI]) -> None:
    ui = open_ui(forced_colors="active")
    ui.sign_in()
    page = ui.page
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    # Colour is replaced by the system palette, so anything told apart by its background alone
    # must have a border: buttons, statuses and badges, the banner, the confirmation, messages.
    resend = page.get_by_role("button", name=f"Send the confirmation again to {PERSONAL}")
    ui.htmx(resend.click)
    ui.htmx(page.get_by_role("button", name=f"Remove {PERSONAL}").click)
    borderless = page.evaluate(
        """() => [...document.querySelectorAll(
              '.button, .status, .badge, .banner, .confirm, .live-region p')]
            .filter(el => !['Top', 'Right', 'Bottom', 'Left'].some(side => {
                const s = getComputedStyle(el);
                return s['border' + side + 'Style'] !== 'none'
                    && parseFloat(s['border' + side + 'Width']) >= 1;
            }))
            .map(el => el.className)"""
    )
    assert borderless == []
    page.keyboard.press("Tab")
    ui.assert_focus_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name=f"Remove {PERSONAL}")).to_be_focused()
    ui.assert_focus_visible()


def test_reduced_motion_is_respected(open_ui: Callable[..., BrowserUI]) -> None:
    ui = open_ui(reduced_motion="reduce")
    ui.sign_in()
    page = ui.page
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    ui.htmx(page.get_by_role("button", name=f"Remove {PERSONAL}").click)
    moving = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(el => {
              const s = getComputedStyle(el);
              const moves = s.animationName !== 'none'
                || s.transitionDuration.split(',').some(d => parseFloat(d) > 0)
                || s.scrollBehavior === 'smooth';
              return moves ? [el.tagName + '.' + el.className] : [];
            })"""
    )
    assert moving == []


def test_brand_colour_and_logo_from_settings(ui: BrowserUI, settings) -> None:
    settings.BRAND_COLOR = "#6B1F4E"
    settings.BRAND_LOGO_URL = "/static/img/favicon.svg"
    ui.goto("/")
    page = ui.page
    header = page.locator(".site-header")
    expect(header).to_have_css("background-color", "rgb(107, 31, 78)")
    expect(page.get_by_role("link", name="Sign in with Canvas")).to_have_css(
        "background-color", "rgb(107, 31, 78)"
    )
    logo = page.locator("img.site-header__logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")


def save_screenshot(ui: BrowserUI, name: str) -> None:
    """Write docs/screenshots/<name>.png, touching the file only when the picture changed."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = ui.page.screenshot(full_page=True, animations="disabled", caret="hide")
    path = SCREENSHOTS / f"{name}.png"
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)


def test_screenshots_for_docs(open_ui: Callable[..., BrowserUI], portal: EmulatorProcess) -> None:
    desktop = open_ui(viewport={"width": 1100, "height": 800})
    desktop.sign_in()
    desktop.page.keyboard.press("Tab")  # the skip link takes focus; move it off the header
    desktop.page.locator("main").focus()
    save_screenshot(desktop, "desktop")

    phone = open_ui(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    phone.sign_in()
    save_screenshot(phone, "phone")

    portal.faults(next=[{"status": 503}])
    desktop.add("ada@personal.example.org")
    expect(desktop.alert_region()).to_contain_text("Canvas did not answer properly")
    save_screenshot(desktop, "error")
    for name in ("desktop", "phone", "error"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
