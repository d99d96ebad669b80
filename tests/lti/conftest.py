"""An LTI-configured portal wired to the emulator's LTI platform, and the steps of a launch.

The portal's tool configuration (/lti/config.json) is installed into the emulator as a Canvas
admin would paste it; the registration the emulator answers with goes into the settings.
Launch steps run over real HTTP: the portal through the Django test client, Canvas through a
`requests` session logged in to the emulator.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from canvas import lti_keys
from tests.conftest import canvas_browser
from tests.support.emulator import EmulatorProcess

JWKS_PATH = "/api/lti/security/jwks"


@pytest.fixture(scope="session")
def tool_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class Started:
    """/lti/login has answered: the redirect to Canvas and the state and nonce in it."""

    location: str
    state: str
    nonce: str

    @classmethod
    def from_redirect(cls, location: str) -> Started:
        query = parse_qs(urlsplit(location).query)
        return cls(location, query["state"][0], query["nonce"][0])


class Lti:
    """One installed tool and the steps of a launch."""

    def __init__(self, emulator: EmulatorProcess, tool: dict[str, Any]) -> None:
        self.emulator = emulator
        self.tool = tool

    def initiation(self, user_id: int, placement: str = "user_navigation") -> str:
        """Canvas's login-initiation URL (path and query on the portal) for a nav link."""
        body = {"tool_id": self.tool["id"], "user_id": user_id, "placement": placement}
        url = urlsplit(self.emulator.control("POST", "lti/login_initiation", body)["url"])
        return f"{url.path}?{url.query}"

    def start(self, client: Client, user_id: int, placement: str = "user_navigation") -> Started:
        response = client.get(self.initiation(user_id, placement))
        assert response.status_code == 302, response.content
        return Started.from_redirect(response["Location"])

    def authorize(self, started: Started, user_id: int) -> dict[str, str]:
        """Canvas's authorize_redirect, as the logged-in user: the form it posts back."""
        page = canvas_browser(self.emulator, user_id).get(started.location, timeout=5)
        assert page.status_code == 200, page.text
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert action and urlsplit(unescape(action.group(1))).path == "/lti/launch"
        fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)
        return {name: unescape(value) for name, value in fields}

    def launch(self, client: Client, user_id: int, placement: str = "user_navigation"):
        started = self.start(client, user_id, placement)
        fields = self.authorize(started, user_id)
        return client.post("/lti/launch", fields), fields

    def token(self, user_id: int, nonce: str, **options: Any) -> str:
        """A signed id_token with claims changed (`overrides`), dropped (`remove`), or signed
        by another key (`sign_with`: "unpublished", "forged")."""
        body = {"tool_id": self.tool["id"], "user_id": user_id, "nonce": nonce, **options}
        return self.emulator.control("POST", "lti/launch_token", body)["id_token"]

    def jwks_fetches(self) -> int:
        return sum(1 for row in self.emulator.requests_log() if row["path"] == JWKS_PATH)


@pytest.fixture
def lti(canvas: EmulatorProcess, settings, tool_private_key_pem: str, db) -> Lti:
    settings.LTI_TOOL_PRIVATE_KEY = tool_private_key_pem
    settings.LTI_WINDOW_TARGET = "iframe"
    config = Client().get("/lti/config.json").json()
    tool = canvas.control("POST", "lti/tools", {"config": config})
    platform = canvas.control("GET", "lti/platform")
    settings.LTI_ISSUER = platform["issuer"]
    settings.LTI_CLIENT_ID = tool["client_id"]
    settings.LTI_DEPLOYMENT_IDS = [tool["deployment_id"]]
    # LTI_AUTH_URL and LTI_JWKS_URL stay empty: derived from CANVAS_BASE_URL (the emulator).
    settings.LTI_AUTH_URL = settings.LTI_JWKS_URL = ""
    lti_keys.clear_cache()
    canvas.clear_requests()
    return Lti(canvas, tool)


def now() -> int:
    return int(time.time())
