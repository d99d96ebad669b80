"""The views' side of the abuse limits: a decorator that counts a request and, when it is over
its limit, answers 429 without running the view, so nothing reaches Canvas.

A refusal says when to try again (also as `Retry-After`): on a full page, or for htmx in the
alert region (portal.js swaps retargeted error answers). Views that hold a form pass their own
`respond` to show the page again with what the user typed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, Protocol

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from portal import limits, wording
from portal.views.errors import problem_page

# Called with the request, the refusal and the view's own arguments.
Respond = Callable[..., HttpResponse]


def refusal_page(
    request: HttpRequest, refusal: limits.Refusal, *args: Any, **kw: Any
) -> HttpResponse:
    return problem_page(request, title=wording.TOO_MANY_TITLE, message=refusal.message, status=429)


class Limiter(Protocol):
    """What `limited(...)` returns: a decorator that keeps the view's own request type and
    arguments, so it stacks under `canvas_login_required` and the help desk's decorators."""

    def __call__[R: HttpRequest, **P, T: HttpResponseBase](
        self, view: Callable[Concatenate[R, P], T], /
    ) -> Callable[Concatenate[R, P], T | HttpResponse]: ...


def limited(
    limit: limits.Limit,
    respond: Respond = refusal_page,
    *,
    only_if: Callable[[], bool] = lambda: True,
) -> Limiter:
    """Count each request to the view against `limit`, while `only_if()` holds (an endpoint that
    is switched off answers 404 at no cost, so it is not worth a database write)."""

    def decorate[R: HttpRequest, **P, T: HttpResponseBase](
        view: Callable[Concatenate[R, P], T],
    ) -> Callable[Concatenate[R, P], T | HttpResponse]:
        view_name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(request: R, *args: P.args, **kwargs: P.kwargs) -> T | HttpResponse:
            refusal = limits.check(request, limit, view_name=view_name) if only_if() else None
            if refusal is None:
                return view(request, *args, **kwargs)
            response = respond(request, refusal, *args, **kwargs)
            response.status_code = 429
            response["Retry-After"] = str(refusal.retry_after)
            return response

        return wrapper

    return decorate
