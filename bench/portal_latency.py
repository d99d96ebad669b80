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
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from cpu import context_switches, cpu_seconds, machine_cpu
from cryptography.fernet import Fernet
from drivers import Actor, Answer, OpenLoopTally, Outcome, closed_loop, open_loop, percentile
from first_visit import first_visit, print_first_visit
from sampling import print_profile, py_spy

# Run as a script, Python puts bench/ on sys.path, not the repo root the harness lives in.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.browser import HTTP_TIMEOUT_S, signed_in_browser
from harness.emulator import EmulatorProcess
from harness.portal import LOOPBACK_HTTP, GunicornPortal, prepare, production_env
from harness.processes import free_port

KINDS = ("page view", "htmx add", "htmx remove")
BARE = "bare Canvas GET"
CHANNELS_API = re.compile(r"^/api/v1/users/self/communication_channels(/\d+)?$")
# What each kind should cost at Canvas: its one call, by method.
CANVAS_CALL_OF = {"GET": "page view", "POST": "htmx add", "DELETE": "htmx remove"}
CSRF_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
# The row htmx should move focus to after an add is the new channel: its id is what to remove.
ADDED_ROW = re.compile(r'<li id="channel-(\d+)" class="channel" tabindex="-1" data-focus-target>')


@dataclass
class Tab:
    """One signed-in student's browser tab on the portal. Its requests run one after another, as
    in a real tab: the session holds the last channel list, and two requests of one session at
    once would overwrite each other's copy of it. It views the page, adds an address, removes
    it, and again."""

    user_id: int
    browser: requests.Session
    base_url: str
    csrf_token: str = ""
    added_id: int | None = None
    sequence: itertools.count = field(default_factory=itertools.count)
    step: int = 0

    page_views_only: bool = False

    def next_action(self) -> tuple[str, Callable[[], Answer]]:
        if self.page_views_only:
            return KINDS[0], self.view
        if self.step == 2 and self.added_id is None:
            self.step = 0  # the add failed (counted there): nothing to remove
        kind, action = ((KINDS[0], self.view), (KINDS[1], self.add), (KINDS[2], self.remove))[
            self.step
        ]
        self.step = (self.step + 1) % 3
        return kind, action

    def htmx_headers(self) -> dict[str, str]:
        page = f"{self.base_url}/channels/"
        return {
            "HX-Request": "true",
            "HX-Current-URL": page,
            "X-CSRFToken": self.csrf_token,
            "Referer": page,
        }

    def view(self) -> Answer:
        page = self.browser.get(
            f"{self.base_url}/channels/", allow_redirects=False, timeout=HTTP_TIMEOUT_S
        )
        token = CSRF_TOKEN.search(page.text)
        if page.status_code != 200 or token is None or "could not be loaded" in page.text:
            return Answer.of(f"page {page.status_code}", page)
        self.csrf_token = token.group(1)
        return Answer.of("", page)

    def add(self) -> Answer:
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
            error = f"add {answer.status_code} {answer.headers.get('HX-Retarget', '')}"
            return Answer.of(error.strip(), answer)
        self.added_id = int(added.group(1))
        return Answer.of("", answer)

    def remove(self) -> Answer:
        channel_id, self.added_id = self.added_id, None
        answer = self.browser.post(
            f"{self.base_url}/channels/{channel_id}/remove/",
            headers=self.htmx_headers(),
            allow_redirects=False,
            timeout=HTTP_TIMEOUT_S,
        )
        if answer.status_code != 200 or "HX-Retarget" in answer.headers:
            error = f"remove {answer.status_code} {answer.headers.get('HX-Retarget', '')}"
            return Answer.of(error.strip(), answer)
        return Answer.of("", answer)


@dataclass
class BareCanvas:
    """The same student calling Canvas directly for what the page view needs: one GET of the
    channel list with a token of the same developer key. The floor a page view can reach."""

    browser: requests.Session
    url: str
    token: str

    def next_action(self) -> tuple[str, Callable[[], Answer]]:
        return BARE, self.list

    def list(self) -> Answer:
        answer = self.browser.get(
            self.url,
            params={"per_page": 100},
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            timeout=HTTP_TIMEOUT_S,
        )
        answer.content  # read the whole body, as the portal does  # noqa: B018
        return Answer.of("" if answer.status_code == 200 else f"canvas {answer.status_code}")


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


@dataclass
class Phase:
    """One measured stretch of load: what was sent, how long it took, the CPU it cost."""

    outcomes: list[Outcome]
    elapsed: float
    cpu: dict[str, float]  # CPU seconds during the phase, by process
    machine: dict[str, float]  # the whole machine's busy / idle / stolen core-seconds
    load: float  # 1-minute load average when it started: other work on the machine
    switches: int = 0  # context switches of gunicorn's threads during the phase
    tally: OpenLoopTally | None = None


