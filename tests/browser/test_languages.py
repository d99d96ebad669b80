"""The portal in another language in a real browser: Arabic right to left at phone width with
zero axe violations, and the footer's language switch with JavaScript off."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from .helpers import BrowserUI


def test_the_arabic_landing_page_is_right_to_left_accessible_and_fits_320_px(
    open_ui: Callable[..., BrowserUI],
) -> None:
    ui = open_ui(viewport={"width": 320, "height": 700}, is_mobile=True, locale="ar")
    ui.goto("/")  # runs axe: zero violations
    page = ui.page
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("link", name="تسجيل الدخول باستخدام Canvas")).to_be_visible()
    assert ui.horizontal_overflow() == 0, "wider than 320 px in Arabic"
    # Mirrored: the live region's coloured edge and the card's text sit on the right.
    edge = page.evaluate("() => getComputedStyle(document.querySelector('.card')).direction")
    assert edge == "rtl"
    # The skip link, once focused, shows at the inline start: the right edge in Arabic.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="انتقل إلى المحتوى الرئيسي")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] + box["width"] > 320 / 2, box
    assert ui.horizontal_overflow() == 0


def test_the_footer_switch_changes_the_language_without_javascript(
    open_ui: Callable[..., BrowserUI],
) -> None:
    ui = open_ui(java_script_enabled=False, locale="en-US")
    ui.goto("/")
    page = ui.page
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Iniciar sesión con Canvas")).to_be_visible()
    ui.check("landing after switching to Spanish")
    page.get_by_label("Idioma").select_option("ar")
    page.get_by_role("button", name="Cambiar idioma").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    ui.check("landing after switching to Arabic")
