"""Error pages: plain sentences, no tracebacks, and fragments for htmx requests.

One status policy for every answer that carries a sentence for the alert region: the status says
what the portal made of the request, never how Canvas behaved. The portal's own refusals keep
their 4xx (forbidden, not found, CSRF, the abuse limits' 429); a Canvas refusal or failure is a
200 on an htmx request (the sentence is the deliberate answer, and browsers log every 4xx/5xx
XHR as a console error), and never a 5xx on a full page (see `channels_app.wording.CANVAS_FAILED`).
Every such htmx answer goes through `alert_fragment`; portal.js shows the retargeted 4xx ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget

from portal import wording

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ALERT_REGION = "#alert-region"


def alert_fragment(
    request: HttpRequest, message: StrOrPromise, *, status: int = 200
) -> HttpResponse:
    """An htmx answer that puts `message` in the page's alert region, whatever htmx targeted."""
    response = render(request, "channels/_alert.html", {"alert_message": message}, status=status)
    return reswap(retarget(response, ALERT_REGION), "innerHTML")


def problem_page(
    request: HttpRequest, *, title: StrOrPromise, message: StrOrPromise, status: int
) -> HttpResponse:
    """A plain page saying `message`; for htmx, the same sentence into the alert region."""
    if getattr(request, "htmx", False):
        return alert_fragment(request, message, status=status)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def page_for(request: HttpRequest, problem: wording.PageProblem, *, status: int) -> HttpResponse:
    return problem_page(request, title=problem.title, message=problem.message, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return page_for(request, wording.CSRF_FAILED, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return page_for(request, wording.NOT_FOUND, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return page_for(request, wording.SERVER_ERROR, status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return page_for(request, wording.NOT_ALLOWED, status=403)
