"""The abuse limits hold across processes: two gunicorn portals sharing one database count
together, and two processes counting one limit at the same moment lose no hit.

Runs on PostgreSQL (the CI pass with DATABASE_URL) and on SQLite (a shared file), like
test_multiprocess.py, whose fixtures it uses.
"""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle

import pytest
import requests

from canvas_emulator.demo_users import DEMO_STUDENT
from harness import processes
from harness.portal import production_env
from harness.processes import REPO_ROOT

from . import test_multiprocess as shared
from .test_multiprocess import SharedDatabase, sign_in_at

# The two-process fixtures of test_multiprocess.py (gunicorn portals on one shared database).
migrated_sqlite, static_root = shared.migrated_sqlite, shared.static_root
shared_database, portals = shared.shared_database, shared.portals

CHANNELS_API = "/api/v1/users/self/communication_channels"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_thirty_adds_spread_over_two_processes_reach_canvas_at_most_ten_times(portals, canvas):
    a, b = portals
    browser = sign_in_at(a, canvas, DEMO_STUDENT)
    assert browser.get(f"{b.base_url}/channels/", timeout=10).status_code == 200
    csrf = browser.cookies["csrftoken"]
    canvas.clear_requests()

    def add(job: tuple[int, str]) -> requests.Response:
        n, base_url = job
        tab = requests.Session()
        tab.cookies.update(browser.cookies)
        return tab.post(
            f"{base_url}/channels/add/",
            {"channel_type": "email", "address": f"victim{n}@example.org"},
            headers={"X-CSRFToken": csrf, "Referer": f"{base_url}/channels/"},
            allow_redirects=False,
            timeout=30,
        )

    # Eight at a time, alternating between the processes, as fast as they answer.
    jobs = zip(range(30), cycle([a.base_url, b.base_url]), strict=False)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(add, jobs))

    reached = [
        r for r in canvas.requests_log() if r["method"] == "POST" and r["path"] == CHANNELS_API
    ]
    refused = [r for r in answers if r.status_code == 429]
    assert 1 <= len(reached) <= 10, len(reached)
    assert len(refused) == 30 - len(reached)
    for answer in refused:
        assert "You have made many changes in a short time" in answer.text
        assert "Try again in" in answer.text
    assert {r.url.split("/channels")[0] for r in refused} == {a.base_url, b.base_url}


def shell(code: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finished(child: subprocess.Popen) -> str:
    try:
        output, _ = child.communicate(timeout=120)
    finally:
        processes.stop(child, grace_s=5)
    assert child.returncode == 0, output
    return output


# Each child waits for the same start time, then counts as fast as it can against one limit's
# counter (portal/counters.py): one upsert per hit.
HITS = """
import time
from portal import counters
while time.time() < {start}:
    time.sleep(0.005)
for _ in range({n}):
    counters.hit("race", "user:1", period=3600)
"""


def test_two_processes_counting_one_limit_at_once_lose_no_hit(
    shared_database: SharedDatabase,
) -> None:
    env = production_env(DATABASE_URL=shared_database.url)
    per_process = 300
    children = [shell(HITS.format(start=time.time() + 3, n=per_process), env) for _ in range(2)]
    for child in children:
        finished(child)
    read = shell(
        "from portal import counters; print(counters.hit('race', 'user:1', period=3600).hits)", env
    )
    assert finished(read).strip().splitlines()[-1] == str(2 * per_process + 1)
