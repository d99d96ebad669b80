"""Two real portal processes (gunicorn) sharing one database, as behind a load balancer.

On the PostgreSQL pass of CI this runs against the PostgreSQL test database; on the SQLite pass
the two processes share a SQLite file instead. It is never skipped.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from django.db import connection

from accounts import crypto
from accounts.models import CanvasToken
from canvas_emulator.demo_users import DEMO_STUDENT
from harness.emulator import EmulatorProcess
from harness.portal import GunicornPortal, manage, production_env
from harness.processes import free_port
from tests.support.canvas import canvas_browser

CHANNELS_API = "/api/v1/users/self/communication_channels"
# Committed rows (no wrapping transaction), so the gunicorn children see what the test sees.
pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class SharedDatabase:
    url: str
    access_token_of: Callable[[int], str]
    refresh_token_of: Callable[[int], str]


def _postgres_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated SQLite file; each test gets a copy (migrating takes seconds)."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    migrated = manage("migrate", "--noinput", env=production_env(DATABASE_URL=f"sqlite:///{path}"))
    assert migrated.returncode == 0, migrated.stderr
    return path


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`collectstatic` as a deployment runs it: hashed names, compressed copies, a manifest."""
    path = tmp_path_factory.mktemp("static")
    collected = manage(
        "collectstatic", "--noinput", env=production_env(DJANGO_STATIC_ROOT=str(path))
    )
    assert collected.returncode == 0, collected.stderr
    return path


@pytest.fixture
def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> SharedDatabase:
    if connection.vendor == "postgresql":
        return SharedDatabase(
            url=_postgres_url(),
            access_token_of=lambda user: CanvasToken.objects.get(canvas_user_id=user).access_token,
            refresh_token_of=lambda user: (
                CanvasToken.objects.get(canvas_user_id=user).refresh_token or ""
            ),
        )
    assert connection.vendor == "sqlite", connection.vendor
    path = tmp_path / "shared.sqlite3"
    url = f"sqlite:///{path}"
    shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)

    def column(name: str) -> Callable[[int], str]:
        def read(user: int) -> str:
            with sqlite3.connect(path) as db:
                (value,) = db.execute(
                    f"SELECT {name} FROM accounts_canvastoken WHERE canvas_user_id = ?",  # noqa: S608
                    (user,),
                ).fetchone()
            return crypto.decrypt(value) if value else ""

        return read

    return SharedDatabase(
        url=url,
        access_token_of=column("access_token_encrypted"),
        refresh_token_of=column("refresh_token_encrypted"),
    )


@pytest.fixture
def portals(
    canvas: EmulatorProcess, shared_database: SharedDatabase, static_root: Path, tmp_path: Path
) -> Iterator[tuple[GunicornPortal, GunicornPortal]]:
    ports = free_port(), free_port()
    key = canvas.create_developer_key(
        redirect_uris=[f"http://127.0.0.1:{port}/oauth/callback/" for port in ports],
        trusted=True,
        require_scopes=True,
        scopes=canvas.developer_key["scopes"],
    )
    canvas.developer_key = key
    env = production_env(
        DATABASE_URL=shared_database.url,
        CANVAS_BASE_URL=canvas.base_url,
        CANVAS_CLIENT_ID=str(key["client_id"]),
        CANVAS_CLIENT_SECRET=key["client_secret"],
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(static_root),
        # Plain http on loopback: no TLS in front of these two, so no https-only cookies.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_BEHIND_PROXY="false",
    )
    with ThreadPoolExecutor(2) as pool:  # start both at once: each takes about a second
        starting = [
            pool.submit(GunicornPortal, port, env, tmp_path / f"{port}.log") for port in ports
        ]
    started = [future.result() for future in starting if future.exception() is None]
    if len(started) < len(starting):
        for portal in started:
            portal.stop()
        raise next(f.exception() for f in starting if f.exception() is not None)
    a, b = started
    with a, b:
        yield a, b


def sign_in_at(portal: GunicornPortal, canvas: EmulatorProcess, user_id: int) -> requests.Session:
    """A browser that signed in through Canvas OAuth at `portal`."""
    browser = requests.Session()
    login = browser.get(f"{portal.base_url}/login/", allow_redirects=False, timeout=10)
    assert login.status_code == 302, login.text
    at_canvas = canvas_browser(canvas, user_id).get(
        login.headers["Location"], allow_redirects=False, timeout=10
    )
    assert at_canvas.status_code == 302, at_canvas.text
    back = at_canvas.headers["Location"]
    assert urlsplit(back).port == portal.port
    done = browser.get(back, allow_redirects=False, timeout=10)
    assert done.status_code == 302 and done.headers["Location"] == "/channels/", done.text
    return browser


