"""Fixtures shared by the portal test tiers: a real emulator process and signed-in clients.

Helpers (sign_in, authorize, ...) live in tests/support/canvas.py and the demo users' names in
canvas_emulator/demo_users.py; tests import them from there, never from a conftest.
"""

from collections.abc import Iterator

import pytest
from django.test import Client

from canvas_emulator.demo_users import DEMO_STUDENT
from harness.emulator import EmulatorProcess
from tests.support.canvas import reset_and_connect, sign_in


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("demo") as process:
        yield process


@pytest.fixture
def canvas(emulator: EmulatorProcess, settings) -> EmulatorProcess:
    """A fresh demo Canvas with a developer key for this portal, wired into the settings."""
    return reset_and_connect(emulator, settings, portal_url="http://testserver", trusted=True)


@pytest.fixture
def student(canvas: EmulatorProcess, client: Client, db) -> Client:
    """A Django test client signed in through Canvas OAuth as the demo student."""
    return sign_in(canvas, client, DEMO_STUDENT)


@pytest.fixture
def sms_on(settings) -> None:
    """An institution whose Canvas still sends text messages (`SMS_ENABLED`; off by default,
    as current Canvas cancels every SMS, docs/canvas-behaviour.md §11.3)."""
    settings.SMS_ENABLED = True
