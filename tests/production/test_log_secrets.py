"""A full sign-in-to-sign-out flow writes no token, code, client secret or PKCE verifier into
any log line, formatted or not, and every line written during a request names the request."""

import copy
import json
import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import CanvasToken
from canvas_emulator.demo_users import DEMO_STUDENT
from harness.emulator import EmulatorProcess
from portal.logging import JsonFormatter, RequestContextFilter
from tests.support.canvas import authorize


class Capture(logging.Handler):
    """Every record, twice: formatted without the mask (what the code itself logs) and through
    the configured console handler (what reaches the operator)."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.unmasked: list[str] = []
        self.shipped: list[str] = []
        self.raw_formatter = JsonFormatter(mask=False)
        self.context = RequestContextFilter()
        self.console = logging.getHandlerByName("console")
        assert self.console is not None, "LOGGING must define the console handler"

    def emit(self, record: logging.LogRecord) -> None:
        mine = copy.copy(record)
        self.context.filter(mine)
        self.unmasked.append(self.raw_formatter.format(mine))
        shipped = copy.copy(record)
        if self.console.filter(shipped):
            self.shipped.append(self.console.format(shipped))


@pytest.fixture
def captured() -> Iterator[Capture]:
    root = logging.getLogger()
    capture = Capture()
    old_level = root.level
    # Before the console handler, whose filters rewrite records in place.
    root.handlers.insert(0, capture)
    root.setLevel(logging.DEBUG)  # stricter than production: debug lines must be clean too
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)


@pytest.mark.django_db
def test_full_flow_logs_no_secret(canvas: EmulatorProcess, client: Client, captured) -> None:
    secrets: dict[str, str] = {"client secret": django_settings.CANVAS_CLIENT_SECRET}

    callback = authorize(canvas, client, DEMO_STUDENT)
    (pending,) = client.session["oauth_pending"].values()
    secrets["PKCE verifier"] = pending["verifier"]
    secrets["authorization code"] = parse_qs(urlsplit(callback).query)["code"][0]
    assert client.get(callback).status_code == 302
    assert client.get(callback).status_code == 400  # a replayed code: an error path logs too
    row = CanvasToken.objects.get(canvas_user_id=DEMO_STUDENT)
    secrets["first access token"] = row.access_token
    secrets["refresh token"] = row.refresh_token or ""

    assert client.get("/channels/").status_code == 200
    added = client.post(
        "/channels/add/", {"channel_type": "email", "address": "log-check@example.edu"}
    )
    assert added.status_code < 400
    (channel,) = [
        c for c in canvas.channels(DEMO_STUDENT) if c["address"] == "log-check@example.edu"
    ]
    assert client.post(f"/channels/{channel['id']}/remove/").status_code < 400

    canvas.expire_token(secrets["first access token"])
    assert client.get("/channels/").status_code == 200
    secrets["refreshed access token"] = CanvasToken.objects.get(
        canvas_user_id=DEMO_STUDENT
    ).access_token
    assert secrets["refreshed access token"] != secrets["first access token"]
    assert client.post("/logout/").status_code == 302

    assert all(secrets.values()), secrets
    assert any(line for line in captured.unmasked if '"canvas GET' in line), "Canvas calls logged"
    for kind, value in secrets.items():
        for line in captured.unmasked:
            assert value not in line, f"{kind} written by the code itself: {line}"
        for line in captured.shipped:
            assert value not in line, f"{kind} reaches the log: {line}"

    during_requests = [json.loads(line) for line in captured.shipped]
    assert during_requests
    assert all(line["request_id"] for line in during_requests), during_requests
    canvas_lines = [line for line in during_requests if line["logger"] == "canvas"]
    assert {"method", "path", "status", "ms", "attempt"} <= set(canvas_lines[0])
    signed_in = [line for line in canvas_lines if line["path"].startswith("/api/v1/users/self")]
    assert signed_in and all(line["user"] for line in signed_in)
    assert any(line["status"] == 401 for line in canvas_lines), "the expired token was seen"
