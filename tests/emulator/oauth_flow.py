"""Drive the emulator's OAuth2 web flow like a browser would (requests, no redirects followed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from harness.emulator import EmulatorProcess

from .helpers import form_token

CALLBACK = "https://portal.test/oauth/callback/"


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(
    emu: EmulatorProcess,
    browser: requests.Session,
    *,
    client_id: str,
    redirect_uri: str,
    user_id: int,
    scopes: list[str] | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Log in through /login/canvas, authorize when asked, return the callback's query."""
    params = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "state": "xyz",
        **(extra or {}),
    }
    if scopes:
        params["scope"] = " ".join(scopes)
    response = browser.get(
        f"{emu.base_url}/login/oauth2/auth", params=params, allow_redirects=False
    )
    location = response.headers["Location"]
    if location.endswith("/login/canvas"):
        page = browser.get(location)
        response = browser.post(
            f"{emu.base_url}/login/canvas",
            data={"authenticity_token": form_token(page.text), "user_id": str(user_id)},
            allow_redirects=False,
        )
        location = response.headers["Location"]
    if location.endswith("/login/oauth2/confirm"):
        page = browser.get(location)
        response = browser.post(
            f"{emu.base_url}/login/oauth2/accept",
            data={"authenticity_token": form_token(page.text)},
            allow_redirects=False,
        )
        location = response.headers["Location"]
    assert location.startswith(redirect_uri), location
    return query_of(location)


def authorize_and_exchange(
    emu: EmulatorProcess,
    *,
    user_id: int,
    trusted: bool = False,
    client_id: str | None = None,
    client_secret: str | None = None,
    redirect_uri: str = CALLBACK,
    scopes: list[str] | None = None,
) -> dict[str, Any]:
    """Full code flow; returns the token response plus the client credentials used."""
    if client_id is None:
        key = emu.create_developer_key(redirect_uris=[redirect_uri], trusted=trusted)
        client_id, client_secret = key["client_id"], key["client_secret"]
    code = get_code(
        emu,
        requests.Session(),
        client_id=client_id,
        redirect_uri=redirect_uri,
        user_id=user_id,
        scopes=scopes,
    )["code"]
    response = requests.post(
        f"{emu.base_url}/login/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
        },
        timeout=5,
    )
    assert response.status_code == 200, response.text
    return {**response.json(), "client_id": client_id, "client_secret": client_secret}


def refresh(
    emu: EmulatorProcess,
    refresh_token: str,
    client_id: str,
    client_secret: str | None = None,
) -> requests.Response:
    """``grant_type=refresh_token`` with form-encoded client credentials."""
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    if client_secret is not None:
        data["client_secret"] = client_secret
    return requests.post(f"{emu.base_url}/login/oauth2/token", data=data, timeout=5)


def refresh_tokens(emu: EmulatorProcess, tokens: dict[str, Any]) -> requests.Response:
    """Refresh what ``authorize_and_exchange`` returned, with the same client."""
    return refresh(emu, tokens["refresh_token"], tokens["client_id"], tokens["client_secret"])