def measure(processes: dict[str, Any], drive: Callable[[], tuple[Any, ...]]) -> Phase:
    load = os.getloadavg()[0]
    cpu_before = {name: cpu_seconds(child.pid) for name, child in processes.items()}
    client_before, machine_before = time.process_time(), machine_cpu()
    portal = processes["portal (gunicorn)"]
    switches_before = context_switches(portal.pid)
    outcomes, elapsed, *rest = drive()
    switches = context_switches(portal.pid) - switches_before
    cpu = {name: cpu_seconds(child.pid) - cpu_before[name] for name, child in processes.items()}
    cpu["this client"] = time.process_time() - client_before
    machine = {k: v - machine_before[k] for k, v in machine_cpu().items()}
    return Phase(outcomes, elapsed, cpu, machine, load, switches, rest[0] if rest else None)


def idle_cpu_ms_per_s(portal: GunicornPortal, seconds: float = 2.0) -> float:
    """What gunicorn burns with nothing to do (heartbeats, pollers), per second of wall time."""
    before = cpu_seconds(portal.pid)
    time.sleep(seconds)
    return (cpu_seconds(portal.pid) - before) * 1000 / seconds


def mean_probe(outcomes: list[Outcome], name: str) -> float:
    values = [o.probe[name] for o in outcomes if name in o.probe]
    return sum(values) / len(values) if values else math.nan


def latency_cells(outcomes: list[Outcome]) -> tuple[str, list[float]]:
    ms = sorted(o.seconds * 1000 for o in outcomes)
    cells = (
        f"{len(outcomes):>7}{sum(1 for o in outcomes if o.error):>7}"
        f"{percentile(ms, 50):>8.1f}{percentile(ms, 95):>8.1f}{percentile(ms, 99):>8.1f}"
        f"{(ms[-1] if ms else math.nan):>8.1f}"
    )
    return cells, ms


