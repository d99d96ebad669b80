"""The two ways the benchmark sends load: closed loop and open loop.

Both drive "actors" (a student's browser tab on the portal, or the same student calling Canvas
directly): each actor says what its next request is, and never has two requests in flight, as in
a browser tab. Both are bounded in requests and in time and stop by themselves.

* Closed loop: `concurrency` threads, each sending its actors' next request as soon as the last
  one answered. It measures how much the server can do (saturation), not what users see.
* Open loop: every actor sends a request on its own Poisson clock (mean interval `interval_s`),
  whether or not the server kept up, so a slow server meets a queue instead of fewer requests.
  An arrival whose actor is still waiting for its previous answer is skipped (a person does not
  click while the page loads), and one beyond `max_in_flight` is dropped: both are counted.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

import requests

# What the portal's benchmark probe (portal/bench_probe.py) put in the response headers.
PROBE_HEADERS = {
    "cpu_us": "X-Bench-CPU-us",
    "queries": "X-Bench-Queries",
    "session_writes": "X-Bench-Session-Writes",
}


@dataclass
class Outcome:
    kind: str
    seconds: float
    error: str = ""  # empty when the server answered as a browser would expect
    probe: dict[str, float] = field(default_factory=dict)


@dataclass
class Answer:
    """What one action returns: an error sentence (empty if fine) and the probe's counts."""

    error: str = ""
    probe: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, error: str, response: requests.Response | None = None) -> Answer:
        probe: dict[str, float] = {}
        if response is not None:
            for name, header in PROBE_HEADERS.items():
                if header in response.headers:
                    probe[name] = float(response.headers[header])
        return cls(error, probe)


class Actor(Protocol):
    def next_action(self) -> tuple[str, Callable[[], Answer]]:
        """The kind and the call of this actor's next request."""
        ...


def timed(kind: str, action: Callable[[], Answer]) -> Outcome:
    started = time.perf_counter()
    try:
        answer = action()
    except requests.RequestException as exc:
        answer = Answer(type(exc).__name__)
    return Outcome(kind, time.perf_counter() - started, answer.error, answer.probe)


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


def closed_loop(
    actors: Sequence[Actor], *, concurrency: int, requests: int, seconds: float
) -> tuple[list[Outcome], float]:
    """`concurrency` threads, thread i owning actors i, i + concurrency, ... in turn."""
    budget = Budget(requests, seconds)
    outcomes: list[Outcome] = []

    def client(mine: list[Actor]) -> None:
        for actor in itertools.cycle(mine):
            if not budget.take():
                return
            outcomes.append(timed(*actor.next_action()))  # atomic under the GIL

    threads = [
        threading.Thread(target=client, args=(actors[n::concurrency],), daemon=True)
        for n in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():  # short joins keep Ctrl-C working
                thread.join(0.2)
    finally:
        budget.stopped.set()
    return outcomes, time.perf_counter() - started


@dataclass
class OpenLoopTally:
    offered: int = 0  # arrivals scheduled within the run time
    skipped_busy: int = 0  # the actor was still waiting for its previous answer
    dropped_cap: int = 0  # max_in_flight requests were already in flight
    max_late_ms: float = 0.0  # how far the dispatcher fell behind the schedule at worst


def poisson_schedule(actors: int, interval_s: float, seconds: float, seed: int) -> list[tuple]:
    """(time, actor index) of every arrival: each actor a Poisson process of mean interval
    `interval_s`, cut at `seconds`. Seeded, so two runs offer the same load."""
    rng = random.Random(seed)
    arrivals: list[tuple[float, int]] = []
    for index in range(actors):
        at = rng.expovariate(1 / interval_s)
        while at < seconds:
            arrivals.append((at, index))
            at += rng.expovariate(1 / interval_s)
    heapq.heapify(arrivals)
    return [heapq.heappop(arrivals) for _ in range(len(arrivals))]


def open_loop(
    actors: Sequence[Actor],
    *,
    interval_s: float,
    seconds: float,
    max_in_flight: int,
    seed: int = 15,
) -> tuple[list[Outcome], float, OpenLoopTally]:
    """Send each arrival of the schedule at its time, from a pool of `max_in_flight` threads."""
    schedule = poisson_schedule(len(actors), interval_s, seconds, seed)
    tally = OpenLoopTally(offered=len(schedule))
    outcomes: list[Outcome] = []
    busy = [False] * len(actors)
    slots = threading.Semaphore(max_in_flight)

    def send(index: int) -> None:
        try:
            outcomes.append(timed(*actors[index].next_action()))
        finally:
            busy[index] = False
            slots.release()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_in_flight, thread_name_prefix="open-loop") as pool:
        for at, index in schedule:
            wait = started + at - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            else:
                tally.max_late_ms = max(tally.max_late_ms, -wait * 1000)
            if busy[index]:
                tally.skipped_busy += 1
            elif not slots.acquire(blocking=False):
                tally.dropped_cap += 1
            else:
                busy[index] = True
                pool.submit(send, index)
        # Leaving the block waits for the requests in flight: each is bounded by its timeout.
    return outcomes, time.perf_counter() - started, tally


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest rank: a value that was really measured, never an interpolation."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(pct / 100 * len(sorted_values)) - 1)]
