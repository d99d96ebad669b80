"""A bounded load run: 100 signed-in users against a Canvas that answers 10 % of calls with 503.

One gunicorn portal (1 worker, 4 threads) on loopback, the emulator's seeded random fault, and
20 seconds of users who view the page, add an address (every other add without JavaScript)
and remove it again. Passes with no portal 5xx at all (Canvas failing is not the portal
failing: every failure is a sentence answered 200) and no lost input (a failed add keeps the
typed address). Prints the figures; run it alone with
`.venv/bin/pytest tests/production/test_fault_load.py -q -s -p no:cacheprovider`.
"""

from __future__ import annotations

import collections
import itertools
import re
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from harness.emulator import EmulatorProcess
from harness.portal import GunicornPortal, production_env
from harness.processes import free_port

from .test_multiprocess import (  # noqa: F401 - fixtures, found by pytest under these names
    SharedDatabase,
    migrated_sqlite,
    shared_database,
    sign_in_at,
    static_root,
)

pytestmark = pytest.mark.django_db(transaction=True)

USERS = 100
RUN_S = 20.0
FAILURE_RATE = 0.1
SENTENCES = (
    "Canvas is not answering right now",
    "we cannot tell whether we managed to",
    "Canvas is busy right now",
    "Canvas sent more than this portal accepts",
)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def portal(
    canvas: EmulatorProcess, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[GunicornPortal]:
    # The database and collected static files of the multi-process tests (imported above).
    database: SharedDatabase = request.getfixturevalue("shared_database")
    static: Path = request.getfixturevalue("static_root")
    port = free_port()
    key = canvas.create_developer_key(
        redirect_uris=[f"http://127.0.0.1:{port}/oauth/callback/"],
        trusted=True,
        require_scopes=True,
        scopes=canvas.developer_key["scopes"],
    )
    env = production_env(
        DATABASE_URL=database.url,
        CANVAS_BASE_URL=canvas.base_url,
        CANVAS_CLIENT_ID=str(key["client_id"]),
        CANVAS_CLIENT_SECRET=key["client_secret"],
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(static),
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_BEHIND_PROXY="false",
        LOG_LEVEL="WARNING",
        # A hundred users signing in and changing things from one address in seconds: this run
        # measures Canvas failures, not the abuse limits (tests/portal/test_limits.py does).
        # Users idle between requests for longer than gunicorn's default 5 s keep-alive on a busy
        # machine; a connection closed under a client that reuses it is a reset, not a Canvas fault.
        GUNICORN_KEEPALIVE="75",
        RATE_LIMIT_SIGN_IN="10000/m",
        RATE_LIMIT_CHANGES="10000/m",
    )
    with GunicornPortal(port, env, tmp_path / "portal.log") as started:
        yield started


@dataclass
class Tally:
    statuses: collections.Counter[tuple[str, int]] = field(default_factory=collections.Counter)
    crashes: list[str] = field(default_factory=list)
    lost_inputs: list[str] = field(default_factory=list)
    sentences: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, response: requests.Response, started: float) -> None:
        said = any(sentence in response.text for sentence in SENTENCES)
        with self.lock:
            self.latencies_ms.append((time.monotonic() - started) * 1000)
            self.statuses[(kind, response.status_code)] += 1
            self.sentences += said
            if response.status_code >= 500:
                self.crashes.append(f"{kind} {response.status_code}: {response.text[:200]}")

    def lost(self, what: str) -> None:
        with self.lock:
            self.lost_inputs.append(what)


def add_kept_the_input(response: requests.Response, address: str, *, htmx: bool) -> bool:
    """Added, or failed in a way that leaves the typed address in the form."""
    if not htmx:
        return response.status_code == 302 or f'value="{address}"' in response.text
    if response.headers.get("HX-Retarget") == "#alert-region":
        return True  # the alert region changes; the form keeps what was typed
    return response.status_code == 200 and address in response.text


