"""Client and constants shared by the emulator tests."""

from __future__ import annotations

import re
from typing import Any

import requests

# Demo seed users (docs/emulator.md).
ADA, BEN, HELPDESK, TEACHER = 1, 2, 3, 4
# Help desk without view_notifications / view_statistics.
SUPPORT = 5
DEMO_CLIENT_ID = "10000000000001"
DEMO_SECRET = "demo-client-secret"
DEMO_REDIRECT = "http://127.0.0.1:8000/oauth/callback/"

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
