"""Injected failures for ``/api/v1/*`` and ``/login/oauth2/token`` (control API ``faults``).

Lets portal tests see the failures real Canvas (or whatever stands in front of it) produces under
load or outage: latency, 5xx before or after the change was made, hangs, malformed or HTML
bodies, dropped connections, both throttling styles (docs/canvas-behaviour.md §4), answers
trickled a byte at a time, oversized answers, endless or off-host pagination, and a random share of
failures.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from .throttle import throttled_response
from .wire import JSON_TYPE, Response, generic_error

THROTTLE_STYLES = (None, "403", "429")
_KINDS = ("status", "hang_s", "body", "reset", "redirect", "drip_s", "pad_bytes", "link_next")
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class FaultError(ValueError):
    """A faults request the emulator does not understand."""


@dataclass
class Injection:
    """What a fault does to one request.

    ``replace`` answers instead of Canvas (the request is not carried out); ``alter`` lets
    Canvas carry it out and then changes the answer (the change is made, the client may not
    learn of it).
    """

    replace: Response | None = None
    alter: Callable[[Response], Response] | None = None


def _check_item(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or not any(k in item for k in _KINDS):
        raise FaultError(f"unknown fault item {item!r}; use one of {_KINDS}")
    if "redirect" in item and int(item.get("status", 307)) not in _REDIRECT_STATUSES:
        raise FaultError(f"a redirect status is one of {_REDIRECT_STATUSES}")
    return dict(item)


def _check_random(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    rate = value.get("rate") if isinstance(value, dict) else None
    if not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise FaultError("random needs a rate between 0 and 1 and a fault item")
    return {
        "rate": float(rate),
        "fault": _check_item(value.get("fault")),
        "seed": value.get("seed"),
    }


class Faults:
    def __init__(self, default_latency_ms: int = 0) -> None:
        self._lock = threading.Lock()
        self.default_latency_ms = default_latency_ms
        self._woken = threading.Event()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.latency_ms = self.default_latency_ms
            self.next: list[dict[str, Any]] = []
            self.throttle: str | None = None
            self.random: dict[str, Any] | None = None
            self._rng = random.Random()  # noqa: S311 - picks faults, not secrets
            # Wake requests hanging (or dripping) on an old fault so a reset never waits for them.
            self._woken.set()
            self._woken = threading.Event()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "latency_ms": self.latency_ms,
                "next": copy.deepcopy(self.next),
                "throttle": self.throttle,
                "random": copy.deepcopy(self.random),
            }

    def configure(self, body: dict[str, Any]) -> dict[str, Any]:
        """Partial update: only the keys present change; ``next`` replaces the queue."""
        with self._lock:
            if "latency_ms" in body:
                latency = body["latency_ms"]
                if not isinstance(latency, int) or latency < 0:
                    raise FaultError("latency_ms must be a non-negative integer")
                self.latency_ms = latency
            if "next" in body:
                self.next = [_check_item(item) for item in body["next"] or []]
            if "throttle" in body:
                style = body["throttle"]
                style = None if style is None else str(style)
                if style not in THROTTLE_STYLES:
                    raise FaultError("throttle must be '403', '429' or null")
                self.throttle = style
            if "random" in body:
                self.random = _check_random(body["random"])
                # A seed makes the sequence of draws repeatable (which request gets which draw
                # still depends on arrival order).
                seed = self.random["seed"] if self.random else None
                self._rng = random.Random(seed)  # noqa: S311 - picks faults, not secrets
        return self.snapshot()

    def _take(self) -> dict[str, Any] | None:
        """The fault for this request: the next queued one, else maybe the random one."""
        if self.next:
            return self.next.pop(0)
        if self.random and self._rng.random() < self.random["rate"]:
            return dict(self.random["fault"])
        return None

    def intercept(self) -> Injection:
        """Apply latency, then throttling, then the next queued (or random) fault.

        Throttling answers every request and leaves the ``next`` queue untouched.
        """
        with self._lock:
            latency = self.latency_ms
            throttle = self.throttle
            item = None if throttle else self._take()
            woken = self._woken
        if latency:
            woken.wait(latency / 1000)
        if throttle:
            return Injection(replace=throttled_response(throttle))
        if item is None:
            return Injection()
        if item.get("reset"):
            return Injection(replace=Response(0, drop_connection=True))
        if "redirect" in item:
            # A token endpoint behind a hijacked proxy or DNS name: 307/308 ask the client to
            # re-send the same body (client secret, refresh token) to `Location`.
            status = int(item.get("status", 307))
            location = [("Location", str(item["redirect"]))]
            return Injection(replace=Response(status, b"", JSON_TYPE, location))
        if "hang_s" in item:
            woken.wait(float(item["hang_s"]))
            return Injection()
        if "body" in item:
            content_type = str(item.get("content_type") or JSON_TYPE)
            body = str(item["body"]).encode()
            return Injection(replace=Response(int(item.get("status", 200)), body, content_type))
        if "status" in item:
            error = _status_error(int(item["status"]))
            if item.get("after"):
                return Injection(alter=lambda _done: error)
            return Injection(replace=error)
        return Injection(alter=lambda response: _alter(response, item, woken))


def _status_error(status: int) -> Response:
    try:
        code = HTTPStatus(status).phrase.lower().replace(" ", "_")
    except ValueError:
        code = "error"
    return generic_error(status, code)


def _alter(response: Response, item: dict[str, Any], woken: threading.Event) -> Response:
    """The answer Canvas gave, sent slowly, padded, or with another next-page link."""
    if "drip_s" in item:
        response.drip_s = float(item["drip_s"])
        response.drip_stop = woken
    if "pad_bytes" in item:
        response.pad_bytes = int(item["pad_bytes"])
    if "link_next" in item:
        response.headers = [(k, v) for k, v in response.headers if k.lower() != "link"]
        response.header("Link", f'<{item["link_next"]}>; rel="next"')
    if item.get("length") is False:
        response.hide_length = True
    return response
