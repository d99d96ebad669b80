"""Probes for load balancers and orchestrators."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from canvas import http

# A cheap Canvas page (InfoController#health_check). Any HTTP answer, even 401 or 404, proves
# Canvas is reachable; only a timeout or a failed connection counts as down.
CANVAS_PROBE_PATH = "/health_check"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and serving requests."""
    return JsonResponse({"status": "ok"})


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


def canvas_reachable() -> bool:
    try:
        http.shared_session().get(
            http.canvas_url(CANVAS_PROBE_PATH),
            timeout=settings.READYZ_CANVAS_TIMEOUT,
            allow_redirects=False,
        )
    except OSError:  # requests' exceptions derive from OSError: timeout, refused, TLS
        return False
    return True


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database answers, and Canvas too when READYZ_CHECK_CANVAS is on."""
    checks = {"database": "ok" if database_reachable() else "unreachable"}
    if settings.READYZ_CHECK_CANVAS:
        checks["canvas"] = "ok" if canvas_reachable() else "unreachable"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
