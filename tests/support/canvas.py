"""Signing a Django test client in through the emulator's Canvas OAuth, and wiring the portal's
settings to a fresh demo Canvas."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.test import Client

from harness.browser import canvas_browser
from harness.emulator import EmulatorProcess

__all__ = ["authorize", "canvas_browser", "reset_and_connect", "sign_in"]


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
    """`client`, signed in as `user_id` through Canvas OAuth."""
    callback = authorize(emulator, client, user_id)
    response = client.get(callback)
    assert response.status_code == 302, response.content
    return client
