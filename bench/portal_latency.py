"""Latency and throughput of the portal under gunicorn, against a Canvas with a real round trip.

Starts the Canvas emulator (every API call delayed by --canvas-latency-ms) and the portal under
gunicorn with the repo's config, signs --users students in through Canvas OAuth, then runs
--requests requests from --concurrency threads: a channels page view, an htmx add and an htmx
remove, over and over. Prints latency percentiles per kind, throughput, errors, and how many
Canvas calls each kind made (from the emulator's request log): the README promises exactly one.

    .venv/bin/python bench/portal_latency.py --users 20 --concurrency 10 --requests 600

Bounded: it stops after --requests or --max-seconds, whichever comes first, and always stops
its processes and deletes its temporary folder (Ctrl-C included).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import requests
from cpu import cpu_seconds, machine_cpu
from cryptography.fernet import Fernet

# Run as a script, Python puts bench/ on sys.path, not the repo root the harness lives in.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.browser import HTTP_TIMEOUT_S, signed_in_browser
from harness.emulator import EmulatorProcess
from harness.portal import LOOPBACK_HTTP, GunicornPortal, prepare, production_env
from harness.processes import free_port

KINDS = ("page view", "htmx add", "htmx remove")
CHANNELS_API = re.compile(r"^/api/v1/users/self/communication_channels(/\d+)?$")
# What each kind should cost at Canvas: its one call, by method.
CANVAS_CALL_OF = {"GET": "page view", "POST": "htmx add", "DELETE": "htmx remove"}
CSRF_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
# The row htmx should move focus to after an add is the new channel: its id is what to remove.
ADDED_ROW = re.compile(r'<li id="channel-(\d+)" class="channel" tabindex="-1" data-focus-target>')


@dataclass
class Outcome:
    kind: str
    seconds: float
    error: str = ""  # empty when the portal answered as a browser would expect


@dataclass
class Tab:
    """One signed-in student's browser tab. Its requests run one after another, as in a real
    tab: the session holds the last channel list, and two requests of one session at once
    would overwrite each other's copy of it."""

    user_id: int
    browser: requests.Session
    base_url: str
    csrf_token: str = ""
    added_id: int | None = None
    sequence: itertools.count = field(default_factory=itertools.count)

    def htmx_headers(self) -> dict[str, str]:
        page = f"{self.base_url}/channels/"
        return {
            "HX-Request": "true",
            "HX-Current-URL": page,
            "X-CSRFToken": self.csrf_token,
            "Referer": page,
        }

    def view(self) -> str:
        page = self.browser.get(
            f"{self.base_url}/channels/", allow_redirects=False, timeout=HTTP_TIMEOUT_S
        )
        token = CSRF_TOKEN.search(page.text)
        if page.status_code != 200 or token is None or "could not be loaded" in page.text:
            return f"page {page.status_code}"
        self.csrf_token = token.group(1)
        return ""

    def add(self) -> str:
        address = f"bench-{self.user_id}-{next(self.sequence)}@example.edu"
        answer = self.browser.post(
            f"{self.base_url}/channels/add/",
            data={"channel_type": "email", "address": address},
            headers=self.htmx_headers(),
            allow_redirects=False,
            timeout=HTTP_TIMEOUT_S,
        )
        added = ADDED_ROW.search(answer.text)
        if answer.status_code != 200 or "HX-Retarget" in answer.headers or added is None:
            return f"add {answer.status_code} {answer.headers.get('HX-Retarget', '')}".strip()
        self.added_id = int(added.group(1))
        return ""

    def remove(self) -> str:
        channel_id, self.added_id = self.added_id, None
        answer = self.browser.post(
            f"{self.base_url}/channels/{channel_id}/remove/",
            headers=self.htmx_headers(),
            allow_redirects=False,
            timeout=HTTP_TIMEOUT_S,
        )
        if answer.status_code != 200 or "HX-Retarget" in answer.headers:
            return f"remove {answer.status_code} {answer.headers.get('HX-Retarget', '')}".strip()
        return ""


class Budget:
    """The requests left to send, shared by every client thread."""

    def __init__(self, requests: int, seconds: float) -> None:
        self._left = requests
        self._deadline = time.monotonic() + seconds
        self._lock = threading.Lock()
        self.stopped = threading.Event()

    def take(self) -> bool:
        if self.stopped.is_set() or time.monotonic() >= self._deadline:
            return False
        with self._lock:
            if self._left <= 0:
                return False
            self._left -= 1
            return True


def timed(kind: str, action: Any) -> Outcome:
    started = time.perf_counter()
    try:
        error = action()
    except requests.RequestException as exc:
        error = type(exc).__name__
    return Outcome(kind, time.perf_counter() - started, error)


def client_thread(tabs: list[Tab], budget: Budget, outcomes: list[Outcome]) -> None:
    """Each tab in turn: view the page, add an address, remove it again."""
    for tab in itertools.cycle(tabs):
        for kind, action in zip(KINDS, (tab.view, tab.add, tab.remove), strict=True):
            if kind == "htmx remove" and tab.added_id is None:
                continue  # the add failed (counted there): nothing to remove
            if not budget.take():
                return
            outcomes.append(timed(kind, action))  # list.append is atomic under the GIL


