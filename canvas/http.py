"""HTTP plumbing for Canvas: one pooled session per process, timeouts, retries, error mapping.

Retries: throttled requests are retried for every method (Canvas's throttle rejects a request
before it runs, docs/canvas-behaviour.md §4); timeouts, connection failures and 502/503/504 only
for idempotent methods, because a POST that timed out may still have been carried out.

Every call runs under a Deadline shared by the portal request (no attempt, backoff or byte after
it) and reads at most CANVAS_MAX_RESPONSE_BYTES (bounded.py).
"""

import json
import logging
import os
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from canvas.bounded import Deadline, read_body
from canvas.errors import (
    AnswerRefused,
    CanvasError,
    DeadlineExceeded,
    FieldProblem,
    Forbidden,
    InsufficientScope,
    NotAuthenticated,
    NotFound,
    Throttled,
    Unavailable,
    ValidationFailed,
)

logger = logging.getLogger("canvas")

_session: requests.Session | None = None
_session_lock = threading.Lock()
_RETRYABLE_STATUSES = {502, 503, 504}
_IDEMPOTENT = {"GET", "HEAD", "OPTIONS", "DELETE", "PUT"}
# A socket timeout set to the deadline's remainder fires within a few ms of it.
_DEADLINE_SLACK_S = 0.01


def shared_session() -> requests.Session:
    """The process-wide session: keep-alive connections to Canvas are reused across requests."""
    global _session
    if _session is None:
        with _session_lock:
            if _session is None:
                session = requests.Session()
                adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)
                session.mount("https://", adapter)
                session.mount("http://", adapter)
                session.headers["User-Agent"] = "canvas-contact-methods-portal"
                _read_environment_once(session)
                _session = session
    return _session


def _read_environment_once(session: requests.Session) -> None:
    """Take the proxy and CA-bundle variables (HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE...) from
    the environment now, once, instead of on every call.

    With `trust_env` on, requests scans the whole environment for proxies several times per call
    and looks for a ~/.netrc file: about a tenth of the CPU of a Canvas call (bench/README.md).
    The environment of a running process does not change, so reading it once gives the same
    proxies and CA bundle. A ~/.netrc entry for Canvas is no longer applied: it could only have
    replaced the user's bearer token with a password, which Canvas's API does not accept.
    """
    canvas = settings.CANVAS_BASE_URL
    # {} when NO_PROXY names Canvas's host.
    session.proxies.update(requests.utils.get_environ_proxies(canvas))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False


def canvas_url(path: str) -> str:
    return f"{settings.CANVAS_BASE_URL}{path}"


def same_origin_as_canvas(url: str) -> bool:
    """Only follow links that stay on Canvas, so a token is never sent anywhere else."""
    target, base = urlsplit(url), urlsplit(settings.CANVAS_BASE_URL)
    return (target.scheme, target.netloc) == (base.scheme, base.netloc)


