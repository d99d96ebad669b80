"""Per-request counts for the benchmark (bench/README.md), in response headers.

Installed only when the environment sets BENCH_PROBE=true (portal/settings.py); without it this
module is never imported and costs nothing. Never enable it in production: the headers tell
anyone how much work a page costs.

    X-Bench-Queries         SQL statements sent to the database (savepoints included)
    X-Bench-Session-Writes  INSERTs and UPDATEs of the session table
    X-Bench-CPU-us          CPU time of the request's thread inside Django, in microseconds
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

SESSION_TABLE = "django_session"


class BenchProbeMiddleware:
    """Outermost middleware: it sees every statement, the session save included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counts = {"queries": 0, "session_writes": 0}

        def count(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
            counts["queries"] += 1
            verb = sql.lstrip()[:6].upper()
            if verb in ("INSERT", "UPDATE") and SESSION_TABLE in sql:
                counts["session_writes"] += 1
            return execute(sql, *args)

        started = time.thread_time()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-CPU-us"] = str(round((time.thread_time() - started) * 1e6))
        response["X-Bench-Queries"] = str(counts["queries"])
        response["X-Bench-Session-Writes"] = str(counts["session_writes"])
        return response
