"""Which of the portal's languages a page is in, and where that choice comes from.

In order (first that names a shipped language wins):
1. the language picked in the footer switch (Django's `set_language` keeps it in the language
   cookie; sign-out deletes it, so it lasts until then);
2. the locale Canvas gave at sign-in (the token answer's `user.effective_locale`,
   docs/canvas-behaviour.md §15.1) or at an LTI launch (`launch_presentation.locale`, §15.3),
   kept in the session; Canvas already weighed the user's setting, the account's default and
   the browser there, so a locale the portal does not ship means English, not a second guess;
3. before sign-in, the browser's `Accept-Language`;
4. English (`LANGUAGE_CODE`).

Canvas spells locales as hyphenated BCP-47 tags with its own capitalisation (`pt-BR`,
`zh-Hans`, `fr-CA`, `da-x-k12`, §15.2); `closest_language` maps any of them to the closest
language the portal ships, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The languages with catalogs in locale/ (settings.LANGUAGES lists them with their own names).
SHIPPED = ("en", "es", "fr", "ar")
DEFAULT = "en"
SESSION_CANVAS_LOCALE = "canvas_locale"
# Canvas's tags are short (§15.2); a longer one is not a locale and is not kept.
MAX_TAG = 35


def closest_language(tag: str | None, shipped: Iterable[str] = SHIPPED) -> str | None:
    """The shipped language closest to a Canvas locale or an Accept-Language tag, else None.

    Only the primary language subtag decides: `es-ES` and `es` are Spanish, `fr-CA` French,
    `ar_SA` (an internal Canvas spelling) Arabic; `pt-BR`, `zh-Hans`, `da-x-k12` are not
    shipped. Case and `_`/`-` do not matter.
    """
    if not isinstance(tag, str) or not 0 < len(tag) <= MAX_TAG:
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in shipped else None


def accept_language_choice(header: str, shipped: Iterable[str] = SHIPPED) -> str | None:
    """The shipped language the browser prefers most (RFC 9110 §12.5.4 quality order)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header[:1000].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if quality > 0:
            ranked.append((-quality, position, tag.strip()))
    shipped = tuple(shipped)
    for _, _, tag in sorted(ranked):
        language = closest_language(tag, shipped)
        if language is not None:
            return language
    return None


def chosen_language(request: HttpRequest) -> str:
    """The language of this request's pages (the order is in the module's docstring)."""
    choice = closest_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if choice is not None:
        return choice
    session = getattr(request, "session", None)
    if session is not None and SESSION_CANVAS_LOCALE in session:
        return closest_language(session.get(SESSION_CANVAS_LOCALE)) or DEFAULT
    return accept_language_choice(request.headers.get("Accept-Language", "")) or DEFAULT


def remember_canvas_locale(request: HttpRequest, canvas_locale: str | None) -> None:
    """Keep the locale Canvas gave (sign-in, LTI launch) and show this response in it too."""
    if canvas_locale is None or len(canvas_locale) > MAX_TAG:
        return
    request.session[SESSION_CANVAS_LOCALE] = canvas_locale
    language = chosen_language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language


class LanguageMiddleware:
    """Put each request in its chosen language (after SessionMiddleware, which it reads).

    The language is active only while this request is handled, so nothing leaks to the next
    request a thread serves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            # A view may have switched language (remember_canvas_locale): say the one served.
            served = translation.get_language() or language
        # The same URL answers in several languages: caches must keep them apart.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", served)
        return response
