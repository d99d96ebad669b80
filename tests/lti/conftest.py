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
from harness.emulator import EmulatorProcess
from tests.support.canvas import authorize, canvas_browser

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

    def initiation(self, user_id: int, placement: str = "user_navigation", **link: Any) -> str:
        """Canvas's login-initiation URL (path and query on the portal) for a nav link, or with
        `link` (`custom`, `course_id`) for a link a teacher made."""
        body = {"tool_id": self.tool["id"], "user_id": user_id, "placement": placement, **link}
        url = urlsplit(self.emulator.control("POST", "lti/login_initiation", body)["url"])
        return f"{url.path}?{url.query}"

    def start(
        self, client: Client, user_id: int, placement: str = "user_navigation", **link: Any
    ) -> Started:
        response = client.get(self.initiation(user_id, placement, **link))
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

    def launch(
        self,
        client: Client,
        user_id: int,
        placement: str = "user_navigation",
        *,
        top_level: bool = False,
        **link: Any,
    ):
        """The whole launch; framed (as the fixture's tool is) unless `top_level`."""
        started = self.start(client, user_id, placement, **link)
        fields = self.authorize(started, user_id)
        headers = {"Sec-Fetch-Dest": "document"} if top_level else {}
        return client.post("/lti/launch", fields, headers=headers), fields

    def relaunch_top_level(
        self, window: Client, relaunch_url: str, user_id: int, *, fetch_metadata: bool = True
    ):
        """A framed Connect link opened in a new window: the launch runs again there."""
        response = window.get(relaunch_url)
        assert response.status_code == 302, response.content
        fields = self.authorize(Started.from_redirect(response["Location"]), user_id)
        headers = {"Sec-Fetch-Dest": "document"} if fetch_metadata else {}
        return window.post("/lti/launch", fields, headers=headers)

    def finish_connect(self, window: Client, connect_path: str, user_id: int):
        """/lti/connect/<key>/, Canvas OAuth as `user_id`, then the continuation's answer."""
        to_login = window.get(connect_path)
        assert to_login.status_code == 302, to_login.content
        next_path = parse_qs(urlsplit(to_login["Location"]).query)["next"][0]
        callback = window.get(authorize(self.emulator, window, user_id, next_path))
        assert callback.status_code == 302 and callback["Location"] == next_path
        return window.get(next_path)

    def connect(self, user_id: int, placement: str = "user_navigation") -> Client:
        """`user_id` connects their Canvas account from a launch, as a first-time user does."""
        window = Client()
        response, _ = self.launch(window, user_id, placement, top_level=True)
        assert response.status_code == 200, response.content
        landed = self.finish_connect(window, response.context["connect_url"], user_id)
        assert landed.status_code == 302, landed.content
        return window

    def subject(self, user_id: int) -> str:
        """The `sub` Canvas sends for this user (their opaque LTI id)."""
        body = {"tool_id": self.tool["id"], "user_id": user_id, "nonce": "x"}
        return self.emulator.control("POST", "lti/launch_token", body)["claims"]["sub"]

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
