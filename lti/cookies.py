"""Partitioned cookies (CHIPS) for the portal inside Canvas's frame.

Neither Django 6.1 nor Python 3.13's `http.cookies` knows the `Partitioned` attribute (Python
3.14 adds it), so a cookie Django built is re-emitted with it. Browsers that do not support
it ignore the attribute; browsers that do keep the cookie for the portal-inside-Canvas pairing
even when they block other third-party cookies.
"""

from collections.abc import Callable, Container
from http.cookies import Morsel

from django.http import HttpRequest, HttpResponse


class _PartitionedMorsel(Morsel[str]):
    def OutputString(self, attrs: Container[str] | None = None) -> str:
        return super().OutputString(attrs) + "; Partitioned"


def partition(response: HttpResponse, name: str) -> None:
    """Add `Partitioned` to a cookie already set on `response` (it must be Secure)."""
    morsel = response.cookies.get(name)
    if morsel is None or isinstance(morsel, _PartitionedMorsel) or not morsel["secure"]:
        return
    partitioned = _PartitionedMorsel()
    partitioned.set(morsel.key, morsel.value, morsel.coded_value)
    partitioned.update(morsel)
    dict.__setitem__(response.cookies, name, partitioned)


class PartitionedCookieMiddleware:
    """Partition every SameSite=None cookie (session and CSRF when LTI is on; none otherwise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, morsel in list(response.cookies.items()):
            if str(morsel["samesite"]).lower() == "none":
                partition(response, name)
        return response


def set_launch_cookie(response: HttpResponse, name: str, value: str, max_age: int) -> None:
    """A cookie for the /lti/ steps of one launch: it must come along on Canvas's cross-site
    form post (SameSite=None), so it is Secure, and Partitioned to keep working in a frame."""
    response.set_cookie(
        name, value, max_age=max_age, path="/lti/", secure=True, httponly=True, samesite="None"
    )
    partition(response, name)


def delete_launch_cookie(response: HttpResponse, name: str) -> None:
    response.delete_cookie(name, path="/lti/", samesite="None")
    partition(response, name)  # a partitioned cookie is only removed by a partitioned deletion
