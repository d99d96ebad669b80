"""From the emulator's Canvas navigation, the LTI link opens the portal: in a frame and in a new
window, and a first-time user connects their Canvas account in a new window (docs/lti.md)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from playwright.sync_api import expect

from canvas import lti_keys
from harness.emulator import EmulatorProcess
from lti.models import LtiIdentity

from .helpers import BrowserUI


@pytest.fixture(scope="module")
def tool_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def install(
    portal: EmulatorProcess, live_server, settings, tool_key_pem: str
) -> Callable[[str], None]:
    """Configure LTI as an operator would, then paste /lti/config.json into the emulator."""

    def install_(window_target: str) -> None:
        settings.LTI_TOOL_PRIVATE_KEY = tool_key_pem
        settings.LTI_WINDOW_TARGET = window_target
        config = requests.get(f"{live_server.url}/lti/config.json", timeout=5).json()
        tool = portal.control("POST", "lti/tools", {"config": config})
        settings.LTI_ISSUER = portal.control("GET", "lti/platform")["issuer"]
        settings.LTI_CLIENT_ID = tool["client_id"]
        settings.LTI_DEPLOYMENT_IDS = [tool["deployment_id"]]
        # What LTI_ISSUER does in portal/settings.py at start-up, for this in-process portal.
        settings.SESSION_COOKIE_SAMESITE = settings.CSRF_COOKIE_SAMESITE = "None"
        settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
        settings.SECURE_CSP = {
            **settings.SECURE_CSP,
            "frame-ancestors": ["'self'", portal.base_url],
        }
        lti_keys.clear_cache()

    return install_


def connected_before(ui: BrowserUI, portal: EmulatorProcess, user_id: int = 1) -> None:
    """The user connected their Canvas account from a launch before: a stored token (signing
    in through OAuth) and their `sub` bound to their Canvas id (docs/lti.md)."""
    ui.sign_in()
    claims = portal.control("POST", "lti/launch_token", {"user_id": user_id, "nonce": "x"})[
        "claims"
    ]
    LtiIdentity.objects.create(issuer=claims["iss"], subject=claims["sub"], canvas_user_id=user_id)


def canvas_login(ui: BrowserUI, portal: EmulatorProcess, user: str) -> None:
    ui.page.goto(f"{portal.base_url}/login/canvas")
    ui.page.get_by_role("button", name=f"Log in as {user}").click()


def test_navigation_link_opens_the_portal_in_a_frame(
    ui: BrowserUI, portal: EmulatorProcess, install: Callable[[str], None]
) -> None:
    install("iframe")
    connected_before(ui, portal)  # Ada has connected her account before
    ui.page.goto(f"{portal.base_url}/profile")
    ui.page.get_by_role("link", name="Contact Methods").click()
    frame = ui.page.frame_locator("iframe.tool_content")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Your contact methods")
    expect(frame.locator(".channel__address").first).to_have_text("ada.lovelace@demo.example.edu")


def test_navigation_link_opens_the_portal_in_a_new_window(
    ui: BrowserUI, portal: EmulatorProcess, install: Callable[[str], None]
) -> None:
    install("_blank")
    connected_before(ui, portal)
    ui.page.goto(f"{portal.base_url}/profile")
    with ui.page.context.expect_page() as opened:
        ui.page.get_by_role("link", name="Contact Methods").click()
    window = opened.value
    expect(window).to_have_url(re.compile(r"/channels/$"))
    expect(window.get_by_role("heading", level=1)).to_have_text("Your contact methods")


def test_first_time_user_connects_and_lands_on_channels(
    ui: BrowserUI, portal: EmulatorProcess, install: Callable[[str], None]
) -> None:
    install("iframe")
    canvas_login(ui, portal, "Ben Okafor")
    ui.page.goto(f"{portal.base_url}/profile")
    ui.page.get_by_role("link", name="Contact Methods").click()
    frame = ui.page.frame_locator("iframe.tool_content")
    connect = frame.get_by_role("link", name=re.compile("^Connect your Canvas account"))
    with ui.page.context.expect_page() as opened:
        connect.click()
    window = opened.value
    window.get_by_role("button", name="Authorize").click()
    expect(window).to_have_url(re.compile(r"/channels/$"))
    expect(window.get_by_role("heading", level=1)).to_have_text("Your contact methods")
    expect(window.locator(".channel__address").first).to_have_text("ben.okafor@demo.example.edu")
