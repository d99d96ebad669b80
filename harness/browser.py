"""Browsers (`requests` sessions) that sign in over real HTTP, as a student's browser does."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from .emulator import EmulatorProcess

HTTP_TIMEOUT_S = 10.0


def canvas_browser(emulator: EmulatorProcess, user_id: int) -> requests.Session:
    """A browser already logged in to Canvas as `user_id` (the emulator's control API)."""
    browser = requests.Session()
    response = browser.post(
        f"{emulator.base_url}/__emulator__/session", json={"user_id": user_id}, timeout=5
    )
    response.raise_for_status()
    return browser


def signed_in_browser(portal_url: str, emulator: EmulatorProcess, user_id: int) -> requests.Session:
    """A browser signed in at the portal at `portal_url` through Canvas OAuth (the developer key
    must be trusted: no authorize page).

    Two cookie jars, because cookies are not port-scoped: the Canvas one stays with Canvas.
    """
    browser = requests.Session()
    login = browser.get(f"{portal_url}/login/", allow_redirects=False, timeout=HTTP_TIMEOUT_S)
    if login.status_code != 302:
        raise RuntimeError(f"/login/ answered {login.status_code}")
    authorized = canvas_browser(emulator, user_id).get(
        login.headers["Location"], allow_redirects=False, timeout=HTTP_TIMEOUT_S
    )
    back = authorized.headers.get("Location", "")
    if authorized.status_code != 302 or urlsplit(back).netloc != urlsplit(portal_url).netloc:
        raise RuntimeError(f"Canvas did not send user {user_id} back: {authorized.status_code}")
    done = browser.get(back, allow_redirects=False, timeout=HTTP_TIMEOUT_S)
    if done.status_code != 302 or done.headers.get("Location") != "/channels/":
        raise RuntimeError(f"the OAuth callback answered {done.status_code} for user {user_id}")
    return browser