def report(
    args: argparse.Namespace,
    phase: Phase,
    bare: Phase | None,
    log: list[dict[str, Any]],
    idle_ms_per_s: float,
) -> None:
    outcomes, elapsed = phase.outcomes, phase.elapsed
    per_kind, other, failed = canvas_calls(log)
    canvas_ms: dict[str, list[float]] = defaultdict(list)
    for entry in log:
        if CHANNELS_API.match(entry["path"]) and entry["method"] in CANVAS_CALL_OF:
            canvas_ms[CANVAS_CALL_OF[entry["method"]]].append(entry["ms"])
    scheme = args.database_url.partition(":")[0]
    database = "PostgreSQL" if scheme.startswith("postgres") else scheme or "SQLite file"
    errors = [o for o in outcomes if o.error]
    if args.mode == "open":
        load = (
            f"open loop: {args.users} users, one request every {args.interval_s:g} s each on "
            f"average (Poisson, {args.users / args.interval_s:.0f} req/s offered), "
            f"{args.max_seconds:g} s, at most {args.max_in_flight} in flight"
        )
    else:
        load = f"closed loop: {args.users} users, concurrency {args.concurrency}"
    print(
        f"portal_latency: gunicorn gthread {args.workers} workers x {args.threads} threads, "
        f"{database}, Canvas latency {args.canvas_latency_ms} ms; {load}"
    )
    print(
        f"load average at start {phase.load:.2f}; requests {len(outcomes)}  "
        f"elapsed {elapsed:.2f} s  throughput {len(outcomes) / elapsed:.1f} req/s  "
        f"errors {len(errors)}"
    )
    if phase.tally is not None:
        t = phase.tally
        print(
            f"open loop: {t.offered} arrivals offered, {len(outcomes)} sent, {t.skipped_busy} "
            f"skipped (that user still waiting), {t.dropped_cap} dropped (in-flight cap); "
            f"dispatcher at most {t.max_late_ms:.0f} ms late"
        )
    portal_cpu = phase.cpu["portal (gunicorn)"]
    in_django = sum(o.probe.get("cpu_us", 0.0) for o in outcomes)
    print()
    print(
        f"{'kind':<16}{'count':>7}{'errors':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'max ms':>8}{'Canvas':>8}{'Canvas':>8}{'DB':>7}{'session':>8}"
        f"{'CPU ms':>8}{'CPU ms':>8}"
    )
    print(
        f"{'':<16}{'':>7}{'':>7}{'':>8}{'':>8}{'':>8}{'':>8}{'calls':>8}{'p50 ms':>8}"
        f"{'stmts':>7}{'writes':>8}{'Django':>8}{'/proc':>8}"
    )
    p50: dict[str, float] = {}
    for kind in (*KINDS, "all"):
        mine = [o for o in outcomes if kind in (o.kind, "all")]
        cells, ms = latency_cells(mine)
        p50[kind] = percentile(ms, 50)
        calls = sum(per_kind.values()) + sum(other.values()) if kind == "all" else per_kind[kind]
        at_canvas = sorted(
            itertools.chain(*canvas_ms.values()) if kind == "all" else canvas_ms[kind]
        )
        each = f"{calls / len(mine):.2f}" if mine else "-"
        # gunicorn's CPU from /proc, shared out between the kinds in proportion to the CPU each
        # used inside Django (the probe); for "all" it is simply divided by the requests.
        share = sum(o.probe.get("cpu_us", 0.0) for o in mine) / in_django if in_django else 0
        proc_ms = portal_cpu * 1000 * (1 if kind == "all" else share) / len(mine) if mine else 0
        if not in_django and kind != "all":
            proc_ms = math.nan
        print(
            f"{kind:<16}{cells}{each:>8}{percentile(at_canvas, 50):>8.0f}"
            f"{mean_probe(mine, 'queries'):>7.2f}{mean_probe(mine, 'session_writes'):>8.2f}"
            f"{mean_probe(mine, 'cpu_us') / 1000:>8.2f}{proc_ms:>8.2f}"
        )
    if bare is not None:
        cells, ms = latency_cells(bare.outcomes)
        print(f"{BARE:<16}{cells}   (load average at start {bare.load:.2f})")
        floor = percentile(ms, 50)
        print(
            "p50 portal / bare Canvas GET: "
            + ", ".join(f"{kind} {p50[kind] / floor:.2f}" for kind in KINDS)
            + f"  (bare p50 {floor:.1f} ms, {len(bare.outcomes) / bare.elapsed:.1f} req/s)"
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
    for name, seconds in phase.cpu.items():
        per_request = seconds * 1000 / len(outcomes) if outcomes else math.nan
        print(f"  {seconds:>7.2f}  {name} ({per_request:.2f} ms per request)")
    if phase.machine:
        print("  machine: " + ", ".join(f"{k} {v:.2f}" for k, v in phase.machine.items()))
    print(f"  portal context switches: {phase.switches / max(len(outcomes), 1):.1f} per request")
    print(
        f"  portal idle before the run: {idle_ms_per_s:.2f} ms CPU per second "
        f"(= {idle_ms_per_s * elapsed / max(len(outcomes), 1):.3f} ms per request of this run)"
    )
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
    parser.add_argument(
        "--mode",
        choices=("closed", "open"),
        default="closed",
        help="closed: --concurrency threads send as fast as answered (saturation); open: every "
        "user sends on a Poisson clock of mean --interval-s (default closed)",
    )
    parser.add_argument("--users", type=int, default=20, help="students signed in (default 20)")
    parser.add_argument(
        "--concurrency", type=int, default=10, help="closed loop: client threads (default 10)"
    )
    parser.add_argument(
        "--requests", type=int, default=600, help="closed loop: requests to send (default 600)"
    )
    parser.add_argument(
        "--interval-s",
        type=float,
        default=2.0,
        help="open loop: mean seconds between one user's requests (default 2)",
    )
    parser.add_argument(
        "--max-in-flight",
        type=int,
        default=256,
        help="open loop: arrivals beyond this many requests in flight are dropped (default 256)",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=30.0,
        help="closed loop: stop sending after this; open loop: the run time (default 30)",
    )
    parser.add_argument(
        "--bare-seconds",
        type=float,
        default=10.0,
        help="time limit of the bare Canvas GET measurement; 0 skips it (default 10)",
    )
    parser.add_argument(
        "--canvas-latency-ms", type=int, default=50, help="delay of every Canvas call (default 50)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL server to use (default $DATABASE_URL): the run creates a database of "
        "its own there and drops it at the end; without one, a fresh SQLite file",
    )
    parser.add_argument(
        "--no-probe",
        dest="probe",
        action="store_false",
        help="leave out the portal's per-request counters (portal/bench_probe.py)",
    )
    parser.add_argument(
        "--no-first-visit",
        dest="first_visit",
        action="store_false",
        help="skip the bytes-per-first-visit measurement",
    )
    parser.add_argument(
        "--page-views-only",
        action="store_true",
        help="send only page views (no adds or removes): the CPU of a page view alone",
    )
    parser.add_argument(
        "--profile-with",
        metavar="PY_SPY",
        default="",
        help="path of a py-spy executable: profile gunicorn during the measured run and print "
        "the top entries",
    )
    args = parser.parse_args(argv)
    if args.mode == "closed" and not 1 <= args.concurrency <= args.users:
        parser.error("--concurrency must be between 1 and --users: a tab runs one request at once")
    if min(args.requests, args.workers, args.threads, args.max_in_flight) < 1:
        parser.error("--requests, --workers, --threads and --max-in-flight must be >= 1")
    if args.canvas_latency_ms < 0 or args.interval_s <= 0:
        parser.error("the latency must be >= 0 and the interval > 0")
    if args.users > 500 or args.requests > 100_000 or args.max_seconds > 600:
        parser.error("bounded on purpose: at most 500 users, 100000 requests, 600 seconds")
    if args.max_in_flight > 512 or args.bare_seconds > 120:
        parser.error("bounded on purpose: at most 512 in flight, 120 bare seconds")
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
        # The client stands where a balancer would (docs/deploy.md): its keep-alive connections
        # sit idle between a user's requests longer than gunicorn's default 5 s, and one closed
        # by gunicorn just as a request is sent on it resets. Behind a balancer the keep-alive
        # must exceed the balancer's idle timeout (portal/gunicorn.conf.py); so here.
        GUNICORN_KEEPALIVE="75",
        # Statement, session-write and CPU counts per request in headers (portal/bench_probe.py).
        BENCH_PROBE="true" if args.probe else "false",
    )


