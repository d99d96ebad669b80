"""Fixtures shared by the portal test tiers: a real emulator process and signed-in clients."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from tests.support.emulator import EmulatorProcess

DEMO_STUDENT = 1  # Ada Lovelace: active email, unconfirmed email, push (docs/emulator.md)
DEMO_BOUNCING = 2
DEMO_ADMIN = 3
DEMO_TEACHER = 4


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("demo") as process:
        yield process


def reset_and_connect(
    emulator: EmulatorProcess, settings, *, portal_url: str, trusted: bool
) -> EmulatorProcess:
    """Reset the demo Canvas, give it a developer key for the portal at `portal_url`, and wire
    that key into the settings."""
    emulator.reset()
    key = emulator.create_developer_key(
        redirect_uris=[f"{portal_url}/oauth/callback/"],
        trusted=trusted,
        require_scopes=True,
        scopes=list(settings.CANVAS_SCOPES),
    )
    settings.CANVAS_BASE_URL = emulator.base_url
    settings.CANVAS_CLIENT_ID = str(key["client_id"])
    settings.CANVAS_CLIENT_SECRET = key["client_secret"]
    emulator.developer_key = key
    return emulator


@pytest.fixture
def canvas(emulator: EmulatorProcess, settings) -> EmulatorProcess:
    """A fresh demo Canvas with a developer key for this portal, wired into the settings."""
    return reset_and_connect(emulator, settings, portal_url="http://testserver", trusted=True)


def canvas_browser(emulator: EmulatorProcess, user_id: int) -> requests.Session:
    """A browser-like session already logged in to Canvas as `user_id`."""
    browser = requests.Session()
    response = browser.post(
        f"{emulator.base_url}/__emulator__/session", json={"user_id": user_id}, timeout=5
    )
    response.raise_for_status()
    return browser


def authorize(emulator: EmulatorProcess, client: Client, user_id: int, next_path: str = "") -> str:
    """Run /login/ through Canvas's authorize endpoint; return the callback path+query."""
    login = client.get("/login/" + (f"?next={next_path}" if next_path else ""))
    assert login.status_code == 302, login
    at_canvas = canvas_browser(emulator, user_id).get(
        login["Location"], allow_redirects=False, timeout=5
    )
    assert at_canvas.status_code == 302, at_canvas.text
    back = urlsplit(at_canvas.headers["Location"])
    return f"{back.path}?{back.query}"


def sign_in(emulator: EmulatorProcess, client: Client, user_id: int) -> Client:
    callback = authorize(emulator, client, user_id)
    response = client.get(callback)
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def student(canvas: EmulatorProcess, client: Client, db) -> Client:
    """A Django test client signed in through Canvas OAuth as the demo student."""
    return sign_in(canvas, client, DEMO_STUDENT)
