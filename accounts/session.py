"""Who is signed in: the Canvas user kept in the server-side session, and the guard for views."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Concatenate, cast
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from accounts.tokens import StoredToken
from canvas.client import CanvasClient
from canvas.errors import NotAuthenticated

SESSION_USER = "canvas_user"


@dataclass(frozen=True)
class PortalUser:
    id: int
    name: str


class HtmxRequest(HttpRequest):
    """Every request the portal serves: HtmxMiddleware (settings) adds `htmx`."""

    htmx: HtmxDetails


class PortalRequest(HtmxRequest):
    """A request behind `canvas_login_required`: who is signed in, and their Canvas client."""

    portal_user: PortalUser
    canvas: CanvasClient


def current_user(request: HttpRequest) -> PortalUser | None:
    data = request.session.get(SESSION_USER)
    if not isinstance(data, dict) or "id" not in data:
        return None
    return PortalUser(id=int(data["id"]), name=str(data.get("name", "")))


def sign_in(request: HttpRequest, *, user_id: int, name: str) -> None:
    # A new session key at sign-in defeats session fixation; the data carries over.
    request.session.cycle_key()
    request.session[SESSION_USER] = {"id": user_id, "name": name}


def safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    """Only paths on this host: an open redirect would make the portal a phishing tool."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def sign_in_again(request: HtmxRequest) -> HttpResponse:
    """Send the user through Canvas sign-in, returning to where they were."""
    if request.htmx:
        here = request.htmx.current_url_abs_path or reverse("channels")
    elif request.method == "GET":
        here = request.get_full_path()
    else:
        here = reverse("channels")
    login_url = f"{reverse('login')}?{urlencode({'next': here})}"
    if request.htmx:
        # A 302 would be followed by XHR and swapped in as a fragment; make the browser go.
        return HttpResponseClientRedirect(login_url)
    return redirect(login_url)


def signed_in_user(request: HttpRequest) -> PortalUser:
    """The user `canvas_login_required` put on the request, for code that gets a plain request
    (a rate-limit key): refusing loudly beats counting against the wrong key."""
    user = getattr(request, "portal_user", None)
    if not isinstance(user, PortalUser):
        raise RuntimeError("Only for requests that passed canvas_login_required.")
    return user


def canvas_login_required[R: PortalRequest, **P, T: HttpResponseBase](
    view: Callable[Concatenate[R, P], T],
) -> Callable[Concatenate[HtmxRequest, P], T | HttpResponse]:
    """Require a signed-in Canvas user; give the view `request.portal_user` and `request.canvas`.

    The view may take a subclass of PortalRequest (R) whose extra attributes its own decorator
    sets before the view runs (helpdesk's `staff_required` adds `staff`): this decorator sets
    only the PortalRequest ones.
    """

    @wraps(view)
    def wrapper(request: HtmxRequest, *args: P.args, **kwargs: P.kwargs) -> T | HttpResponse:
        user = current_user(request)
        if user is None:
            return sign_in_again(request)
        # The same object, now carrying what PortalRequest promises.
        signed_in = cast(R, request)
        signed_in.portal_user = user
        signed_in.canvas = CanvasClient(StoredToken(user.id))
        try:
            return view(signed_in, *args, **kwargs)
        except NotAuthenticated:
            # The token is gone and could not be refreshed: the user must sign in again.
            request.session.pop(SESSION_USER, None)
            return sign_in_again(request)

    return wrapper