def drive(tabs: list[Tab], *, concurrency: int, budget: Budget) -> tuple[list[Outcome], float]:
    outcomes: list[Outcome] = []
    # Tab i belongs to thread i % concurrency, so no two threads ever share a session.
    threads = [
        threading.Thread(
            target=client_thread, args=(tabs[n::concurrency], budget, outcomes), daemon=True
        )
        for n in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            # Short joins keep the main thread responsive to Ctrl-C.
            while thread.is_alive():
                thread.join(0.2)
    finally:
        budget.stopped.set()
    return outcomes, time.perf_counter() - started


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest rank: a value that was really measured, never an interpolation."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(pct / 100 * len(sorted_values)) - 1)]


def canvas_calls(log: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Canvas calls per request kind, calls no kind explains (refreshes...), and non-2xx ones."""
    per_kind: Counter[str] = Counter()
    other: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for entry in log:
        path = re.sub(r"/\d+(?=/|$)", "/:id", entry["path"])
        label = f"{entry['method']} {path}"
        if CHANNELS_API.match(entry["path"]) and entry["method"] in CANVAS_CALL_OF:
            per_kind[CANVAS_CALL_OF[entry["method"]]] += 1
        else:
            other[label] += 1
        if entry["status"] is None or not 200 <= entry["status"] < 300:
            failed[f"{label} -> {entry['status']}"] += 1
    return per_kind, other, failed


def report(
    args: argparse.Namespace,
    outcomes: list[Outcome],
    elapsed: float,
    log: list[dict[str, Any]],
    cpu: dict[str, float],
    machine: dict[str, float],
    load_before: float,
) -> None:
    per_kind, other, failed = canvas_calls(log)
    canvas_ms: dict[str, list[float]] = defaultdict(list)
    for entry in log:
        if CHANNELS_API.match(entry["path"]) and entry["method"] in CANVAS_CALL_OF:
            canvas_ms[CANVAS_CALL_OF[entry["method"]]].append(entry["ms"])
    scheme = args.database_url.partition(":")[0]
    database = "PostgreSQL" if scheme.startswith("postgres") else scheme or "SQLite file"
    errors = [o for o in outcomes if o.error]
    print(
        f"portal_latency: gunicorn gthread {args.workers} workers x {args.threads} threads, "
        f"{database}, Canvas latency {args.canvas_latency_ms} ms, "
        # Other work on the machine (or a noisy VM neighbour) shows up in every figure below.
        f"load average before {load_before:.2f}"
    )
    print(
        f"requests {len(outcomes)}  concurrency {args.concurrency}  users {args.users}  "
        f"elapsed {elapsed:.2f} s  throughput {len(outcomes) / elapsed:.1f} req/s  "
        f"errors {len(errors)}"
    )
    print()
    header = f"{'kind':<12}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header + f"{'max ms':>9}{'Canvas calls each':>19}{'Canvas p50 ms':>15}")
    for kind in (*KINDS, "all"):
        mine = [o for o in outcomes if kind in (o.kind, "all")]
        ms = sorted(o.seconds * 1000 for o in mine)
        calls = sum(per_kind.values()) + sum(other.values()) if kind == "all" else per_kind[kind]
        at_canvas = sorted(
            itertools.chain(*canvas_ms.values()) if kind == "all" else canvas_ms[kind]
        )
        each = f"{calls / len(mine):.2f}" if mine else "-"
        print(
            f"{kind:<12}{len(mine):>7}{sum(1 for o in mine if o.error):>8}"
            f"{percentile(ms, 50):>9.1f}{percentile(ms, 95):>9.1f}{percentile(ms, 99):>9.1f}"
            f"{(ms[-1] if ms else math.nan):>9.1f}{each:>19}{percentile(at_canvas, 50):>15.0f}"
        )
    print()
    print(
        f"Canvas calls: {len(log)} in all; not from one of the kinds above: {sum(other.values())}"
    )
    for label, count in other.most_common():
        print(f"  {count:>6}  {label}")
    # The client and the emulator share the machine with the portal: when the three together
    # use every core, the figures above measure the machine, not the portal alone.
    cores = os.cpu_count() or 1
    print(f"CPU seconds during the run ({cores} cores x {elapsed:.2f} s = {cores * elapsed:.2f}):")
    for name, seconds in cpu.items():
        per_request = seconds * 1000 / len(outcomes) if outcomes else math.nan
        print(f"  {seconds:>7.2f}  {name} ({per_request:.1f} ms per request)")
    if machine:
        print("  machine: " + ", ".join(f"{k} {v:.2f}" for k, v in machine.items()))
    if failed:
        print("Canvas answers that were not 2xx:")
        for label, count in failed.most_common():
            print(f"  {count:>6}  {label}")
    if errors:
        print("Portal errors (first kinds):")
        for label, count in Counter(f"{o.kind}: {o.error}" for o in errors).most_common(5):
            print(f"  {count:>6}  {label}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="students signed in (default 20)")
    parser.add_argument(
        "--concurrency", type=int, default=10, help="client threads (default 10, <= --users)"
    )
    parser.add_argument("--requests", type=int, default=600, help="requests to send (default 600)")
    parser.add_argument(
        "--max-seconds", type=float, default=30.0, help="stop sending after this (default 30)"
    )
    parser.add_argument(
        "--canvas-latency-ms", type=int, default=50, help="delay of every Canvas call (default 50)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL database URL (migrated first; keeps the sessions and tokens the run "
        "adds), instead of a fresh SQLite file",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= args.users:
        parser.error("--concurrency must be between 1 and --users: a tab runs one request at once")
    if min(args.requests, args.workers, args.threads) < 1 or args.canvas_latency_ms < 0:
        parser.error("--requests, --workers and --threads must be >= 1, the latency >= 0")
    if args.users > 500 or args.requests > 100_000 or args.max_seconds > 600:
        parser.error("bounded on purpose: at most 500 users, 100000 requests, 600 seconds")
    return args


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the same clean-up path as Ctrl-C


def portal_env(
    tmp: Path, args: argparse.Namespace, canvas_url: str, key: dict[str, Any]
) -> dict[str, str]:
    """Production settings (DEBUG off, hashed static files), except plain http on loopback.

    Only these variables plus PATH/HOME reach the portal, so a developer's DJANGO_DEBUG or
    DATABASE_URL in the shell cannot quietly turn the measurement into a development one.
    """
    return production_env(
        **LOOPBACK_HTTP,
        # Fresh secrets per run: nothing real is ever used, and nothing outlives the run.
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        TOKEN_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'portal.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        CANVAS_BASE_URL=canvas_url,
        CANVAS_CLIENT_ID=str(key["client_id"]),
        CANVAS_CLIENT_SECRET=key["client_secret"],
        # Each simulated student adds and removes far faster than a person: the benchmark
        # measures throughput, so the abuse limits (docs/deploy.md) are lifted out of its way.
        RATE_LIMIT_CHANGES="1000000/m",
        RATE_LIMIT_SIGN_IN="1000000/m",
    )


def run(args: argparse.Namespace, tmp: Path, stack: ExitStack) -> None:
    emulator = stack.enter_context(EmulatorProcess("demo", latency_ms=args.canvas_latency_ms))
    port = free_port()
    # The demo key's scopes are the portal's and more, so scope checks run as on real Canvas.
    demo_key = emulator.developer_keys()[0]
    key = emulator.create_developer_key(
        redirect_uris=[f"http://127.0.0.1:{port}/oauth/callback/"],
        trusted=True,  # no "Authorize" page: it is not what is being measured
        require_scopes=True,
        scopes=demo_key["scopes"],
    )
    env = portal_env(tmp, args, emulator.base_url, key)
    prepare(env)  # collectstatic and migrate, as `make serve` does
    portal = stack.enter_context(
        GunicornPortal(
            port,
            env,
            tmp / "portal.log",
            workers=args.workers,
            threads=args.threads,
            # Nothing is in flight when the benchmark stops it: no reason to wait 30 s.
            graceful_timeout=5,
        )
    )
    try:
        user_ids = [
            emulator.create_user(
                name=f"Bench {n}", login_id=f"bench{n}", email=f"b{n}@example.edu"
            )["id"]
            for n in range(args.users)
        ]
        with ThreadPoolExecutor(args.concurrency) as pool:
            browsers = list(
                pool.map(lambda uid: signed_in_browser(portal.base_url, emulator, uid), user_ids)
            )
        tabs = [Tab(uid, b, portal.base_url) for uid, b in zip(user_ids, browsers, strict=True)]
        # Unmeasured first page view per tab, as after sign-in: it warms every worker's imports
        # and templates and gives the tab its CSRF token and the session its channel list.
        with ThreadPoolExecutor(args.concurrency) as pool:
            if any(pool.map(Tab.view, tabs)):
                raise RuntimeError("a first page view failed")
        emulator.clear_requests()
        budget = Budget(args.requests, args.max_seconds)
        processes = {"portal (gunicorn)": portal, "Canvas emulator": emulator}
        load_before = os.getloadavg()[0]
        cpu_before = {name: cpu_seconds(child.pid) for name, child in processes.items()}
        client_before, machine_before = time.process_time(), machine_cpu()
        outcomes, elapsed = drive(tabs, concurrency=args.concurrency, budget=budget)
        cpu = {name: cpu_seconds(child.pid) - cpu_before[name] for name, child in processes.items()}
        cpu["this client"] = time.process_time() - client_before
        machine = {k: v - machine_before[k] for k, v in machine_cpu().items()}
        report(args, outcomes, elapsed, emulator.requests_log(), cpu, machine, load_before)
    except Exception:
        print(f"--- portal log (end) ---\n{portal.output(3000)}", file=sys.stderr)
        raise


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        # The folder goes after the processes (ExitStack unwinds first): they hold files in it.
        with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp, ExitStack() as stack:
            run(args, Path(tmp), stack)
    except KeyboardInterrupt:
        print("interrupted: processes stopped, temporary files removed", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
