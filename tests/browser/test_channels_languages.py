"""The channels page in the student's Canvas language, in a real browser: Lucía's Canvas is in
Spanish, Amira's in Arabic (right to left, here at phone width). The same scenario runs in each:
the banner, a validation error, an add, the notification panel and a removal, every swap checked
by axe. Names and sentences are looked up in the portal's own catalogs (`BrowserUI.t`), so the
test fails on any sentence left in English."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from canvas_emulator.demo_users import AMIRA, LUCIA, DemoUser
from harness.emulator import EmulatorProcess

from .helpers import BrowserUI

NEW = "nueva.direccion@example.com"


@dataclass(frozen=True)
class Student:
    user: DemoUser
    unconfirmed: str  # the unconfirmed address seeded for them (canvas_emulator/seed.py)
    browser: dict[str, Any]  # new_context options


LUCIA_ES = Student(LUCIA, "lucia@correo.example.com", {"locale": "en-US"})
AMIRA_AR = Student(
    AMIRA,
    "amira@personal.example.com",
    {"locale": "ar", "viewport": {"width": 320, "height": 800}, "is_mobile": True},
)


@pytest.fixture(params=[LUCIA_ES, AMIRA_AR], ids=["es", "ar"])
def student(
    request: pytest.FixtureRequest, open_ui: Callable[..., BrowserUI]
) -> tuple[BrowserUI, Student]:
    """The student signed in: before sign-in the browser's language decides (Lucía's browser is
    in English), after it their Canvas locale."""
    chosen: Student = request.param
    ui = open_ui(**chosen.browser)
    ui.lang = str(chosen.user.locale)
    ui.sign_in(chosen.user.name, landing_lang=chosen.browser["locale"].split("-")[0])
    return ui, chosen


def fits(ui: BrowserUI) -> None:
    if ui.lang == "ar":
        assert ui.horizontal_overflow() == 0, "wider than 320 px in Arabic"


def test_the_channels_page_speaks_the_students_canvas_language(
    student: tuple[BrowserUI, Student], portal: EmulatorProcess
) -> None:
    ui, chosen = student
    page = ui.page
    html = page.locator("html")
    expect(html).to_have_attribute("lang", ui.lang)
    expect(html).to_have_attribute("dir", "rtl" if ui.lang == "ar" else "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text(ui.t("Your contact methods"))
    expect(page).to_have_title(
        ui.t("Your contact methods · %(portal_name)s", portal_name=ui.t("Contact Methods"))
    )
    fits(ui)

    # The banner: one unconfirmed address, in the language's own plural form.
    banner = ui.banner()
    expect(banner.get_by_role("heading")).to_have_text(
        ui.tn(
            "%(counter)s address is not confirmed",
            "%(counter)s addresses are not confirmed",
            1,
            counter=1,
        )
    )
    expect(banner).to_contain_text(chosen.unconfirmed)

    # A validation error, next to the field, with what was typed kept.
    ui.guard.expect_http_error(422, "/channels/add/")
    ui.add("alguien@")
    error = page.locator("#address-error")
    expect(error).to_have_text(ui.t("Enter a complete email address, like name@example.com."))
    expect(ui.address_field).to_have_attribute("aria-invalid", "true")
    expect(ui.address_field).to_have_value("alguien@")
    fits(ui)

    # An add: the sentence, the row's state, the banner now counting two.
    ui.add(NEW)
    expect(ui.status_region()).to_contain_text(
        ui.t(
            "Added %(address)s. Canvas was asked to send it an email with a confirmation link; "
            "it gets no notifications until that link is opened.",
            address=NEW,
        )
    )
    row = ui.row(NEW)
    expect(row).to_be_focused()
    expect(row).to_contain_text(ui.t("Unconfirmed", context="address state"))
    expect(banner.get_by_role("heading")).to_have_text(
        ui.tn(
            "%(counter)s address is not confirmed",
            "%(counter)s addresses are not confirmed",
            2,
            counter=2,
        )
    )
    expect(row.locator(".channel__receives")).to_contain_text(ui.t("Nothing"))
    fits(ui)

    # The notification panel: one category changed, said back in the language.
    choose = row.get_by_role(
        "button",
        name=ui.t(
            'Choose what it receives<span class="visually-hidden">: %(name)s</span>', name=NEW
        ),
    )
    ui.htmx(choose.click)
    panel = row.locator(".notifications")
    expect(
        panel.get_by_role("heading", name=ui.t("What %(address)s receives", address=NEW))
    ).to_be_focused()
    grades = ui.t("Grades")
    panel.get_by_label(grades, exact=True).select_option("immediately")
    save = ui.t('Save<span class="visually-hidden"> %(label)s</span>', label=grades)
    ui.htmx(panel.get_by_role("button", name=save, exact=True).click)
    expect(ui.status_region()).to_contain_text(
        ui.t(
            "Saved: %(category)s to %(name)s: %(frequency)s.",
            category=grades,
            name=NEW,
            frequency=ui.t("Right away"),
        )
    )
    fits(ui)

    # A removal, confirmed in place.
    remove = row.get_by_role(
        "button", name=ui.t('Remove<span class="visually-hidden"> %(name)s</span>', name=NEW)
    )
    ui.htmx(remove.click)
    question = page.get_by_role("group", name=ui.t("Remove %(name)s?", name=NEW))
    expect(question).to_be_focused()
    ui.htmx(question.get_by_role("button", name=ui.t("Yes, remove %(name)s", name=NEW)).click)
    expect(ui.status_region()).to_contain_text(ui.t("Removed %(address)s.", address=NEW))
    expect(ui.row(NEW)).to_have_count(0)
    fits(ui)


def gaps(ui: BrowserUI, selector: str) -> tuple[float, float]:
    """How far the first `selector`'s text sits from its parent's left and right edges."""
    return ui.page.evaluate(
        """selector => {
          const el = document.querySelector(selector);
          const range = document.createRange();
          range.selectNodeContents(el);
          const text = range.getBoundingClientRect();
          const box = el.parentElement.getBoundingClientRect();
          return [text.left - box.left, box.right - text.right];
        }""",
        selector,
    )


def test_the_arabic_channels_page_is_mirrored(
    open_ui: Callable[..., BrowserUI], portal: EmulatorProcess
) -> None:
    ui = open_ui(**AMIRA_AR.browser)
    ui.lang = "ar"
    ui.sign_in(AMIRA.name, landing_lang="ar")
    # Text starts at the right edge: the heading, an address, the add form's heading.
    for selector in ("h1", ".channel__address", "#add-heading", "#list-heading"):
        left, right = gaps(ui, selector)
        assert right < left, f"{selector} is not at the right: {left=}, {right=}"
    assert ui.horizontal_overflow() == 0
