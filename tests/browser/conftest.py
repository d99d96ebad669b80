"""Browser tier: Playwright driving Debian's Chromium against the portal and the Canvas emulator.

The portal runs in this process (pytest-django's `live_server`, a threaded WSGI server), so the
`settings` fixture wires it to the emulator exactly as the other tiers do, and tests read the
database directly (the stored Canvas token) without a second process or a shared DB file.
One Chromium per package run, one fresh context (cookies, storage) per test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from harness.emulator import EmulatorProcess
from tests.support.canvas import reset_and_connect

from .helpers import BrowserUI, ConsoleGuard

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` "
            "or set CHROMIUM_PATH"
        )
        if os.environ.get("CI"):
            pytest.fail(message)  # never a silent skip in CI
        pytest.skip(message)
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls from the test body; the portal itself runs in live_server's thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def portal(emulator: EmulatorProcess, live_server, settings) -> EmulatorProcess:
    """A fresh demo Canvas whose developer key is not trusted, so sign-in shows the authorize
    page, and whose redirect URI is this live portal."""
    return reset_and_connect(emulator, settings, portal_url=live_server.url, trusted=False)


@pytest.fixture
def open_ui(
    browser: Browser, portal: EmulatorProcess, live_server
) -> Iterator[Callable[..., BrowserUI]]:
    """Open a tab in a fresh context; keyword arguments go to `browser.new_context`.

    At the end of the test every tab must have logged no console error and no CSP violation.
    """
    opened: list[tuple[Any, ConsoleGuard | None]] = []

    def new_context(**options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, **{"viewport": DESKTOP, **options})
        context.set_default_timeout(TIMEOUT_MS)
        return context

    def open_(**options: Any) -> BrowserUI:
        context = new_context(**options)
        guard = ConsoleGuard()
        guard.attach(context)
        opened.append((context, guard))
        mirror = None
        if options.get("java_script_enabled") is False:
            mirror_context = new_context(**{**options, "java_script_enabled": True})
            mirror_context.route("**/*.js", lambda route: route.abort())
            opened.append((mirror_context, None))
            mirror = mirror_context.new_page()
        return BrowserUI(context.new_page(), guard, axe_mirror=mirror)

    yield open_
    for context, guard in opened:
        context.close()
        if guard is not None:
            guard.check()


@pytest.fixture
def ui(open_ui: Callable[..., BrowserUI]) -> BrowserUI:
    """A desktop-sized tab with JavaScript on."""
    return open_ui()


@pytest.fixture
def ada(ui: BrowserUI) -> BrowserUI:
    """The demo student, signed in through the Canvas pages, on her channels page."""
    ui.sign_in("Ada Lovelace")
    return ui
