"""Injected failures for ``/api/v1/*`` and ``/login/oauth2/token`` (control API ``faults``).

Lets portal tests see the failures real Canvas produces under load or outage: latency, 5xx,
hangs, malformed bodies, dropped connections and both throttling styles (spec §4).
"""

from __future__ import annotations

import copy
import threading
from http import HTTPStatus
from typing import Any

from .throttle import throttled_response
from .wire import JSON_TYPE, Response, generic_error

THROTTLE_STYLES = (None, "403", "429")
_KINDS = ("status", "hang_s", "body", "reset", "redirect")
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class FaultError(ValueError):
    """A faults request the emulator does not understand."""


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
            # Wake requests hanging on an old fault so a reset never waits for them.
            self._woken.set()
            self._woken = threading.Event()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "latency_ms": self.latency_ms,
                "next": copy.deepcopy(self.next),
                "throttle": self.throttle,
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
                items = body["next"] or []
                for item in items:
                    if not isinstance(item, dict) or not any(k in item for k in _KINDS):
                        raise FaultError(f"unknown fault item {item!r}; use one of {_KINDS}")
                    if "redirect" in item and int(item.get("status", 307)) not in (
                        _REDIRECT_STATUSES
                    ):
                        raise FaultError(f"a redirect status is one of {_REDIRECT_STATUSES}")
                self.next = [dict(item) for item in items]
            if "throttle" in body:
                style = body["throttle"]
                style = None if style is None else str(style)
                if style not in THROTTLE_STYLES:
                    raise FaultError("throttle must be '403', '429' or null")
                self.throttle = style
        return self.snapshot()

    def intercept(self) -> Response | None:
        """Apply latency, then throttling, then the next queued fault.

        Returns the response to send instead of the real one, or None to continue normally.
        Throttling answers every request and leaves the ``next`` queue untouched.
        """
        with self._lock:
            latency = self.latency_ms
            throttle = self.throttle
            item = self.next.pop(0) if self.next and not throttle else None
            woken = self._woken
        if latency:
            woken.wait(latency / 1000)
        if throttle:
            return throttled_response(throttle)
        if item is None:
            return None
        if item.get("reset"):
            return Response(0, drop_connection=True)
        if "redirect" in item:
            # A token endpoint behind a hijacked proxy or DNS name: 307/308 ask the client to
            # re-send the same body (client secret, refresh token) to `Location`.
            status = int(item.get("status", 307))
            return Response(status, b"", JSON_TYPE, [("Location", str(item["redirect"]))])
        if "hang_s" in item:
            woken.wait(float(item["hang_s"]))
            return None
        if "body" in item:
            return Response(int(item.get("status", 200)), str(item["body"]).encode(), JSON_TYPE)
        status = int(item["status"])
        try:
            code = HTTPStatus(status).phrase.lower().replace(" ", "_")
        except ValueError:
            code = "error"
        return generic_error(status, code)