def user_run(
    portal: GunicornPortal,
    canvas: EmulatorProcess,
    user_id: int,
    browser: requests.Session,
    until: float,
    tally: Tally,
) -> None:
    base = portal.base_url
    csrf = {"X-CSRFToken": browser.cookies["csrftoken"], "Referer": base + "/channels/"}
    for round_number in itertools.count():
        if time.monotonic() >= until:
            return
        started = time.monotonic()
        page = browser.get(f"{base}/channels/", allow_redirects=False, timeout=30)
        tally.record("page view", page, started)

        htmx = round_number % 2 == 0
        address = f"load{user_id}.{round_number}@example.com"
        started = time.monotonic()
        added = browser.post(
            f"{base}/channels/add/",
            {"channel_type": "email", "address": address},
            headers={**csrf, **(HTMX if htmx else {})},
            allow_redirects=False,
            timeout=30,
        )
        tally.record("add (htmx)" if htmx else "add (no JavaScript)", added, started)
        if not add_kept_the_input(added, address, htmx=htmx):
            tally.lost(f"{address}: {added.status_code} {added.text[:200]}")

        made = [
            c["id"]
            for c in canvas.channels(user_id)
            if c["path"] == address and c["workflow_state"] != "retired"
        ]
        for channel_id in made:
            started = time.monotonic()
            removed = browser.post(
                f"{base}/channels/{channel_id}/remove/",
                headers={**csrf, **HTMX},
                allow_redirects=False,
                timeout=30,
            )
            tally.record("remove (htmx)", removed, started)


def test_a_hundred_users_against_a_canvas_failing_one_call_in_ten_lose_nothing_and_see_no_crash(
    portal, canvas
) -> None:
    users = [
        canvas.create_user(name=f"Load User {n}", login_id=f"load{n}", email=f"load{n}@uni.edu")[
            "id"
        ]
        for n in range(USERS)
    ]
    with ThreadPoolExecutor(10) as pool:
        browsers = list(pool.map(lambda user: sign_in_at(portal, canvas, user), users))
    for browser in browsers:  # the page once before the run: it sets the CSRF cookie
        assert browser.get(f"{portal.base_url}/channels/", timeout=30).status_code == 200

    canvas.clear_requests()
    canvas.faults(random={"rate": FAILURE_RATE, "fault": {"status": 503}, "seed": 10})
    tally = Tally()
    until = time.monotonic() + RUN_S
    with ThreadPoolExecutor(USERS) as pool:
        runs = [
            pool.submit(user_run, portal, canvas, user, browser, until, tally)
            for user, browser in zip(users, browsers, strict=True)
        ]
        for run in runs:
            run.result()
    canvas.faults(random=None)

    log = canvas.requests_log()
    api = [r for r in log if r["path"].startswith("/api/v1/")]
    injected = sum(r["status"] == 503 for r in api)
    requests_made = sum(tally.statuses.values())
    portal_5xx = sum(n for (_, status), n in tally.statuses.items() if status >= 500)
    latencies = sorted(tally.latencies_ms)
    print(
        f"\nload run: {USERS} users, {RUN_S:.0f} s, Canvas failing {FAILURE_RATE:.0%} with 503\n"
        f"  portal requests: {requests_made} ({requests_made / RUN_S:.1f}/s); "
        f"p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)]:.0f} ms\n"
        f"  by action and status: {dict(sorted(tally.statuses.items()))}\n"
        f"  Canvas API calls: {len(api)}, answered 503: {injected} "
        f"({injected / max(len(api), 1):.1%})\n"
        f"  answers with a failure sentence: {tally.sentences}\n"
        f"  portal 5xx: {portal_5xx}\n"
        f"  lost inputs: {len(tally.lost_inputs)}"
    )
    assert injected > 0, "the fault was really injected"
    assert requests_made >= USERS * 2
    assert portal_5xx == 0, tally.crashes
    assert tally.lost_inputs == []
    assert re.search(r"\[CRITICAL\] WORKER TIMEOUT", portal.output()) is None
