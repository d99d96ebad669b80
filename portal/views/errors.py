"""Error pages: plain sentences, no tracebacks, and fragments for htmx requests."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def problem_page(request: HttpRequest, *, title: str, message: str, status: int) -> HttpResponse:
    """A plain page saying `message`; for htmx, the same sentence into the alert region."""
    if getattr(request, "htmx", False):
        response = render(
            request, "channels/_alert.html", {"alert_message": message}, status=status
        )
        response["HX-Retarget"] = "#alert-region"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return problem_page(
        request,
        title="Please try that again",
        message=(
            "Your page was open for a long time or your session changed, so for your safety "
            "nothing was changed. Reload the page and try again."
        ),
        status=403,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem_page(
        request, title="Page not found", message="There is no page at this address.", status=404
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return problem_page(
        request,
        title="Something went wrong",
        message="Something went wrong on our side and nothing was changed. Please try again.",
        status=500,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem_page(
        request,
        title="Not allowed",
        message="You do not have permission to see this page.",
        status=403,
    )