@contextmanager
def own_database(url: str) -> Iterator[str]:
    """A database of the run's own on the PostgreSQL server at `url`, dropped afterwards, so
    runs never see each other's sessions and tokens. Other URLs are used as they are."""
    if not url.startswith(("postgres://", "postgresql://")):
        yield url
        return
    import psycopg

    name = f"portal_bench_{secrets.token_hex(4)}"
    # The server's maintenance database: the one named in `url` need not exist.
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drive(args: argparse.Namespace, actors: Sequence[Actor], *, bare: bool = False) -> Any:
    """The load of the chosen mode; the bare Canvas measurement is shorter (--bare-seconds)."""
    seconds = min(args.max_seconds, args.bare_seconds) if bare else args.max_seconds
    if args.mode == "open":
        return lambda: open_loop(
            actors, interval_s=args.interval_s, seconds=seconds, max_in_flight=args.max_in_flight
        )
    count = max(100, args.requests // 3) if bare else args.requests
    return lambda: closed_loop(
        actors, concurrency=args.concurrency, requests=count, seconds=seconds
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
    # Entered before gunicorn, so the database is dropped after gunicorn has stopped.
    args.database_url = stack.enter_context(own_database(args.database_url))
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
        with ThreadPoolExecutor(min(args.users, 20)) as pool:
            browsers = list(
                pool.map(lambda uid: signed_in_browser(portal.base_url, emulator, uid), user_ids)
            )
            for b in browsers:
                # What a browser sends with the portal's own links and htmx requests; the
                # portal compresses pages only for such requests (portal/compression.py).
                b.headers["Sec-Fetch-Site"] = "same-origin"
            tabs = [
                Tab(uid, b, portal.base_url, page_views_only=args.page_views_only)
                for uid, b in zip(user_ids, browsers, strict=True)
            ]
            # Unmeasured first page view per tab, as after sign-in: it warms every worker's
            # imports and templates and gives the tab its CSRF token.
            if any(answer.error for answer in pool.map(Tab.view, tabs)):
                raise RuntimeError("a first page view failed")
        idle = idle_cpu_ms_per_s(portal)
        if args.first_visit:
            print_first_visit(
                "first visit, landing page (signed out)",
                first_visit(requests.Session(), f"{portal.base_url}/", HTTP_TIMEOUT_S),
            )
            print_first_visit(
                "first visit, channels page (signed in)",
                first_visit(tabs[0].browser, f"{portal.base_url}/channels/", HTTP_TIMEOUT_S),
            )
            print()
        processes = {"portal (gunicorn)": portal, "Canvas emulator": emulator}
        bare = None
        if args.bare_seconds > 0:
            url = f"{emulator.base_url}/api/v1/users/self/communication_channels"
            floor = [
                BareCanvas(requests.Session(), url, emulator.token_for(uid, key["id"]))
                for uid in user_ids
            ]
            with ThreadPoolExecutor(min(args.users, 20)) as pool:  # connect, unmeasured
                list(pool.map(BareCanvas.list, floor))
            bare = measure(processes, drive(args, floor, bare=True))
        emulator.clear_requests()
        profile = tmp / "py-spy.txt"
        with py_spy(args.profile_with, portal.pid, profile) if args.profile_with else nullcontext():
            phase = measure(processes, drive(args, tabs))
        report(args, phase, bare, emulator.requests_log(), idle)
        if args.profile_with:
            print()
            print_profile(profile, len(phase.outcomes))
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
