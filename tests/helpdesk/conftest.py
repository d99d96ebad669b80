"""Signed-in clients for the help-desk tests: admins with and without manage_students, a teacher."""

import html as htmllib
import re

import pytest
from django.test import Client

from canvas_emulator.demo_users import DEMO_ADMIN, DEMO_TEACHER
from harness.emulator import EmulatorProcess
from tests.support.canvas import sign_in

# An admin who may manage logins but not students: Canvas ignores skip_confirmation for them.
NO_SKIP_PERMISSIONS = [
    "manage_user_logins",
    "manage_user_details",
    "read_roster",
    "read_email_addresses",
]


@pytest.fixture
def admin(canvas: EmulatorProcess, db) -> Client:
    return sign_in(canvas, Client(), DEMO_ADMIN)


@pytest.fixture
def admin_without_skip(canvas: EmulatorProcess, db) -> Client:
    sam = canvas.create_user(
        name="Sam Support", login_id="sam", role="admin", permissions=NO_SKIP_PERMISSIONS
    )
    return sign_in(canvas, Client(), sam["id"])


@pytest.fixture
def teacher(canvas: EmulatorProcess, db) -> Client:
    return sign_in(canvas, Client(), DEMO_TEACHER)


def canvas_calls(emulator: EmulatorProcess) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"]) for r in emulator.requests_log() if r["path"].startswith("/api/")
    ]


def text_of(response) -> str:
    """Visible text, whitespace folded, for asserting on sentences."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())
