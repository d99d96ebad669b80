"""What one portal request may spend on Canvas: a deadline in time and a cap in bytes.

A read timeout alone bounds the wait for each socket read, so an answer trickled a byte at a
time, or a long chain of retries and pages, could hold a worker for ever. The deadline is shared
by every Canvas call of one portal request; the body is streamed and both limits are checked
before every read.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import requests
from urllib3.exceptions import HTTPError as Urllib3Error

from canvas.errors import AnswerRefused, DeadlineExceeded, Unavailable

logger = logging.getLogger("canvas")
_READ_SIZE = 64 * 1024


@dataclass(frozen=True)
class Deadline:
    """A moment on the monotonic clock after which no Canvas work is started or waited for."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def check(self, path: str) -> float:
        """Seconds left; raises DeadlineExceeded (logged) when there are none."""
        left = self.remaining()
        if left <= 0:
            raise self.exceeded(path)
        return left

    def exceeded(self, path: str) -> DeadlineExceeded:
        """The error for a request that ran out of time, logged once with the path."""
        logger.warning(
            "canvas %s: the %g s request deadline passed",
            path,
            self.seconds,
            extra={"path": path, "limit": "deadline"},
        )
        return DeadlineExceeded(f"Canvas took longer than {self.seconds:g} s in total")


def refuse(path: str, reason: str, limit: str) -> AnswerRefused:
    """The error for an answer beyond a limit, logged once with the path (never the query)."""
    logger.warning("canvas %s: %s", path, reason, extra={"path": path, "limit": limit})
    return AnswerRefused(reason)


def read_body(
    response: requests.Response,
    *,
    path: str,
    deadline: Deadline,
    max_bytes: int,
    read_timeout: float,
) -> None:
    """Read a streamed body into `response` (so `.text` works) within both limits.

    Each read returns what has arrived (read1), with the socket timeout shortened to what is
    left of the deadline; the size counts decompressed bytes, so a gzip bomb is caught too.
    On any failure the connection is closed rather than returned to the pool half read.
    """
    try:
        declared = int(response.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > max_bytes:
        response.close()
        raise refuse(path, f"Canvas announced {declared} bytes, above {max_bytes}", "size")
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            _set_socket_timeout(raw, min(read_timeout, deadline.check(path)))
            chunk = raw.read1(_READ_SIZE, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise refuse(path, f"Canvas sent more than {max_bytes} bytes", "size")
            chunks.append(chunk)
    except (Urllib3Error, OSError) as exc:
        response.close()
        raise Unavailable("Canvas stopped sending its answer") from exc
    except Unavailable:
        response.close()
        raise
    response._content = b"".join(chunks)  # what Response.content would hold
    # What Response.content sets after reading; types-requests declares `_content` but not this
    # private flag, hence the ignore.
    response._content_consumed = True  # type: ignore[attr-defined]
    raw.release_conn()  # read to the end: the keep-alive connection can be reused


def _set_socket_timeout(raw: object, seconds: float) -> None:
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))
