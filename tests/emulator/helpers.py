"""Client and constants shared by the emulator tests."""

from __future__ import annotations

import re
from typing import Any

import requests

from canvas_emulator.demo_users import (
    DEMO_ADMIN,
    DEMO_BOUNCING,
    DEMO_STUDENT,
    DEMO_SUPPORT,
    DEMO_TEACHER,
)
from canvas_emulator.seed import DEFAULT_PORTAL_URL, DEMO_CLIENT_SECRET
from canvas_emulator.seed import DEMO_CLIENT_ID as DEMO_CLIENT_ID  # the demo developer key

# The demo seed's users (canvas_emulator/demo_users.py) by the short names these tests use.
ADA, BEN, HELPDESK, TEACHER = DEMO_STUDENT, DEMO_BOUNCING, DEMO_ADMIN, DEMO_TEACHER
# Help desk without view_notifications / view_statistics.
SUPPORT = DEMO_SUPPORT
DEMO_SECRET = DEMO_CLIENT_SECRET
DEMO_REDIRECT = f"{DEFAULT_PORTAL_URL}/oauth/callback/"

UNAUTHORIZED_BODY = {
    "status": "unauthorized",
    "errors": [{"message": "user not authorized to perform that action"}],
}
NOT_FOUND_BODY = {"errors": [{"message": "The specified resource does not exist."}]}


class Api:
    """A token-authenticated client for ``/api/v1`` (paths are relative to it)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/api/v1/{path.lstrip('/')}"

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.url(path), timeout=10, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.post(self.url(path), timeout=10, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.put(self.url(path), timeout=10, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.delete(self.url(path), timeout=10, **kwargs)

    def add_channel(self, user: str, address: str, kind: str = "email", **extra: Any):
        data = {"communication_channel[address]": address, "communication_channel[type]": kind}
        data.update(extra)
        return self.post(f"users/{user}/communication_channels", data=data)


def form_token(html: str) -> str:
    """The hidden ``authenticity_token`` of a rendered emulator page."""
    found = re.search(r'name="authenticity_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)