def send(
    method: str,
    url: str,
    *,
    token: str | None = None,
    params: Any = None,
    data: Any = None,
    headers: dict[str, str] | None = None,
    deadline: Deadline | None = None,
) -> requests.Response:
    """Send one request with retries; return the response if 2xx, else raise a CanvasError.

    Without a `deadline` the call gets one of its own (CANVAS_REQUEST_DEADLINE).
    """
    deadline = deadline or Deadline.after(settings.CANVAS_REQUEST_DEADLINE)
    all_headers = {"Accept": "application/json", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    path = urlsplit(url).path
    connect_timeout, read_timeout = settings.CANVAS_TIMEOUT
    attempts = 1 + max(0, settings.CANVAS_RETRIES)
    for attempt in range(1, attempts + 1):
        left = deadline.check(path)
        started = time.monotonic()
        try:
            response = shared_session().request(
                method,
                url,
                params=params,
                data=data,
                headers=all_headers,
                timeout=(min(connect_timeout, left), min(read_timeout, left)),
                allow_redirects=False,
                stream=True,
            )
            read_body(
                response,
                path=path,
                deadline=deadline,
                max_bytes=settings.CANVAS_MAX_RESPONSE_BYTES,
                read_timeout=read_timeout,
            )
        except (requests.RequestException, Unavailable) as exc:
            if isinstance(exc, AnswerRefused | DeadlineExceeded):
                log_call(method, url, type(exc).__name__, started, attempt)
                raise
            if deadline.remaining() <= _DEADLINE_SLACK_S:
                # The timeout was cut to what was left of the deadline: the deadline's doing.
                log_call(method, url, "deadline", started, attempt)
                raise deadline.exceeded(path) from exc
            timed_out = isinstance(exc, requests.Timeout)
            log_call(method, url, "timeout" if timed_out else "unreachable", started, attempt)
            if method in _IDEMPOTENT and attempt < attempts and _backoff(attempt, deadline):
                continue
            reason = "did not answer in time" if timed_out else "could not be reached"
            raise Unavailable(f"Canvas {reason}") from exc
        log_call(method, url, response.status_code, started, attempt)
        try:
            raise_for_status(response)
        except Throttled:
            if attempt < attempts and _backoff(attempt, deadline):
                continue
            raise
        except Unavailable:
            if (
                response.status_code in _RETRYABLE_STATUSES
                and method in _IDEMPOTENT
                and attempt < attempts
                and _backoff(attempt, deadline)
            ):
                continue
            raise
        return response
    raise Unavailable("Canvas could not be reached")  # pragma: no cover - loop always returns


def _backoff(attempt: int, deadline: Deadline) -> bool:
    """Wait before the next attempt; False (no wait) when the deadline would pass first."""
    pause = settings.CANVAS_RETRY_BACKOFF * (2 ** (attempt - 1))
    if pause >= deadline.remaining():
        return False
    time.sleep(pause)
    return True


def log_call(method: str, url: str, status: int | str, started: float, attempt: int = 1) -> None:
    """One line per Canvas call: method, path, status, milliseconds (never query or headers)."""
    # The path only: query strings may carry search terms; headers carry the token. The fields
    # are also passed separately so the JSON log lines can be filtered and graphed by them.
    path = urlsplit(url).path
    ms = round((time.monotonic() - started) * 1000)
    logger.info(
        "canvas %s %s -> %s in %d ms (attempt %d)",
        method,
        path,
        status,
        ms,
        attempt,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "ms": ms,
            "attempt": attempt,
        },
    )


def parse_json(response: requests.Response) -> Any:
    text = response.text
    # Canvas may prefix session-authenticated JSON with this anti-hijacking guard.
    if text.startswith("while(1);"):
        text = text[len("while(1);") :]
    try:
        return json.loads(text)
    except ValueError as exc:
        raise Unavailable("Canvas answered with something that is not JSON") from exc


def raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    body_text = response.text or ""
    if status == 429 or (status == 403 and "Rate Limit Exceeded" in body_text):
        raise Throttled("Canvas rate limit", status=status)
    if status == 401:
        if response.headers.get("WWW-Authenticate"):
            raise NotAuthenticated(_first_message(body_text), status=status)
        if "Insufficient scopes" in body_text:
            raise InsufficientScope(_first_message(body_text), status=status)
        # Older Canvas answers 401 (no WWW-Authenticate) for "not allowed".
        raise Forbidden(_first_message(body_text), status=status)
    if status == 403:
        raise Forbidden(_first_message(body_text), status=status)
    if status == 404:
        raise NotFound(_first_message(body_text), status=status)
    if status in (400, 422):
        raise ValidationFailed(_problems(body_text), status=status)
    raise Unavailable(f"Canvas answered {status}", status=status)


def _load(body_text: str) -> Any:
    try:
        return json.loads(body_text)
    except ValueError:
        return None


def _first_message(body_text: str) -> str:
    body = _load(body_text)
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))
        if isinstance(errors, str):
            return errors
        if "error_description" in body:
            return str(body["error_description"])
    return body_text[:200]


def _problems(body_text: str) -> list[FieldProblem]:
    """Canvas's three error shapes flattened to (field, reason) pairs.

    The shapes: docs/canvas-behaviour.md §1.10 (two) and §3.9.
    """
    body = _load(body_text)
    errors = body.get("errors") if isinstance(body, dict) else None
    problems: list[FieldProblem] = []
    if isinstance(errors, dict):
        for field, value in errors.items():
            if isinstance(value, str):
                problems.append(FieldProblem(field, value))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        reason = item.get("type") or item.get("message") or ""
                        problems.append(FieldProblem(field, str(reason)))
                    else:
                        problems.append(FieldProblem(field, str(item)))
    elif isinstance(errors, list):
        for item in errors:
            message = item.get("message", "") if isinstance(item, dict) else str(item)
            problems.append(FieldProblem("", str(message)))
    if not problems:
        problems.append(FieldProblem("", body_text[:200]))
    return problems


__all__ = ["CanvasError", "canvas_url", "parse_json", "send", "shared_session"]
