"""Canvas's request-throttle headers and throttled responses (docs/canvas-behaviour.md §4).

The leaky bucket is simulated per access token so ``X-Rate-Limit-Remaining`` moves like the real
one; it never throttles by itself (a test switches throttling on with the faults control API).
"""

from __future__ import annotations

import hashlib
import threading
import time

from .wire import TEXT_TYPE, Response

HIGH_WATER_MARK = 600.0
OUTFLOW_PER_S = 10.0
UP_FRONT_COST = 50.0  # charged while a request is in flight, refunded at the end
REQUEST_COST = 0.02  # a cheap request: a few ms of CPU and DB time

THROTTLED_403_BODY = "403 Forbidden (Rate Limit Exceeded)\n"
THROTTLED_429_BODY = "429 Too Many Requests (Rate Limit Exceeded)\n"


class Buckets:
    """Per-client leaky buckets keyed by a hash of the token (``token:<hmac>`` in Canvas)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._levels: dict[str, tuple[float, float]] = {}  # client → (level, last update)

    def _client(self, token: str) -> str:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:16]

    def _leak(self, client: str, now: float) -> float:
        level, then = self._levels.get(client, (0.0, now))
        return max(0.0, level - (now - then) * OUTFLOW_PER_S)

    def start(self, token: str) -> None:
        with self._lock:
            now = time.monotonic()
            client = self._client(token)
            self._levels[client] = (self._leak(client, now) + UP_FRONT_COST, now)

    def finish(self, token: str) -> tuple[float, float]:
        """Refund the up-front cost, charge the real one; return (cost, remaining)."""
        with self._lock:
            now = time.monotonic()
            client = self._client(token)
            level = max(0.0, self._leak(client, now) - UP_FRONT_COST) + REQUEST_COST
            self._levels[client] = (level, now)
            return REQUEST_COST, max(0.0, HIGH_WATER_MARK - level)

    def clear(self) -> None:
        with self._lock:
            self._levels.clear()


def throttled_response(style: str) -> Response:
    """``403 Forbidden (Rate Limit Exceeded)`` (classic) or its 2025 429 successor."""
    if style == "429":
        response = Response(429, THROTTLED_429_BODY.encode(), TEXT_TYPE)
    else:
        response = Response(403, THROTTLED_403_BODY.encode(), TEXT_TYPE)
    return response.header("X-Rate-Limit-Remaining", "0.0")
