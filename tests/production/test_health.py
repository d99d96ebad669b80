"""/healthz and /readyz as a load balancer sees them."""

import socket
import time
from unittest import mock

import pytest
from django.test import Client

from harness.emulator import EmulatorProcess

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_a_database(client: Client) -> None:
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OSError):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database(client: Client, settings) -> None:
    settings.READYZ_CHECK_CANVAS = False
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OSError("down")
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_readyz_counts_any_canvas_answer_as_reachable(canvas: EmulatorProcess, client, settings):
    """The emulator has no /health_check: its 404 still proves Canvas answers."""
    settings.READYZ_CHECK_CANVAS = True
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "database": "ok", "canvas": "ok"}


def test_readyz_fails_fast_when_canvas_is_unreachable(client: Client, settings) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.READYZ_CHECK_CANVAS = True
    settings.CANVAS_BASE_URL = f"http://127.0.0.1:{port}"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["canvas"] == "unreachable"


def test_readyz_gives_up_on_a_hanging_canvas_within_its_timeout(client, settings) -> None:
    # A listening socket nobody accepts from: the connection opens, no answer ever comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.READYZ_CHECK_CANVAS = True
        settings.READYZ_CANVAS_TIMEOUT = 0.3
        settings.CANVAS_BASE_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        response = client.get("/readyz")
    assert response.status_code == 503
    assert time.monotonic() - started < 2