def test_a_session_started_on_one_process_works_on_the_other(portals, canvas) -> None:
    a, b = portals
    browser = sign_in_at(a, canvas, DEMO_STUDENT)
    page = browser.get(f"{b.base_url}/channels/", allow_redirects=False, timeout=10)
    assert page.status_code == 200
    for channel in canvas.channels(DEMO_STUDENT):
        if channel["type"] == "email":
            assert channel["address"] in page.text

    # Signing out on one process signs out everywhere.
    csrf = browser.cookies["csrftoken"]
    out = browser.post(
        f"{b.base_url}/logout/", headers={"X-CSRFToken": csrf, "Referer": b.base_url + "/"}
    )
    assert out.status_code == 200 and "signed_out=1" in out.url
    again = browser.get(f"{a.base_url}/channels/", allow_redirects=False, timeout=10)
    assert again.status_code == 302 and again.headers["Location"].startswith("/login/")


def test_static_files_are_hashed_compressed_and_cached_for_ever(portals) -> None:
    a, _ = portals
    landing = requests.get(f"{a.base_url}/", timeout=10)
    (css,) = [
        part.split('"')[0]
        for part in landing.text.split('href="')[1:]
        if part.startswith("/static/css/portal.")
    ]
    assert css != "/static/css/portal.css", "the collected, hashed name is served"
    response = requests.get(f"{a.base_url}{css}", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]


def test_two_processes_refreshing_one_token_at_once_leave_a_working_token(
    portals, canvas, shared_database
) -> None:
    """Both processes find the access token expired at the same moment. Canvas gives each
    refresh a new access token and kills the previous one, so if both refreshed, one of them
    would be left holding (and maybe storing) a dead token. The row lock makes the second wait
    and reuse the first one's token: one refresh, two successful pages, a working stored token.
    """
    a, b = portals
    browser = sign_in_at(a, canvas, DEMO_STUDENT)
    expired = shared_database.access_token_of(DEMO_STUDENT)
    canvas.expire_token(expired)
    # Every Canvas call takes 300 ms, so both processes are mid-refresh at the same time.
    canvas.faults(latency_ms=300)
    canvas.clear_requests()

    start = threading.Barrier(2)
    results: dict[str, requests.Response] = {}

    def open_page(portal: GunicornPortal) -> None:
        tab = requests.Session()
        tab.cookies.update(browser.cookies)
        start.wait()
        results[portal.base_url] = tab.get(
            f"{portal.base_url}/channels/", allow_redirects=False, timeout=30
        )

    threads = [threading.Thread(target=open_page, args=(p,)) for p in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    canvas.faults(latency_ms=0)

    for url, response in results.items():
        assert response.status_code == 200, (url, response.status_code, response.headers)
    assert len(results) == 2
    log = canvas.requests_log()
    rejected = [r for r in log if r["path"] == CHANNELS_API and r["status"] == 401]
    refreshes = [r for r in log if r["method"] == "POST" and r["path"] == "/login/oauth2/token"]
    assert len(rejected) >= 1, log  # the expired token was really used
    assert len(refreshes) == 1, log  # the second process reused the first one's refresh

    stored = shared_database.access_token_of(DEMO_STUDENT)
    assert stored != expired
    works = requests.get(
        f"{canvas.base_url}{CHANNELS_API}", headers={"Authorization": f"Bearer {stored}"}, timeout=5
    )
    assert works.status_code == 200, works.text

    secrets = {
        "expired access token": expired,
        "access token": stored,
        "refresh token": shared_database.refresh_token_of(DEMO_STUDENT),
        "client secret": canvas.developer_key["client_secret"],
    }
    for portal in (a, b):
        lines = [line for line in portal.log_path.read_text().splitlines() if line.strip()]
        access = [json.loads(line) for line in lines if '"gunicorn.access"' in line]
        assert access and all(entry["request_id"] for entry in access)
        for kind, value in secrets.items():
            assert value not in "\n".join(lines), f"{kind} in the log of {portal.base_url}"
